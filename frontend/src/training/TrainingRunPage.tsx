import { Alert, Button, Descriptions, Popconfirm, Progress, Space, Table, Tabs, Tag, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useTranslation } from "react-i18next";
import { Link, useParams, useSearchParams } from "react-router";
import { useMutation, useQuery } from "urql";

import { DocumentTitle } from "../common/DocumentTitle";
import { ErrorDisplay } from "../common/ErrorDisplay";
import { Loading } from "../common/Loading";
import { useFormat } from "../i18n/format";
import type { TrainingEpochFieldsFragment, TrainingRunDetailFragment } from "../gql/graphql";
import { useCurrentTeam } from "../teams/TeamContext";
import { CancelTrainingRunMutation, ConfigProfilesQuery } from "./documents";
import { attemptText } from "./attemptText";
import { HistogramsPanel } from "./HistogramsPanel";
import { MetricCurves } from "./MetricCurves";
import { isActive, RunStatusTag } from "./RunStatusTag";
import { useDuration } from "./useDuration";
import { useLiveRun } from "./useLiveRun";
import { useTeamCatalog } from "./useTeamCatalog";

const TABS = ["metrics", "histograms", "epochs", "configuration"] as const;
type RunTab = (typeof TABS)[number];

/**
 * Shows one training run as it happens: status, attempt and restarts, progress and ETA, cancelling,
 * metric curves that grow at each epoch, weight and gradient histograms, the epochs and the
 * configuration it used.
 */
export function TrainingRunPage() {
  const { t } = useTranslation();
  const { runId = "" } = useParams();
  const team = useCurrentTeam();
  const [params, setParams] = useSearchParams();
  const tab: RunTab = TABS.find((name) => name === params.get("tab")) ?? "metrics";
  const live = useLiveRun(runId);
  const run = live.run;

  if (live.error && !run) {
    return <ErrorDisplay error={live.error} onRetry={live.reload} />;
  }
  if (!run) {
    return live.fetching ? <Loading /> : null;
  }

  return (
    <section aria-labelledby="run-title" className="page">
      <Link to={`/teams/${team.id}/training`}>{t("training.backToRuns")}</Link>
      <Space align="center" wrap className="model-heading">
        <Space align="center" wrap>
          <DocumentTitle page={run.name} />
          <Typography.Title level={2} id="run-title">
            {run.name}
          </Typography.Title>
          <RunStatusTag status={run.status} cancelRequested={run.cancelRequested} />
          {live.live && isActive(run.status) && <Tag color="green">{t("training.live")}</Tag>}
        </Space>
        <CancelRun run={run} onCancelled={live.setRun} />
      </Space>
      {live.error && <ErrorDisplay error={live.error} onRetry={live.reload} />}
      {run.failureReason && (
        <Alert type="error" showIcon className="page-notice" title={t("training.failed")} description={run.failureReason} />
      )}
      {run.registrationError && (
        <Alert
          type="warning"
          showIcon
          className="page-notice"
          title={t("training.notRegistered")}
          description={run.registrationError}
        />
      )}
      {run.restarts > 0 && run.restartReason && (
        <Alert
          type="info"
          showIcon
          className="page-notice"
          title={t("training.restarted", { count: run.restarts })}
          description={run.restartReason}
        />
      )}
      <RunSummary run={run} />
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams(key === "metrics" ? {} : { tab: key })}
        items={[
          {
            key: "metrics",
            label: t("training.tabs.metrics"),
            children: (
              <MetricCurves
                series={live.series}
                seriesInfo={live.seriesInfo}
                bestEpoch={run.bestEpoch ?? null}
                status={run.status}
              />
            ),
          },
          {
            key: "histograms",
            label: t("training.tabs.histograms"),
            children: <HistogramsPanel runId={run.id} epochsDone={run.epochsDone} />,
          },
          { key: "epochs", label: t("training.tabs.epochs"), children: <EpochsTable epochs={live.epochs} /> },
          { key: "configuration", label: t("training.tabs.configuration"), children: <RunConfiguration run={run} /> },
        ]}
      />
    </section>
  );
}

