import { useEffect, useMemo } from "react";
import { Outlet, useParams } from "react-router";
import { useQuery } from "urql";

import { ErrorDisplay } from "../common/ErrorDisplay";
import { Loading } from "../common/Loading";
import { useViewer } from "../session/SessionContext";
import { TeamQuery } from "../teams/documents";
import { TeamContext, lastTeamStorageKey } from "../teams/TeamContext";
import type { CurrentTeam } from "../teams/TeamContext";

/** Reads the team named in the URL, remembers it as the last one used, and provides it to the pages below. */
export function TeamScope() {
  const { teamId = "" } = useParams();
  const viewer = useViewer();
  const [{ data, fetching, error }, reexecute] = useQuery({ query: TeamQuery, variables: { id: teamId } });

  useEffect(() => {
    if (data) {
      window.localStorage.setItem(lastTeamStorageKey(viewer.user.id), data.team.id);
    }
  }, [data, viewer.user.id]);

  const team = useMemo<CurrentTeam | null>(
    () =>
      data
        ? {
            id: data.team.id,
            name: data.team.name,
            viewerRole: data.team.viewerRole ?? null,
            canAdminister: data.team.viewerRole === "ADMIN" || viewer.user.isAdmin,
          }
        : null,
    [data, viewer.user.isAdmin],
  );

  if (error) {
    return <ErrorDisplay error={error} onRetry={() => reexecute({ requestPolicy: "network-only" })} />;
  }
  if (fetching || team === null) {
    return <Loading />;
  }
  return (
    <TeamContext.Provider value={team}>
      <Outlet />
    </TeamContext.Provider>
  );
}
