import type { EChartsCoreOption } from "echarts/core";
import { useEffect, useRef } from "react";

import { echarts } from "./echarts";

export type ChartOption = EChartsCoreOption;

interface EChartProps {
  option: ChartOption;
  /** The chart's accessible name. The pages put the numbers themselves in tables or text beside it. */
  label: string;
  height?: number;
}

/**
 * Draws an ECharts option into a div that follows its container's width. A new option replaces
 * the previous one whole, so series that disappear from it disappear from the chart.
 */
export function EChart({ option, label, height = 320 }: EChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const element = container.current;
    if (element === null) {
      return;
    }
    const instance = echarts.init(element, null, { renderer: "svg" });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={container} className="chart" role="img" aria-label={label} style={{ height }} />;
}
