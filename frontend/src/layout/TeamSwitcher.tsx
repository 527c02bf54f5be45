import { Select } from "antd";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { useQuery } from "urql";

import { TeamsQuery } from "../teams/documents";
import type { Section } from "./AppShell";

// NOTE: the switcher lists the first 500 teams by name; more would need a search box.
export const TEAM_PAGE = 500;

export function TeamSwitcher({ teamId, section }: { teamId: string | null; section: Section }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [{ data, fetching }] = useQuery({ query: TeamsQuery, variables: { first: TEAM_PAGE } });
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
