import { Button, Card, Col, Descriptions, InputNumber, Progress, Row, Select, Space, Table, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useMutation, useQuery } from "urql";
import type { CombinedError } from "urql";

import { ErrorDisplay } from "../common/ErrorDisplay";
import type { DeploymentConfigFieldsFragment, DeploymentFieldsFragment } from "../gql/graphql";
import { useFormat } from "../i18n/format";
import { useMeasures } from "../i18n/measures";
import { ModelVersionNumbersQuery, UpdateDeploymentMutation } from "./documents";

/** The versions of one model the traffic editor offers. */
export const MODEL_VERSION_PAGE = 500;

/** Shows the deployment's traffic split with its editor, and its scaling, batching and logging settings. */
export function DeploymentOverview({ deployment }: { deployment: DeploymentFieldsFragment }) {
  const { t } = useTranslation();
  const pending = deployment.activeRevision !== null && deployment.activeRevision !== deployment.revision;

  return (
    <Row gutter={[24, 24]}>
      <Col xs={24} xl={12}>
        <Card size="small" title={t("deployment.traffic")}>
          {pending && deployment.activeConfig && (
            <Typography.Paragraph type="warning">
              {t("deployment.trafficPending", { revision: deployment.revision, active: deployment.activeRevision })}
            </Typography.Paragraph>
          )}
          <TrafficBars traffic={deployment.activeConfig?.traffic ?? deployment.config.traffic} />
          <TrafficEditor deployment={deployment} />
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card size="small" title={t("deployment.settings")}>
          <Settings
            config={deployment.config}
            revision={deployment.revision}
            activeRevision={deployment.activeRevision ?? null}
            replicas={deployment.replicas ?? null}
          />
        </Card>
      </Col>
    </Row>
  );
}

function TrafficBars({ traffic }: { traffic: DeploymentConfigFieldsFragment["traffic"] }) {
  const { t } = useTranslation();
  return (
    <ul className="plain-list traffic-bars" aria-label={t("deployment.currentSplit")}>
      {traffic.map((entry) => (
        <li key={entry.version}>
          <span className="traffic-version">{t("deployment.versionLabel", { version: entry.version })}</span>
          <Progress
            percent={entry.percent}
            aria-label={t("deployment.versionShare", { version: entry.version, percent: entry.percent })}
          />
        </li>
      ))}
    </ul>
  );
}

interface TrafficRow {
  version: number | null;
  percent: number;
}

