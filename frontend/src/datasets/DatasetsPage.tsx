import { Button, Input, Select, Space, Table, Tag, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useCallback, useEffect, useId, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";

import { DocumentTitle } from "../common/DocumentTitle";
import { ErrorDisplay } from "../common/ErrorDisplay";
import { byNameThenId, nameContains as nameMatches } from "../common/listOrder";
import { NewRowsNotice } from "../common/NewRowsNotice";
import { useDebounced } from "../common/useDebounced";
import { useLiveList } from "../common/useLiveList";
import type { DatasetRowFragment } from "../gql/graphql";
import { useFormat } from "../i18n/format";
import { useCurrentTeam } from "../teams/TeamContext";
import { CreateDatasetForm } from "./CreateDatasetForm";
import { DatasetRowQuery, DatasetsQuery, DatasetUpdatedSubscription } from "./documents";
import { VersionStatusTag } from "./VersionStatusTag";
import "../common/blocks.css";
import "./datasets.css";

export const DATASET_PAGE = 50;
export const DATASET_CREATED = "Dataset.Created";
const CREATING_ACTIONS = [DATASET_CREATED];
/** Archiving and restoring move a dataset into or out of the archived filter; the others change its row. */
const CHANGING_ACTIONS = ["Dataset.Updated", "Dataset.VersionAdded", "Dataset.Archived", "Dataset.Restored"];
export const TYPING_DELAY_MS = 300;

const ARCHIVED_CHOICES = ["active", "archived", "all"] as const;
type ArchivedChoice = (typeof ARCHIVED_CHOICES)[number];
const ARCHIVED_FILTER: Record<ArchivedChoice, boolean | null> = { active: false, archived: true, all: null };

/**
 * Lists the team's datasets by name with a name search and an archived filter. Rows follow
 * `datasetUpdated`; datasets created, archived or restored elsewhere go in at their place by
 * name, or out, by the filters.
 */
export function DatasetsPage() {
  const { t } = useTranslation();
  const team = useCurrentTeam();
  const ids = useId();
  const [params, setParams] = useSearchParams();
  const archived = ARCHIVED_CHOICES.find((choice) => choice === params.get("archived")) ?? "active";
  const [typed, setTyped] = useState(params.get("q") ?? "");
  const nameContains = useDebounced(typed.trim(), TYPING_DELAY_MS);

  const setParam = useCallback(
    (key: string, value: string | null) => {
      setParams(
        (previous) => {
          const next = new URLSearchParams(previous);
          if (value === null || value === "") {
            next.delete(key);
          } else {
            next.set(key, value);
          }
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );

  useEffect(() => setParam("q", nameContains), [nameContains, setParam]);

  const variables = useMemo(
    () => ({ teamId: team.id, nameContains: nameContains === "" ? null : nameContains, archived: ARCHIVED_FILTER[archived] }),
    [team.id, nameContains, archived],
  );
  const pages = useLiveList({
    teamId: team.id,
    query: DatasetsQuery,
    variables,
    selectConnection: (data) => data.datasets,
    pageSize: DATASET_PAGE,
    order: byNameThenId,
    matches: (dataset: DatasetRowFragment) =>
      nameMatches(dataset.name, variables.nameContains) &&
      (variables.archived === null || dataset.archived === variables.archived),
    subjectType: "Dataset",
    createdActions: CREATING_ACTIONS,
    changedActions: CHANGING_ACTIONS,
    rowQuery: DatasetRowQuery,
    selectRow: (data) => data.dataset,
    updates: {
      subscription: DatasetUpdatedSubscription,
      selectRow: (data) => data.datasetUpdated.dataset,
      follow: allIds,
    },
  });
  const { newRows } = pages;

  return (
    <section aria-labelledby="datasets-title" className="page">
      <Space className="page-heading" align="center" wrap>
        <DocumentTitle page={t("datasets.title")} />
        <Typography.Title level={2} id="datasets-title">
          {t("datasets.title")}
        </Typography.Title>
        <CreateDatasetForm teamId={team.id} />
      </Space>
      <form className="filters" role="search" aria-label={t("datasets.filters")} onSubmit={(event) => event.preventDefault()}>
        <Space wrap align="end">
          <div className="filter">
            <label htmlFor={`${ids}-name`}>{t("datasets.nameContains")}</label>
            <Input
              id={`${ids}-name`}
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              allowClear
              style={{ width: 240 }}
            />
          </div>
          <div className="filter">
            <label htmlFor={`${ids}-archived`}>{t("datasets.archived")}</label>
            <Select<ArchivedChoice>
              id={`${ids}-archived`}
              value={archived}
              onChange={(choice) => setParam("archived", choice === "active" ? null : choice)}
              options={ARCHIVED_CHOICES.map((choice) => ({ value: choice, label: t(`datasets.archivedChoice.${choice}`) }))}
              style={{ width: 180 }}
            />
          </div>
        </Space>
      </form>
      <NewRowsNotice newRows={newRows} onReload={pages.reload} />
      {pages.error && <ErrorDisplay error={pages.error} onRetry={pages.reload} />}
      {!(pages.error && pages.rows.length === 0) && (
        <DatasetTable teamId={team.id} rows={pages.rows} fetching={pages.fetching} rowClassName={newRows.rowClassName} />
      )}
      {pages.hasNextPage && (
        <Button className="load-more" onClick={pages.loadMore} loading={pages.fetching}>
          {t("common.loadMore")}
        </Button>
      )}
    </section>
  );
}

function allIds(rows: readonly DatasetRowFragment[]): string[] {
  return rows.map((row) => row.id);
}

interface DatasetTableProps {
  teamId: string;
  rows: DatasetRowFragment[];
  fetching: boolean;
  rowClassName: (dataset: DatasetRowFragment) => string;
}

function DatasetTable({ teamId, rows, fetching, rowClassName }: DatasetTableProps) {
  const { t } = useTranslation();
  const format = useFormat();

  const columns: TableColumnsType<DatasetRowFragment> = [
    {
      title: t("datasets.columns.name"),
      key: "name",
      render: (_, dataset) => (
        <Space orientation="vertical" size={0}>
          <Space>
            <Link to={`/teams/${teamId}/datasets/${dataset.id}`}>{dataset.name}</Link>
            {dataset.archived && <Tag>{t("datasets.archivedTag")}</Tag>}
          </Space>
          {dataset.description !== "" && <Typography.Text type="secondary">{dataset.description}</Typography.Text>}
        </Space>
      ),
    },
    {
      title: t("datasets.columns.latest"),
      key: "latest",
      render: (_, dataset) =>
        dataset.latestVersion ? (
          <Space>
            <Link to={`/teams/${teamId}/datasets/${dataset.id}/versions/${dataset.latestVersion.id}`}>
              {t("datasets.versionNumber", { number: dataset.latestVersion.number })}
            </Link>
            <VersionStatusTag status={dataset.latestVersion.status} />
          </Space>
        ) : (
          t("datasets.noVersions")
        ),
    },
    { title: t("datasets.columns.rows"), key: "rows", render: (_, dataset) => format.number(dataset.latestVersion?.rows) },
    { title: t("datasets.columns.versions"), key: "versions", render: (_, dataset) => format.number(dataset.versionCount) },
    {
      title: t("datasets.columns.tags"),
      key: "tags",
      render: (_, dataset) => dataset.tags.map((tag) => <Tag key={tag.key}>{`${tag.key}=${tag.value}`}</Tag>),
    },
    { title: t("datasets.columns.updated"), key: "updated", render: (_, dataset) => format.dateTime(dataset.updatedAt) },
  ];

  return (
    <Table<DatasetRowFragment>
      rowKey="id"
      size="small"
      columns={columns}
      dataSource={rows}
      rowClassName={rowClassName}
      loading={fetching && rows.length === 0}
      pagination={false}
      locale={{ emptyText: fetching ? t("common.loading") : t("datasets.empty") }}
    />
  );
}
