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
  time: (iso: string) => string;
}

/** A chart value, or a value drawn with its own dot. */
export type ChartValue = number | null | { value: number; symbol: string; symbolSize: number };

/**
 * Gives each value whose neighbours are both missing a dot of its own. A line needs two points, so
 * without a dot a minute of traffic between idle minutes would not be drawn at all.
 */
export function markIsolated(data: (number | null)[]): ChartValue[] {
  return data.map((value, index) => {
    const isolated = value !== null && (data[index - 1] ?? null) === null && (data[index + 1] ?? null) === null;
    return isolated ? { value, symbol: "circle", symbolSize: 6 } : value;
  });
}

function lineOption(
  categories: string[],
  series: { name: string; data: (number | null)[] }[],
  unit: string,
  percent = false,
): ChartOption {
  return {
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
      data: markIsolated(entry.data),
      symbol: "none",
      connectNulls: false,
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
    "ms",
  );
}

export function throughputOption(points: HealthPointFieldsFragment[], labels: ChartLabels): ChartOption {
  return lineOption(
    points.map((point) => labels.time(point.end)),
    [{ name: labels.throughput, data: points.map((point) => point.requestsPerSecond) }],
    "/s",
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
