import { Empty } from "antd";
import { useTranslation } from "react-i18next";
import { Navigate } from "react-router";
import { useQuery } from "urql";

import { ErrorDisplay } from "../common/ErrorDisplay";
import { Loading } from "../common/Loading";
import { useViewer } from "../session/SessionContext";
import { TeamsQuery } from "../teams/documents";
import { chooseLandingTeam } from "../teams/landingTeam";
import { lastTeamStorageKey } from "../teams/TeamContext";
import { AppShell } from "./AppShell";
import { TEAM_PAGE } from "./TeamSwitcher";

/**
 * Opens the team the viewer last used in this browser, or else the team with the most models. Until the
 * teams arrive it shows only a spinner, without the page frame, whose team switcher would ask for a choice.
 */
export function TeamRedirect() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const [{ data, fetching, error }, reexecute] = useQuery({ query: TeamsQuery, variables: { first: TEAM_PAGE } });

  if (error) {
    return (
      <AppShell>
        <ErrorDisplay error={error} onRetry={() => reexecute({ requestPolicy: "network-only" })} />
      </AppShell>
    );
  }
  if (fetching || !data) {
    return <Loading />;
  }
  const teams = data.teams.nodes;
  const chosen = chooseLandingTeam(teams, window.localStorage.getItem(lastTeamStorageKey(viewer.user.id)));
  if (chosen === null) {
    return (
      <AppShell>
        <Empty description={t("layout.noTeams")} />
      </AppShell>
    );
  }
  return <Navigate to={`/teams/${chosen.id}/models`} replace />;
}
