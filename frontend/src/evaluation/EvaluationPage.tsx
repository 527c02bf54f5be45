import { Alert, Descriptions, Space, Tabs, Tag, Typography } from "antd";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams, useSearchParams } from "react-router";
import { useQuery, useSubscription } from "urql";

import { DocumentTitle } from "../common/DocumentTitle";
import { ErrorDisplay } from "../common/ErrorDisplay";
import { Loading } from "../common/Loading";
import { useFormat } from "../i18n/format";
import type { EvaluationReportFragment } from "../gql/graphql";
import { useCurrentTeam } from "../teams/TeamContext";
import { useTeamCatalog } from "../training/useTeamCatalog";
import { AttributionsPanel } from "./AttributionsPanel";
import { CurvesPanel } from "./CurvesPanel";
import { EvaluationQuery, EvaluationLiveSubscription } from "./documents";
import { EvaluationStatusTag } from "./EvaluationStatusTag";
import { MetricSummary } from "./MetricSummary";
import { readAttributions, readCurves, readMetrics, readSlices, readThresholds } from "./report";
import { SliceExplorer } from "./SliceExplorer";
import { splitName } from "./splitName";
import { ThresholdExplorer } from "./ThresholdExplorer";

const TABS = ["summary", "curves", "slices", "thresholds", "attributions"] as const;
type EvaluationTab = (typeof TABS)[number];

/** Returns whichever state of the evaluation was recorded later. */
function newer(left: EvaluationReportFragment | undefined, right: EvaluationReportFragment | undefined) {
  if (!left || !right) {
    return left ?? right;
  }
  return right.updatedAt > left.updatedAt ? right : left;
}

/**
 * Shows one evaluation's report: headline metrics, confusion matrix, curves, slices, the threshold
 * explorer of a binary classifier and feature attributions. A pending evaluation follows
 * `evaluationUpdated` until its report is in.
 */
export function EvaluationPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const team = useCurrentTeam();
  const catalog = useTeamCatalog(team.id);
  const { evaluationId = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const tab: EvaluationTab = TABS.find((name) => name === params.get("tab")) ?? "summary";

  const [{ data, fetching, error }, reexecute] = useQuery({ query: EvaluationQuery, variables: { id: evaluationId } });
  // A finished evaluation no longer changes, so only one read as pending is followed.
  const finished = data !== undefined && data.evaluation.status !== "PENDING";
  const [{ data: live }] = useSubscription({
    query: EvaluationLiveSubscription,
    variables: { id: evaluationId },
    pause: finished,
  });
  const evaluation = newer(data?.evaluation, live?.evaluationUpdated.evaluation);

  const report = useMemo(() => {
    if (!evaluation) {
      return null;
    }
    return {
      metrics: readMetrics(evaluation.task, evaluation.metrics),
      curves: readCurves(evaluation.curves),
      slices: readSlices(evaluation.slices),
      thresholds: readThresholds(evaluation.thresholds),
      attributions: readAttributions(evaluation.attributions),
    };
  }, [evaluation]);

  if (error && !evaluation) {
    return <ErrorDisplay error={error} onRetry={() => reexecute({ requestPolicy: "network-only" })} />;
  }
  if (!evaluation || !report) {
    return fetching ? <Loading /> : null;
  }

  const dataset = catalog.datasetVersion(evaluation.datasetVersionId);
  const binary = evaluation.task === "classification" && (evaluation.classes?.length ?? 0) === 2;
  const completed = evaluation.status === "COMPLETED";
  const setTab = (key: string) => {
    const next = new URLSearchParams();
    if (key !== "summary") {
      next.set("tab", key);
    }
    setParams(next);
  };

  const items = [
    {
      key: "summary",
      label: t("evaluation.tabs.summary"),
      children: <MetricSummary evaluation={evaluation} metrics={report.metrics} />,
    },
    { key: "curves", label: t("evaluation.tabs.curves"), children: <CurvesPanel curves={report.curves} /> },
    {
      key: "slices",
      label: t("evaluation.tabs.slices"),
      children: <SliceExplorer slices={report.slices} metrics={report.metrics} curves={report.curves} />,
    },
    ...(binary
      ? [
          {
            key: "thresholds",
            label: t("evaluation.tabs.thresholds"),
            children: (
              <ThresholdExplorer
                evaluationId={evaluation.id}
                grid={report.thresholds}
                positiveClass={report.metrics?.task === "classification" ? report.metrics.positiveClass : null}
              />
            ),
          },
        ]
      : []),
    {
      key: "attributions",
      label: t("evaluation.tabs.attributions"),
      children: <AttributionsPanel attributions={report.attributions} />,
    },
  ];

  const pageTitle = t("evaluation.pageTitle", {
    model: catalog.modelName(evaluation.modelId) ?? evaluation.modelId,
    number: evaluation.modelVersionNumber,
  });

  return (
    <section aria-labelledby="evaluation-title" className="page">
      <Link
        className="back-link"
        to={`/teams/${team.id}/models/${evaluation.modelId}/versions/${evaluation.modelVersionId}?tab=evaluations`}
      >
        {t("evaluation.backToVersion", { number: evaluation.modelVersionNumber })}
      </Link>
      <DocumentTitle page={pageTitle} />
      <Space align="center" wrap>
        <Typography.Title level={2} id="evaluation-title">
          {pageTitle}
        </Typography.Title>
        <EvaluationStatusTag status={evaluation.status} />
        {evaluation.status === "PENDING" && live && <Tag color="green">{t("evaluation.live")}</Tag>}
      </Space>
      <Descriptions size="small" column={{ xs: 1, md: 3 }} className="run-summary">
        <Descriptions.Item label={t("evaluation.columns.dataset")}>
          {dataset
            ? t("training.datasetVersion", { name: dataset.dataset.name, number: dataset.version.number })
            : evaluation.datasetVersionId}
        </Descriptions.Item>
        <Descriptions.Item label={t("evaluation.columns.split")}>{splitName(evaluation.split, t)}</Descriptions.Item>
        <Descriptions.Item label={t("evaluation.columns.label")}>{evaluation.label}</Descriptions.Item>
        <Descriptions.Item label={t("evaluation.task")}>
          {t(`evaluation.tasks.${evaluation.task === "regression" ? "regression" : "classification"}`)}
        </Descriptions.Item>
        <Descriptions.Item label={t("evaluation.columns.rows")}>{format.number(evaluation.rows)}</Descriptions.Item>
        <Descriptions.Item label={t("evaluation.columns.created")}>{format.dateTime(evaluation.createdAt)}</Descriptions.Item>
      </Descriptions>
      {evaluation.status === "PENDING" && <Alert type="info" showIcon className="page-notice" title={t("evaluation.pending")} />}
      {evaluation.status === "FAILED" && (
        <Alert
          type="error"
          showIcon
          className="page-notice"
          title={t("evaluation.failed")}
          description={evaluation.failureReason}
        />
      )}
      {completed && <Tabs activeKey={items.some((item) => item.key === tab) ? tab : "summary"} onChange={setTab} items={items} />}
    </section>
  );
}
