export interface TeamSummary {
  id: string;
  name: string;
  modelCount: number;
}

/**
 * Chooses the team to open after sign-in: the team the user last opened, if it is still in `teams`,
 * otherwise the team with the most models, the first in `teams` on a tie. Returns null when `teams` is empty.
 */
export function chooseLandingTeam<T extends TeamSummary>(teams: readonly T[], lastTeamId: string | null): T | null {
  const last = teams.find((team) => team.id === lastTeamId);
  if (last !== undefined) {
    return last;
  }
  let chosen: T | null = null;
  for (const team of teams) {
    if (chosen === null || team.modelCount > chosen.modelCount) {
      chosen = team;
    }
  }
  return chosen;
}
