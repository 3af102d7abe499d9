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

/**
 * Seconds into the wall-clock minute, `elapsed` whole seconds after core's
 * reading at `nowText` (the board's `now`, UTC). Every row's minutes turn
 * at this clock's minute, so the whole board changes once a minute.
 */
export function minutePhase(nowText: string, elapsed: number): number {
  const secs = Math.floor(Date.parse(nowText) / 1000);
  return Number.isFinite(secs) ? (((secs + elapsed) % 60) + 60) % 60 : 0;
}

/**
 * Whole minutes to show for `seconds` left (negative: past the deadline),
 * `phase` seconds into the current minute. The value changes only when the
 * minute turns, the same instant for every row, and never shows more time
 * left than there is: it is what will still be left at the end of this
 * minute (so up to a minute less than the exact figure).
 */
export function shownMinutes(seconds: number, phase: number): number {
  const s = Math.trunc(seconds);
  if (s >= 0) return Math.max(0, Math.floor((s + phase - 59) / 60));
  return -Math.max(0, Math.floor((-s - phase) / 60));
}

function hhmm(minutes: number): string {
  const sign = minutes < 0 ? "-" : "";
  const m = Math.abs(minutes);
  return `${sign}${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
}

/** The board's countdown: seconds in the last hour, `hh:mm` elsewhere (see `shownMinutes`). */
export function boardCountdown(v: Vocabulary, seconds: number, phase = 0): string {
  if (secondsMatter(v, seconds)) return formatCountdown(seconds);
  const m = shownMinutes(seconds, phase);
  // Past the deadline by less than a minute still reads as past.
  return m === 0 && seconds < 0 ? "-00:00" : hhmm(m);
}

/** The board's time held under IGSA terms (no deadline): `3d 04:12`, minutes only, turning with the minute. */
export function boardHeld(seconds: number, phase = 0): string {
  const m = Math.max(0, Math.floor((Math.trunc(seconds) - phase) / 60));
  const days = Math.floor(m / 1440);
  const rest = hhmm(m - days * 1440);
  return days > 0 ? `${days}d ${rest}` : rest;
}

/**
 * Whole seconds until anything on the board changes, given each countdown's
 * seconds left now: the next second while one shows seconds (or is about
 * to), else the next turn of the minute or the next of core's urgency edges
 * a hold reaches (where the board asks core again), whichever comes first.
 */
export function secondsToNextChange(v: Vocabulary, remaining: number[], phase: number): number {
  let k = 60 - phase;
  const edges = urgencyEdges(v);
  for (const r of remaining) {
    if (secondsMatter(v, r) || secondsMatter(v, r - 1)) return 1;
    for (const e of edges) if (r > e) k = Math.min(k, r - e);
  }
  return Math.max(1, k);
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
