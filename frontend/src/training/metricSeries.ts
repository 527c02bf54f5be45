/** One point of a metric series, as the metrics query and the live updates both give it. */
export interface SeriesPoint {
  step: number;
  epoch: number | null;
  value: number | null;
  /** NaN, Infinity or -Infinity when the value was not a finite number. */
  nonFinite: string | null;
}

export interface NamedPoint extends SeriesPoint {
  name: string;
}

/** Metric series by name, each in step order with one point per step. */
export type SeriesByName = Record<string, SeriesPoint[]>;

function plainPoint(point: SeriesPoint): SeriesPoint {
  return { step: point.step, epoch: point.epoch, value: point.value, nonFinite: point.nonFinite };
}

/**
 * Merges `added` into `series` by step: a point at a step the series has replaces it, because a
 * restarted attempt trains the epochs after its checkpoint again. Returns new arrays only for
 * the series that changed.
 */
export function mergePoints(series: SeriesByName, added: readonly NamedPoint[]): SeriesByName {
  if (added.length === 0) {
    return series;
  }
  const byName = new Map<string, SeriesPoint[]>();
  for (const point of added) {
    const list = byName.get(point.name) ?? [];
    list.push(plainPoint(point));
    byName.set(point.name, list);
  }
  const merged: SeriesByName = { ...series };
  for (const [name, points] of byName) {
    merged[name] = mergeSeries(series[name] ?? [], points);
  }
  return merged;
}

/** Merges two series of one metric by step; `newer` wins where both have a step. */
export function mergeSeries(older: readonly SeriesPoint[], newer: readonly SeriesPoint[]): SeriesPoint[] {
  const byStep = new Map<number, SeriesPoint>();
  for (const point of older) {
    byStep.set(point.step, point);
  }
  for (const point of newer) {
    byStep.set(point.step, point);
  }
  return Array.from(byStep.values()).sort((left, right) => left.step - right.step);
}

/** Merges every series of `newer` over `older`, series by series. */
export function mergeAll(older: SeriesByName, newer: SeriesByName): SeriesByName {
  const merged: SeriesByName = { ...older };
  for (const [name, points] of Object.entries(newer)) {
    merged[name] = mergeSeries(older[name] ?? [], points);
  }
  return merged;
}

export interface MetricGroup {
  /** The metric's name without the `val_` prefix, such as loss for loss and val_loss. */
  key: string;
  names: string[];
}

/**
 * Puts a training metric and its validation counterpart (`loss` and `val_loss`) in one group,
 * so they share a chart. Step metrics (`step/loss`) and the learning rate get groups of their own.
 */
export function groupMetrics(names: readonly string[]): MetricGroup[] {
  const groups = new Map<string, string[]>();
  for (const name of [...names].sort()) {
    const key = name.startsWith("val_") ? name.slice("val_".length) : name;
    groups.set(key, [...(groups.get(key) ?? []), name]);
  }
  return Array.from(groups, ([key, members]) => ({
    key,
    names: members.sort((left, right) => Number(left.startsWith("val_")) - Number(right.startsWith("val_"))),
  })).sort((left, right) => groupRank(left.key) - groupRank(right.key) || left.key.localeCompare(right.key));
}

/** Loss first, then the other epoch metrics, the learning rate, and step metrics last. */
function groupRank(key: string): number {
  if (key === "loss") {
    return 0;
  }
  if (key === "learning_rate") {
    return 2;
  }
  if (key.startsWith("step/")) {
    return 3;
  }
  return 1;
}

/**
 * Keras metric names whose values lie in [0, 1]: accuracy in its variants, AUC, precision, recall and
 * F1, with an optional `step/` prefix and a numeric suffix (`auc_1`) that Keras adds to repeated names.
 */
const UNIT_INTERVAL_METRIC = /(^|[/_])(accuracy|acc|auc|precision|recall|f1|f1_score)(_\d+)?$/;

/** Returns whether the metric group's values lie in [0, 1], so its chart should not extend past 1. */
export function isUnitIntervalMetric(key: string): boolean {
  return UNIT_INTERVAL_METRIC.test(key);
}

/**
 * Returns the y axis maximum for a metric chart given the data's extent. A metric bounded by 1 whose values
 * come near it gets 1, because ECharts' rounding would otherwise end the axis above 1 (at 1.02).
 * Any other metric gets undefined, so ECharts chooses.
 */
export function metricAxisMax(key: string, extent: { max: number }): number | undefined {
  return isUnitIntervalMetric(key) && extent.max > 0.9 && extent.max <= 1 ? 1 : undefined;
}
