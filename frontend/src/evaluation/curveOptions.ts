import type { ChartOption } from "../charts/EChart";
import { equalEdges, stepPoints } from "../charts/histogram";
import type { Calibration, Residuals } from "./report";

export interface NamedCurve {
  name: string;
  points: { x: number; y: number; threshold: number | null }[];
}

/** Height in pixels of one legend row. */
const LEGEND_ROW_HEIGHT = 22;
/**
 * Width in pixels assumed for a legend row: a half-width chart at a 1024 px window. Narrower charts
 * wrap to more rows than counted, wider ones to fewer. An estimate, because ECharts lays the legend
 * out only when it draws.
 */
const LEGEND_ROW_WIDTH = 440;
/** Estimated width of one legend character in pixels at ECharts' default 12 px font. */
const LEGEND_CHARACTER_WIDTH = 7;
/** Width of a legend entry's line symbol and the gap after it, in pixels. */
const LEGEND_ENTRY_PADDING = 40;
/** Height in pixels of the plot (the grid) that a curves chart keeps, as at the 320 px default. */
const PLOT_HEIGHT = 224;
const GRID_TOP = 40;
/** Room below the plot for the x axis labels and name. */
const X_AXIS_ROOM = 56;

/** Estimates how many rows a wrapping legend with these entry names takes, packing entries greedily. */
function legendRows(names: string[]): number {
  let rows = 1;
  let used = 0;
  for (const name of names) {
    const width = name.length * LEGEND_CHARACTER_WIDTH + LEGEND_ENTRY_PADDING;
    if (used > 0 && used + width > LEGEND_ROW_WIDTH) {
      rows += 1;
      used = 0;
    }
    used += width;
  }
  return rows;
}

/** Returns the height in pixels that a chart built by curvesOption needs so its plot keeps its size above the legend. */
export function curvesChartHeight(option: ChartOption): number {
  const series = (option.series ?? []) as { name?: string }[];
  return GRID_TOP + PLOT_HEIGHT + X_AXIS_ROOM + LEGEND_ROW_HEIGHT * legendRows(series.map((entry) => entry.name ?? ""));
}

/**
 * Returns the legend and grid that put a plain legend below the plot, so it wraps long names onto more
 * rows instead of cutting or paging them and stays clear of the y axis name above the plot. Give the
 * chart the height that curvesChartHeight returns.
 */
function legendBelow(names: string[]): Pick<ChartOption, "legend" | "grid"> {
  return {
    legend: { bottom: 0, type: "plain" },
    grid: { left: 56, right: 24, top: GRID_TOP, bottom: X_AXIS_ROOM + LEGEND_ROW_HEIGHT * legendRows(names) },
  };
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
    ...legendBelow(series.map((entry) => String(entry.name))),
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
    ...legendBelow([labels.model, labels.ideal]),
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
    ...legendBelow(histograms.map(({ name }) => name)),
    xAxis: { type: "value", scale: true, name: labels.x, nameLocation: "middle", nameGap: 28 },
    // The y axis counts rows, so its ticks are whole numbers. onZero off keeps it, and its name, at
    // the left edge instead of where the residuals cross zero in the middle of the plot.
    yAxis: { type: "value", name: labels.y, minInterval: 1, axisLine: { onZero: false } },
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
