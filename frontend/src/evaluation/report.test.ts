import { describe, expect, it } from "vitest";

import { binaryEvaluation } from "./fixtures";
import { readAttributions, readCurves, readMetrics, readSlices, readThresholds } from "./report";

describe("report readers", () => {
  const evaluation = binaryEvaluation();

  it("read classification metrics", () => {
    const metrics = readMetrics("classification", evaluation.metrics);

    expect(metrics).toMatchObject({ task: "classification", accuracy: 0.9647, positiveClass: "1", decisionThreshold: 0.5 });
    expect(metrics?.task === "classification" && metrics.perClass.map((row) => row.className)).toEqual(["0", "1"]);
  });

  it("read regression metrics", () => {
    expect(readMetrics("regression", { mae: 1, mse: 4, rmse: 2, r2: null, rows: 9 })).toEqual({
      task: "regression",
      mae: 1,
      mse: 4,
      rmse: 2,
      r2: null,
      rows: 9,
    });
  });

  it("read curves as points", () => {
    const curves = readCurves(evaluation.curves);

    expect(curves.roc[0]).toEqual({
      className: "1",
      area: 0.9959,
      points: [
        { x: 0, y: 0, threshold: null },
        { x: 0, y: 0.9, threshold: 0.9 },
        { x: 0.0625, y: 1, threshold: 0.4 },
        { x: 1, y: 1, threshold: 0.01 },
      ],
    });
    expect(curves.pr[0]?.points[2]).toEqual({ x: 1, y: 0.96, threshold: 0.4 });
    expect(curves.calibration?.fractionPositive).toEqual([0.03, 0.96]);
    expect(curves.residuals).toBeNull();
  });

  it("read residual histogram", () => {
    expect(readCurves({ residuals: { low: -1, high: 1, counts: [1, 2] } }).residuals).toEqual({
      low: -1,
      high: 1,
      counts: [1, 2],
    });
  });

  it("skip malformed slices", () => {
    const slices = readSlices([...evaluation.slices, { name: "bad", kind: "mystery" }, 7]);

    expect(slices.map((slice) => slice.name)).toEqual(["mean radius in [13.44, 14.99)", "large tumours"]);
    expect(slices[0]?.roc[0]?.points).toHaveLength(3);
    expect(slices[1]?.metrics?.rocAuc).toBeNull();
  });

  it("read thresholds and attributions", () => {
    expect(readThresholds(evaluation.thresholds)[1]).toEqual({
      threshold: 0.5,
      precision: 0.963,
      recall: 0.9811,
      f1: 0.9719,
      tp: 52,
      fp: 2,
      tn: 30,
      fn: 1,
    });
    expect(readAttributions(evaluation.attributions)?.features.map((feature) => feature.feature)).toEqual([
      "mean area",
      "mean radius",
    ]);
    expect(readAttributions(null)).toBeNull();
    expect(readCurves(null)).toEqual({ roc: [], pr: [], calibration: null, residuals: null });
  });
});
