import { describe, expect, it } from "vitest";
import type { ActionRequired, Authority, Urgency } from "./api";
import {
  crossedThreshold, elapsedSeconds, formatCountdown, localTimeText,
  remainingNow, urgencyClass, urgencyText,
} from "./countdown";
import { vocabulary as v } from "./test-vocabulary";

describe("formatCountdown", () => {
  it("pads to hh:mm:ss and lets hours exceed 24 (a fresh hold shows 48:00:00)", () => {
    expect(formatCountdown(172800)).toBe("48:00:00");
    expect(formatCountdown(3661)).toBe("01:01:01");
    expect(formatCountdown(59)).toBe("00:00:59");
  });
  it("shows time past the deadline with a minus sign, never as a positive count", () => {
    expect(formatCountdown(-1)).toBe("-00:00:01");
    expect(formatCountdown(-3725)).toBe("-01:02:05");
  });
  it("shows zero as zero", () => {
    expect(formatCountdown(0)).toBe("00:00:00");
  });
});

describe("tick-down", () => {
  it("counts whole seconds of monotonic time since the fetch", () => {
    expect(elapsedSeconds(1000, 1999)).toBe(0);
    expect(elapsedSeconds(1000, 2000)).toBe(1);
    // Hours minimized: the monotonic clock still advanced, so the count is right.
    expect(elapsedSeconds(0, 5 * 3600 * 1000 + 500)).toBe(18000);
  });
  it("never counts backwards if readings arrive out of order", () => {
    expect(elapsedSeconds(5000, 4000)).toBe(0);
  });
  it("subtracts elapsed time from what the backend reported", () => {
    expect(remainingNow(3600, 61)).toBe(3539);
    expect(remainingNow(10, 15)).toBe(-5);
  });
});

describe("crossedThreshold", () => {
  it("fires when a countdown reaches 4 h, 1 h or zero, so urgency is re-read from the backend", () => {
    expect(crossedThreshold(v, 4 * 3600 + 1, 4 * 3600)).toBe(true);
    expect(crossedThreshold(v, 3601, 3599)).toBe(true);
    expect(crossedThreshold(v, 1, 0)).toBe(true);
    expect(crossedThreshold(v, 12 * 3600 + 5, 12 * 3600 - 5)).toBe(true);
  });
  it("stays quiet between thresholds and after zero", () => {
    expect(crossedThreshold(v, 5000, 4999)).toBe(false);
    expect(crossedThreshold(v, 0, -1)).toBe(false);
    expect(crossedThreshold(v, -10, -11)).toBe(false);
  });
});

describe("localTimeText", () => {
  it("keeps date, time and offset, only spacing them out", () => {
    expect(localTimeText("2026-11-29T09:03:17-05:00")).toBe("2026-11-29 09:03:17 -05:00");
    expect(localTimeText("2026-07-01T12:00:00Z")).toBe("2026-07-01 12:00:00 +00:00");
  });
  it("shows a dash for no deadline and passes unknown shapes through unchanged", () => {
    expect(localTimeText(null)).toBe("-");
    expect(localTimeText("soon")).toBe("soon");
  });
});

describe("urgency display", () => {
  const h = (urgency: Urgency | null, action_required: ActionRequired | null, authority: Authority = "wso_48h") =>
    ({ urgency, action_required, authority });
  it("says RELEASE REQUIRED whenever core requires release, whatever the countdown", () => {
    expect(urgencyText(v, h("normal", "release"))).toBe("RELEASE REQUIRED");
    expect(urgencyClass({ urgency: "normal", action_required: "release", authority: "wso_48h" })).toBe("u-release");
  });
  it("gives every urgency its own words, so colour is never the only signal", () => {
    const words = (["normal", "notice", "warning", "urgent", "overdue"] as const).map((u) => urgencyText(v, h(u, null)));
    expect(new Set(words).size).toBe(5);
  });
  it("uses the words the handoff sheet prints (core's one label), not a copy", () => {
    expect(urgencyText(v, h("warning", null))).toBe("WARNING <4 h");
    expect(urgencyText(v, h("normal", null))).toBe("On time");
  });
  it("puts a duty other than release first, and still says how near the deadline is", () => {
    expect(urgencyText(v, h("normal", "report_claim"))).toBe("REPORT CLAIM · On time");
  });
  it("marks IGSA holds, which have no deadline", () => {
    expect(urgencyText(v, h(null, null, "igsa"))).toBe("IGSA");
    expect(urgencyClass({ urgency: null, action_required: null, authority: "igsa" })).toBe("u-igsa");
  });
});

