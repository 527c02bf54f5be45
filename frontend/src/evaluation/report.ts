/**
 * Readers of an evaluation report's JSON fields (metrics, curves, slices, thresholds,
 * attributions), whose shapes docs/evaluation.md describes. The schema types them as JSON, so
 * each reader checks what it takes and leaves out what does not fit.
 */

type Json = unknown;

function record(value: Json): Record<string, Json> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, Json>) : null;
}

function list(value: Json): Json[] {
  return Array.isArray(value) ? value : [];
}

function num(value: Json): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function numbers(value: Json): (number | null)[] {
  return list(value).map(num);
}

function text(value: Json): string | null {
  return typeof value === "string" ? value : null;
}

export interface AveragedMetrics {
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export interface ClassMetrics extends AveragedMetrics {
  className: string;
  support: number | null;
}

export interface ClassificationMetrics {
  task: "classification";
  accuracy: number | null;
  logLoss: number | null;
  rocAuc: number | null;
  prAuc: number | null;
  macro: AveragedMetrics | null;
  micro: AveragedMetrics | null;
  weighted: AveragedMetrics | null;
  perClass: ClassMetrics[];
  /** Rows are true classes and columns predicted ones, in the order of the evaluation's classes. */
  confusionMatrix: number[][];
  positiveClass: string | null;
  decisionThreshold: number | null;
  rows: number | null;
}

export interface RegressionMetrics {
  task: "regression";
  mae: number | null;
  mse: number | null;
  rmse: number | null;
  r2: number | null;
  rows: number | null;
}

function averaged(value: Json): AveragedMetrics | null {
  const source = record(value);
  return source ? { precision: num(source.precision), recall: num(source.recall), f1: num(source.f1) } : null;
}

export function readMetrics(task: string, value: Json): ClassificationMetrics | RegressionMetrics | null {
  const source = record(value);
  if (source === null) {
    return null;
  }
  if (task === "regression") {
    return {
      task: "regression",
      mae: num(source.mae),
      mse: num(source.mse),
      rmse: num(source.rmse),
      r2: num(source.r2),
      rows: num(source.rows),
    };
  }
  return {
    task: "classification",
    accuracy: num(source.accuracy),
    logLoss: num(source.logLoss),
    rocAuc: num(source.rocAuc),
    prAuc: num(source.prAuc),
    macro: averaged(source.macro),
    micro: averaged(source.micro),
    weighted: averaged(source.weighted),
    perClass: list(source.perClass).flatMap((entry) => {
      const row = record(entry);
      if (row === null) {
        return [];
      }
      return [
        {
          className: text(row.class) ?? String(row.class),
          precision: num(row.precision),
          recall: num(row.recall),
          f1: num(row.f1),
          support: num(row.support),
        },
      ];
    }),
    confusionMatrix: list(source.confusionMatrix).map((row) => numbers(row).map((count) => count ?? 0)),
    positiveClass: text(source.positiveClass),
    decisionThreshold: num(source.decisionThreshold),
    rows: num(source.rows),
  };
}

/** A ROC curve (x false positive rate, y true positive rate) or a precision-recall curve (x recall, y precision). */
export interface Curve {
  className: string;
  /** ROC AUC, or a precision-recall curve's average precision. */
  area: number | null;
  points: { x: number; y: number; threshold: number | null }[];
}

export interface Calibration {
  className: string;
  binEdges: number[];
  counts: number[];
  /** Per bin: the fraction of rows that are positive, or null for an empty bin. */
  fractionPositive: (number | null)[];
  meanPredicted: (number | null)[];
}

export interface Residuals {
  low: number;
  high: number;
  counts: number[];
}

export interface Curves {
  roc: Curve[];
  pr: Curve[];
  calibration: Calibration | null;
  residuals: Residuals | null;
}

function curve(value: Json, xKey: string, yKey: string, areaKey: string): Curve | null {
  const source = record(value);
  if (source === null) {
    return null;
  }
  const xs = numbers(source[xKey]);
  const ys = numbers(source[yKey]);
  const thresholds = numbers(source.thresholds);
  const points = xs.flatMap((x, index) => {
    const y = ys[index];
    return x === null || y === null || y === undefined ? [] : [{ x, y, threshold: thresholds[index] ?? null }];
  });
  return { className: text(source.class) ?? "", area: num(source[areaKey]), points };
}

/** Reads curves in the report's form: ROC as fpr and tpr, precision-recall as recall and precision. */
export function readCurves(value: Json): Curves {
  const source = record(value) ?? {};
  const calibration = record(source.calibration);
  const residuals = record(source.residuals);
  const low = residuals ? num(residuals.low) : null;
  const high = residuals ? num(residuals.high) : null;
  return {
    roc: list(source.roc).flatMap((entry) => curve(entry, "fpr", "tpr", "auc") ?? []),
    pr: list(source.pr).flatMap((entry) => curve(entry, "recall", "precision", "averagePrecision") ?? []),
    calibration: calibration
      ? {
          className: text(calibration.class) ?? "",
          binEdges: numbers(calibration.binEdges).map((edge) => edge ?? 0),
          counts: numbers(calibration.count).map((count) => count ?? 0),
          fractionPositive: numbers(calibration.fractionPositive),
          meanPredicted: numbers(calibration.meanPredicted),
        }
      : null,
    residuals:
      residuals && low !== null && high !== null
        ? { low, high, counts: numbers(residuals.counts).map((count) => count ?? 0) }
        : null,
  };
}

export const SLICE_KINDS = ["values", "bins", "quantiles", "label", "filter"] as const;
export type SliceKind = (typeof SLICE_KINDS)[number];

export interface Slice {
  name: string;
  kind: SliceKind;
  feature: string | null;
  /** The bounds of a bins, quantiles or numeric label slice; null for other slices. */
  range: [number, number] | null;
  /** Whether a range slice includes its high bound, as the last bin does. */
  includesHigh: boolean;
  /** Whether the slice contains the rows whose feature is missing. */
  isNull: boolean;
  rows: number;
  /** Slice metrics by name: accuracy, precision, recall, f1, rocAuc, prAuc, logLoss, or mae, mse, rmse, r2. */
  metrics: Record<string, number | null> | null;
  /** The slice's accuracy minus the overall one (classification) or its RMSE minus the overall one (regression). */
  gap: number | null;
  roc: Curve[];
  pr: Curve[];
  notes: string[];
}

function sliceRange(value: Json): [number, number] | null {
  const bounds = list(value).map(num);
  const [low, high] = bounds;
  return bounds.length === 2 && low != null && high != null ? [low, high] : null;
}

export function readSlices(value: Json): Slice[] {
  return list(value).flatMap((entry) => {
    const source = record(entry);
    const kind = source ? SLICE_KINDS.find((candidate) => candidate === source.kind) : undefined;
    if (source === null || kind === undefined) {
      return [];
    }
    const metrics = record(source.metrics);
    const curves = record(source.curves);
    return [
      {
        name: text(source.name) ?? "",
        kind,
        feature: text(source.feature),
        range: sliceRange(source.range),
        includesHigh: source.includesHigh === true,
        isNull: kind !== "filter" && "value" in source && source.value === null && !("range" in source),
        rows: num(source.rows) ?? 0,
        metrics: metrics ? Object.fromEntries(Object.entries(metrics).map(([name, metric]) => [name, num(metric)])) : null,
        gap: num(source.gap),
        roc: curves ? list(curves.roc).flatMap((item) => curve(item, "fpr", "tpr", "auc") ?? []) : [],
        pr: curves ? list(curves.pr).flatMap((item) => curve(item, "recall", "precision", "averagePrecision") ?? []) : [],
        notes: list(source.notes).flatMap((note) => text(note) ?? []),
      },
    ];
  });
}

export interface ThresholdRow {
  threshold: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export function readThresholds(value: Json): ThresholdRow[] {
  return list(value).flatMap((entry) => {
    const source = record(entry);
    const threshold = source ? num(source.threshold) : null;
    if (source === null || threshold === null) {
      return [];
    }
    return [
      {
        threshold,
        precision: num(source.precision),
        recall: num(source.recall),
        f1: num(source.f1),
        tp: num(source.tp) ?? 0,
        fp: num(source.fp) ?? 0,
        tn: num(source.tn) ?? 0,
        fn: num(source.fn) ?? 0,
      },
    ];
  });
}

export interface Attributions {
  /** The metric whose rise measures importance: logLoss or rmse. */
  metric: string;
  features: { feature: string; importance: number; std: number | null }[];
}

export function readAttributions(value: Json): Attributions | null {
  const source = record(value);
  if (source === null) {
    return null;
  }
  return {
    metric: text(source.metric) ?? "",
    features: list(source.permutation).flatMap((entry) => {
      const row = record(entry);
      const importance = row ? num(row.importance) : null;
      return row && importance !== null ? [{ feature: text(row.feature) ?? "", importance, std: num(row.std) }] : [];
    }),
  };
}
