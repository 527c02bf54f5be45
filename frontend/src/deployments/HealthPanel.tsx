import { Card, Col, Row, Table, Typography } from "antd";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";

import { EChart } from "../common/EChart";
import { ErrorDisplay } from "../common/ErrorDisplay";
import { Loading } from "../common/Loading";
import { useMeasures } from "../i18n/measures";
import { useSignalFormat } from "../monitoring/signals";
import { errorOption, latencyOption, throughputOption } from "./healthSeries";
import type { ChartLabels } from "./healthSeries";
import { useHealthSeries } from "./useHealthSeries";

interface HealthPanelProps {
  deploymentId: string;
  /** The position of the newest inference window pushed by deploymentUpdated, or null before any. */
  windowPosition: number | null;
}

/** Latency percentiles, throughput and error rates over the last hour, extended as windows are recorded, and the current signals. */
export function HealthPanel({ deploymentId, windowPosition }: HealthPanelProps) {
  const { t, i18n } = useTranslation();
  const measures = useMeasures();
  const signals = useSignalFormat();
  const health = useHealthSeries(deploymentId, windowPosition);

  const labels: ChartLabels = useMemo(() => {
    const time = new Intl.DateTimeFormat(i18n.language, { timeStyle: "short" });
    return {
      p50: t("health.p50"),
      p95: t("health.p95"),
      p99: t("health.p99"),
      throughput: t("health.throughput"),
      errors: t("health.errorRate"),
      clientErrors: t("health.clientErrorRate"),
      milliseconds: t("common.milliseconds"),
      perSecond: t("common.perSecond"),
      time: (iso) => time.format(new Date(iso)),
    };
  }, [t, i18n.language]);

  const latency = useMemo(() => latencyOption(health.points, labels), [health.points, labels]);
  const throughput = useMemo(() => throughputOption(health.points, labels), [health.points, labels]);
  const errors = useMemo(() => errorOption(health.points, labels), [health.points, labels]);
  const newest = health.points[health.points.length - 1];

  if (health.error && health.points.length === 0) {
    return <ErrorDisplay error={health.error} onRetry={health.reload} />;
  }
  if (health.points.length === 0 && health.fetching) {
    return <Loading />;
  }

  return (
    <div className="health-panel">
      {health.error && <ErrorDisplay error={health.error} onRetry={health.reload} />}
      <Typography.Paragraph type="secondary" aria-live="polite">
        {newest
          ? t("health.latestPoint", {
              requests: newest.requests,
              rate: measures.perSecond(newest.requestsPerSecond),
              p99: measures.milliseconds(newest.latencyP99Ms),
            })
          : t("health.noTraffic")}
      </Typography.Paragraph>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card size="small" title={t("health.latency")}>
            <EChart option={latency} label={t("health.latencyChart")} />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={t("health.throughputTitle")}>
            <EChart option={throughput} label={t("health.throughputChart")} />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={t("health.errors")}>
            <EChart option={errors} label={t("health.errorsChart")} />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={t("health.signals", { seconds: health.windowSeconds })}>
            <Table
              size="small"
              rowKey="signal"
              pagination={false}
              dataSource={health.signals}
              columns={[
                {
                  title: t("health.signal"),
                  dataIndex: "signal",
                  key: "signal",
                  render: (signal: string) => <span title={signal}>{signals.label(signal)}</span>,
                },
                {
                  title: t("health.value"),
                  key: "value",
                  render: (_, signal) => signals.value(signal.value, signal.unit),
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
