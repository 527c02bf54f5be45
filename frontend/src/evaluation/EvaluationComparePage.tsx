import { Alert, Col, Empty, Row, Select, Table, Tag, Typography } from "antd";
import type { TableColumnsType } from "antd";
import type { TFunction } from "i18next";
import { useId, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { useQuery } from "urql";

import { DocumentTitle } from "../common/DocumentTitle";
import { EChart } from "../charts/EChart";
import { ErrorDisplay } from "../common/ErrorDisplay";
import { Loading } from "../common/Loading";
import { useFormat } from "../i18n/format";
import type { CompareEvaluationsQuery, EvaluationRowFragment } from "../gql/graphql";
import { useCurrentTeam } from "../teams/TeamContext";
import { useTeamCatalog } from "../training/useTeamCatalog";
import { curvesChartHeight, curvesOption, residualsOption } from "./curveOptions";
import { CompareEvaluationsQuery as CompareEvaluationsDocument } from "./documents";
import { EVALUATED_SPLITS, splitName } from "./splitName";
import { useMetricLabel } from "./useMetricLabel";

type Comparison = CompareEvaluationsQuery["compareEvaluations"];
type ComparedMetricRow = Comparison["metrics"][number];
type ComparedData = Comparison["data"][number];

/** Reads the evaluation ids from `?ids=a,b,c`. */
export function comparedIds(value: string | null): string[] {
  return (value ?? "").split(",").filter((id) => id !== "");
}

/** Shows 2 to 10 completed evaluations side by side: every metric with the best marked, and their curves overlaid. */
export function EvaluationComparePage() {
  const { t } = useTranslation();
  const team = useCurrentTeam();
  const [params] = useSearchParams();
  const ids = comparedIds(params.get("ids"));
  const [{ data, fetching, error }] = useQuery({
    query: CompareEvaluationsDocument,
    variables: { ids },
    pause: ids.length < 2,
  });

  return (
    <section aria-labelledby="compare-title" className="page">
      <Link to={`/teams/${team.id}/evaluations`}>{t("evaluation.backToEvaluations")}</Link>
      <DocumentTitle page={t("evaluation.compare.title")} />
      <Typography.Title level={2} id="compare-title">
        {t("evaluation.compare.title")}
      </Typography.Title>
      {ids.length < 2 && <Empty description={t("evaluation.compare.needTwo")} />}
      {error && <ErrorDisplay error={error} />}
      {fetching && !data && <Loading />}
      {data && <ComparisonView comparison={data.compareEvaluations} />}
    </section>
  );
}

function useEvaluationName(): (evaluation: EvaluationRowFragment) => string {
  const { t } = useTranslation();
  const format = useFormat();
  const team = useCurrentTeam();
  const catalog = useTeamCatalog(team.id);
  return (evaluation) =>
    t("evaluation.compare.column", {
      model: catalog.modelName(evaluation.modelId) ?? evaluation.modelId,
      number: evaluation.modelVersionNumber,
      split: splitName(evaluation.split, t),
      date: format.dateTime(evaluation.createdAt),
    });
}

/** States what one evaluation measured, naming the model and dataset with their version numbers. */
function measuredText(data: ComparedData, t: TFunction): string {
  const known = EVALUATED_SPLITS.find((name) => name === data.split);
  let rows: string;
  if (data.split === null || data.split === undefined) {
    rows = t("evaluation.compare.rows.all");
  } else if (known) {
    rows = t(`evaluation.compare.rows.${known}`);
  } else {
    rows = t("evaluation.compare.rows.other", { split: data.split });
  }
  const dataset =
    data.datasetVersionNumber === null || data.datasetVersionNumber === undefined
      ? t("evaluation.compare.datasetOnly", { name: data.datasetName })
      : t("evaluation.compare.datasetVersion", { name: data.datasetName, number: data.datasetVersionNumber });
  return t("evaluation.compare.measured", {
    model: data.modelName,
    number: data.modelVersionNumber,
    rows,
    dataset,
    label: data.label,
  });
}

function ComparisonView({ comparison }: { comparison: Comparison }) {
  const { t } = useTranslation();
  const format = useFormat();
  const metricLabel = useMetricLabel();
  const evaluationName = useEvaluationName();
  const team = useCurrentTeam();
  const names = comparison.evaluations.map(evaluationName);

  const columns: TableColumnsType<ComparedMetricRow> = [
    {
      title: t("evaluation.metric"),
      key: "name",
      fixed: "left",
      render: (_, row) => (
        <>
          {metricLabel(row.name)}
          <Typography.Text type="secondary" className="metric-direction">
            {row.higherIsBetter ? t("evaluation.compare.higherBetter") : t("evaluation.compare.lowerBetter")}
          </Typography.Text>
        </>
      ),
    },
    ...comparison.evaluations.map((evaluation, index) => ({
      title: <Link to={`/teams/${team.id}/evaluations/${evaluation.id}`}>{names[index]}</Link>,
      key: evaluation.id,
      render: (_: unknown, row: ComparedMetricRow) => {
        const value = format.number(row.values[index] ?? null);
        return row.bestEvaluationIds.includes(evaluation.id) ? (
          <Tag color="green" aria-label={t("evaluation.compare.bestValue", { value })}>
            {value} ★
          </Tag>
        ) : (
          value
        );
      },
    })),
  ];

  return (
    <div>
      {!comparison.sameData && (
        <Alert
          type="warning"
          showIcon
          className="page-notice"
          title={t("evaluation.compare.differentData")}
          description={
            <ul className="plain-list">
              {comparison.data.map((data) => (
                <li key={data.evaluationId}>{measuredText(data, t)}</li>
              ))}
            </ul>
          }
        />
      )}
      {comparison.differentClasses && (
        <Alert type="info" showIcon className="page-notice" title={t("evaluation.compare.differentClasses")} />
      )}
      <Table<ComparedMetricRow>
        rowKey="name"
        size="small"
        pagination={false}
        columns={columns}
        dataSource={comparison.metrics}
        scroll={{ x: true }}
      />
      <ComparedCurves comparison={comparison} names={names} />
    </div>
  );
}

function ComparedCurves({ comparison, names }: { comparison: Comparison; names: string[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const ids = useId();
  const classNames = Array.from(new Set(comparison.curves.flatMap((curves) => curves.roc.map((curve) => curve.className))));
  const [chosenClass, setChosenClass] = useState<string | null>(null);
  const className = chosenClass ?? classNames[classNames.length - 1] ?? null;

  const roc = useMemo(
    () =>
      curvesOption(
        comparison.curves.flatMap((curves, index) =>
          curves.roc
            .filter((curve) => curve.className === className)
            .map((curve) => ({
              name: t("evaluation.compare.curveName", { name: names[index], value: format.number(curve.area) }),
              points: curve.points.map((point) => ({ x: point.x, y: point.y, threshold: point.threshold ?? null })),
            })),
        ),
        { x: t("evaluation.curves.fpr"), y: t("evaluation.curves.tpr") },
        t("evaluation.curves.chance"),
      ),
    [comparison.curves, className, names, format, t],
  );
  const pr = useMemo(
    () =>
      curvesOption(
        comparison.curves.flatMap((curves, index) =>
          curves.pr
            .filter((curve) => curve.className === className)
            .map((curve) => ({
              name: t("evaluation.compare.curveName", { name: names[index], value: format.number(curve.area) }),
              points: curve.points.map((point) => ({ x: point.x, y: point.y, threshold: point.threshold ?? null })),
            })),
        ),
        { x: t("evaluation.curves.recall"), y: t("evaluation.curves.precision") },
        null,
      ),
    [comparison.curves, className, names, format, t],
  );

  if (comparison.task === "regression") {
    const histograms = comparison.curves.flatMap((curves, index) =>
      curves.residuals?.low !== null &&
      curves.residuals?.low !== undefined &&
      curves.residuals.high !== null &&
      curves.residuals.high !== undefined
        ? [
            {
              name: names[index] ?? "",
              residuals: { low: curves.residuals.low, high: curves.residuals.high, counts: curves.residuals.counts },
            },
          ]
        : [],
    );
    const residuals = residualsOption(histograms, { x: t("evaluation.curves.residual"), y: t("evaluation.curves.rows") });
    return (
      <section aria-label={t("evaluation.curves.residuals")}>
        <Typography.Title level={4}>{t("evaluation.curves.residuals")}</Typography.Title>
        <EChart option={residuals} label={t("evaluation.curves.residualsChart")} height={curvesChartHeight(residuals)} />
      </section>
    );
  }

  return (
    <section aria-label={t("evaluation.tabs.curves")}>
      <Typography.Title level={4}>{t("evaluation.tabs.curves")}</Typography.Title>
      {classNames.length > 1 && (
        <div className="filter filters">
          <label htmlFor={`${ids}-class`}>{t("evaluation.compare.positiveClass")}</label>
          <Select
            id={`${ids}-class`}
            value={className ?? undefined}
            onChange={(value: string) => setChosenClass(value)}
            options={classNames.map((name) => ({ value: name, label: name }))}
            style={{ width: 160 }}
          />
        </div>
      )}
      <Row gutter={[24, 24]}>
        <Col xs={24} xl={12}>
          <Typography.Title level={5}>{t("evaluation.curves.roc")}</Typography.Title>
          <EChart option={roc} label={t("evaluation.compare.rocChart")} height={curvesChartHeight(roc)} />
        </Col>
        <Col xs={24} xl={12}>
          <Typography.Title level={5}>{t("evaluation.curves.pr")}</Typography.Title>
          <EChart option={pr} label={t("evaluation.compare.prChart")} height={curvesChartHeight(pr)} />
        </Col>
      </Row>
    </section>
  );
}
