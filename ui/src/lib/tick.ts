// The board's one clock: a single timer that fires just after the whole
// second counted from the board's fetch at which its text next changes,
// with no requestAnimationFrame and no interval drifting against the text.
// It stops while the window is hidden or minimised (WebKitGTK reports an
// iconified window as document.visibilityState "hidden"), so an unseen board
// costs nothing; when it shows again the caller re-asks core.

/** What the ticker reads and schedules with; tests pass their own. */
export interface TickClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): number;
  clearTimeout(id: number): void;
}

export const browserClock: TickClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => window.setTimeout(fn, ms),
  clearTimeout: (id) => window.clearTimeout(id),
};

/** A little past the boundary, so the whole second has surely elapsed when the timer fires. */
export const TICK_SLACK_MS = 5;

/** Milliseconds from `nowMs` until the next whole second counted from `baseMs`. */
export function untilNextSecond(baseMs: number, nowMs: number): number {
  // Before the base, elapsed time counts as zero (countdown.elapsedSeconds): the first change is at base + 1 s.
  if (nowMs < baseMs) return baseMs + 1000 - nowMs + TICK_SLACK_MS;
  return 1000 - ((nowMs - baseMs) % 1000) + TICK_SLACK_MS;
}

export interface Ticker {
  /** Start ticking; does nothing when already running. */
  start(): void;
  stop(): void;
  running(): boolean;
}

/**
 * Calls `onTick(nowMs)` just after a whole second counted from `base()` (the
 * board's fetch time, which moves on a re-fetch): the next one, or, when
 * `ahead()` says nothing changes sooner, that many whole seconds on (a board
 * showing only minutes wakes once a minute).
 */
export function secondTicker(base: () => number, onTick: (nowMs: number) => void, clock: TickClock = browserClock,
  ahead: () => number = () => 1): Ticker {
  let timer: number | null = null;
  const schedule = () => {
    timer = clock.setTimeout(() => {
      timer = null;
      onTick(clock.now());
      // onTick may have stopped (or restarted) the ticker.
      if (timer === null && running) schedule();
    }, untilNextSecond(base(), clock.now()) + (Math.max(1, Math.floor(ahead())) - 1) * 1000);
  };
  let running = false;
  return {
    start() {
      if (running) return;
      running = true;
      schedule();
    },
    stop() {
      running = false;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
    },
    running: () => running,
  };
}

/**
 * Runs `shown(true)` now if the page is visible, then on every change of
 * visibility. Returns the function that stops listening.
 */
export function onVisibility(doc: Pick<Document, "visibilityState" | "addEventListener" | "removeEventListener">,
  shown: (visible: boolean) => void): () => void {
  const changed = () => shown(doc.visibilityState === "visible");
  doc.addEventListener("visibilitychange", changed);
  changed();
  return () => doc.removeEventListener("visibilitychange", changed);
}