function CancelRun({
  run,
  onCancelled,
}: {
  run: TrainingRunDetailFragment;
  onCancelled: (run: TrainingRunDetailFragment) => void;
}) {
  const { t } = useTranslation();
  const team = useCurrentTeam();
  const [cancelled, cancelRun] = useMutation(CancelTrainingRunMutation);
  if (!isActive(run.status) || team.viewerRole === "VIEWER") {
    return null;
  }

  const cancel = async () => {
    const result = await cancelRun({ id: run.id });
    if (result.data) {
      onCancelled(result.data.cancelTrainingRun);
    }
  };

  return (
    <div>
      <Popconfirm
        title={t("training.cancelConfirm", { name: run.name })}
        okText={t("training.cancelRun")}
        cancelText={t("training.keepRunning")}
        onConfirm={() => void cancel()}
      >
        <Button danger loading={cancelled.fetching} disabled={run.cancelRequested}>
          {run.cancelRequested ? t("training.cancelling") : t("training.cancelRun")}
        </Button>
      </Popconfirm>
      {cancelled.error && <ErrorDisplay error={cancelled.error} />}
    </div>
  );
}

function RunSummary({ run }: { run: TrainingRunDetailFragment }) {
  const { t } = useTranslation();
  const format = useFormat();
  const duration = useDuration();
  const team = useCurrentTeam();
  const catalog = useTeamCatalog(team.id);
  const [{ data: profiles }] = useQuery({ query: ConfigProfilesQuery, variables: { teamId: team.id } });
  const profileName = profiles?.configProfiles.nodes.find((profile) => profile.id === run.configProfileId)?.name;
  const dataset = catalog.datasetVersion(run.datasetVersionId);
  const progress = run.epochsPlanned ? Math.round((100 * run.epochsDone) / run.epochsPlanned) : null;

  return (
    <Descriptions bordered size="small" column={{ xs: 1, md: 2, xl: 3 }} className="run-summary">
      <Descriptions.Item label={t("training.columns.model")}>
        {run.modelId ? (
          <Link to={`/teams/${team.id}/models/${run.modelId}`}>{catalog.modelName(run.modelId) ?? run.modelId}</Link>
        ) : (
          "—"
        )}
      </Descriptions.Item>
      <Descriptions.Item label={t("training.columns.dataset")}>
        {dataset
          ? t("training.datasetVersion", { name: dataset.dataset.name, number: dataset.version.number })
          : (run.datasetVersionId ?? "—")}
      </Descriptions.Item>
      <Descriptions.Item label={t("training.configuration")}>
        {run.configProfileId
          ? t("training.profileRevision", { name: profileName ?? run.configProfileId, revision: run.configRevision })
          : t("training.external")}
      </Descriptions.Item>
      <Descriptions.Item label={t("training.template")}>{run.template ?? "—"}</Descriptions.Item>
      <Descriptions.Item label={t("training.label")}>{run.label ?? "—"}</Descriptions.Item>
      <Descriptions.Item label={t("training.columns.attempt")}>{attemptText(t, run)}</Descriptions.Item>
      <Descriptions.Item label={t("training.columns.epochs")}>
        {progress !== null ? (
          <Progress
            percent={progress}
            size="small"
            status={run.status === "FAILED" ? "exception" : isActive(run.status) ? "active" : "normal"}
            format={() => t("training.epochsOf", { done: run.epochsDone, planned: run.epochsPlanned })}
          />
        ) : (
          format.number(run.epochsDone)
        )}
      </Descriptions.Item>
      <Descriptions.Item label={t("training.columns.eta")}>
        {run.status === "RUNNING" ? duration(run.etaSeconds) : "—"}
      </Descriptions.Item>
      <Descriptions.Item label={t("training.workers")}>{format.number(run.workers)}</Descriptions.Item>
      <Descriptions.Item label={t("training.step")}>{format.number(run.step)}</Descriptions.Item>
      <Descriptions.Item label={t("training.learningRate")}>{format.number(run.learningRate)}</Descriptions.Item>
      <Descriptions.Item label={t("training.checkpointEpoch")}>{format.number(run.checkpointEpoch)}</Descriptions.Item>
      <Descriptions.Item label={t("training.bestEpochLabel")}>
        {run.bestEpoch === null || run.bestEpoch === undefined
          ? "—"
          : run.stoppedEarly
            ? t("training.bestEpochStoppedEarly", { epoch: run.bestEpoch })
            : format.number(run.bestEpoch)}
      </Descriptions.Item>
      <Descriptions.Item label={t("training.columns.started")}>{format.dateTime(run.startedAt)}</Descriptions.Item>
      <Descriptions.Item label={t("training.columns.finished")}>{format.dateTime(run.finishedAt)}</Descriptions.Item>
      <Descriptions.Item label={t("training.columns.version")}>
        {run.modelVersionId && run.modelId ? (
          <Link to={`/teams/${team.id}/models/${run.modelId}/versions/${run.modelVersionId}`}>
            {t("training.versionNumber", { number: run.modelVersionNumber })}
          </Link>
        ) : (
          "—"
        )}
      </Descriptions.Item>
      <Descriptions.Item
        label={t(run.finalMetrics.length > 0 ? "training.finalMetrics" : "training.latestMetrics")}
        span="filled"
      >
        <MetricTags metrics={run.finalMetrics.length > 0 ? run.finalMetrics : run.latestMetrics} />
      </Descriptions.Item>
    </Descriptions>
  );
}

