import { describe, expect, it } from "vitest";
import { bookedElsewhereText, facilityBehind, standingFlags } from "./facility";
import { vocabulary as v } from "./test-vocabulary";
import type { Freshness } from "./generated/Freshness";
import type { OtherDesk } from "./generated/OtherDesk";

const desk = (over: Partial<OtherDesk>): OtherDesk => ({
  desk_id: "booking-desk-2", last_heard_at: "2026-12-01T21:00:00Z", last_heard_local: "2026-12-01T16:00:00-05:00",
  events: 4, stale: false, problem: null, line: "Desk booking-desk-2: last heard from 2026-12-01T16:00:00-05:00", ...over,
});
const fresh = (desks: OtherDesk[]): Freshness => ({
  feed_read_at: null, feed_read_local: null, desks, summary: "Facility view", stale_after_minutes: 15,
});

describe("facilityBehind", () => {
  it("stands out for a stale desk or one whose events stopped, not otherwise", () => {
    expect(facilityBehind(fresh([]))).toBe(false);
    expect(facilityBehind(fresh([desk({})]))).toBe(false);
    expect(facilityBehind(fresh([desk({}), desk({ desk_id: "d3", stale: true })]))).toBe(true);
    expect(facilityBehind(fresh([desk({ problem: "stopped at its event 3: a break" })]))).toBe(true);
  });
});

describe("bookedElsewhereText", () => {
  it("names the other desk in core's words and says nothing for this desk's own holds", () => {
    expect(bookedElsewhereText(v, { booked_at_desk: "booking-desk-2" }, "booking-desk-1"))
      .toBe(`${v.facility.booked_at_desk} booking-desk-2`);
    expect(bookedElsewhereText(v, { booked_at_desk: "booking-desk-1" }, "booking-desk-1")).toBeNull();
  });
});

describe("standingFlags", () => {
  const conflict = { desk_id: "booking-desk-2", type: "hold.transferred", occurred_at: "2026-12-01T21:00:00Z", detail: "" };
  it("flags conflicts and possible duplicates with core's words", () => {
    expect(standingFlags(v, { conflicts: [], possible_duplicate_of: [] })).toEqual([]);
    expect(standingFlags(v, { conflicts: [conflict], possible_duplicate_of: ["h2"] }).map((f) => f.text))
      .toEqual([v.facility.conflict, v.facility.possible_duplicate]);
    expect(standingFlags(v, { conflicts: [], possible_duplicate_of: ["h2"] })).toEqual([
      { kind: "duplicate", text: "POSSIBLE DUPLICATE" },
    ]);
  });
});
