import type { ChartOption } from "../common/EChart";
import type { HealthPointFieldsFragment } from "../gql/graphql";

/** The series the page starts with: one point a minute over the last hour, as deploymentHealth returns by default. */
export const STEP_SECONDS = 60;
export const HISTORY_SECONDS = 3600;

/**
 * Merges newly read points into the series: a point with the same start replaces the old one
 * (the last step grows while its minute lasts), later points are appended, order is by start.
 */
export function mergePoints(
  series: HealthPointFieldsFragment[],
  fresh: HealthPointFieldsFragment[],
): HealthPointFieldsFragment[] {
  const byStart = new Map(series.map((point) => [Date.parse(point.start), point]));
  for (const point of fresh) {
    byStart.set(Date.parse(point.start), point);
  }
  return [...byStart.entries()].sort(([a], [b]) => a - b).map(([, point]) => point);
}

export interface ChartLabels {
  p50: string;
  p95: string;
  p99: string;
  throughput: string;
  errors: string;
  clientErrors: string;
  /** The latency axis unit, such as ms. */
  milliseconds: string;
  /** The throughput axis unit, such as /s. */
  perSecond: string;
  time: (iso: string) => string;
}

/**
 * Returns whether the value at `index` has a missing value on both sides. A line needs two points, so
 * such a value, a minute of traffic between idle minutes, is drawn as a dot or not at all.
 */
export function isIsolated(data: readonly (number | null)[], index: number): boolean {
  return (
    data[index] !== null && data[index] !== undefined && (data[index - 1] ?? null) === null && (data[index + 1] ?? null) === null
  );
}

function lineOption(
  categories: string[],
  series: { name: string; data: (number | null)[] }[],
  unit: string,
  percent = false,
): ChartOption {
  return {
    // Each recorded window redraws the chart, and an entry animation on every redraw would only distract.
    animation: false,
    grid: { left: 56, right: 16, top: 32, bottom: 32, containLabel: true },
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    xAxis: { type: "category", data: categories, boundaryGap: false, axisLabel: { hideOverlap: true } },
    yAxis: {
      type: "value",
      name: unit,
      min: 0,
      ...(percent ? { max: (extent: { max: number }) => Math.max(extent.max, 0.01) } : {}),
    },
    series: series.map((entry) => ({
      type: "line",
      name: entry.name,
      // Only isolated values get a visible dot; showAllSymbol keeps ECharts from thinning the dots out.
      data: entry.data.map((value, index) => (isIsolated(entry.data, index) ? { value, symbolSize: 6 } : value)),
      connectNulls: false,
      symbol: "circle",
      symbolSize: 0,
      showAllSymbol: true,
    })),
  };
}

export function latencyOption(points: HealthPointFieldsFragment[], labels: ChartLabels): ChartOption {
  const categories = points.map((point) => labels.time(point.end));
  return lineOption(
    categories,
    [
      { name: labels.p50, data: points.map((point) => point.latencyP50Ms ?? null) },
      { name: labels.p95, data: points.map((point) => point.latencyP95Ms ?? null) },
      { name: labels.p99, data: points.map((point) => point.latencyP99Ms ?? null) },
    ],
    labels.milliseconds,
  );
}

export function throughputOption(points: HealthPointFieldsFragment[], labels: ChartLabels): ChartOption {
  return lineOption(
    points.map((point) => labels.time(point.end)),
    [{ name: labels.throughput, data: points.map((point) => point.requestsPerSecond) }],
    labels.perSecond,
  );
}

export function errorOption(points: HealthPointFieldsFragment[], labels: ChartLabels): ChartOption {
  return lineOption(
    points.map((point) => labels.time(point.end)),
    [
      { name: labels.errors, data: points.map((point) => point.errorRate ?? null) },
      { name: labels.clientErrors, data: points.map((point) => point.clientErrorRate ?? null) },
    ],
    "",
    true,
  );
}
