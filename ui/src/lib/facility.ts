// The facility view on screen (several desks, sync-protocol.md v1.1): what is
// stale, a conflict or a possible duplicate is core's; these only pick core's
// words for a row and say whether the freshness line must stand out.
import type { Freshness } from "./generated/Freshness";
import type { HoldSummary } from "./generated/HoldSummary";
import type { Vocabulary } from "./vocabulary";

/** A desk not heard from for too long, or one whose events stopped applying. */
export function facilityBehind(f: Freshness): boolean {
  return f.desks.some((d) => d.stale || d.problem !== null);
}

/** "Booked at desk booking-desk-2" for a hold booked elsewhere; null for this desk's own. */
export function bookedElsewhereText(
  v: Vocabulary, h: Pick<HoldSummary, "booked_at_desk">, thisDesk: string,
): string | null {
  return h.booked_at_desk && h.booked_at_desk !== thisDesk ? `${v.facility.booked_at_desk} ${h.booked_at_desk}` : null;
}

/** The flags a supervisor must see on a row: CONFLICT, POSSIBLE DUPLICATE. */
export function standingFlags(
  v: Vocabulary, h: Pick<HoldSummary, "conflicts" | "possible_duplicate_of">,
): { kind: "conflict" | "duplicate"; text: string }[] {
  const flags: { kind: "conflict" | "duplicate"; text: string }[] = [];
  if (h.conflicts.length > 0) flags.push({ kind: "conflict", text: v.facility.conflict });
  if (h.possible_duplicate_of.length > 0) flags.push({ kind: "duplicate", text: v.facility.possible_duplicate });
  return flags;
}
