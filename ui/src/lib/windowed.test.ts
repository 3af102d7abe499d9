import { describe, expect, it } from "vitest";
import { MARGIN_ROWS, pinFirst, rowWindow, sameWindow } from "./windowed";

describe("rowWindow", () => {
  it("renders the rows on screen plus a margin, with spacers for the rest", () => {
    // 500 rows of 40 px starting at the top of a 768 px screen: 20 seen.
    const w = rowWindow(500, 0, 768, 40);
    expect(w.first).toBe(0);
    expect(w.end).toBe(30); // 20 seen + 10 margin, in steps of 10
    expect(w.before).toBe(0);
    expect(w.after).toBe((500 - 30) * 40);
  });
  it("follows the scroll position and keeps the total height of all rows", () => {
    // Scrolled 4000 px into the rows: row 100 is at the top.
    const w = rowWindow(500, -4000, 768, 40);
    expect(w.first).toBeLessThanOrEqual(100 - MARGIN_ROWS);
    expect(w.end).toBeGreaterThanOrEqual(100 + 20 + MARGIN_ROWS);
    expect(w.before + (w.end - w.first) * 40 + w.after).toBe(500 * 40);
  });
  it("a wall screen of 1400 px shows every row it has room for", () => {
    const w = rowWindow(200, 120, 1400, 35);
    expect(w.first).toBe(0);
    expect(w.end).toBeGreaterThanOrEqual(Math.ceil((1400 - 120) / 35));
    expect(w.end).toBeLessThan(200);
  });
  it("a short board renders every row and no spacer", () => {
    expect(rowWindow(4, 100, 768, 40)).toEqual({ first: 0, end: 4, before: 0, after: 0 });
    expect(rowWindow(0, 100, 768, 40)).toEqual({ first: 0, end: 0, before: 0, after: 0 });
  });
  it("scrolling within a step changes nothing, so nothing is re-rendered", () => {
    expect(sameWindow(rowWindow(500, -4000, 768, 40), rowWindow(500, -4010, 768, 40))).toBe(true);
    expect(sameWindow(rowWindow(500, -4000, 768, 40), rowWindow(500, -4800, 768, 40))).toBe(false);
  });
  it("never goes past the last row when scrolled to the end", () => {
    const w = rowWindow(500, -19_500, 768, 40);
    expect(w.end).toBe(500);
    expect(w.after).toBe(0);
  });
});

describe("pinFirst", () => {
  it("keeps pinned rows (release required) apart and both groups in core's order", () => {
    const rows = [{ id: "a", r: true }, { id: "b", r: false }, { id: "c", r: true }, { id: "d", r: false }];
    const { pinned, rest } = pinFirst(rows, (x) => x.r);
    expect(pinned.map((x) => x.id)).toEqual(["a", "c"]);
    expect(rest.map((x) => x.id)).toEqual(["b", "d"]);
  });
});
