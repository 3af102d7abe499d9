// Words for a hold's history and the choices the action forms offer, in the
// spec's vocabulary (release reasons from domain.md, fields of `hold correct`).
import type { HoldEvent } from "./api";

export const RELEASE_REASONS: [string, string][] = [
  ["deadline_reached", "48-hour deadline reached"],
  ["detainer_cancelled", "Detainer cancelled"],
  ["warrant_withdrawn", "Warrant withdrawn"],
  ["court_order", "Court order"],
  ["other", "Other (note required)"],
];

export const CORRECTABLE: [string, string][] = [
  ["person.family_name", "Family name"],
  ["person.given_names", "Given names"],
  ["person.date_of_birth", "Date of birth"],
  ["person.booking_number", "Booking number"],
  ["person.a_number", "A-number"],
  ["warrant.form", "Warrant form"],
  ["warrant.number", "Warrant number"],
  ["detainer_number", "Detainer number"],
];

const KINDS: Record<string, string> = {
  "hold.opened": "Hold opened",
  "hold.moved": "Moved",
  "hold.transferred": "Transferred to ICE",
  "hold.released": "Released",
  "hold.corrected": "Corrected",
};

/** One line per event: what happened, then the body's facts in key=value form. */
export function eventSummary(ev: Pick<HoldEvent, "type" | "body">): string {
  const what = KINDS[ev.type] ?? ev.type;
  const facts = Object.entries(ev.body ?? {})
    .filter(([, v]) => v !== null && typeof v !== "object")
    .map(([k, v]) => `${k}=${String(v)}`);
  return facts.length ? `${what}: ${facts.join(", ")}` : what;
}
