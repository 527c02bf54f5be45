import { Col, Row, Slider, Space, Statistic, Typography } from "antd";
import { useId, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useQuery } from "urql";

import { NumberInput } from "../common/NumberInput";
import { EChart } from "../charts/EChart";
import type { ChartOption } from "../charts/EChart";
import { ErrorDisplay } from "../common/ErrorDisplay";
import { useDebounced } from "../common/useDebounced";
import { useFormat } from "../i18n/format";
import { ThresholdMetricsQuery } from "./documents";
import type { ThresholdRow } from "./report";
import { useMetricLabel } from "./useMetricLabel";

/** How long the threshold must stay still before the server is asked, in milliseconds. */
export const THRESHOLD_DELAY_MS = 200;

interface ThresholdExplorerProps {
  evaluationId: string;
  /** The report's grid of thresholds from 0 to 1 in steps of 0.01, for the chart. */
  grid: ThresholdRow[];
  positiveClass: string | null;
}

/**
 * Shows a binary classifier at any decision threshold. When the slider moves (or a value is
 * typed), the server computes the confusion counts and rates exactly from the scores the report keeps.
 */
export function ThresholdExplorer({ evaluationId, grid, positiveClass }: ThresholdExplorerProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const metricLabel = useMetricLabel();
  const ids = useId();
  const [threshold, setThreshold] = useState(0.5);
  const settled = useDebounced(threshold, THRESHOLD_DELAY_MS);
  const [{ data, fetching, error }] = useQuery({
    query: ThresholdMetricsQuery,
    variables: { id: evaluationId, threshold: settled },
  });
  const result = data?.evaluation.thresholdMetrics ?? null;

  const option = useMemo<ChartOption>(
    () => ({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 56, right: 24, top: 40, bottom: 48 },
      xAxis: { type: "value", min: 0, max: 1, name: t("evaluation.threshold.threshold"), nameLocation: "middle", nameGap: 28 },
      yAxis: { type: "value", min: 0, max: 1 },
      series: [
        ...(["precision", "recall", "f1"] as const).map((name, index) => ({
          name: t(`evaluation.measures.${name}`),
          type: "line",
          showSymbol: false,
          data: grid.map((row) => [row.threshold, row[name]]),
          markLine:
            index === 0 ? { symbol: "none", silent: true, label: { show: false }, data: [{ xAxis: settled }] } : undefined,
        })),
      ],
    }),
    [grid, settled, t],
  );

  return (
    <div className="threshold-explorer">
      <Typography.Paragraph type="secondary">
        {t("evaluation.threshold.help", { className: positiveClass ?? "" })}
      </Typography.Paragraph>
      <Space align="center" wrap className="threshold-controls">
        <span id={`${ids}-label`}>{t("evaluation.threshold.threshold")}</span>
        <Slider
          min={0}
          max={1}
          step={0.01}
          value={threshold}
          onChange={(value: number) => setThreshold(value)}
          ariaLabelledByForHandle={`${ids}-label`}
          style={{ width: 320 }}
        />
        <NumberInput
          min={0}
          max={1}
          step={0.001}
          value={threshold}
          onChange={(value) => setThreshold(value ?? 0)}
          aria-labelledby={`${ids}-label`}
        />
      </Space>
      {error && <ErrorDisplay error={error} />}
      <Row gutter={[16, 16]} aria-live="polite" aria-busy={fetching}>
        {result && (
          <>
            <Col xs={12} md={4}>
              <Statistic title={metricLabel("accuracy")} value={format.number(result.accuracy)} />
            </Col>
            <Col xs={12} md={5}>
              <Statistic title={t("evaluation.measures.precision")} value={format.number(result.precision)} />
            </Col>
            <Col xs={12} md={5}>
              <Statistic title={t("evaluation.measures.recall")} value={format.number(result.recall)} />
            </Col>
            <Col xs={12} md={5}>
              <Statistic title={t("evaluation.measures.f1")} value={format.number(result.f1)} />
            </Col>
            <Col xs={12} md={5}>
              <Statistic title={t("evaluation.threshold.fpr")} value={format.number(result.falsePositiveRate)} />
            </Col>
            <Col xs={24}>
              <table className="confusion-table">
                <caption>{t("evaluation.threshold.caption", { threshold: format.number(result.threshold) })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("evaluation.confusion.trueClass")}</th>
                    <th scope="col">{t("evaluation.threshold.predictedPositive")}</th>
                    <th scope="col">{t("evaluation.threshold.predictedNegative")}</th>
                  </tr>
                </thead>
                <tbody>
                  <tr>
                    <th scope="row">{t("evaluation.threshold.positive")}</th>
                    <td>{t("evaluation.threshold.tp", { value: format.number(result.tp) })}</td>
                    <td>{t("evaluation.threshold.fn", { value: format.number(result.fn) })}</td>
                  </tr>
                  <tr>
                    <th scope="row">{t("evaluation.threshold.negative")}</th>
                    <td>{t("evaluation.threshold.fp", { value: format.number(result.fp) })}</td>
                    <td>{t("evaluation.threshold.tn", { value: format.number(result.tn) })}</td>
                  </tr>
                </tbody>
              </table>
            </Col>
          </>
        )}
      </Row>
      {grid.length > 0 && <EChart option={option} label={t("evaluation.threshold.chart")} height={280} />}
    </div>
  );
}
