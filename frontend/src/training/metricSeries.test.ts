import { describe, expect, it } from "vitest";

import { groupMetrics, mergeAll, mergePoints, metricAxisMax } from "./metricSeries";

function point(step: number, value: number | null, nonFinite: string | null = null) {
  return { step, epoch: step / 10, value, nonFinite };
}

describe("mergePoints", () => {
  it("appends in step order", () => {
    const merged = mergePoints({ loss: [point(10, 0.5)] }, [
      { name: "loss", ...point(30, 0.2) },
      { name: "loss", ...point(20, 0.3) },
    ]);

    expect(merged.loss?.map((entry) => entry.step)).toEqual([10, 20, 30]);
  });

  it("replaces a retrained step", () => {
    const merged = mergePoints({ loss: [point(10, 0.5), point(20, 0.4)] }, [{ name: "loss", ...point(20, 0.35) }]);

    expect(merged.loss).toEqual([point(10, 0.5), point(20, 0.35)]);
  });

  it("starts a new series", () => {
    const before = { loss: [point(10, 0.5)] };
    const merged = mergePoints(before, [{ name: "val_loss", ...point(10, null, "NaN") }]);

    expect(merged.val_loss).toEqual([point(10, null, "NaN")]);
    expect(merged.loss).toBe(before.loss);
  });

  it("returns the same object for no points", () => {
    const before = { loss: [point(10, 0.5)] };

    expect(mergePoints(before, [])).toBe(before);
  });
});

describe("mergeAll", () => {
  it("newer series win per step", () => {
    const merged = mergeAll({ loss: [point(10, 0.5), point(20, 0.4)] }, { loss: [point(20, 0.3), point(30, 0.2)] });

    expect(merged.loss?.map((entry) => entry.value)).toEqual([0.5, 0.3, 0.2]);
  });
});

describe("groupMetrics", () => {
  it("pairs validation with training", () => {
    const groups = groupMetrics(["val_accuracy", "learning_rate", "accuracy", "step/loss", "val_loss", "loss"]);

    expect(groups).toEqual([
      { key: "loss", names: ["loss", "val_loss"] },
      { key: "accuracy", names: ["accuracy", "val_accuracy"] },
      { key: "learning_rate", names: ["learning_rate"] },
      { key: "step/loss", names: ["step/loss"] },
    ]);
  });
});

describe("metricAxisMax", () => {
  it("caps bounded metrics at 1", () => {
    for (const key of [
      "accuracy",
      "binary_accuracy",
      "sparse_categorical_accuracy",
      "auc",
      "auc_1",
      "precision",
      "recall",
      "f1_score",
      "step/accuracy",
    ]) {
      expect(metricAxisMax(key, { max: 0.99 }), key).toBe(1);
    }
  });

  it("leaves other metrics to ECharts", () => {
    for (const key of ["loss", "mean_absolute_error", "learning_rate", "accuracy_gap"]) {
      expect(metricAxisMax(key, { max: 0.99 }), key).toBeUndefined();
    }
  });

  it("leaves low bounded curves to ECharts", () => {
    expect(metricAxisMax("accuracy", { max: 0.6 })).toBeUndefined();
  });
});
