// When the board must be fetched again from the backend. The urgency and the
// RELEASE REQUIRED mark are decided in Rust; the UI re-asks rather than guess.
// Changes to the desk arrive as events from the shell (lib/changes.ts); the
// only time-driven re-fetch left is a countdown crossing core's threshold.
import type { Hold } from "./api";
import { crossedThreshold, elapsedSeconds, remainingNow } from "./countdown";
import type { Vocabulary } from "./vocabulary";

/** Any open hold whose countdown crossed a threshold between two ticks. */
export function anyCrossed(
  v: Vocabulary, holds: Pick<Hold, "remaining_seconds">[], fetchedAtMs: number, prevMs: number, nowMs: number,
): boolean {
  const before = elapsedSeconds(fetchedAtMs, prevMs);
  const after = elapsedSeconds(fetchedAtMs, nowMs);
  if (after === before) return false;
  return holds.some(
    (h) =>
      h.remaining_seconds !== null &&
      crossedThreshold(v, remainingNow(h.remaining_seconds, before), remainingNow(h.remaining_seconds, after)),
  );
}

/** How many holds need release now (the board's headline); order is core's. */
export function releaseCount(holds: Pick<Hold, "action_required">[]): number {
  return holds.filter((h) => h.action_required === "release").length;
}
