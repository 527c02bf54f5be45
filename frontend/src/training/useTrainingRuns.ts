import { useMemo } from "react";

import { byCreatedNewestFirst } from "../common/listOrder";
import { useLiveList } from "../common/useLiveList";
import type { LiveList } from "../common/useLiveList";
import type { TrainingRunFilter, TrainingRunRowFragment } from "../gql/graphql";
import { TrainingRunRowQuery, TrainingRunRowUpdatedSubscription, TrainingRunsQuery } from "./documents";
import { isActive } from "./RunStatusTag";

export const RUN_PAGE = 50;

/** The audit actions that start a run: the platform queues its own runs, and createRun opens an external one. */
const NEW_RUN_ACTIONS = ["TrainingRun.Queued", "TrainingRun.Opened"];

/**
 * The audit actions that change a run's status. Metrics, epochs, histograms and checkpoints
 * change no filtered field, and are too frequent to read the run again after each.
 */
const RUN_STATUS_ACTIONS = [
  "TrainingRun.Started",
  "TrainingRun.Restarted",
  "TrainingRun.Cancelled",
  "TrainingRun.Succeeded",
  "TrainingRun.Failed",
  "TrainingRun.Finished",
];

export type TrainingRuns = LiveList<TrainingRunRowFragment>;

export function matchesRunFilter(run: TrainingRunRowFragment, filter: TrainingRunFilter): boolean {
  return (
    (!filter.status || filter.status.length === 0 || filter.status.includes(run.status)) &&
    (!filter.modelId || run.modelId === filter.modelId) &&
    (!filter.datasetVersionId || run.datasetVersionId === filter.datasetVersionId) &&
    (!filter.configProfileId || run.configProfileId === filter.configProfileId)
  );
}

/** The state that ends a run already has the version it registered, so a row is followed only while active. */
function activeRunIds(runs: readonly TrainingRunRowFragment[]): string[] {
  return runs.filter((run) => isActive(run.status)).map((run) => run.id);
}

/**
 * Reads the team's runs newest first, page by page. Queued and running rows follow
 * `trainingRunUpdated`. Runs started or finished elsewhere go in at their place or out, by the filter.
 */
export function useTrainingRuns(teamId: string, filter: TrainingRunFilter): TrainingRuns {
  const variables = useMemo(() => ({ teamId, filter }), [teamId, filter]);
  return useLiveList({
    teamId,
    query: TrainingRunsQuery,
    variables,
    selectConnection: (data) => data.trainingRuns,
    pageSize: RUN_PAGE,
    order: byCreatedNewestFirst,
    matches: (run) => matchesRunFilter(run, filter),
    subjectType: "TrainingRun",
    createdActions: NEW_RUN_ACTIONS,
    changedActions: RUN_STATUS_ACTIONS,
    rowQuery: TrainingRunRowQuery,
    selectRow: (data) => data.trainingRun,
    updates: {
      subscription: TrainingRunRowUpdatedSubscription,
      selectRow: (data) => data.trainingRunUpdated.run,
      follow: activeRunIds,
    },
  });
}
