import { describe, expect, it } from "vitest";
import { eventSummary } from "./history";
import { vocabulary as v } from "./test-vocabulary";

describe("eventSummary", () => {
  it("names an event in core's words, then its recorded facts", () => {
    expect(eventSummary(v, { type: "hold.moved", body: { zone_id: "medical", at: "2026-11-27T10:00:00Z" } }))
      .toBe("Moved: zone_id=medical, at=2026-11-27T10:00:00Z");
  });
  it("names a supervisor's void in core's words, with the hold kept", () => {
    expect(eventSummary(v, { type: "hold.voided", body: { reason: "duplicate_booking", kept_hold_id: "h-1", note: "first" } }))
      .toBe("Voided as a duplicate booking: reason=duplicate_booking, kept_hold_id=h-1, note=first");
  });
  it("shows an event type core has no words for as itself, never as nothing", () => {
    expect(eventSummary(v, { type: "hold.future_kind", body: {} })).toBe("hold.future_kind");
  });
});
