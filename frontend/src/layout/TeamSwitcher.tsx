import { Select } from "antd";
import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { useQuery } from "urql";

import { useRefetchOnEvents } from "../common/useRefetchOnEvents";
import type { AuditLogFilter } from "../gql/graphql";
import { TeamsQuery } from "../teams/documents";
import type { Section } from "./AppShell";

// NOTE: the switcher lists the first 500 teams by name; more would need a search box.
export const TEAM_PAGE = 500;
/**
 * The audit actions that can change which teams the viewer can list: a new team, or the viewer added to
 * or removed from one. Every addition or removal reads the list again, because an entry names the team
 * but not the user.
 */
export const TEAM_LIST_ACTIONS = ["Team.Created", "Team.MemberAdded", "Team.MemberRemoved"] as const;
// Without a teamId, the server sends the entries of every team the viewer may read.
const TEAM_EVENTS: AuditLogFilter = { subjectType: "Team" };

export function TeamSwitcher({ teamId, section }: { teamId: string | null; section: Section }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [{ data, fetching }, reexecute] = useQuery({ query: TeamsQuery, variables: { first: TEAM_PAGE } });
  const reload = useCallback(() => reexecute({ requestPolicy: "network-only" }), [reexecute]);
  useRefetchOnEvents(TEAM_EVENTS, TEAM_LIST_ACTIONS, reload);
  const teams = data?.teams.nodes ?? [];

  return (
    <Select<string>
      className="team-switcher"
      aria-label={t("layout.team")}
      placeholder={t("layout.chooseTeam")}
      loading={fetching}
      value={teamId ?? undefined}
      onChange={(id) => void navigate(`/teams/${id}/${section}`)}
      options={teams.map((team) => ({ value: team.id, label: team.name }))}
      showSearch={{ optionFilterProp: "label" }}
      notFoundContent={t("layout.noTeams")}
      style={{ width: 200 }}
    />
  );
}
