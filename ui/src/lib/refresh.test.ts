import { describe, expect, it } from "vitest";
import type { Hold } from "./api";
import { anyCrossed, pollDue, releaseCount } from "./refresh";
import { vocabulary as v } from "./test-vocabulary";

function hold(remaining: number | null, action: Hold["action_required"] = null): Hold {
  return {
    hold_id: `h${remaining}`, status: "open", family_name: "A", given_names: "B", date_of_birth: "1990-01-01",
    booking_number: "B1", a_number: null, warrant_form: "I-200", warrant_number: "W1", detainer_number: null,
    officer_credential: "C", zone_id: "booking", zone_name: "Booking", inside_perimeter: true,
    authority: remaining === null ? "igsa" : "wso_48h", served_at: "", served_at_local: "",
    deadline_at: null, deadline_local: null, remaining_seconds: remaining,
    urgency: remaining === null ? null : "normal", action_required: action, ice_release_kind: null,
    pickup_at: null, pickup_after_deadline: false, held_seconds: 0, closed_at: null, closed_at_local: null,
    release_reason: null, release_note: null, ice_officer: null, custody_assumed_by: null, location: null,
  };
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

describe("pollDue", () => {
  it("polls every 30 s of monotonic time", () => {
    expect(pollDue(1000, 30_999)).toBe(false);
    expect(pollDue(1000, 31_000)).toBe(true);
  });
});

describe("releaseCount", () => {
  it("counts holds core marked for release, whatever their urgency", () => {
    expect(releaseCount([hold(100, "release"), hold(-5, "release"), hold(9000)])).toBe(2);
  });
});
