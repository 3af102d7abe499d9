// The board's windowed list: of a long board only the rows the screen can
// show (plus a margin) are in the page, so a board of 500 holds costs the
// DOM of a few dozen rows (issue 14: memory and repaint). Rows core marks
// RELEASE REQUIRED are never windowed out: they are always in the page, and
// first (core already orders them first). Spacers above and below the
// rendered rows keep the scroll bar and the scroll position honest.
// The handoff sheet and the oversight report are separate screens and still
// carry every hold.

/** Which of the windowed rows (those after the pinned ones) are in the page. */
export interface RowWindow {
  /** Index of the first rendered row. */
  first: number;
  /** One past the last rendered row. */
  end: number;
  /** Spacer heights, px, standing in for the rows not rendered. */
  before: number;
  after: number;
}

/** Rows rendered beyond each edge of the screen, and the step the window moves by. */
export const MARGIN_ROWS = 10;
/** A row's height until one has been measured (a one-line board row is ~35 px). */
export const GUESS_ROW_PX = 35;

/**
 * The rows to render. `topPx`: where row 0 of the windowed rows starts,
 * relative to the top of the screen (negative once scrolled past it);
 * `viewPx`: the screen's height; `rowPx`: a row's (average) height.
 * The window moves in steps of `margin` rows, so scrolling within a step
 * changes nothing in the page.
 */
export function rowWindow(count: number, topPx: number, viewPx: number, rowPx: number, margin = MARGIN_ROWS): RowWindow {
  const h = rowPx > 0 ? rowPx : GUESS_ROW_PX;
  const firstSeen = Math.floor(-topPx / h);
  const lastSeen = Math.ceil((viewPx - topPx) / h);
  const step = Math.max(1, margin);
  const first = clamp(Math.floor((firstSeen - margin) / step) * step, 0, count);
  const end = clamp(Math.ceil((lastSeen + margin) / step) * step, first, count);
  return { first, end, before: first * h, after: (count - end) * h };
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}

/** Splits `rows` (in core's order) into those always rendered and those windowed. */
export function pinFirst<T>(rows: T[], pinned: (row: T) => boolean): { pinned: T[]; rest: T[] } {
  const out = { pinned: [] as T[], rest: [] as T[] };
  for (const r of rows) (pinned(r) ? out.pinned : out.rest).push(r);
  return out;
}

/** Two windows render the same rows: nothing to change in the page. */
export function sameWindow(a: RowWindow, b: RowWindow): boolean {
  return a.first === b.first && a.end === b.end && Math.abs(a.before - b.before) < 1 && Math.abs(a.after - b.after) < 1;
}
