import { Button, Input, Select, Space, Table, Tag, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useCallback, useEffect, useId, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";

import { ErrorDisplay } from "../common/ErrorDisplay";
import { byNameThenId, nameContains as nameMatches } from "../common/listOrder";
import { NewRowsNotice } from "../common/NewRowsNotice";
import { useConnectionPages } from "../common/useConnectionPages";
import { useDebounced } from "../common/useDebounced";
import { useLiveSubjects } from "../common/useLiveSubjects";
import { useNewSubjects } from "../common/useNewSubjects";
import type {
  DatasetRowFragment,
  DatasetUpdatedSubscription as DatasetUpdate,
  DatasetRowQuery as DatasetRowData,
} from "../gql/graphql";
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
export const TYPING_DELAY_MS = 300;

const ARCHIVED_CHOICES = ["active", "archived", "all"] as const;
type ArchivedChoice = (typeof ARCHIVED_CHOICES)[number];
const ARCHIVED_FILTER: Record<ArchivedChoice, boolean | null> = { active: false, archived: true, all: null };

/**
 * Lists the team's datasets by name with a name search and an archived filter. Rows follow
 * `datasetUpdated`, and datasets created elsewhere go in at their place by name.
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
  const pages = useConnectionPages(DatasetsQuery, variables, (data) => data.datasets, rowKey, DATASET_PAGE, byNameThenId);

  const visibleIds = useMemo(() => pages.rows.map((row) => row.id), [pages.rows]);
  const { upsert } = pages;
  useLiveSubjects(
    visibleIds,
    DatasetUpdatedSubscription,
    (id) => ({ id }),
    useCallback((data: DatasetUpdate) => upsert(data.datasetUpdated.dataset), [upsert]),
  );

  const newRows = useNewSubjects({
    teamId: team.id,
    actions: CREATING_ACTIONS,
    query: DatasetRowQuery,
    select: (data: DatasetRowData) => data.dataset,
    rows: pages.rows,
    matches: (dataset) =>
      nameMatches(dataset.name, variables.nameContains) &&
      (variables.archived === null || dataset.archived === variables.archived),
    upsert: useCallback((dataset: DatasetRowFragment) => upsert(dataset, true), [upsert]),
    listKey: JSON.stringify(variables),
  });

  return (
    <section aria-labelledby="datasets-title" className="page">
      <Space className="page-heading" align="center" wrap>
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

function rowKey(row: DatasetRowFragment): string {
  return row.id;
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
