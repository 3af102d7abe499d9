// Countdown arithmetic for the board. The backend computes remaining_seconds
// at a `now` it reports; the UI only subtracts the time elapsed since it
// received them, measured on the monotonic clock (performance.now()), so a
// wall-clock jump on the workstation cannot move a deadline.
import type { ActionRequired, Hold, Urgency } from "./api";
import { labelOf, urgencyEdges, type Vocabulary } from "./vocabulary";

/** `hh:mm:ss`, hours unbounded (a 48-hour hold shows 47:59:59); past zero `-hh:mm:ss`. */
export function formatCountdown(seconds: number): string {
  const sign = seconds < 0 ? "-" : "";
  let s = Math.abs(Math.trunc(seconds));
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${sign}${pad(h)}:${pad(m)}:${pad(s)}`;
}

/**
 * Whether a countdown shows its seconds: only while the hold is in core's
 * "urgent" band (its last hour before the deadline, from core's vocabulary),
 * where a second can matter. Elsewhere the board shows minutes, so its text
 * changes once a minute per row instead of once a second (issue 14).
 */
export function secondsMatter(v: Vocabulary, seconds: number): boolean {
  const edge = (value: Urgency) => v.urgencies.find((u) => u.value === value)?.from_remaining_seconds;
  // An urgency the vocabulary does not know keeps the seconds: more detail, never less.
  const urgent = edge("urgent") ?? Infinity;
  const overdue = edge("overdue") ?? -Infinity;
  return seconds <= urgent && seconds > overdue;
}

/** `hh:mm` (truncated toward zero, so 44:59:59 left shows 44:59), `-hh:mm` past zero. */
export function formatMinutes(seconds: number): string {
  const sign = seconds < 0 ? "-" : "";
  const m = Math.floor(Math.abs(Math.trunc(seconds)) / 60);
  return `${sign}${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
}

/** The board's countdown: seconds in the last hour, minutes elsewhere. */
export function boardCountdown(v: Vocabulary, seconds: number): string {
  return secondsMatter(v, seconds) ? formatCountdown(seconds) : formatMinutes(seconds);
}

/** The board's time held under IGSA terms (no deadline): `3d 04:12`, minutes only. */
export function boardHeld(seconds: number): string {
  const s = Math.max(0, Math.trunc(seconds));
  const days = Math.floor(s / 86400);
  const rest = formatMinutes(s - days * 86400);
  return days > 0 ? `${days}d ${rest}` : rest;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Whole seconds elapsed between two monotonic readings (milliseconds). */
export function elapsedSeconds(baseMs: number, nowMs: number): number {
  return Math.max(0, Math.floor((nowMs - baseMs) / 1000));
}

/** Remaining seconds now, from what the backend said at fetch time. */
export function remainingNow(remainingAtFetch: number, elapsed: number): number {
  return remainingAtFetch - elapsed;
}

/**
 * Did the countdown cross a threshold between two readings? Then the
 * urgency shown (which only the backend decides) is stale: fetch again.
 */
export function crossedThreshold(v: Vocabulary, before: number, after: number): boolean {
  return urgencyEdges(v).some((t) => before > t && after <= t);
}

/** `2026-11-29T09:03:17-05:00` -> `2026-11-29 09:03:17 -05:00`: easier to read, same facts. */
export function localTimeText(rfc3339: string | null): string {
  if (!rfc3339) return "-";
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(Z|[+-]\d{2}:\d{2})$/.exec(rfc3339);
  if (!m) return rfc3339;
  return `${m[1]} ${m[2]} ${m[3] === "Z" ? "+00:00" : m[3]}`;
}

/**
 * The words shown next to the urgency colour (colour is never the only
 * signal): what core requires first, else the urgency, else the authority
 * (an IGSA hold has no countdown). All of them core's labels.
 */
export function urgencyText(
  v: Vocabulary, hold: Pick<Hold, "urgency" | "action_required" | "authority">,
): string {
  // Release says it all; any other duty comes first, then how near the deadline is.
  if (hold.action_required === "release") return labelOf(v.action_required, "release");
  const where = hold.urgency !== null ? labelOf(v.urgencies, hold.urgency) : labelOf(v.authorities, hold.authority);
  return hold.action_required !== null ? `${labelOf(v.action_required, hold.action_required)} · ${where}` : where;
}

/** CSS class for a row: from the backend's urgency, release-required overriding. */
export function urgencyClass(hold: Pick<Hold, "urgency" | "action_required" | "authority">): string {
  if (hold.action_required === "release") return "u-release";
  // Duties that cannot wait (report a claim, notify ICE): urgent colour, words say which.
  if (hold.action_required === "report_claim" || hold.action_required === "notify_ice") return "u-urgent";
  if (hold.authority === "igsa" || hold.urgency === null) return "u-igsa";
  return `u-${hold.urgency}`;
}
