import { render } from "@testing-library/react";
import { setPlatformAPI } from "echarts/core";
import { describe, expect, it } from "vitest";

import { EChart } from "./EChart";
import type { ChartOption } from "./EChart";
import { echarts } from "./echarts";
import { calibrationOption, curvesChartHeight, curvesOption, residualsOption } from "../evaluation/curveOptions";
import { offsetOption, overlayOption, singleOption } from "../training/histogramViews";
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

describe("page options", () => {
  const histograms = [1, 2, 3].map((epoch) => ({ epoch, edges: [-1, 0, 1], counts: [epoch, 4 - epoch] }));
  const labels = { value: "Value", count: "Count", epoch: "Epoch" };

  it("histogram count axis stays at the left edge", () => {
    for (const built of [overlayOption(histograms, labels), singleOption(histograms[0] as (typeof histograms)[number], labels)]) {
      const { getByRole, unmount } = render(<EChart option={built} label="Histogram" />);
      const chart = echarts.getInstanceByDom(getByRole("img", { name: "Histogram" }));
      // The bins run from -1 to 1, so a y axis on zero would sit in the middle of the plot.
      const yAxis = (chart?.getOption().yAxis as { axisLine: { onZero: boolean } }[])[0];
      expect(yAxis?.axisLine.onZero).toBe(false);
      unmount();
    }
  });

  it("calibration and residual legends below", () => {
    const built: [string, ChartOption][] = [
      [
        "calibration",
        calibrationOption(
          { className: "1", binEdges: [0, 0.5, 1], counts: [3, 4], fractionPositive: [0.1, 0.9], meanPredicted: [0.2, 0.8] },
          { x: "Mean predicted", y: "Fraction positive", model: "Class 1", ideal: "Perfectly calibrated" },
        ),
      ],
      [
        "residuals",
        residualsOption([{ name: "Residuals", residuals: { low: -20, high: 40, counts: [1, 3, 2] } }], {
          x: "Residual",
          y: "Rows",
        }),
      ],
    ];
    for (const [name, chartOption] of built) {
      const { getByRole, unmount } = render(<EChart option={chartOption} label={name} height={curvesChartHeight(chartOption)} />);
      const texts = Array.from(getByRole("img", { name }).querySelectorAll("text"));
      // ECharts places each text with transform="translate(x y)".
      const position = (content: string) => {
        const text = texts.find((element) => element.textContent === content);
        const numbers = (text?.getAttribute("transform") ?? "").match(/-?[\d.]+/g)?.map(Number) ?? [];
        return { x: numbers[0] ?? Number.NaN, y: numbers[1] ?? Number.NaN };
      };
      const xName = position(name === "residuals" ? "Residual" : "Mean predicted");
      const yName = position(name === "residuals" ? "Rows" : "Fraction positive");
      const legend = position(name === "residuals" ? "Residuals" : "Class 1");

      expect(legend.y, name).toBeGreaterThan(xName.y);
      // The y axis name stays at the left edge, not over x = 0 in the middle of the plot.
      expect(yName.x, name).toBeLessThan(100);
      unmount();
    }
  });

  it("count axes have whole ticks", () => {
    // Counts of 0 and 1 alone would give ECharts ticks at 0, 0.2, 0.4 and so on. The value axes run
    // over whole numbers too, so every number label on the chart should be whole.
    const small = [{ epoch: 1, edges: [0, 10, 20], counts: [1, 0] }];
    const built: [string, ChartOption][] = [
      ["overlay", overlayOption(small, labels)],
      ["single", singleOption(small[0] as (typeof small)[number], labels)],
      [
        "residuals",
        residualsOption([{ name: "Residuals", residuals: { low: -20, high: 20, counts: [1, 0] } }], { x: "x", y: "y" }),
      ],
    ];
    for (const [name, chartOption] of built) {
      const { getByRole, unmount } = render(<EChart option={chartOption} label={name} />);
      const texts = Array.from(getByRole("img", { name }).querySelectorAll("text"), (text) => text.textContent ?? "");
      const numbers = texts.filter((text) => /^-?[\d.,]+$/.test(text));

      expect(numbers, name).toContain("1");
      expect(
        numbers.filter((text) => text.includes(".")),
        name,
      ).toEqual([]);
      unmount();
    }
  });

  it("curves legend shows long names whole", () => {
    const names = [1, 2, 3].map(
      (number) => `breast-cancer-classifier v${number}, test split, 2026-12-0${number} 10:00 (0.99${number})`,
    );
    const chartOption = curvesOption(
      names.map((name) => ({ name, points: [{ x: 0, y: 0, threshold: null }] })),
      { x: "False positive rate", y: "True positive rate" },
      "Chance",
    );

    const { getByRole } = render(<EChart option={chartOption} label="curves" height={curvesChartHeight(chartOption)} />);
    const texts = Array.from(getByRole("img", { name: "curves" }).querySelectorAll("text"), (text) => text.textContent ?? "");

    for (const name of names) {
      expect(texts).toContain(name);
    }
    expect(texts.filter((text) => /^\d+\/\d+$/.test(text))).toEqual([]);
  });

  const cases: [string, ChartOption][] = [
    ["offset", offsetOption(histograms, labels)],
    ["overlay", overlayOption(histograms, labels)],
    ["single", singleOption(histograms[0] as (typeof histograms)[number], labels)],
    [
      "curves",
      curvesOption(
        [
          {
            name: "ROC",
            points: [
              { x: 0, y: 0, threshold: null },
              { x: 1, y: 1, threshold: 0 },
            ],
          },
        ],
        { x: "x", y: "y" },
        "Chance",
      ),
    ],
    [
      "calibration",
      calibrationOption(
        { className: "1", binEdges: [0, 0.5, 1], counts: [3, 4], fractionPositive: [0.1, null], meanPredicted: [0.2, null] },
        { x: "x", y: "y", model: "Model", ideal: "Ideal" },
      ),
    ],
    [
      "residuals",
      residualsOption([{ name: "Residuals", residuals: { low: -2, high: 2, counts: [1, 3, 2] } }], { x: "x", y: "y" }),
    ],
  ];

  it.each(cases)("%s draws every series", (name, chartOption) => {
    const { getByRole } = render(<EChart option={chartOption} label={name} />);
    const chart = echarts.getInstanceByDom(getByRole("img", { name }));

    expect((chart?.getOption().series as unknown[]).length).toBe((chartOption.series as unknown[]).length);
    expect(getByRole("img", { name }).querySelectorAll("path").length).toBeGreaterThan(0);
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
