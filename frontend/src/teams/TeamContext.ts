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

export const TEAM_STORAGE_KEY = "modelcloud.team";
