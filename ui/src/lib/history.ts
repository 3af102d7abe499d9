// Words for a hold's history: what each event type is called comes from
// core's vocabulary; the body's facts are shown as they were recorded.
import type { HoldEvent } from "./api";
import { labelOf, type Vocabulary } from "./vocabulary";

/** One line per event: what happened, then the body's facts in key=value form. */
export function eventSummary(v: Vocabulary, ev: Pick<HoldEvent, "type" | "body">): string {
  const what = labelOf(v.event_types, ev.type);
  const facts = Object.entries(ev.body ?? {})
    .filter(([, v]) => v !== null && typeof v !== "object")
    .map(([k, v]) => `${k}=${String(v)}`);
  return facts.length ? `${what}: ${facts.join(", ")}` : what;
}
