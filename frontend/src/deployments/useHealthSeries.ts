import { useCallback, useEffect, useRef, useState } from "react";
import { useClient } from "urql";
import type { CombinedError } from "urql";

import type { DeploymentHealthQuery as DeploymentHealthResult, HealthPointFieldsFragment } from "../gql/graphql";
import { DeploymentHealthQuery } from "./documents";
import { mergePoints, STEP_SECONDS } from "./healthSeries";

type Signal = DeploymentHealthResult["deploymentHealth"]["signals"][number];

export interface HealthSeries {
  points: HealthPointFieldsFragment[];
  signals: Signal[];
  windowSeconds: number;
  fetching: boolean;
  error: CombinedError | undefined;
  reload: () => void;
}

/**
 * Reads the deployment's last hour from deploymentHealth, then, each time `windowPosition`
 * changes (an inference window was recorded), reads again from the start of the newest point and
 * merges, so the charts grow with the traffic instead of being re-read whole.
 */
export function useHealthSeries(deploymentId: string, windowPosition: number | null): HealthSeries {
  const client = useClient();
  const [points, setPoints] = useState<HealthPointFieldsFragment[]>([]);
  const [signals, setSignals] = useState<Signal[]>([]);
  const [windowSeconds, setWindowSeconds] = useState(0);
  const [fetching, setFetching] = useState(true);
  const [error, setError] = useState<CombinedError | undefined>(undefined);
  const [generation, setGeneration] = useState(0);
  const latestPoints = useRef(points);
  latestPoints.current = points;

  const read = useCallback(
    async (since: string | null) => {
      setFetching(true);
      const result = await client
        .query(DeploymentHealthQuery, { id: deploymentId, since, stepSeconds: STEP_SECONDS }, { requestPolicy: "network-only" })
        .toPromise();
      setFetching(false);
      setError(result.error);
      const health = result.data?.deploymentHealth;
      if (!health) {
        return;
      }
      setSignals(health.signals);
      setWindowSeconds(health.windowSeconds);
      setPoints((previous) => (since === null ? health.series : mergePoints(previous, health.series)));
    },
    [client, deploymentId],
  );

  useEffect(() => {
    setPoints([]);
    void read(null);
  }, [read, generation]);

  useEffect(() => {
    const newest = latestPoints.current[latestPoints.current.length - 1];
    if (windowPosition !== null && newest) {
      void read(newest.start);
    }
  }, [windowPosition, read]);

  const reload = useCallback(() => setGeneration((count) => count + 1), []);
  return { points, signals, windowSeconds, fetching, error, reload };
}
