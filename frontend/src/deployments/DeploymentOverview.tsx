import { Button, Card, Col, Descriptions, Progress, Row, Space, Table, Tooltip, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useMutation, useQuery } from "urql";
import type { CombinedError } from "urql";

import { ErrorDisplay } from "../common/ErrorDisplay";
import type { DeploymentConfigFieldsFragment, DeploymentFieldsFragment } from "../gql/graphql";
import { useFormat } from "../i18n/format";
import { useMeasures } from "../i18n/measures";
import { ModelVersionNumbersQuery, UpdateDeploymentMutation } from "./documents";
import { SettingsEditor } from "./SettingsEditor";
import { checkTraffic, TrafficRows } from "./TrafficRows";
import type { TrafficRow } from "./TrafficRows";

/** The versions of one model the traffic editor offers. */
export const MODEL_VERSION_PAGE = 500;

/**
 * Shows the deployment's traffic split and its scaling, batching and logging settings, each with an
 * editor. For a viewer (`readOnly`) the editors are disabled, with the reason in a tooltip.
 */
export function DeploymentOverview({ deployment, readOnly }: { deployment: DeploymentFieldsFragment; readOnly: boolean }) {
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
          <TrafficBars
            traffic={deployment.activeConfig?.traffic ?? deployment.config.traffic}
            stopped={deployment.status === "STOPPED"}
          />
          <TrafficEditor deployment={deployment} readOnly={readOnly} />
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <SettingsCard deployment={deployment} readOnly={readOnly} />
      </Col>
    </Row>
  );
}

/** Shows the settings, or their editor after "Edit settings", and confirms the revision a save recorded. */
function SettingsCard({ deployment, readOnly }: { deployment: DeploymentFieldsFragment; readOnly: boolean }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const [savedRevision, setSavedRevision] = useState<number | null>(null);
  const stopped = deployment.status === "STOPPED";

  const edit = (
    <Tooltip title={readOnly ? t("deployment.viewerCannotChange") : undefined}>
      <Button
        size="small"
        disabled={stopped || readOnly}
        onClick={() => {
          setSavedRevision(null);
          setEditing(true);
        }}
      >
        {t("deploymentSettings.edit")}
      </Button>
    </Tooltip>
  );

  return (
    <Card size="small" title={t("deployment.settings")} extra={editing ? null : edit}>
      {editing ? (
        <SettingsEditor
          deployment={deployment}
          onSaved={(revision) => {
            setSavedRevision(revision);
            setEditing(false);
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <>
          {stopped && <Typography.Paragraph type="secondary">{t("deploymentSettings.stopped")}</Typography.Paragraph>}
          {savedRevision !== null && (
            <Typography.Paragraph type="success" role="status">
              {t("deploymentSettings.saved", { revision: savedRevision })}
            </Typography.Paragraph>
          )}
          <Settings
            config={deployment.config}
            revision={deployment.revision}
            activeRevision={deployment.activeRevision ?? null}
            replicas={deployment.replicas ?? null}
          />
        </>
      )}
    </Card>
  );
}

/** Draws the split as bars. A stopped deployment's bars are grey, without the completion mark, under a notice. */
function TrafficBars({ traffic, stopped }: { traffic: DeploymentConfigFieldsFragment["traffic"]; stopped: boolean }) {
  const { t } = useTranslation();
  const measures = useMeasures();
  return (
    <>
      {stopped && <Typography.Paragraph type="secondary">{t("deployment.stoppedSplit")}</Typography.Paragraph>}
      <ul className="plain-list traffic-bars" aria-label={t("deployment.currentSplit")}>
        {traffic.map((entry) => (
          <li key={entry.version}>
            <span className="traffic-version">{t("deployment.versionLabel", { version: entry.version })}</span>
            <Progress
              percent={entry.percent}
              status="normal"
              strokeColor={stopped ? "#bfbfbf" : undefined}
              format={(percent) => measures.percent((percent ?? 0) / 100)}
              aria-label={t("deployment.versionShare", {
                version: entry.version,
                percent: measures.percent(entry.percent / 100),
              })}
            />
          </li>
        ))}
      </ul>
    </>
  );
}

/** Edits the split as whole percents that must add up to 100, and records it with updateDeployment. */
function TrafficEditor({ deployment, readOnly }: { deployment: DeploymentFieldsFragment; readOnly: boolean }) {
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

  const { valid } = checkTraffic(rows);

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
        <TrafficRows
          rows={rows}
          onChange={(next) => {
            setSaved(false);
            setRows(next);
          }}
          versions={versions}
          disabled={readOnly}
        />
        <Tooltip title={readOnly ? t("deployment.viewerCannotChange") : undefined}>
          <Button
            type="primary"
            htmlType="submit"
            loading={fetching}
            disabled={!valid || deployment.status === "STOPPED" || readOnly}
          >
            {t("deployment.saveTraffic")}
          </Button>
        </Tooltip>
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
