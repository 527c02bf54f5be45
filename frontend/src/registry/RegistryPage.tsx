import { Alert, Button, Typography } from "antd";
import { useCallback, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { useSubscription } from "urql";

import { ErrorDisplay } from "../common/ErrorDisplay";
import { Loading } from "../common/Loading";
import { useCurrentTeam } from "../teams/TeamContext";
import { useTeamMembers } from "../teams/useTeamMembers";
import { TeamEventsSubscription } from "./documents";
import { ModelFilters } from "./ModelFilters";
import { ModelList } from "./ModelList";
import { filterOf, paramsFromSearch, searchFromParams } from "./modelSearch";
import type { RegistrySearch } from "./modelSearch";
import { useLiveModels } from "./useLiveModels";
import { useModelPages } from "./useModelPages";
import type { ModelPages } from "./useModelPages";

export const MODEL_REGISTERED = "RegisteredModel.Registered";

/** Shows the team's models with search, filters and sort order, in a virtualized list that loads pages as it scrolls and follows changes live. */
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
  const pages = useModelPages(variables);

  const [visible, setVisible] = useState<string[]>([]);
  useLiveModels(visible, pages.replace);

  const registered = useRegisteredCount(team.id);

  const change = useCallback((next: RegistrySearch) => setParams(paramsFromSearch(next), { replace: true }), [setParams]);
  const reload = () => {
    registered.reset();
    pages.reload();
  };

  return (
    <section aria-labelledby="registry-title" className="page">
      <Typography.Title level={2} id="registry-title">
        {t("registry.title")}
      </Typography.Title>
      <ModelFilters search={search} onChange={change} />
      {registered.count > 0 && (
        <Alert
          type="info"
          showIcon
          className="page-notice"
          title={t("registry.newModels", { count: registered.count })}
          action={<Button onClick={reload}>{t("registry.showNewModels")}</Button>}
        />
      )}
      {pages.error && <ErrorDisplay error={pages.error} onRetry={pages.reload} />}
      <RegistryBody pages={pages} teamId={team.id} nameOf={nameOf} onVisibleChange={setVisible} />
    </section>
  );
}

interface RegistryBodyProps {
  pages: ModelPages;
  teamId: string;
  nameOf: (userId: string) => string;
  onVisibleChange: (ids: string[]) => void;
}

/** Shows the loading state, nothing after a failed first page (the error is above), or the list. */
function RegistryBody({ pages, teamId, nameOf, onVisibleChange }: RegistryBodyProps) {
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
    />
  );
}

/**
 * Counts the models registered in the team since the list was read. `modelUpdated` follows
 * one model each, so new models are learnt from the team's audit events instead.
 */
function useRegisteredCount(teamId: string): { count: number; reset: () => void } {
  const [offset, setOffset] = useState(0);
  const [{ data: total = 0 }] = useSubscription(
    {
      query: TeamEventsSubscription,
      variables: { filter: { teamId, action: MODEL_REGISTERED } },
    },
    (count: number | undefined) => (count ?? 0) + 1,
  );
  return { count: total - offset, reset: () => setOffset(total) };
}
