import { render } from "@testing-library/react";
import { setPlatformAPI } from "echarts/core";
import { describe, expect, it } from "vitest";

import { EChart } from "./EChart";
import type { ChartOption } from "./EChart";

// ECharts measures text on a canvas, which jsdom lacks; a width per character is enough here.
setPlatformAPI({ measureText: (text = "") => ({ width: text.length * 6 }) });

const GAPPY_LATENCY: ChartOption = {
  xAxis: { type: "category", data: ["19:45", "19:46"] },
  yAxis: { type: "value" },
  series: [{ name: "p50", type: "line", data: [0, Number.NaN] }],
};

describe("common EChart", () => {
  it("keeps the given accessible name", () => {
    const { container } = render(<EChart option={GAPPY_LATENCY} label="延迟（毫秒）" />);
    const chart = container.firstElementChild as HTMLElement;

    expect(chart).toHaveAttribute("aria-label", "延迟（毫秒）");
    expect(container.innerHTML).not.toContain("NaN");
  });
});
