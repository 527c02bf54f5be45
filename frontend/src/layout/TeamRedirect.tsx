import { Empty } from "antd";
import { useTranslation } from "react-i18next";
import { Navigate } from "react-router";
import { useQuery } from "urql";

import { ErrorDisplay } from "../common/ErrorDisplay";
import { Loading } from "../common/Loading";
import { TeamsQuery } from "../teams/documents";
import { TEAM_STORAGE_KEY } from "../teams/TeamContext";
import { TEAM_PAGE } from "./TeamSwitcher";

/** Opens the team chosen last on this browser, or the first team by name. */
export function TeamRedirect() {
  const { t } = useTranslation();
  const [{ data, fetching, error }, reexecute] = useQuery({ query: TeamsQuery, variables: { first: TEAM_PAGE } });

  if (error) {
    return <ErrorDisplay error={error} onRetry={() => reexecute({ requestPolicy: "network-only" })} />;
  }
  if (fetching || !data) {
    return <Loading />;
  }
  const teams = data.teams.nodes;
  const stored = window.localStorage.getItem(TEAM_STORAGE_KEY);
  const chosen = teams.find((team) => team.id === stored) ?? teams[0];
  if (!chosen) {
    return <Empty description={t("layout.noTeams")} />;
  }
  return <Navigate to={`/teams/${chosen.id}/models`} replace />;
}
