import { Empty, Typography } from "antd";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";

import { EChart } from "../charts/EChart";
import type { TrainingRunStatus } from "../gql/graphql";
import type { ChartOption } from "../charts/EChart";
import { useFormat } from "../i18n/format";
import { groupMetrics, metricAxisMax } from "./metricSeries";
import type { MetricGroup, SeriesByName, SeriesPoint } from "./metricSeries";
import type { SeriesInfo } from "./useLiveRun";

/** Text of an empty metrics tab by run status, because a run that ended before its first epoch never draws curves. */
const NO_METRICS_TEXT = {
  QUEUED: "training.noMetrics",
  RUNNING: "training.noMetrics",
  CANCELLED: "training.noMetricsCancelled",
  FAILED: "training.noMetricsFailed",
  SUCCEEDED: "training.noMetricsRecorded",
} as const satisfies Record<TrainingRunStatus, string>;

interface MetricCurvesProps {
  series: SeriesByName;
  seriesInfo: Record<string, SeriesInfo>;
  /** The epoch whose weights the model kept, marked on every epoch chart. */
  bestEpoch: number | null;
  /** The run's status, which decides whether an empty chart list waits for the first epoch or is final. */
  status: TrainingRunStatus;
}

/** Draws one chart per metric, with its validation counterpart beside it (loss with val_loss). */
export function MetricCurves({ series, seriesInfo, bestEpoch, status }: MetricCurvesProps) {
  const { t } = useTranslation();
  const groups = useMemo(() => groupMetrics(Object.keys(series)), [series]);

  if (groups.length === 0) {
    return <Empty description={t(NO_METRICS_TEXT[status])} />;
  }
  return (
    <div className="metric-curves">
      {groups.map((group) => (
        <MetricChart key={group.key} group={group} series={series} seriesInfo={seriesInfo} bestEpoch={bestEpoch} />
      ))}
    </div>
  );
}

/** Returns whether every point has an epoch, so the chart can count epochs on its x axis instead of steps. */
function byEpoch(points: SeriesPoint[][]): boolean {
  return points.every((list) => list.every((point) => point.epoch !== null));
}

function MetricChart({
  group,
  series,
  seriesInfo,
  bestEpoch,
}: {
  group: MetricGroup;
  series: SeriesByName;
  seriesInfo: Record<string, SeriesInfo>;
  bestEpoch: number | null;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const lists = group.names.map((name) => series[name] ?? []);
  const epochAxis = byEpoch(lists);
  const nonFinite = lists.flat().filter((point) => point.nonFinite !== null).length;
  const downsampled = group.names.filter((name) => seriesInfo[name]?.downsampled);

  const option = useMemo<ChartOption>(() => {
    const x = (point: SeriesPoint) => (epochAxis ? point.epoch : point.step);
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 64, right: 24, top: 36, bottom: 48 },
      xAxis: {
        type: "value",
        name: epochAxis ? t("training.epoch") : t("training.step"),
        nameLocation: "middle",
        nameGap: 28,
        minInterval: 1,
      },
      yAxis: { type: "value", scale: true, max: (extent: { max: number }) => metricAxisMax(group.key, extent) },
      dataZoom: [{ type: "inside" }],
      series: group.names.map((name, index) => ({
        name,
        type: "line",
        showSymbol: (series[name]?.length ?? 0) <= 50,
        connectNulls: false,
        data: (series[name] ?? []).map((point) => [x(point), point.value]),
        markLine:
          index === 0 && epochAxis && bestEpoch !== null
            ? {
                symbol: "none",
                label: { formatter: t("training.bestEpoch") },
                data: [{ xAxis: bestEpoch }],
              }
            : undefined,
      })),
    };
  }, [group.key, group.names, series, epochAxis, bestEpoch, t]);

  return (
    <section className="metric-chart" aria-label={group.key}>
      <Typography.Title level={5}>{group.key}</Typography.Title>
      <EChart option={option} label={t("training.curveOf", { name: group.key })} height={260} />
      <Typography.Paragraph type="secondary" className="chart-caption">
        {group.names
          .map((name) => {
            const points = series[name] ?? [];
            const latest = points[points.length - 1];
            return t("training.curveSummary", {
              name,
              count: points.length,
              last: latest ? format.number(latest.value) : "—",
            });
          })
          .join(" · ")}
      </Typography.Paragraph>
      {nonFinite > 0 && (
        <Typography.Paragraph type="warning">{t("training.nonFinitePoints", { count: nonFinite })}</Typography.Paragraph>
      )}
      {downsampled.length > 0 && (
        <Typography.Paragraph type="secondary">
          {t("training.downsampled", { names: downsampled.join(", ") })}
        </Typography.Paragraph>
      )}
    </section>
  );
}
