import { describe, expect, it } from "vitest";
import {
  clockDifferenceText, durationText, reachability, reachabilityText, sentence, waitingText,
} from "./sync";

describe("clockDifferenceText", () => {
  it("says which clock is ahead, since a deputy must know which one to fix", () => {
    expect(clockDifferenceText(5)).toBe("endpoint 5 s ahead of this computer");
    expect(clockDifferenceText(-130)).toBe("endpoint 2 min 10 s behind this computer");
  });
  it("says plainly when the clocks agree or nothing was measured yet", () => {
    expect(clockDifferenceText(0)).toBe("none (clocks agree)");
    expect(clockDifferenceText(null)).toBe("not measured yet");
  });
  it("keeps large differences readable (a desk clock off by hours)", () => {
    expect(clockDifferenceText(3 * 3600 + 120)).toBe("endpoint 3 h 2 min ahead of this computer");
    expect(clockDifferenceText(-7200)).toBe("endpoint 2 h behind this computer");
  });
});

describe("durationText", () => {
  it("drops zero parts and never shows a sign", () => {
    expect(durationText(60)).toBe("1 min");
    expect(durationText(-61)).toBe("1 min 1 s");
    expect(durationText(0)).toBe("0 s");
  });
});

describe("waitingText", () => {
  it("counts events, singular for one", () => {
    expect(waitingText(0)).toBe("0 events waiting");
    expect(waitingText(1)).toBe("1 event waiting");
    expect(waitingText(42)).toBe("42 events waiting");
  });
});

describe("reachability", () => {
  it("says no endpoint before anything else: an offline desk is not a broken one", () => {
    expect(reachabilityText(reachability({ configured: false, reachable: false }))).toBe("No ICE endpoint configured");
  });
  it("tells apart never tried, reachable and not reachable", () => {
    expect(reachability({ configured: true, reachable: null })).toBe("unknown");
    expect(reachabilityText(reachability({ configured: true, reachable: true }))).toBe("Reachable");
    expect(reachabilityText(reachability({ configured: true, reachable: false }))).toBe("Not reachable");
  });
});

describe("sentence", () => {
  it("capitalises core's clauses and ends them once", () => {
    expect(sentence("endpoint refused this desk's credentials (HTTP 401)")).toBe("Endpoint refused this desk's credentials (HTTP 401).");
    expect(sentence("already a sentence.")).toBe("Already a sentence.");
    expect(sentence("")).toBe("");
  });
});
