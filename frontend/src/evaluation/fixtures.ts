import { TEST_TEAM } from "../test/renderTeamPage";

/** Returns a completed evaluation of a binary classifier in the report's shapes, trimmed from the demo's breast-cancer evaluation. */
export function binaryEvaluation(overrides: Record<string, unknown> = {}) {
  return {
    id: "evaluation-1",
    teamId: TEST_TEAM.id,
    modelId: "model-1",
    modelVersionId: "version-1",
    modelVersionNumber: 1,
    datasetId: "dataset-1",
    datasetVersionId: "dataset-version-2",
    split: "test",
    label: "target",
    task: "classification",
    status: "COMPLETED",
    rows: 85,
    failureReason: null,
    createdBy: "user-1",
    createdAt: "2026-11-01T10:00:00Z",
    updatedAt: "2026-11-01T10:00:05Z",
    summary: [
      { name: "accuracy", value: 0.9647 },
      { name: "f1", value: 0.9622 },
      { name: "rocAuc", value: 0.9959 },
      { name: "logLoss", value: 0.0987 },
    ],
    features: ["mean radius", "mean area"],
    classes: ["0", "1"],
    notes: [],
    metrics: {
      accuracy: 0.9647,
      confusionMatrix: [
        [30, 2],
        [1, 52],
      ],
      decisionThreshold: 0.5,
      logLoss: 0.0987,
      macro: { f1: 0.9622, precision: 0.9654, recall: 0.9593 },
      micro: { f1: 0.9647, precision: 0.9647, recall: 0.9647 },
      weighted: { f1: 0.9646, precision: 0.9648, recall: 0.9647 },
      perClass: [
        { class: "0", f1: 0.952, precision: 0.9677, recall: 0.9375, support: 32 },
        { class: "1", f1: 0.9719, precision: 0.963, recall: 0.9811, support: 53 },
      ],
      positiveClass: "1",
      prAuc: 0.9975,
      rocAuc: 0.9959,
      rows: 85,
    },
    curves: {
      roc: [{ class: "1", auc: 0.9959, fpr: [0, 0, 0.0625, 1], tpr: [0, 0.9, 1, 1], thresholds: [null, 0.9, 0.4, 0.01] }],
      pr: [{ class: "1", averagePrecision: 0.9975, recall: [0, 0.9, 1], precision: [1, 1, 0.96], thresholds: [null, 0.9, 0.4] }],
      calibration: {
        class: "1",
        binEdges: [0, 0.5, 1],
        count: [31, 54],
        fractionPositive: [0.03, 0.96],
        meanPredicted: [0.02, 0.97],
      },
    },
    slices: [
      {
        name: "mean radius in [13.44, 14.99)",
        kind: "quantiles",
        feature: "mean radius",
        range: [13.44, 14.99],
        includesHigh: false,
        rows: 21,
        gap: -0.0123,
        metrics: {
          accuracy: 0.9524,
          precision: 0.9583,
          recall: 0.95,
          f1: 0.9519,
          rocAuc: 0.9545,
          prAuc: 0.9536,
          logLoss: 0.2545,
        },
        curves: {
          roc: [{ class: "1", auc: 0.9545, fpr: [0, 0.5, 1], tpr: [0, 1, 1], thresholds: [null, 0.5, 0.1] }],
          pr: [{ class: "1", averagePrecision: 0.9536, recall: [0, 1], precision: [1, 0.9], thresholds: [null, 0.5] }],
        },
        notes: [],
      },
      {
        name: "large tumours",
        kind: "filter",
        feature: null,
        expression: "`mean area` > 1000",
        rows: 11,
        gap: 0.0353,
        metrics: { accuracy: 1, precision: 1, recall: 1, f1: 1, rocAuc: null, prAuc: null, logLoss: 0.0069 },
        curves: { roc: [], pr: [] },
        notes: ["ROC AUC is undefined because every row has class '0', and it needs rows of both classes."],
      },
    ],
    thresholds: [
      { threshold: 0, tp: 53, fp: 32, tn: 0, fn: 0, precision: 0.6235, recall: 1, f1: 0.7681 },
      { threshold: 0.5, tp: 52, fp: 2, tn: 30, fn: 1, precision: 0.963, recall: 0.9811, f1: 0.9719 },
      { threshold: 1, tp: 0, fp: 0, tn: 32, fn: 53, precision: 0, recall: 0, f1: 0 },
    ],
    attributions: {
      metric: "logLoss",
      permutation: [
        { feature: "mean area", importance: 0.12, std: 0.03 },
        { feature: "mean radius", importance: 0.05, std: 0.01 },
      ],
    },
    ...overrides,
  };
}

export const CATALOG = {
  models: { nodes: [{ id: "model-1", name: "breast-cancer-classifier", task: "CLASSIFICATION", archived: false }] },
  datasets: {
    nodes: [
      {
        id: "dataset-1",
        name: "breast-cancer",
        archived: false,
        versions: {
          nodes: [
            {
              id: "dataset-version-2",
              number: 2,
              status: "READY",
              label: "target",
              rows: 569,
              splits: [
                { name: "train", rows: 398 },
                { name: "validation", rows: 86 },
                { name: "test", rows: 85 },
              ],
              columns: [
                { name: "mean radius", type: "FLOAT", isLabel: false },
                { name: "mean area", type: "FLOAT", isLabel: false },
                { name: "target", type: "INTEGER", isLabel: true },
                { name: "split", type: "STRING", isLabel: false },
              ],
            },
          ],
        },
      },
    ],
  },
};
