import { describe, expect, it } from "vitest";

import { singleValue, singleValueAxis, stepPoints } from "./histogram";

describe("stepPoints", () => {
  it("one-value tensor draws one bar", () => {
    const points = stepPoints({ edges: [0, 0], counts: [1] });

    expect(points).toEqual([
      [-0.025, 1],
      [0.025, 1],
    ]);
  });

  it("constant tensor bar is narrow", () => {
    const [left, right] = stepPoints({ edges: [398, 398], counts: [1] });

    expect(left?.[0]).toBeCloseTo(396.01);
    expect(right?.[0]).toBeCloseTo(399.99);
    expect([left?.[1], right?.[1]]).toEqual([1, 1]);
  });

  it("bins keep their edges", () => {
    const points = stepPoints({ edges: [0, 1, 2], counts: [3, 4] });

    expect(points).toEqual([
      [0, 3],
      [1, 4],
      [2, 4],
    ]);
  });
});

describe("singleValueAxis", () => {
  it("ticks at the value", () => {
    const axis = singleValueAxis(398);

    expect(axis.min + axis.interval).toBe(398);
    expect(axis.max - axis.interval).toBe(398);
  });

  it("zero gets a half-unit range", () => {
    expect(singleValueAxis(0)).toEqual({ min: -0.5, max: 0.5, interval: 0.5 });
  });
});

describe("singleValue", () => {
  it("names the one value", () => {
    expect(singleValue({ edges: [398, 398], counts: [1] })).toBe(398);
  });

  it("null for spread values", () => {
    expect(singleValue({ edges: [0, 1, 2], counts: [3, 4] })).toBeNull();
  });
});
