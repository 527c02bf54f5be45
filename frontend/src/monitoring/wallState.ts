import type { MonitoringWallSubscription as WallMessage } from "../gql/graphql";

export type Wall = WallMessage["monitoringWall"];
export type WallTile = Wall["deployments"][number];

/** Pushes kept per deployment for its sparklines. */
export const HISTORY_LENGTH = 30;

export interface SignalSample {
  at: string;
  requestsPerSecond: number | null;
  errorRate: number | null;
  latencyP99Ms: number | null;
}

export interface WallState {
  wall: Wall;
  /** The last HISTORY_LENGTH samples of each deployment, oldest first. */
  history: Record<string, SignalSample[]>;
  /** Messages received, so a test or the page can tell that a push arrived. */
  updates: number;
}

/**
 * Folds one monitoringWall message into the state: the message replaces the wall, and each
 * deployment's signals are appended to its history. Deployments that left the wall lose theirs.
 */
export function foldWall(previous: WallState | undefined, message: WallMessage): WallState {
  const wall = message.monitoringWall;
  const history: Record<string, SignalSample[]> = {};
  for (const tile of wall.deployments) {
    const id = tile.deployment.id;
    const sample: SignalSample = {
      at: wall.at,
      requestsPerSecond: tile.requestsPerSecond ?? null,
      errorRate: tile.errorRate ?? null,
      latencyP99Ms: tile.latencyP99Ms ?? null,
    };
    history[id] = [...(previous?.history[id] ?? []), sample].slice(-HISTORY_LENGTH);
  }
  return { wall, history, updates: (previous?.updates ?? 0) + 1 };
}

const SEVERITY_RANK = { CRITICAL: 0, WARNING: 1, INFO: 2 } as const;
const STATE_RANK = { FIRING: 0, PENDING: 1, RESOLVED: 2, CLEARED: 3 } as const;

/** Orders alerts for the wall: firing before pending, then critical first, then the oldest first. */
export function wallAlertOrder(a: Wall["alerts"][number], b: Wall["alerts"][number]): number {
  return (
    STATE_RANK[a.state] - STATE_RANK[b.state] ||
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    Date.parse(a.startedAt) - Date.parse(b.startedAt)
  );
}

/** Orders tiles: deployments with the worst open alerts first, then by name. */
export function tileOrder(a: WallTile, b: WallTile): number {
  const rank = (tile: WallTile): number => {
    if (tile.worstSeverity) {
      return SEVERITY_RANK[tile.worstSeverity];
    }
    // Pending alerts rank after firing info alerts and before quiet deployments.
    return tile.openAlerts > 0 ? 2.5 : 3;
  };
  return rank(a) - rank(b) || a.deployment.name.localeCompare(b.deployment.name);
}