/** Edits the split as whole percents that must add up to 100, and records it with updateDeployment. */
function TrafficEditor({ deployment }: { deployment: DeploymentFieldsFragment }) {
  const { t } = useTranslation();
  const [rows, setRows] = useState<TrafficRow[]>(() =>
    deployment.config.traffic.map(({ version, percent }) => ({ version, percent })),
  );
  const [error, setError] = useState<CombinedError | null>(null);
  const [saved, setSaved] = useState(false);
  const [{ fetching }, update] = useMutation(UpdateDeploymentMutation);
  const [{ data }] = useQuery({
    query: ModelVersionNumbersQuery,
    variables: { id: deployment.modelId, first: MODEL_VERSION_PAGE },
  });
  const versions = data?.model.versions.nodes ?? [];
  const configKey = JSON.stringify(deployment.config.traffic);

  useEffect(() => {
    setRows((JSON.parse(configKey) as TrafficRow[]).map(({ version, percent }) => ({ version, percent })));
  }, [configKey]);

  const total = rows.reduce((sum, row) => sum + (row.percent || 0), 0);
  const chosen = rows.map((row) => row.version);
  const duplicate = new Set(chosen).size !== chosen.length;
  const complete = rows.length > 0 && rows.every((row) => row.version !== null);
  const valid = complete && total === 100 && !duplicate;

  const setRow = (index: number, row: TrafficRow) => {
    setSaved(false);
    setRows(rows.map((other, at) => (at === index ? row : other)));
  };

  const save = async () => {
    const traffic = rows.map((row) => ({ version: row.version as number, percent: row.percent }));
    const result = await update({ id: deployment.id, input: { traffic } });
    setError(result.error ?? null);
    setSaved(!result.error);
  };

  return (
    <form
      className="traffic-editor"
      aria-label={t("deployment.editTraffic")}
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <Typography.Title level={5}>{t("deployment.editTraffic")}</Typography.Title>
      <Space orientation="vertical">
        {rows.map((row, index) => (
          <Space key={index} wrap>
            <Select<number>
              aria-label={t("deployment.trafficVersion", { index: index + 1 })}
              placeholder={t("deployment.chooseVersion")}
              value={row.version ?? undefined}
              onChange={(version) => setRow(index, { ...row, version })}
              options={versions.map((version) => ({
                value: version.number,
                label: t("deployment.versionLabel", { version: version.number }),
                disabled: version.status !== "ready",
              }))}
              style={{ width: 160 }}
            />
            <InputNumber<number>
              aria-label={t("deployment.trafficPercent", { index: index + 1 })}
              min={0}
              max={100}
              precision={0}
              value={row.percent}
              onChange={(percent) => setRow(index, { ...row, percent: percent ?? 0 })}
              suffix="%"
            />
            <Button onClick={() => setRows(rows.filter((_, at) => at !== index))} disabled={rows.length === 1}>
              {t("common.remove")}
            </Button>
          </Space>
        ))}
        <Space wrap>
          <Button size="small" onClick={() => setRows([...rows, { version: null, percent: 0 }])}>
            {t("deployment.addVersion")}
          </Button>
          <Typography.Text type={total === 100 ? "secondary" : "danger"} aria-live="polite">
            {t("deployment.trafficTotal", { total })}
          </Typography.Text>
          {duplicate && <Typography.Text type="danger">{t("deployment.duplicateVersion")}</Typography.Text>}
        </Space>
        <Button type="primary" htmlType="submit" loading={fetching} disabled={!valid || deployment.status === "STOPPED"}>
          {t("deployment.saveTraffic")}
        </Button>
        {saved && <Typography.Text type="success">{t("deployment.trafficSaved")}</Typography.Text>}
        {error && <ErrorDisplay error={error} />}
      </Space>
    </form>
  );
}

interface SettingsProps {
  config: DeploymentConfigFieldsFragment;
  revision: number;
  activeRevision: number | null;
  replicas: number | null;
}

function Settings({ config, revision, activeRevision, replicas }: SettingsProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const measures = useMeasures();
  const fixed = config.scaling.minReplicas === config.scaling.maxReplicas;

  return (
    <>
      <Descriptions
        size="small"
        column={1}
        items={[
          { key: "revision", label: t("deployment.revision"), children: format.number(revision) },
          { key: "active", label: t("deployment.activeRevision"), children: format.number(activeRevision) },
          { key: "replicas", label: t("deployment.replicas"), children: format.number(replicas) },
          {
            key: "scaling",
            label: t("deployment.scaling"),
            children: fixed
              ? t("deployment.fixedReplicas", { count: config.scaling.minReplicas })
              : t("deployment.autoscaling", {
                  min: config.scaling.minReplicas,
                  max: config.scaling.maxReplicas,
                  target: format.number(config.scaling.targetOngoingRequests),
                }),
          },
          { key: "cpus", label: t("deployment.cpusPerReplica"), children: format.number(config.cpusPerReplica) },
          {
            key: "batching",
            label: t("deployment.batching"),
            children:
              config.batching.maxBatchSize <= 1
                ? t("deployment.batchingOff")
                : t("deployment.batchingOn", {
                    size: config.batching.maxBatchSize,
                    wait: measures.milliseconds(config.batching.batchWaitMs),
                  }),
          },
          { key: "sample", label: t("deployment.requestLogSample"), children: measures.percent(config.requestLogSample) },
        ]}
      />
      {config.languages.length > 0 && (
        <Table
          size="small"
          rowKey="language"
          pagination={false}
          dataSource={config.languages}
          columns={[
            { title: t("deployment.language"), dataIndex: "language", key: "language" },
            {
              title: t("deployment.routedVersion"),
              key: "version",
              render: (_, route) => t("deployment.versionLabel", { version: route.version }),
            },
          ]}
        />
      )}
    </>
  );
}
