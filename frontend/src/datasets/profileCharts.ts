import type { ChartOption } from "../common/EChart";

/** Values shown in a label distribution chart; the rest are summed into the text beside it. */
export const MAX_LABEL_VALUES = 30;

export interface ValueCount {
  value: unknown;
  count: number;
}

/** Shows a JSON value of a profile as text: strings as they are, null as an em dash. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) {
    return "—";
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}

function barOption(categories: string[], series: { name: string; data: number[] }[], rotate = false): ChartOption {
  return {
    grid: { left: 48, right: 16, top: series.length > 1 ? 32 : 16, bottom: rotate ? 72 : 32, containLabel: true },
    tooltip: { trigger: "axis" },
    legend: series.length > 1 ? { top: 0 } : { show: false },
    xAxis: { type: "category", data: categories, axisLabel: { rotate: rotate ? 40 : 0, hideOverlap: true } },
    yAxis: { type: "value", minInterval: 1 },
    series: series.map((entry) => ({ type: "bar", name: entry.name, data: entry.data })),
  };
}

/** Builds a bar chart of a histogram's bins, labelled by their ranges. */
export function histogramOption(
  histogram: { edges: number[]; counts: number[] },
  number: (value: number) => string,
  rowsLabel: string,
): ChartOption {
  const categories = histogram.counts.map((_, index) => {
    const low = histogram.edges[index];
    const high = histogram.edges[index + 1];
    return low === undefined || high === undefined ? String(index) : `${number(low)} – ${number(high)}`;
  });
  return barOption(categories, [{ name: rowsLabel, data: histogram.counts }], true);
}

/** Builds a bar chart of the most frequent values of a column, most frequent first. */
export function topValuesOption(values: ValueCount[], rowsLabel: string): ChartOption {
  return barOption(
    values.map((entry) => valueText(entry.value)),
    [{ name: rowsLabel, data: values.map((entry) => entry.count) }],
    values.length > 6,
  );
}

export interface LabelSeries {
  name: string;
  distribution: ValueCount[];
}

/**
 * Builds a grouped bar chart of the label's distribution over all rows and, when given, per split
 * part. The bars are the MAX_LABEL_VALUES values most frequent over all rows.
 */
export function labelOption(all: LabelSeries, parts: LabelSeries[]): ChartOption {
  const shown = [...all.distribution].sort((a, b) => b.count - a.count).slice(0, MAX_LABEL_VALUES);
  const categories = shown.map((entry) => valueText(entry.value));
  const countsOf = (series: LabelSeries) => {
    const counts = new Map(series.distribution.map((entry) => [valueText(entry.value), entry.count]));
    return categories.map((category) => counts.get(category) ?? 0);
  };
  return barOption(
    categories,
    [all, ...parts].map((series) => ({ name: series.name, data: countsOf(series) })),
    categories.length > 8,
  );
}

/** Rows of each split part as bars. */
export function splitSizesOption(splits: { name: string; rows: number }[], rowsLabel: string): ChartOption {
  return barOption(
    splits.map((split) => split.name),
    [{ name: rowsLabel, data: splits.map((split) => split.rows) }],
  );
}
