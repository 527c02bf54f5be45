import { Typography } from "antd";
import { useCallback, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";

import { DocumentTitle } from "../common/DocumentTitle";
import { ErrorDisplay } from "../common/ErrorDisplay";
import { Loading } from "../common/Loading";
import { NewRowsNotice } from "../common/NewRowsNotice";
import type { ModelRowFragment } from "../gql/graphql";
import { useCurrentTeam } from "../teams/TeamContext";
import { useTeamMembers } from "../teams/useTeamMembers";
import { ModelFilters } from "./ModelFilters";
import { ModelList } from "./ModelList";
import { filterOf, narrowsList, paramsFromSearch, searchFromParams } from "./modelSearch";
import type { RegistrySearch } from "./modelSearch";
import { useModelPages } from "./useModelPages";
import type { ModelPages } from "./useModelPages";

/**
 * Shows the team's models with search, filters and sort order, in a virtualized list that loads
 * pages as it scrolls. Rows on screen follow `modelUpdated` and move when their sort key
 * changes; models registered or changed elsewhere go in at their place in the order, and models
 * that no longer meet the search go out.
 */
export function RegistryPage() {
  const { t } = useTranslation();
  const team = useCurrentTeam();
  const [params, setParams] = useSearchParams();
  const search = useMemo(() => searchFromParams(params), [params]);
  const { nameOf } = useTeamMembers(team.id);

  const variables = useMemo(
    () => ({ teamId: team.id, filter: filterOf(search), orderBy: search.orderBy, descending: search.descending }),
    [team.id, search],
  );
  const [visible, setVisible] = useState<string[]>([]);
  const pages = useModelPages(variables, visible);
  const { newRows } = pages;

  const change = useCallback((next: RegistrySearch) => setParams(paramsFromSearch(next), { replace: true }), [setParams]);

  return (
    <section aria-labelledby="registry-title" className="page">
      <DocumentTitle page={t("registry.title")} />
      <Typography.Title level={2} id="registry-title">
        {t("registry.title")}
      </Typography.Title>
      <ModelFilters search={search} onChange={change} />
      <NewRowsNotice newRows={newRows} onReload={pages.reload} />
      {pages.error && <ErrorDisplay error={pages.error} onRetry={pages.reload} />}
      <RegistryBody
        pages={pages}
        teamId={team.id}
        nameOf={nameOf}
        onVisibleChange={setVisible}
        rowClassName={newRows.rowClassName}
        narrowed={narrowsList(search)}
      />
    </section>
  );
}

interface RegistryBodyProps {
  pages: ModelPages;
  teamId: string;
  nameOf: (userId: string) => string;
  onVisibleChange: (ids: string[]) => void;
  rowClassName: (model: ModelRowFragment) => string;
  /** Whether a filter is set, which decides the text of an empty list. */
  narrowed: boolean;
}

/** Shows the loading state, nothing after a failed first page (the error is above), or the list. */
function RegistryBody({ pages, teamId, nameOf, onVisibleChange, rowClassName, narrowed }: RegistryBodyProps) {
  if (pages.rows.length === 0 && pages.fetching) {
    return <Loading />;
  }
  if (pages.rows.length === 0 && pages.error) {
    return null;
  }
  return (
    <ModelList
      teamId={teamId}
      rows={pages.rows}
      hasNextPage={pages.hasNextPage}
      fetching={pages.fetching}
      onLoadMore={pages.loadMore}
      onVisibleChange={onVisibleChange}
      nameOf={nameOf}
      rowClassName={rowClassName}
      emptyText={narrowed ? "registry.empty" : "registry.noModels"}
    />
  );
}
