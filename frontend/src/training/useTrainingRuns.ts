import { useCallback, useMemo } from "react";
import type { CombinedError } from "urql";

import { useConnectionPages } from "../common/useConnectionPages";
import { useNewSubjects } from "../common/useNewSubjects";
import type { NewSubjects } from "../common/useNewSubjects";
import type {
  TrainingRunFilter,
  TrainingRunRowFragment,
  TrainingRunRowQuery as TrainingRunRowData,
  TrainingRunRowUpdatedSubscription as TrainingRunRowUpdate,
} from "../gql/graphql";
import { TrainingRunRowQuery, TrainingRunRowUpdatedSubscription, TrainingRunsQuery } from "./documents";
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
  /** The runs put on top live, for highlighting and the reload notice. */
  newRows: NewSubjects;
}

export function matchesRunFilter(run: TrainingRunRowFragment, filter: TrainingRunFilter): boolean {
  return (
    (!filter.status || filter.status.length === 0 || filter.status.includes(run.status)) &&
    (!filter.modelId || run.modelId === filter.modelId) &&
    (!filter.datasetVersionId || run.datasetVersionId === filter.datasetVersionId) &&
    (!filter.configProfileId || run.configProfileId === filter.configProfileId)
  );
}

function runKey(run: TrainingRunRowFragment): string {
  return run.id;
}

/**
 * Reads the team's runs newest first, page by page. Queued and running rows follow
 * `trainingRunUpdated`, and runs started after the first page was read are put on top as the
 * audit log records them, when they match the filter.
 */
export function useTrainingRuns(teamId: string, filter: TrainingRunFilter): TrainingRuns {
  const variables = useMemo(() => ({ teamId, filter }), [teamId, filter]);
  const pages = useConnectionPages(TrainingRunsQuery, variables, (data) => data.trainingRuns, runKey, RUN_PAGE);
  const { upsert } = pages;

  const newRows = useNewSubjects({
    teamId,
    actions: NEW_RUN_ACTIONS,
    query: TrainingRunRowQuery,
    select: (data: TrainingRunRowData) => data.trainingRun,
    rows: pages.rows,
    matches: (run) => matchesRunFilter(run, filter),
    upsert: useCallback((run: TrainingRunRowFragment) => upsert(run, true), [upsert]),
    listKey: JSON.stringify(variables),
  });

  // The state that ends a run already has the version it registered, so a row is followed only while active.
  const liveIds = useMemo(() => pages.rows.filter((row) => isActive(row.status)).map(runKey), [pages.rows]);
  useSubscriptionsById(
    liveIds,
    TrainingRunRowUpdatedSubscription,
    useCallback((data: TrainingRunRowUpdate) => upsert(data.trainingRunUpdated.run), [upsert]),
  );

  return {
    rows: pages.rows,
    hasNextPage: pages.hasNextPage,
    fetching: pages.fetching,
    error: pages.error,
    loadMore: pages.loadMore,
    reload: pages.reload,
    newRows,
  };
}
