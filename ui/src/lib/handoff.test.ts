import { describe, expect, it } from "vitest";
import { clockJumpText, syncText, utcText, zoneText } from "./handoff";
import { localTimeText } from "./countdown";

describe("clockJumpText", () => {
  it("says how far and which way the clock moved", () => {
    expect(clockJumpText(7200)).toBe("2 h 0 min ahead");
    expect(clockJumpText(-95)).toBe("1 min 35 s back");
    expect(clockJumpText(61)).toBe("1 min 1 s ahead");
    expect(clockJumpText(-3725)).toBe("1 h 2 min back");
  });
});

describe("zoneText", () => {
  it("names the perimeter status in words", () => {
    expect(zoneText("Booking", true)).toBe("Booking (inside)");
    expect(zoneText("Court annex", false)).toBe("Court annex (OUTSIDE PERIMETER)");
  });
});

describe("syncText", () => {
  it("counts undelivered events and shows the last sync in local time", () => {
    expect(syncText(0, null, localTimeText)).toBe("All events delivered to ICE; never synced.");
    expect(syncText(1, "2026-11-27T15:04:05-05:00", localTimeText))
      .toBe("1 event not yet delivered to ICE; last successful sync 2026-11-27 15:04:05 -05:00.");
    expect(syncText(3, null, localTimeText)).toBe("3 events not yet delivered to ICE; never synced.");
  });
});

describe("utcText", () => {
  it("spaces out core's UTC text and names the zone once", () => {
    expect(utcText("2026-11-27T20:40:30Z")).toBe("2026-11-27 20:40:30 UTC");
    expect(utcText("not a time")).toBe("not a time");
  });
});
