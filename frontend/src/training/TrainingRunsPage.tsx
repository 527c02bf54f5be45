import { Button, Progress, Select, Space, Table, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useId, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";

import { clearOption } from "../common/clearOption";
import { DocumentTitle } from "../common/DocumentTitle";
import { ErrorDisplay } from "../common/ErrorDisplay";
import { NewRowsNotice } from "../common/NewRowsNotice";
import { useFormat } from "../i18n/format";
import type { TrainingRunFilter, TrainingRunRowFragment, TrainingRunStatus } from "../gql/graphql";
import { useCurrentTeam } from "../teams/TeamContext";
import { attemptText } from "./attemptText";
import { isActive, RUN_STATUSES, RunStatusTag } from "./RunStatusTag";
import { useDuration } from "./useDuration";
import { useTeamCatalog } from "./useTeamCatalog";
import { useTrainingRuns } from "./useTrainingRuns";

/** Reads the status filter from the URL (`?status=RUNNING,QUEUED`), ignoring unknown names. */
export function statusesFrom(value: string | null): TrainingRunStatus[] {
  if (!value) {
    return [];
  }
  return value.split(",").flatMap((name) => RUN_STATUSES.filter((status) => status === name));
}

/** Lists the team's training runs, newest first, filtered by status and model; active rows and new runs show live. */
export function TrainingRunsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const duration = useDuration();
  const ids = useId();
  const team = useCurrentTeam();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const statuses = statusesFrom(params.get("status"));
  const modelId = params.get("model");
  const catalog = useTeamCatalog(team.id);
  const statusKey = statuses.join(",");
  const filter = useMemo<TrainingRunFilter>(
    () => ({ status: statusKey === "" ? null : statusesFrom(statusKey), modelId }),
    [statusKey, modelId],
  );
  const runs = useTrainingRuns(team.id, filter);
  const canStart = team.viewerRole === "EDITOR" || team.viewerRole === "ADMIN";

  const setParam = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value === null || value === "") {
      next.delete(key);
    } else {
      next.set(key, value);
    }
    setParams(next);
  };

  const columns: TableColumnsType<TrainingRunRowFragment> = [
    {
      title: t("training.columns.name"),
      key: "name",
      render: (_, run) => <Link to={`/teams/${team.id}/training/${run.id}`}>{run.name}</Link>,
    },
    {
      title: t("training.columns.status"),
      key: "status",
      render: (_, run) => <RunStatusTag status={run.status} cancelRequested={run.cancelRequested} />,
    },
    {
      title: t("training.columns.model"),
      key: "model",
      render: (_, run) =>
        run.modelId ? (
          <Link to={`/teams/${team.id}/models/${run.modelId}`}>{catalog.modelName(run.modelId) ?? run.modelId}</Link>
        ) : (
          "—"
        ),
    },
    {
      title: t("training.columns.dataset"),
      key: "dataset",
      render: (_, run) => {
        const found = catalog.datasetVersion(run.datasetVersionId);
        if (found) {
          return t("training.datasetVersion", { name: found.dataset.name, number: found.version.number });
        }
        return run.datasetVersionId ?? "—";
      },
    },
    {
      title: t("training.columns.epochs"),
      key: "epochs",
      // Without a width the table squeezes the progress bar to nothing beside its "21 of 25" text.
      width: 200,
      render: (_, run) =>
        run.epochsPlanned ? (
          <Progress
            percent={Math.round((100 * run.epochsDone) / run.epochsPlanned)}
            size="small"
            format={() => t("training.epochsOf", { done: run.epochsDone, planned: run.epochsPlanned })}
            status={run.status === "FAILED" ? "exception" : isActive(run.status) ? "active" : "normal"}
            aria-label={t("training.epochsOf", { done: run.epochsDone, planned: run.epochsPlanned })}
          />
        ) : (
          format.number(run.epochsDone)
        ),
    },
    {
      title: t("training.columns.attempt"),
      key: "attempt",
      className: "cell-nowrap",
      render: (_, run) => attemptText(t, run),
    },
    {
      title: t("training.columns.eta"),
      key: "eta",
      className: "cell-nowrap",
      render: (_, run) => (run.status === "RUNNING" ? duration(run.etaSeconds) : "—"),
    },
    { title: t("training.columns.started"), key: "started", render: (_, run) => format.dateTime(run.startedAt) },
    { title: t("training.columns.finished"), key: "finished", render: (_, run) => format.dateTime(run.finishedAt) },
    {
      title: t("training.columns.version"),
      key: "version",
      render: (_, run) =>
        run.modelVersionId && run.modelId ? (
          <Link to={`/teams/${team.id}/models/${run.modelId}/versions/${run.modelVersionId}`}>
            {t("training.versionNumber", { number: run.modelVersionNumber })}
          </Link>
        ) : (
          "—"
        ),
    },
  ];

  return (
    <section aria-labelledby="training-title" className="page">
      <Space align="center" wrap className="page-heading">
        <DocumentTitle page={t("training.title")} />
        <Typography.Title level={2} id="training-title">
          {t("training.title")}
        </Typography.Title>
        {canStart && (
          <Button type="primary" onClick={() => navigate(`/teams/${team.id}/training/new${modelId ? `?model=${modelId}` : ""}`)}>
            {t("training.startRun")}
          </Button>
        )}
      </Space>
      <Space wrap align="end" className="filters" role="search" aria-label={t("training.filters")}>
        <div className="filter">
          <label htmlFor={`${ids}-status`}>{t("training.columns.status")}</label>
          <Select<TrainingRunStatus[]>
            id={`${ids}-status`}
            mode="multiple"
            allowClear={clearOption(t)}
            value={statuses}
            onChange={(value) => setParam("status", value.join(","))}
            placeholder={t("training.anyStatus")}
            options={RUN_STATUSES.map((status) => ({ value: status, label: t(`training.statuses.${status}`) }))}
            style={{ minWidth: 240 }}
          />
        </div>
        <div className="filter">
          <label htmlFor={`${ids}-model`}>{t("training.columns.model")}</label>
          <Select
            id={`${ids}-model`}
            allowClear={clearOption(t)}
            showSearch={{ optionFilterProp: "label" }}
            value={modelId ?? undefined}
            onChange={(value: string | undefined) => setParam("model", value ?? null)}
            placeholder={t("training.anyModel")}
            options={catalog.models.map((model) => ({ value: model.id, label: model.name }))}
            style={{ width: 240 }}
          />
        </div>
      </Space>
      <NewRowsNotice newRows={runs.newRows} onReload={runs.reload} />
      {runs.error && <ErrorDisplay error={runs.error} onRetry={runs.reload} />}
      {catalog.error && <ErrorDisplay error={catalog.error} />}
      <Table<TrainingRunRowFragment>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={runs.rows}
        rowClassName={runs.newRows.rowClassName}
        loading={runs.fetching}
        pagination={false}
        locale={{ emptyText: statuses.length > 0 || modelId ? t("training.noMatch") : t("training.empty") }}
        scroll={{ x: true }}
      />
      {runs.hasNextPage && (
        <Button onClick={runs.loadMore} loading={runs.fetching} className="load-more">
          {t("common.loadMore")}
        </Button>
      )}
    </section>
  );
}