describe("the board's countdown", () => {
  it("shows seconds only in the last hour before the deadline (core's urgent band)", async () => {
    const { boardCountdown, secondsMatter } = await import("./countdown");
    expect(boardCountdown(v, 3600)).toBe("01:00:00");
    expect(boardCountdown(v, 3599)).toBe("00:59:59");
    expect(boardCountdown(v, 1)).toBe("00:00:01");
    expect(secondsMatter(v, 3601)).toBe(false);
    // Elsewhere minutes, truncated: 44:59:59 left reads 44:59, never 45:00.
    expect(boardCountdown(v, 44 * 3600 + 59 * 60 + 59)).toBe("44:59");
    // 59 s into the minute, 48:00:00 left: 48:00 still stands at the end of this minute.
    expect(boardCountdown(v, 172800, 59)).toBe("48:00");
    expect(boardCountdown(v, 172800, 0)).toBe("47:59");
  });
  it("past the deadline counts minutes with a minus sign", async () => {
    const { boardCountdown } = await import("./countdown");
    expect(boardCountdown(v, 0)).toBe("00:00");
    expect(boardCountdown(v, -59)).toBe("-00:00");
    expect(boardCountdown(v, -3725)).toBe("-01:02");
  });
  it("the band's edges are core's, not the UI's: other edges move it", async () => {
    const { secondsMatter } = await import("./countdown");
    const moved = { ...v, urgencies: v.urgencies.map((u) => (u.value === "urgent" ? { ...u, from_remaining_seconds: 600 } : u)) };
    expect(secondsMatter(moved, 601)).toBe(false);
    expect(secondsMatter(moved, 600)).toBe(true);
  });
  it("IGSA time held shows days, hours and minutes", async () => {
    const { boardHeld } = await import("./countdown");
    expect(boardHeld(3 * 86400 + 4 * 3600 + 12 * 60 + 9)).toBe("3d 04:12");
    expect(boardHeld(59)).toBe("00:00");
  });
});

describe("minutes that turn together", () => {
  it("never shows more time than is left, and is at most two minutes under", async () => {
    const { shownMinutes } = await import("./countdown");
    for (let phase = 0; phase < 60; phase++) {
      for (const r of [3601, 7199, 7200, 7260, 14_399, 161_999, 172_800]) {
        const m = shownMinutes(r, phase);
        expect(m * 60).toBeLessThanOrEqual(r);
        expect(r - m * 60).toBeLessThan(120);
      }
    }
  });
  it("changes only when the wall-clock minute turns, for every row at once", async () => {
    const { shownMinutes } = await import("./countdown");
    // Two holds whose deadlines are 17 s apart: as the seconds pass, both
    // texts change at the same second (phase 0), never in between.
    const changes = new Set<number>();
    for (const start of [10_000, 10_017]) {
      let last = shownMinutes(start, 0);
      for (let t = 1; t <= 180; t++) {
        const m = shownMinutes(start - t, t % 60);
        if (m !== last) changes.add(t % 60);
        last = m;
      }
    }
    expect([...changes]).toEqual([0]);
  });
  it("past the deadline counts the minutes past the same way", async () => {
    const { boardCountdown, shownMinutes } = await import("./countdown");
    expect(shownMinutes(-3725, 5)).toBe(-62);
    expect(shownMinutes(-3725, 6)).toBe(-61);
    expect(boardCountdown(v, -30, 40)).toBe("-00:00");
  });
  it("reads the minute's phase from core's reading", async () => {
    const { minutePhase } = await import("./countdown");
    expect(minutePhase("2026-12-01T23:10:42Z", 0)).toBe(42);
    expect(minutePhase("2026-12-01T23:10:42Z", 20)).toBe(2);
    expect(minutePhase("not a time", 5)).toBe(0);
  });
});

describe("secondsToNextChange", () => {
  it("a board of minutes wakes at the turn of the minute", async () => {
    const { secondsToNextChange } = await import("./countdown");
    expect(secondsToNextChange(v, [100_000, 90_010], 15)).toBe(45);
    expect(secondsToNextChange(v, [], 0)).toBe(60);
  });
  it("wakes at the second a hold reaches one of core's edges, to ask core again", async () => {
    const { secondsToNextChange } = await import("./countdown");
    // 4 h + 7 s left: the warning edge is 7 s away, sooner than the minute.
    expect(secondsToNextChange(v, [14_407], 10)).toBe(7);
  });
  it("ticks every second while a countdown shows seconds, or is about to", async () => {
    const { secondsToNextChange } = await import("./countdown");
    expect(secondsToNextChange(v, [100_000, 1800], 15)).toBe(1);
    expect(secondsToNextChange(v, [3601], 15)).toBe(1);
  });
});
