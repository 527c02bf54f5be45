import { useCallback, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { useQuery } from "urql";
import type { CombinedError } from "urql";

import type { TeamMembersQuery as TeamMembersResult } from "../gql/graphql";
import { TeamMembersQuery } from "./documents";

// NOTE: only the first 500 members are read, so the names of later members show as user ids.
export const MEMBER_PAGE = 500;
const SYSTEM_ACTOR = "system";

export type Member = NonNullable<TeamMembersResult["team"]>["members"]["nodes"][number];

export interface TeamMembers {
  members: Member[];
  fetching: boolean;
  error: CombinedError | undefined;
  /** The username of a member, the platform's own name for the system actor, or the id itself for a former member. */
  nameOf: (userId: string) => string;
  /** Reads the members again from the server, skipping the cache. */
  reload: () => void;
}

export function useTeamMembers(teamId: string): TeamMembers {
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: TeamMembersQuery,
    variables: { id: teamId, first: MEMBER_PAGE },
  });
  const members = useMemo(() => data?.team.members.nodes ?? [], [data]);

  const names = useMemo(
    () => new Map(members.map((member) => [member.userId, member.user?.username ?? member.userId])),
    [members],
  );
  const { t } = useTranslation();
  // The server records its own actions (policies, workers, the demo's bootstrap) under the actor "system".
  const nameOf = useCallback(
    (userId: string) => names.get(userId) ?? (userId === SYSTEM_ACTOR ? t("callers.system") : userId),
    [names, t],
  );

  const reload = useCallback(() => reexecute({ requestPolicy: "network-only" }), [reexecute]);

  return { members, fetching, error, nameOf, reload };
}
