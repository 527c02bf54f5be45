import { Button, Input, Select, Space, Table, Tag, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useCallback, useEffect, useId, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";

import { DocumentTitle } from "../common/DocumentTitle";
import { ErrorDisplay } from "../common/ErrorDisplay";
import { byNameThenId, nameContains as nameMatches } from "../common/listOrder";
import { NewRowsNotice } from "../common/NewRowsNotice";
import { useDebounced } from "../common/useDebounced";
import { useLiveList } from "../common/useLiveList";
import type { ConfigProfileRowFragment } from "../gql/graphql";
import { useFormat } from "../i18n/format";
import { useCurrentTeam } from "../teams/TeamContext";
import { useTeamMembers } from "../teams/useTeamMembers";
import { ConfigProfileRowQuery, ConfigProfilesQuery } from "./documents";
import "../common/blocks.css";
import "./configs.css";

export const PROFILE_PAGE = 50;
export const TYPING_DELAY_MS = 300;
export const PROFILE_CREATED = "ConfigProfile.Created";
const CREATING_ACTIONS = [PROFILE_CREATED];
const CHANGING_ACTIONS = ["ConfigProfile.Revised", "ConfigProfile.Archived"];

const ARCHIVED_CHOICES = ["active", "archived", "all"] as const;
type ArchivedChoice = (typeof ARCHIVED_CHOICES)[number];
const ARCHIVED_FILTER: Record<ArchivedChoice, boolean | null> = { active: false, archived: true, all: null };

/**
 * Lists the team's configuration profiles by name with a name search and an archived filter.
 * Profiles created, revised or archived elsewhere go in at their place by name, are replaced,
 * or go out, by the filters.
 */
export function ConfigProfilesPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const team = useCurrentTeam();
  const { nameOf } = useTeamMembers(team.id);
  const navigate = useNavigate();
  const ids = useId();
  const [params, setParams] = useSearchParams();
  const archived = ARCHIVED_CHOICES.find((choice) => choice === params.get("archived")) ?? "active";
  const [typed, setTyped] = useState(params.get("q") ?? "");
  const nameContains = useDebounced(typed.trim(), TYPING_DELAY_MS);

  const setParam = useCallback(
    (key: string, value: string | null) =>
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
      ),
    [setParams],
  );
  useEffect(() => setParam("q", nameContains), [nameContains, setParam]);

  const variables = useMemo(
    () => ({ teamId: team.id, nameContains: nameContains === "" ? null : nameContains, archived: ARCHIVED_FILTER[archived] }),
    [team.id, nameContains, archived],
  );
  // Profiles have no subscription of their own, so every change is read again from the team's events.
  const pages = useLiveList({
    teamId: team.id,
    query: ConfigProfilesQuery,
    variables,
    selectConnection: (data) => data.configProfiles,
    pageSize: PROFILE_PAGE,
    order: byNameThenId,
    matches: (profile: ConfigProfileRowFragment) =>
      nameMatches(profile.name, variables.nameContains) &&
      (variables.archived === null || profile.archived === variables.archived),
    subjectType: "ConfigProfile",
    createdActions: CREATING_ACTIONS,
    changedActions: CHANGING_ACTIONS,
    rowQuery: ConfigProfileRowQuery,
    selectRow: (data) => data.configProfile,
  });
  const { newRows } = pages;

  const columns: TableColumnsType<ConfigProfileRowFragment> = [
    {
      title: t("configs.columns.name"),
      key: "name",
      render: (_, profile) => (
        <Space orientation="vertical" size={0}>
          <Space>
            <Link to={`/teams/${team.id}/configs/${profile.id}`}>{profile.name}</Link>
            {profile.archived && <Tag>{t("configs.archivedTag")}</Tag>}
          </Space>
          {profile.description !== "" && <Typography.Text type="secondary">{profile.description}</Typography.Text>}
        </Space>
      ),
    },
    {
      title: t("configs.columns.revision"),
      key: "revision",
      render: (_, profile) => t("configs.revisionNumber", { number: profile.latestRevisionNumber }),
    },
    { title: t("configs.columns.owner"), key: "owner", render: (_, profile) => nameOf(profile.ownerId) },
    { title: t("configs.columns.updated"), key: "updated", render: (_, profile) => format.dateTime(profile.updatedAt) },
  ];

  return (
    <section aria-labelledby="configs-title" className="page">
      <Space className="page-heading" align="center" wrap>
        <DocumentTitle page={t("configs.title")} />
        <Typography.Title level={2} id="configs-title">
          {t("configs.title")}
        </Typography.Title>
        <Button type="primary" onClick={() => void navigate(`/teams/${team.id}/configs/new`)}>
          {t("configs.create")}
        </Button>
      </Space>
      <form className="filters" role="search" aria-label={t("configs.filters")} onSubmit={(event) => event.preventDefault()}>
        <Space wrap align="end">
          <div className="filter">
            <label htmlFor={`${ids}-name`}>{t("configs.nameContains")}</label>
            <Input
              id={`${ids}-name`}
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              allowClear
              style={{ width: 240 }}
            />
          </div>
          <div className="filter">
            <label htmlFor={`${ids}-archived`}>{t("configs.archived")}</label>
            <Select<ArchivedChoice>
              id={`${ids}-archived`}
              value={archived}
              onChange={(choice) => setParam("archived", choice === "active" ? null : choice)}
              options={ARCHIVED_CHOICES.map((choice) => ({ value: choice, label: t(`configs.archivedChoice.${choice}`) }))}
              style={{ width: 180 }}
            />
          </div>
        </Space>
      </form>
      <NewRowsNotice newRows={newRows} onReload={pages.reload} />
      {pages.error && <ErrorDisplay error={pages.error} onRetry={pages.reload} />}
      {!(pages.error && pages.rows.length === 0) && (
        <Table<ConfigProfileRowFragment>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={pages.rows}
          rowClassName={newRows.rowClassName}
          loading={pages.fetching && pages.rows.length === 0}
          pagination={false}
          locale={{ emptyText: pages.fetching ? t("common.loading") : t("configs.empty") }}
        />
      )}
      {pages.hasNextPage && (
        <Button className="load-more" onClick={pages.loadMore} loading={pages.fetching}>
          {t("common.loadMore")}
        </Button>
      )}
    </section>
  );
}