function MetricTags({ metrics }: { metrics: { name: string; value?: number | null; nonFinite?: string | null }[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (metrics.length === 0) {
    return <>{t("common.none")}</>;
  }
  return (
    <Space wrap>
      {metrics.map((metric) => (
        <Tag key={metric.name} color={metric.nonFinite ? "red" : undefined}>
          {metric.name}: {metric.nonFinite ?? format.number(metric.value)}
        </Tag>
      ))}
    </Space>
  );
}

function EpochsTable({ epochs }: { epochs: TrainingEpochFieldsFragment[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const duration = useDuration();
  const metricNames = Array.from(new Set(epochs.flatMap((epoch) => epoch.metrics.map((metric) => metric.name)))).sort();

  const columns: TableColumnsType<TrainingEpochFieldsFragment> = [
    { title: t("training.epoch"), dataIndex: "epoch", key: "epoch", fixed: "left" },
    { title: t("training.columns.attempt"), dataIndex: "attempt", key: "attempt" },
    { title: t("training.duration.label"), key: "duration", render: (_, epoch) => duration(epoch.durationSeconds) },
    { title: t("training.learningRate"), key: "learningRate", render: (_, epoch) => format.number(epoch.learningRate) },
    ...metricNames.map((name) => ({
      title: name,
      key: `metric-${name}`,
      render: (_: unknown, epoch: TrainingEpochFieldsFragment) => {
        const metric = epoch.metrics.find((candidate) => candidate.name === name);
        return metric ? (metric.nonFinite ?? format.number(metric.value)) : "—";
      },
    })),
    { title: t("training.recordedAt"), key: "recordedAt", render: (_, epoch) => format.dateTime(epoch.recordedAt) },
  ];

  return (
    <Table<TrainingEpochFieldsFragment>
      rowKey="epoch"
      size="small"
      columns={columns}
      dataSource={[...epochs].reverse()}
      pagination={epochs.length > 100 ? { pageSize: 100 } : false}
      locale={{ emptyText: t("training.noEpochs") }}
      scroll={{ x: true }}
    />
  );
}

function RunConfiguration({ run }: { run: TrainingRunDetailFragment }) {
  const { t } = useTranslation();
  return (
    <div className="run-configuration">
      <Typography.Title level={5}>{t("training.configDocument")}</Typography.Title>
      {run.config ? (
        <pre className="json-block">{JSON.stringify(run.config, null, 2)}</pre>
      ) : (
        <Typography.Text>—</Typography.Text>
      )}
      <Typography.Title level={5}>{t("training.dataSummary")}</Typography.Title>
      {run.dataSummary ? (
        <pre className="json-block">{JSON.stringify(run.dataSummary, null, 2)}</pre>
      ) : (
        <Typography.Text type="secondary">{t("training.notPrepared")}</Typography.Text>
      )}
    </div>
  );
}
