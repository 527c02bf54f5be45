import { render } from "@testing-library/react";
import { setPlatformAPI } from "echarts/core";
import { describe, expect, it } from "vitest";

import { EChart } from "./EChart";
import type { ChartOption } from "./EChart";
import { echarts } from "./echarts";
import { stepPoints } from "./histogram";

// ECharts measures text on a canvas, which jsdom lacks; a width per character is enough here.
setPlatformAPI({ measureText: (text = "") => ({ width: text.length * 6 }) });

function option(seriesCount: number): ChartOption {
  return {
    xAxis: { type: "value" },
    yAxis: { type: "value" },
    series: Array.from({ length: seriesCount }, (_, index) => ({
      name: `series ${index}`,
      type: "line",
      data: [
        [0, index],
        [1, index + 1],
      ],
    })),
  };
}

describe("EChart", () => {
  it("draws and replaces the option", () => {
    const { container, getByRole, rerender, unmount } = render(<EChart option={option(2)} label="Two lines" />);
    const element = getByRole("img", { name: "Two lines" });
    const chart = echarts.getInstanceByDom(element);

    expect(container.querySelector("svg")).not.toBeNull();
    expect((chart?.getOption().series as unknown[]).length).toBe(2);

    rerender(<EChart option={option(1)} label="Two lines" />);
    expect((chart?.getOption().series as unknown[]).length).toBe(1);

    unmount();
    expect(chart?.isDisposed()).toBe(true);
  });
});

describe("stepPoints", () => {
  it("repeats the last count at the last edge", () => {
    expect(stepPoints({ edges: [0, 1, 2], counts: [3, 4] })).toEqual([
      [0, 3],
      [1, 4],
      [2, 4],
    ]);
  });
});
