import { Button, Card, Descriptions, Popconfirm, Space, Tag, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import { useMutation, useQuery, useSubscription } from "urql";
import type { CombinedError } from "urql";

import { DocumentTitle } from "../common/DocumentTitle";
import { ErrorDisplay } from "../common/ErrorDisplay";
import { Loading } from "../common/Loading";
import type { DatasetRowFragment, DatasetVersionRowFragment } from "../gql/graphql";
import { useFormat } from "../i18n/format";
import { useCurrentTeam } from "../teams/TeamContext";
import { useTeamMembers } from "../teams/useTeamMembers";
import { ArchiveDatasetMutation, DatasetQuery, DatasetUpdatedSubscription, RestoreDatasetMutation } from "./documents";
import { DatasetVersionsTable } from "./DatasetVersionsTable";
import { UploadVersionForm } from "./UploadVersionForm";
import "../common/blocks.css";
import "./datasets.css";

// NOTE: the page reads a dataset's first 500 versions; later ones are reached only by their links.
export const VERSION_PAGE = 500;

/** Shows one dataset: its details, its versions (status, profiling progress and new versions follow `datasetUpdated`) and the upload form. */
export function DatasetPage() {
  const { datasetId = "" } = useParams();
  // A new datasetId starts with fresh state, so nothing of the previous page's live updates carries over.
  return <DatasetPageBody key={datasetId} />;
}

function DatasetPageBody() {
  const { t } = useTranslation();
  const format = useFormat();
  const { datasetId = "" } = useParams();
  const team = useCurrentTeam();
  const { nameOf } = useTeamMembers(team.id);
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: DatasetQuery,
    variables: { id: datasetId, first: VERSION_PAGE },
    requestPolicy: "network-only",
  });
  const [{ data: live }] = useSubscription({ query: DatasetUpdatedSubscription, variables: { id: datasetId } });
  const [versions, setVersions] = useState<DatasetVersionRowFragment[]>([]);
  const [actionError, setActionError] = useState<CombinedError | null>(null);
  const [archiving, archiveDataset] = useMutation(ArchiveDatasetMutation);
  const [restoring, restoreDataset] = useMutation(RestoreDatasetMutation);

  useEffect(() => {
    if (data) {
      setVersions([...data.dataset.versions.nodes].sort((a, b) => b.number - a.number));
    }
  }, [data]);

  const liveVersion = live?.datasetUpdated.version;
  useEffect(() => {
    if (liveVersion) {
      setVersions((previous) => upsertVersion(previous, liveVersion));
    }
  }, [liveVersion]);

  const dataset: DatasetRowFragment | undefined = live?.datasetUpdated.dataset ?? data?.dataset;

  if (error && !dataset) {
    return <ErrorDisplay error={error} onRetry={() => reexecute({ requestPolicy: "network-only" })} />;
  }
  if (!dataset) {
    return fetching ? <Loading /> : null;
  }

  const toggleArchived = async () => {
    const result = dataset.archived ? await restoreDataset({ id: dataset.id }) : await archiveDataset({ id: dataset.id });
    setActionError(result.error ?? null);
  };

  return (
    <section aria-labelledby="dataset-title" className="page">
      <Space className="page-heading" align="center" wrap>
        <Space align="center">
          <DocumentTitle page={dataset.name} />
          <Typography.Title level={2} id="dataset-title">
            {dataset.name}
          </Typography.Title>
          {dataset.archived && <Tag>{t("datasets.archivedTag")}</Tag>}
          {live && <Tag color="green">{t("datasets.live")}</Tag>}
        </Space>
        <Popconfirm
          title={dataset.archived ? t("datasets.restoreConfirm") : t("datasets.archiveConfirm")}
          okText={dataset.archived ? t("datasets.restore") : t("datasets.archive")}
          cancelText={t("common.cancel")}
          onConfirm={() => toggleArchived()}
        >
          <Button loading={archiving.fetching || restoring.fetching}>
            {dataset.archived ? t("datasets.restore") : t("datasets.archive")}
          </Button>
        </Popconfirm>
      </Space>
      {actionError && <ErrorDisplay error={actionError} />}
      <Descriptions
        size="small"
        column={{ xs: 1, md: 2, xl: 3 }}
        items={[
          { key: "description", label: t("datasets.description"), children: dataset.description || t("common.none") },
          { key: "owner", label: t("datasets.owner"), children: nameOf(dataset.ownerId) },
          { key: "versions", label: t("datasets.columns.versions"), children: format.number(dataset.versionCount) },
          {
            key: "tags",
            label: t("datasets.columns.tags"),
            children:
              dataset.tags.length === 0
                ? t("common.none")
                : dataset.tags.map((tag) => <Tag key={tag.key}>{`${tag.key}=${tag.value}`}</Tag>),
          },
          { key: "created", label: t("datasets.created"), children: format.dateTime(dataset.createdAt) },
          { key: "updated", label: t("datasets.columns.updated"), children: format.dateTime(dataset.updatedAt) },
        ]}
      />
      <Typography.Title level={3}>{t("datasets.versionsTitle")}</Typography.Title>
      <DatasetVersionsTable teamId={team.id} datasetId={dataset.id} versions={versions} nameOf={nameOf} />
      {!dataset.archived && (
        <Card title={t("datasetUpload.title")} className="section-card">
          <UploadVersionForm teamId={team.id} datasetId={dataset.id} />
        </Card>
      )}
    </section>
  );
}

function upsertVersion(versions: DatasetVersionRowFragment[], version: DatasetVersionRowFragment): DatasetVersionRowFragment[] {
  const others = versions.filter((row) => row.id !== version.id);
  return [...others, version].sort((a, b) => b.number - a.number);
}
