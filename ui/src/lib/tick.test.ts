import { describe, expect, it } from "vitest";
import { onVisibility, secondTicker, TICK_SLACK_MS, untilNextSecond, type TickClock } from "./tick";

/** A clock the test moves by hand: timers fire only when `advance` passes them. */
function manualClock(start = 0) {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock: TickClock = {
    now: () => now,
    setTimeout: (fn, ms) => { const id = nextId++; timers.set(id, { at: now + ms, fn }); return id; },
    clearTimeout: (id) => { timers.delete(id); },
  };
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      const due = [...timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      now = due[1].at;
      due[1].fn();
    }
    now = until;
  };
  return { clock, advance, pending: () => timers.size };
}

describe("untilNextSecond", () => {
  it("waits for the next whole second counted from the fetch, a little past it", () => {
    expect(untilNextSecond(1000, 1000)).toBe(1000 + TICK_SLACK_MS);
    expect(untilNextSecond(1000, 1250)).toBe(750 + TICK_SLACK_MS);
    expect(untilNextSecond(1000, 2999)).toBe(1 + TICK_SLACK_MS);
  });
  it("before the base, waits for the base's first whole second", () => {
    expect(untilNextSecond(1000, 900)).toBe(1100 + TICK_SLACK_MS);
  });
});

describe("secondTicker", () => {
  it("ticks once per second, each tick just after a whole second from the base", () => {
    const { clock, advance } = manualClock(0);
    const ticks: number[] = [];
    const t = secondTicker(() => 300, (now) => ticks.push(now), clock);
    t.start();
    advance(3000);
    expect(ticks).toEqual([1300 + TICK_SLACK_MS, 2300 + TICK_SLACK_MS]);
    // Every tick counts a new whole second since the base: never two in one second.
    expect(ticks.map((n) => Math.floor((n - 300) / 1000))).toEqual([1, 2]);
  });
  it("follows a new base after a re-fetch", () => {
    const { clock, advance } = manualClock(0);
    let base = 0;
    const ticks: number[] = [];
    const t = secondTicker(() => base, (now) => ticks.push(now), clock);
    t.start();
    advance(1100);
    base = 1500; // fetched again at 1.5 s
    advance(1500);
    expect(ticks).toEqual([1000 + TICK_SLACK_MS, 2000 + TICK_SLACK_MS, 2500 + TICK_SLACK_MS]);
  });
  it("stops entirely: no timer is left behind, and start resumes it once", () => {
    const { clock, advance, pending } = manualClock(0);
    let n = 0;
    const t = secondTicker(() => 0, () => n++, clock);
    t.start();
    t.start();
    expect(pending()).toBe(1);
    advance(2500);
    t.stop();
    expect(pending()).toBe(0);
    expect(t.running()).toBe(false);
    advance(10_000);
    expect(n).toBe(2);
    t.start();
    advance(1000);
    expect(n).toBe(3);
  });
  it("may be stopped from inside its own tick", () => {
    const { clock, advance, pending } = manualClock(0);
    let n = 0;
    const t = secondTicker(() => 0, () => { n++; t.stop(); }, clock);
    t.start();
    advance(5000);
    expect(n).toBe(1);
    expect(pending()).toBe(0);
  });
});

describe("secondTicker, with nothing to change for a while", () => {
  it("sleeps whole seconds ahead, still just past a second from the base", () => {
    const { clock, advance } = manualClock(0);
    const ticks: number[] = [];
    const t = secondTicker(() => 0, (now) => ticks.push(now), clock, () => 45);
    t.start();
    advance(100_000);
    expect(ticks).toEqual([45_000 + TICK_SLACK_MS, 90_000 + TICK_SLACK_MS]);
  });
});

describe("onVisibility", () => {
  it("reports the state now and on every change, until stopped", () => {
    const listeners = new Set<() => void>();
    const doc = {
      visibilityState: "visible" as DocumentVisibilityState,
      addEventListener: (_: string, f: () => void) => listeners.add(f),
      removeEventListener: (_: string, f: () => void) => listeners.delete(f),
    } as unknown as Pick<Document, "visibilityState" | "addEventListener" | "removeEventListener">;
    const seen: boolean[] = [];
    const off = onVisibility(doc, (v) => seen.push(v));
    (doc as { visibilityState: string }).visibilityState = "hidden";
    listeners.forEach((f) => f());
    (doc as { visibilityState: string }).visibilityState = "visible";
    listeners.forEach((f) => f());
    off();
    expect(listeners.size).toBe(0);
    expect(seen).toEqual([true, false, true]);
  });
});
