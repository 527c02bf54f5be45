import type { ChartOption } from "../charts/EChart";
import { shade, stepPoints } from "../charts/histogram";

export interface EpochHistogram {
  epoch: number;
  edges: number[];
  counts: number[];
}

/** How far a histogram may rise above its own baseline in the offset view, in rows: more than 1 lets them overlap. */
const RIDGE_HEIGHT = 2.5;

/**
 * Builds the offset view, as TensorBoard draws its distributions: one histogram per epoch, each raised
 * by its position, the oldest at the back and the top. Heights are scaled by the largest count
 * of any epoch, so a narrowing distribution shows as a rising peak.
 */
export function offsetOption(histograms: EpochHistogram[], labels: { value: string; epoch: string }): ChartOption {
  const ordered = [...histograms].sort((left, right) => left.epoch - right.epoch);
  const maxCount = Math.max(1, ...ordered.flatMap((histogram) => histogram.counts));
  const total = ordered.length;
  const rowOf = (index: number) => total - 1 - index;

  return {
    animation: false,
    // The drawn heights are offsets, so the tooltip reads each epoch's count from its histogram.
    tooltip: {
      trigger: "axis",
      formatter: (items: { seriesName?: string; seriesIndex?: number; dataIndex?: number }[]) =>
        items
          .map((item) => {
            const counts = ordered[item.seriesIndex ?? -1]?.counts ?? [];
            const count = counts[Math.min(item.dataIndex ?? 0, counts.length - 1)];
            return `${item.seriesName ?? ""}: ${count ?? ""}`;
          })
          .reverse()
          .join("<br/>"),
    },
    grid: { left: 64, right: 24, top: 16, bottom: 48 },
    xAxis: { type: "value", scale: true, name: labels.value, nameLocation: "middle", nameGap: 28 },
    yAxis: {
      type: "value",
      name: labels.epoch,
      min: 0,
      max: total - 1 + RIDGE_HEIGHT,
      interval: 1,
      axisLabel: {
        hideOverlap: true,
        formatter: (row: number) => {
          const histogram = ordered[total - 1 - row];
          return histogram && Number.isInteger(row) ? String(histogram.epoch) : "";
        },
      },
      splitLine: { show: false },
    },
    series: ordered.map((histogram, index) => {
      const base = rowOf(index);
      return {
        name: `${labels.epoch} ${histogram.epoch}`,
        type: "line",
        step: "end",
        symbol: "none",
        lineStyle: { width: 1, color: shade(index, total) },
        itemStyle: { color: shade(index, total) },
        areaStyle: { origin: base, color: shade(index, total), opacity: 0.85 },
        data: stepPoints(histogram).map(([value, count]) => [value, base + (count / maxCount) * RIDGE_HEIGHT]),
        z: index,
      };
    }),
  };
}

/** Builds the overlay view: every epoch's histogram on one axis, later epochs darker and on top. */
export function overlayOption(
  histograms: EpochHistogram[],
  labels: { value: string; count: string; epoch: string },
): ChartOption {
  const ordered = [...histograms].sort((left, right) => left.epoch - right.epoch);
  const total = ordered.length;
  return {
    animation: false,
    tooltip: { trigger: "axis" },
    grid: { left: 64, right: 24, top: 16, bottom: 48 },
    xAxis: { type: "value", scale: true, name: labels.value, nameLocation: "middle", nameGap: 28 },
    // Keep the count axis at the left edge; by default ECharts draws it where the values cross zero.
    // minInterval 1 keeps its ticks whole, because a count of 0.5 values cannot occur.
    yAxis: { type: "value", name: labels.count, axisLine: { onZero: false }, minInterval: 1 },
    series: ordered.map((histogram, index) => ({
      name: `${labels.epoch} ${histogram.epoch}`,
      type: "line",
      step: "end",
      symbol: "none",
      lineStyle: { width: 1, color: shade(index, total), opacity: 0.9 },
      itemStyle: { color: shade(index, total) },
      data: stepPoints(histogram),
      z: index,
    })),
  };
}

/** Builds one epoch's histogram as filled bins. */
export function singleOption(histogram: EpochHistogram, labels: { value: string; count: string }): ChartOption {
  return {
    animation: false,
    tooltip: { trigger: "axis" },
    grid: { left: 64, right: 24, top: 16, bottom: 48 },
    xAxis: { type: "value", scale: true, name: labels.value, nameLocation: "middle", nameGap: 28 },
    // Keep the count axis at the left edge; by default ECharts draws it where the values cross zero.
    // minInterval 1 keeps its ticks whole, because a count of 0.5 values cannot occur.
    yAxis: { type: "value", name: labels.count, axisLine: { onZero: false }, minInterval: 1 },
    series: [
      {
        name: labels.count,
        type: "line",
        step: "end",
        symbol: "none",
        areaStyle: { opacity: 0.4 },
        data: stepPoints(histogram),
      },
    ],
  };
}
