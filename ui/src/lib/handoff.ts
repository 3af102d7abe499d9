// Words for the handoff screen and the clock warning. Every fact (order,
// remaining time, status, due-next-shift) comes from core; these only turn
// numbers and flags into the words a supervisor reads.

/** `+7200` -> `2 h 0 min ahead`; `-95` -> `1 min 35 s back`. */
export function clockJumpText(jumpSeconds: number): string {
  const direction = jumpSeconds >= 0 ? "ahead" : "back";
  let s = Math.abs(Math.trunc(jumpSeconds));
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const size = h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s} s` : `${s} s`;
  return `${size} ${direction}`;
}

/** `2026-11-27T20:40:30Z` -> `2026-11-27 20:40:30 UTC`. */
export function utcText(utc: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})Z$/.exec(utc);
  return m ? `${m[1]} ${m[2]} UTC` : utc;
}

/** Zone with its perimeter mark, in words (never colour alone). */
export function zoneText(zoneName: string, insidePerimeter: boolean): string {
  return insidePerimeter ? `${zoneName} (inside)` : `${zoneName} (OUTSIDE PERIMETER)`;
}

/** Sync line of the sheet. */
export function syncText(undelivered: number, lastSuccessLocal: string | null, local: (t: string | null) => string): string {
  const waiting = undelivered === 0
    ? "All events delivered to ICE"
    : `${undelivered} event${undelivered === 1 ? "" : "s"} not yet delivered to ICE`;
  const last = lastSuccessLocal ? `last successful sync ${local(lastSuccessLocal)}` : "never synced";
  return `${waiting}; ${last}.`;
}
