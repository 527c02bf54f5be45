import { Empty, Typography } from "antd";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";

import { spaceLatinTerms } from "../i18n/spacing";
import { EChart } from "../charts/EChart";
import type { ChartOption } from "../charts/EChart";
import type { Attributions } from "./report";
import { useMetricLabel } from "./useMetricLabel";

/** Draws the permutation importance of each feature as horizontal bars, the most important on top. */
export function AttributionsPanel({ attributions }: { attributions: Attributions | null }) {
  const { t } = useTranslation();
  const metricLabel = useMetricLabel();
  const features = useMemo(
    () => [...(attributions?.features ?? [])].sort((left, right) => left.importance - right.importance),
    [attributions],
  );

  const option = useMemo<ChartOption>(
    () => ({
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 16, right: 32, top: 16, bottom: 40, containLabel: true },
      xAxis: {
        type: "value",
        name: spaceLatinTerms(t("evaluation.attributions.axis", { metric: metricLabel(attributions?.metric ?? "") })),
        nameLocation: "middle",
        nameGap: 28,
      },
      yAxis: { type: "category", data: features.map((feature) => feature.feature) },
      series: [
        {
          name: t("evaluation.attributions.importance"),
          type: "bar",
          data: features.map((feature) => feature.importance),
        },
      ],
    }),
    [features, attributions, metricLabel, t],
  );

  if (attributions === null || features.length === 0) {
    return <Empty description={t("evaluation.attributions.none")} />;
  }
  return (
    <div>
      <Typography.Paragraph type="secondary">
        {spaceLatinTerms(t("evaluation.attributions.help", { metric: metricLabel(attributions.metric) }))}
      </Typography.Paragraph>
      <EChart option={option} label={t("evaluation.attributions.chart")} height={Math.max(240, features.length * 22 + 80)} />
    </div>
  );
}
