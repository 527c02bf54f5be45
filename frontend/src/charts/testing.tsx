import { screen } from "@testing-library/react";

import type { ChartOption } from "./EChart";

/**
 * Stands in for EChart in tests, because jsdom has no canvas for ECharts' text measurement. The
 * tests check the option a page passes to the chart, which the stub keeps as JSON.
 */
function EChartStub({ option, label }: { option: ChartOption; label: string }) {
  return <div role="img" aria-label={label} data-option={JSON.stringify(option)} />;
}

/** The module `vi.mock("../charts/EChart", …)` returns. */
export const echartModule = { EChart: EChartStub };

interface SeriesOption {
  name?: string;
  type?: string;
  data?: unknown[];
}

/** Reads the series of the stubbed chart with this label. */
export function chartSeries(label: string): SeriesOption[] {
  const element = screen.getByRole("img", { name: label });
  const option = JSON.parse(element.getAttribute("data-option") ?? "{}") as { series?: SeriesOption[] };
  return option.series ?? [];
}
