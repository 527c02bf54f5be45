import { Alert, Col, Empty, Row, Statistic, Table, Typography } from "antd";
import { useTranslation } from "react-i18next";

import { useFormat } from "../i18n/format";
import type { EvaluationReportFragment } from "../gql/graphql";
import { ConfusionMatrix } from "./ConfusionMatrix";
import type { ClassMetrics, ClassificationMetrics, RegressionMetrics } from "./report";
import { useMetricLabel } from "./useMetricLabel";

interface MetricSummaryProps {
  evaluation: EvaluationReportFragment;
  metrics: ClassificationMetrics | RegressionMetrics | null;
}

/** Shows the headline metrics, the notes on what could not be computed, and per class metrics with the confusion matrix. */
export function MetricSummary({ evaluation, metrics }: MetricSummaryProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const metricLabel = useMetricLabel();

  return (
    <div className="metric-summary">
      <Row gutter={[16, 16]}>
        {evaluation.summary.map((metric) => (
          <Col key={metric.name} xs={12} md={6}>
            <Statistic title={metricLabel(metric.name)} value={format.number(metric.value)} />
          </Col>
        ))}
      </Row>
      {evaluation.notes.length > 0 && (
        <Alert
          type="info"
          showIcon
          className="page-notice"
          title={t("evaluation.notes")}
          description={
            <ul className="plain-list">
              {evaluation.notes.map((note) => (
                <li key={note}>{note}</li>
              ))}
            </ul>
          }
        />
      )}
      {metrics === null && <Empty description={t("evaluation.noReport")} />}
      {metrics?.task === "classification" && <ClassificationDetail metrics={metrics} classes={evaluation.classes ?? []} />}
    </div>
  );
}

function ClassificationDetail({ metrics, classes }: { metrics: ClassificationMetrics; classes: string[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const averages = [
    { key: "macro", label: t("evaluation.averages.macro"), values: metrics.macro },
    { key: "micro", label: t("evaluation.averages.micro"), values: metrics.micro },
    { key: "weighted", label: t("evaluation.averages.weighted"), values: metrics.weighted },
  ];

  return (
    <>
      <Typography.Title level={4}>{t("evaluation.perClass")}</Typography.Title>
      <Table<ClassMetrics>
        rowKey="className"
        size="small"
        pagination={false}
        dataSource={metrics.perClass}
        columns={[
          {
            title: t("evaluation.className"),
            key: "class",
            render: (_, row) =>
              row.className === metrics.positiveClass
                ? t("evaluation.positiveClass", { className: row.className })
                : row.className,
          },
          { title: t("evaluation.measures.precision"), key: "precision", render: (_, row) => format.number(row.precision) },
          { title: t("evaluation.measures.recall"), key: "recall", render: (_, row) => format.number(row.recall) },
          { title: t("evaluation.measures.f1"), key: "f1", render: (_, row) => format.number(row.f1) },
          { title: t("evaluation.support"), key: "support", render: (_, row) => format.number(row.support) },
        ]}
        summary={() =>
          averages.map((average) => (
            <Table.Summary.Row key={average.key}>
              <Table.Summary.Cell index={0}>{average.label}</Table.Summary.Cell>
              <Table.Summary.Cell index={1}>{format.number(average.values?.precision)}</Table.Summary.Cell>
              <Table.Summary.Cell index={2}>{format.number(average.values?.recall)}</Table.Summary.Cell>
              <Table.Summary.Cell index={3}>{format.number(average.values?.f1)}</Table.Summary.Cell>
              <Table.Summary.Cell index={4} />
            </Table.Summary.Row>
          ))
        }
      />
      <Typography.Title level={4}>{t("evaluation.confusion.title")}</Typography.Title>
      {metrics.decisionThreshold !== null && (
        <Typography.Paragraph type="secondary">
          {t("evaluation.confusion.threshold", { threshold: format.number(metrics.decisionThreshold) })}
        </Typography.Paragraph>
      )}
      <ConfusionMatrix classes={classes} matrix={metrics.confusionMatrix} />
    </>
  );
}
