import { describe, expect, it } from "vitest";

import { stepPoints } from "./histogram";

describe("stepPoints", () => {
  it("one-value tensor draws one bar", () => {
    const points = stepPoints({ edges: [0, 0], counts: [1] });

    expect(points).toEqual([
      [-0.5, 1],
      [0.5, 1],
    ]);
  });

  it("constant tensor bar scales with value", () => {
    const points = stepPoints({ edges: [2, 2], counts: [8] });

    expect(points).toEqual([
      [1.8, 8],
      [2.2, 8],
    ]);
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
