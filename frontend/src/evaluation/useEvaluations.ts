import { useCallback, useMemo } from "react";
import type { CombinedError } from "urql";

import { useConnectionPages } from "../common/useConnectionPages";
import { useNewSubjects } from "../common/useNewSubjects";
import type { NewSubjects } from "../common/useNewSubjects";
import type {
  EvaluationFilter,
  EvaluationRowFragment,
  EvaluationRowQuery as EvaluationRowData,
  EvaluationRowUpdatedSubscription as EvaluationRowUpdate,
} from "../gql/graphql";
import { useSubscriptionsById } from "../training/useSubscriptionsById";
import { EvaluationRowQuery, EvaluationRowUpdatedSubscription, EvaluationsQuery } from "./documents";

export const EVALUATION_PAGE = 50;
export const EVALUATION_REQUESTED = "Evaluation.Requested";
const CREATING_ACTIONS = [EVALUATION_REQUESTED];

export interface Evaluations {
  rows: EvaluationRowFragment[];
  hasNextPage: boolean;
  fetching: boolean;
  error: CombinedError | undefined;
  loadMore: () => void;
  reload: () => void;
  /** Puts an evaluation on top, such as one this page just requested. */
  add: (evaluation: EvaluationRowFragment) => void;
  /** The evaluations put on top live, for highlighting and the reload notice. */
  newRows: NewSubjects;
}

export function matchesEvaluationFilter(evaluation: EvaluationRowFragment, filter: EvaluationFilter): boolean {
  return (
    (!filter.modelId || evaluation.modelId === filter.modelId) &&
    (!filter.modelVersionId || evaluation.modelVersionId === filter.modelVersionId) &&
    (!filter.datasetVersionId || evaluation.datasetVersionId === filter.datasetVersionId) &&
    (!filter.status || filter.status.length === 0 || filter.status.includes(evaluation.status))
  );
}

function evaluationKey(evaluation: EvaluationRowFragment): string {
  return evaluation.id;
}

/**
 * Reads a team's evaluations newest first, page by page. Pending rows follow
 * `evaluationUpdated` until they complete or fail, and evaluations requested after the first
 * page was read go on top as the audit log records them, when they match the filter.
 */
export function useEvaluations(teamId: string, filter: EvaluationFilter): Evaluations {
  const variables = useMemo(() => ({ teamId, filter }), [teamId, filter]);
  const pages = useConnectionPages(EvaluationsQuery, variables, (data) => data.evaluations, evaluationKey, EVALUATION_PAGE);
  const { upsert } = pages;
  const add = useCallback((evaluation: EvaluationRowFragment) => upsert(evaluation, true), [upsert]);

  const newRows = useNewSubjects({
    teamId,
    actions: CREATING_ACTIONS,
    query: EvaluationRowQuery,
    select: (data: EvaluationRowData) => data.evaluation,
    rows: pages.rows,
    matches: (evaluation) => matchesEvaluationFilter(evaluation, filter),
    upsert: add,
    listKey: JSON.stringify(variables),
  });

  const pendingIds = useMemo(() => pages.rows.filter((row) => row.status === "PENDING").map(evaluationKey), [pages.rows]);
  useSubscriptionsById(
    pendingIds,
    EvaluationRowUpdatedSubscription,
    useCallback((data: EvaluationRowUpdate) => upsert(data.evaluationUpdated.evaluation), [upsert]),
  );

  return {
    rows: pages.rows,
    hasNextPage: pages.hasNextPage,
    fetching: pages.fetching,
    error: pages.error,
    loadMore: pages.loadMore,
    reload: pages.reload,
    add,
    newRows,
  };
}
