import { createContext, useContext } from "react";

import type { Role } from "../gql/graphql";

export interface CurrentTeam {
  id: string;
  name: string;
  viewerRole: Role | null;
  /** Whether the viewer may manage members and tokens: a team admin or a platform administrator. */
  canAdminister: boolean;
}

export const TeamContext = createContext<CurrentTeam | null>(null);

export function useCurrentTeam(): CurrentTeam {
  const team = useContext(TeamContext);
  if (team === null) {
    throw new Error("useCurrentTeam must be called under a /teams/:teamId route.");
  }
  return team;
}

/** Returns the localStorage key that stores the team a user last opened in this browser, one key per user. */
export function lastTeamStorageKey(userId: string): string {
  return `modelcloud.team.${userId}`;
}
