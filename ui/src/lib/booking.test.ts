import { describe, expect, it } from "vitest";
import { coordinateError, emptyDraft, LABELS, toNewHold, wallClockMinutes } from "./booking";

describe("booking form data", () => {
  it("uses the spec's words for every label", () => {
    expect(Object.values(LABELS)).toEqual(expect.arrayContaining([
      "Family name", "Given names", "Date of birth", "Booking number", "A-number", "Warrant form",
      "Warrant number", "Detainer number", "Serving officer", "Served at", "Zone",
    ]));
  });
  it("sends blank optional fields as null, not empty strings the backend would refuse", () => {
    const h = toNewHold({ ...emptyDraft("2026-11-27T09:03"), a_number: "  ", lat: "", lon: "" });
    expect(h.a_number).toBeNull();
    expect(h.detainer_number).toBeNull();
    expect(h.lat).toBeNull();
  });
  it("sends coordinates as numbers", () => {
    const h = toNewHold({ ...emptyDraft(""), lat: "27.8975", lon: "-82.745" });
    expect(h.lat).toBe(27.8975);
    expect(h.lon).toBe(-82.745);
  });
  it("names the coordinate field that is not a number", () => {
    expect(coordinateError({ ...emptyDraft(""), lat: "27.9", lon: "west" })?.field).toBe("lon");
    expect(coordinateError({ ...emptyDraft(""), lat: "27.9", lon: "-82.7" })).toBeNull();
  });
  it("prefills Served at with the facility's wall clock to the minute", () => {
    expect(wallClockMinutes("2026-11-27T09:03:41-05:00")).toBe("2026-11-27T09:03");
  });
});
