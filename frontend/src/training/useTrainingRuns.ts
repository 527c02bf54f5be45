import { useCallback, useEffect, useRef, useState } from "react";
import { useClient } from "urql";
import type { CombinedError } from "urql";

import type { TrainingRunFilter, TrainingRunRowFragment } from "../gql/graphql";
import {
  TrainingRunEventsSubscription,
  TrainingRunRowQuery,
  TrainingRunRowUpdatedSubscription,
  TrainingRunsQuery,
} from "./documents";
import { isActive } from "./RunStatusTag";
import { useSubscriptionsById } from "./useSubscriptionsById";

export const RUN_PAGE = 50;

/** The audit actions that start a run: the platform queues its own runs, and createRun opens an external one. */
const NEW_RUN_ACTIONS = ["TrainingRun.Queued", "TrainingRun.Opened"];

export interface TrainingRuns {
  rows: TrainingRunRowFragment[];
  hasNextPage: boolean;
  fetching: boolean;
  error: CombinedError | undefined;
  loadMore: () => void;
  reload: () => void;
}

export function matchesRunFilter(run: TrainingRunRowFragment, filter: TrainingRunFilter): boolean {
  return (
    (!filter.status || filter.status.length === 0 || filter.status.includes(run.status)) &&
    (!filter.modelId || run.modelId === filter.modelId) &&
    (!filter.datasetVersionId || run.datasetVersionId === filter.datasetVersionId) &&
    (!filter.configProfileId || run.configProfileId === filter.configProfileId)
  );
}

/**
 * Reads the team's runs newest first, page by page. Queued and running rows follow
 * `trainingRunUpdated`, and runs started after the first page was read are put on top as the
 * audit log records them, when they match the filter.
 */
export function useTrainingRuns(teamId: string, filter: TrainingRunFilter): TrainingRuns {
  const client = useClient();
  const filterKey = JSON.stringify(filter);
  const [rows, setRows] = useState<TrainingRunRowFragment[]>([]);
  const [endCursor, setEndCursor] = useState<string | null>(null);
  const [hasNextPage, setHasNextPage] = useState(false);
  const [fetching, setFetching] = useState(true);
  const [error, setError] = useState<CombinedError | undefined>(undefined);
  const [generation, setGeneration] = useState(0);
  const request = useRef(0);

  const read = useCallback(
    async (after: string | null) => {
      request.current += 1;
      const mine = request.current;
      setFetching(true);
      const variables = { teamId, filter: JSON.parse(filterKey) as TrainingRunFilter, first: RUN_PAGE, after };
      const result = await client.query(TrainingRunsQuery, variables, { requestPolicy: "network-only" }).toPromise();
      if (mine !== request.current) {
        return;
      }
      setFetching(false);
      setError(result.error);
      const connection = result.data?.trainingRuns;
      if (!connection) {
        return;
      }
      setRows((previous) => (after === null ? connection.nodes : mergeRuns(previous, connection.nodes)));
      setEndCursor(connection.pageInfo.endCursor ?? null);
      setHasNextPage(connection.pageInfo.hasNextPage);
    },
    [client, teamId, filterKey],
  );

  useEffect(() => {
    setRows([]);
    void read(null);
  }, [read, generation]);

  useEffect(() => {
    const currentFilter = JSON.parse(filterKey) as TrainingRunFilter;
    const subscriptions = NEW_RUN_ACTIONS.map((action) =>
      client.subscription(TrainingRunEventsSubscription, { filter: { teamId, action } }).subscribe((result) => {
        const runId = result.data?.events.subjectId;
        if (!runId) {
          return;
        }
        void client
          .query(TrainingRunRowQuery, { id: runId }, { requestPolicy: "network-only" })
          .toPromise()
          .then((answer) => {
            const run = answer.data?.trainingRun;
            if (run && matchesRunFilter(run, currentFilter)) {
              setRows((previous) => (previous.some((row) => row.id === run.id) ? previous : [run, ...previous]));
            }
          });
      }),
    );
    return () => subscriptions.forEach((subscription) => subscription.unsubscribe());
  }, [client, teamId, filterKey]);

  // The state that ends a run already has the version it registered, so a row is followed only while active.
  const liveIds = rows.filter((row) => isActive(row.status)).map((row) => row.id);
  useSubscriptionsById(liveIds, TrainingRunRowUpdatedSubscription, (data) => {
    const run = data.trainingRunUpdated.run;
    setRows((previous) => previous.map((row) => (row.id === run.id ? run : row)));
  });

  const loadMore = useCallback(() => {
    if (hasNextPage && !fetching) {
      void read(endCursor);
    }
  }, [read, endCursor, hasNextPage, fetching]);

  const reload = useCallback(() => setGeneration((count) => count + 1), []);

  return { rows, hasNextPage, fetching, error, loadMore, reload };
}

/** Appends a page, leaving out runs already listed (a run put on top live may reappear in a later page). */
function mergeRuns(current: TrainingRunRowFragment[], page: TrainingRunRowFragment[]): TrainingRunRowFragment[] {
  const known = new Set(current.map((row) => row.id));
  return [...current, ...page.filter((row) => !known.has(row.id))];
}
