import { Button, Popconfirm, Space, Table, Tag, Tooltip, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useMutation } from "urql";
import type { CombinedError } from "urql";

import { ErrorDisplay } from "../common/ErrorDisplay";
import { useConnectionPages } from "../common/useConnectionPages";
import type { DeploymentFieldsFragment, DeploymentRevisionsQuery as RevisionsResult } from "../gql/graphql";
import { useFormat } from "../i18n/format";
import { useMeasures } from "../i18n/measures";
import { trafficText } from "./DeploymentStatusTag";
import { DeploymentRevisionsQuery, RollbackDeploymentMutation } from "./documents";

export const REVISION_PAGE = 50;

type Revision = RevisionsResult["deployment"]["revisions"]["nodes"][number];

const KNOWN_ACTIONS = [
  "created",
  "trafficShifted",
  "scaled",
  "batchingChanged",
  "requestLogSampleChanged",
  "languagesChanged",
  "reconfigured",
  "rolledBack",
  "started",
  "stopped",
] as const;

function actionKey(action: string): (typeof KNOWN_ACTIONS)[number] | "other" {
  return KNOWN_ACTIONS.find((known) => known === action) ?? "other";
}

interface RevisionsPanelProps {
  deployment: DeploymentFieldsFragment;
  /** The position of the newest non-window change pushed by deploymentUpdated; the list is read again on each. */
  changePosition: number | null;
  nameOf: (userId: string) => string;
  /** Whether the reader is a viewer, who may not roll back. */
  readOnly: boolean;
}

/** Lists the deployment's revisions, newest first, with the rollback that restores the previous revision's configuration. */
export function RevisionsPanel({ deployment, changePosition, nameOf, readOnly }: RevisionsPanelProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const measures = useMeasures();
  const [error, setError] = useState<CombinedError | null>(null);
  const [{ fetching: rollingBack }, rollback] = useMutation(RollbackDeploymentMutation);
  const pages = useConnectionPages(
    DeploymentRevisionsQuery,
    { id: deployment.id },
    (data) => data.deployment.revisions,
    (row) => String(row.revision),
    REVISION_PAGE,
  );
  const { reload } = pages;

  useEffect(() => {
    if (changePosition !== null) {
      reload();
    }
  }, [changePosition, reload]);

  const columns: TableColumnsType<Revision> = [
    {
      title: t("revisions.revision"),
      key: "revision",
      render: (_, revision) => (
        <Space>
          {format.number(revision.revision)}
          {revision.revision === deployment.activeRevision && <Tag color="green">{t("revisions.serving")}</Tag>}
        </Space>
      ),
    },
    {
      title: t("revisions.action"),
      key: "action",
      render: (_, revision) =>
        revision.restoredRevision
          ? t("revisions.restored", { revision: revision.restoredRevision })
          : t(`revisions.actions.${actionKey(revision.action)}`),
    },
    {
      title: t("revisions.traffic"),
      key: "traffic",
      render: (_, revision) => trafficText(revision.config.traffic, measures.percent),
    },
    {
      title: t("revisions.scaling"),
      key: "scaling",
      render: (_, revision) =>
        t("revisions.scalingText", {
          min: revision.config.scaling.minReplicas,
          max: revision.config.scaling.maxReplicas,
          batch: revision.config.batching.maxBatchSize,
        }),
    },
    {
      title: t("revisions.created"),
      key: "created",
      render: (_, revision) => (
        <Space orientation="vertical" size={0}>
          {format.dateTime(revision.createdAt)}
          <Typography.Text type="secondary">{nameOf(revision.createdBy)}</Typography.Text>
        </Space>
      ),
    },
    {
      title: t("revisions.activated"),
      key: "activated",
      render: (_, revision) => (revision.activatedAt ? format.dateTime(revision.activatedAt) : t("revisions.notActivated")),
    },
  ];

  return (
    <div>
      <Space className="panel-actions" wrap>
        {readOnly ? (
          <Tooltip title={t("deployment.viewerCannotChange")}>
            <Button disabled>{t("revisions.rollback")}</Button>
          </Tooltip>
        ) : (
          <Popconfirm
            title={t("revisions.rollbackConfirm")}
            okText={t("revisions.rollback")}
            cancelText={t("common.cancel")}
            onConfirm={async () => {
              const result = await rollback({ id: deployment.id });
              setError(result.error ?? null);
              if (!result.error) {
                reload();
              }
            }}
          >
            <Button loading={rollingBack} disabled={deployment.revision < 2}>
              {t("revisions.rollback")}
            </Button>
          </Popconfirm>
        )}
        <Typography.Text type="secondary">{t("revisions.rollbackHelp")}</Typography.Text>
      </Space>
      {error && <ErrorDisplay error={error} />}
      {pages.error && <ErrorDisplay error={pages.error} onRetry={reload} />}
      <Table<Revision>
        rowKey="revision"
        size="small"
        columns={columns}
        dataSource={pages.rows}
        loading={pages.fetching && pages.rows.length === 0}
        pagination={false}
        scroll={{ x: true }}
        locale={{ emptyText: t("revisions.empty") }}
      />
      {pages.hasNextPage && (
        <Button className="load-more" onClick={pages.loadMore} loading={pages.fetching}>
          {t("common.loadMore")}
        </Button>
      )}
    </div>
  );
}
