import { Button, Table, Tag, Tooltip } from "antd";
import type { TableColumnsType } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { ErrorDisplay } from "../common/ErrorDisplay";
import { useFormat } from "../i18n/format";
import type { ModelVersionFieldsFragment } from "../gql/graphql";
import { useCurrentTeam } from "../teams/TeamContext";
import type { ModelVersions } from "./useModelVersions";
import { useRunNames } from "./useRunNames";

const STATUS_COLORS: Record<string, string> = {
  ready: "green",
  pending: "gold",
  failed: "red",
  broken: "red",
  expired: "default",
};

/** Returns the id of the training run that registered the version, from its lineage. */
function trainingRunOf(version: ModelVersionFieldsFragment): string | undefined {
  return version.lineage.find((tag) => tag.key === "trainingRun")?.value;
}

export function totalParameters(version: ModelVersionFieldsFragment): number | null {
  if (version.trainableParameters === null || version.trainableParameters === undefined) {
    return null;
  }
  return version.trainableParameters + (version.nonTrainableParameters ?? 0);
}

/**
 * Renders the versions of a model: number (a link to the version's page), status, size, parameters,
 * source, the training run that made it and when each was created.
 */
export function VersionsTable({ versions, modelId }: { versions: ModelVersions; modelId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const team = useCurrentTeam();
  const runNames = useRunNames(
    team.id,
    modelId,
    versions.rows.flatMap((version) => trainingRunOf(version) ?? []),
  );

  const columns: TableColumnsType<ModelVersionFieldsFragment> = [
    {
      title: t("versions.number"),
      key: "number",
      width: 90,
      render: (_, version) => (
        <Link
          to={`/teams/${team.id}/models/${modelId}/versions/${version.id}`}
          aria-label={t("inside.openVersion", { number: version.number })}
        >
          {version.number}
        </Link>
      ),
    },
    {
      title: t("versions.status"),
      key: "status",
      render: (_, version) => {
        const reason = version.statusReason ?? version.failureReason;
        const tag = (
          <Tag color={STATUS_COLORS[version.status] ?? "default"}>{t(`versions.statuses.${statusKey(version.status)}`)}</Tag>
        );
        return reason ? <Tooltip title={reason}>{tag}</Tooltip> : tag;
      },
    },
    { title: t("versions.size"), key: "size", render: (_, version) => format.bytes(version.size) },
    { title: t("versions.parameters"), key: "parameters", render: (_, version) => format.number(totalParameters(version)) },
    { title: t("versions.format"), dataIndex: "format", key: "format" },
    { title: t("versions.source"), key: "source", render: (_, version) => t(`versions.sources.${sourceKey(version.source)}`) },
    {
      title: t("inside.trainingRun"),
      key: "trainingRun",
      render: (_, version) => {
        const runId = trainingRunOf(version);
        if (!runId) {
          return "—";
        }
        return (
          <Link to={`/teams/${team.id}/training/${runId}`} title={t("inside.trainedBy")}>
            {runNames.get(runId) ?? t("inside.trainedBy")}
          </Link>
        );
      },
    },
    { title: t("versions.created"), key: "created", render: (_, version) => format.dateTime(version.createdAt) },
    {
      title: t("versions.download"),
      key: "download",
      render: (_, version) => (
        <a href={version.downloadPath} download aria-label={t("versions.downloadVersion", { number: version.number })}>
          {t("versions.download")}
        </a>
      ),
    },
  ];

  return (
    <div>
      {versions.error && <ErrorDisplay error={versions.error} onRetry={versions.reload} />}
      <Table<ModelVersionFieldsFragment>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={versions.rows}
        loading={versions.fetching}
        pagination={false}
        locale={{ emptyText: t("versions.empty") }}
      />
      {versions.hasNextPage && (
        <Button onClick={versions.loadMore} loading={versions.fetching} className="load-more">
          {t("common.loadMore")}
        </Button>
      )}
    </div>
  );
}

const KNOWN_STATUSES = ["ready", "pending", "failed", "broken", "expired"] as const;
const KNOWN_SOURCES = ["upload", "training"] as const;

function statusKey(status: string): (typeof KNOWN_STATUSES)[number] | "other" {
  return KNOWN_STATUSES.find((known) => known === status) ?? "other";
}

function sourceKey(source: string): (typeof KNOWN_SOURCES)[number] | "other" {
  return KNOWN_SOURCES.find((known) => known === source) ?? "other";
}
