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
    expect(boardCountdown(v, 172800)).toBe("48:00");
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
