import { describe, expect, it } from "vitest";
import type { Hold } from "./api";
import { anyCrossed, releaseCount } from "./refresh";
import { vocabulary as v } from "./test-vocabulary";

function hold(remaining: number | null, action: Hold["action_required"] = null): Pick<Hold, "remaining_seconds" | "action_required"> {
  return { remaining_seconds: remaining, action_required: action };
}

describe("anyCrossed", () => {
  it("asks for a re-fetch the second a hold reaches the 1-hour mark", () => {
    // Fetched with 3602 s left; at +1 s it is 3601, at +2 s it is 3600 (= 1 h): urgent now.
    expect(anyCrossed(v, [hold(3602)], 0, 1000, 1500)).toBe(false);
    expect(anyCrossed(v, [hold(3602)], 0, 1500, 2000)).toBe(true);
  });
  it("catches a crossing skipped over while the window was asleep", () => {
    expect(anyCrossed(v, [hold(100)], 0, 1000, 600_000)).toBe(true);
  });
  it("ignores IGSA holds, which have no countdown", () => {
    expect(anyCrossed(v, [hold(null)], 0, 0, 10_000_000)).toBe(false);
  });
});

describe("releaseCount", () => {
  it("counts holds core marked for release, whatever their urgency", () => {
    expect(releaseCount([hold(100, "release"), hold(-5, "release"), hold(9000)])).toBe(2);
  });
});
