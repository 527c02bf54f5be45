import type { ChartOption } from "../charts/EChart";
import { equalEdges, stepPoints } from "../charts/histogram";
import type { Calibration, Residuals } from "./report";

export interface NamedCurve {
  name: string;
  points: { x: number; y: number; threshold: number | null }[];
}

interface AxisLabels {
  x: string;
  y: string;
}

/**
 * Draws ROC or precision-recall curves on the unit square. A ROC chart also gets the diagonal of
 * a classifier that guesses (`chance`), drawn dashed.
 */
export function curvesOption(curves: NamedCurve[], axes: AxisLabels, chance: string | null): ChartOption {
  const series: Record<string, unknown>[] = curves.map((curve) => ({
    name: curve.name,
    type: "line",
    showSymbol: false,
    data: curve.points.map((point) => [point.x, point.y, point.threshold]),
  }));
  if (chance !== null) {
    series.push({
      name: chance,
      type: "line",
      showSymbol: false,
      lineStyle: { type: "dashed", width: 1, color: "#999" },
      itemStyle: { color: "#999" },
      data: [
        [0, 0],
        [1, 1],
      ],
    });
  }
  return {
    animation: false,
    tooltip: { trigger: "item" },
    legend: { top: 0, type: "scroll" },
    grid: { left: 56, right: 24, top: 40, bottom: 48 },
    xAxis: { type: "value", min: 0, max: 1, name: axes.x, nameLocation: "middle", nameGap: 28 },
    yAxis: { type: "value", min: 0, max: 1, name: axes.y },
    series,
  };
}

/** Draws the calibration curve (mean predicted probability against the fraction positive per bin) beside the ideal diagonal. */
export function calibrationOption(
  calibration: Calibration,
  labels: { x: string; y: string; model: string; ideal: string },
): ChartOption {
  const points = calibration.meanPredicted.flatMap((mean, index) => {
    const fraction = calibration.fractionPositive[index];
    return mean === null || fraction === null || fraction === undefined ? [] : [[mean, fraction, calibration.counts[index] ?? 0]];
  });
  return {
    animation: false,
    tooltip: { trigger: "item" },
    legend: { top: 0 },
    grid: { left: 56, right: 24, top: 40, bottom: 48 },
    xAxis: { type: "value", min: 0, max: 1, name: labels.x, nameLocation: "middle", nameGap: 28 },
    yAxis: { type: "value", min: 0, max: 1, name: labels.y },
    series: [
      { name: labels.model, type: "line", data: points },
      {
        name: labels.ideal,
        type: "line",
        showSymbol: false,
        lineStyle: { type: "dashed", width: 1, color: "#999" },
        itemStyle: { color: "#999" },
        data: [
          [0, 0],
          [1, 1],
        ],
      },
    ],
  };
}

/** Draws residual histograms (30 equal bins over each one's own range) as outlines on one value axis. */
export function residualsOption(
  histograms: { name: string; residuals: Residuals }[],
  labels: { x: string; y: string },
): ChartOption {
  return {
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 56, right: 24, top: 40, bottom: 48 },
    xAxis: { type: "value", scale: true, name: labels.x, nameLocation: "middle", nameGap: 28 },
    // The y axis counts rows, so its ticks are whole numbers.
    yAxis: { type: "value", name: labels.y, minInterval: 1 },
    series: histograms.map(({ name, residuals }) => ({
      name,
      type: "line",
      step: "end",
      symbol: "none",
      areaStyle: { opacity: histograms.length > 1 ? 0.15 : 0.4 },
      data: stepPoints({
        edges: equalEdges(residuals.low, residuals.high, residuals.counts.length),
        counts: residuals.counts,
      }),
    })),
  };
}
