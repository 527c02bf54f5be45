import { useMemo } from "react";

import { byCreatedNewestFirst } from "../common/listOrder";
import { useLiveList } from "../common/useLiveList";
import type { LiveList } from "../common/useLiveList";
import type { EvaluationFilter, EvaluationRowFragment } from "../gql/graphql";
import { EvaluationRowQuery, EvaluationRowUpdatedSubscription, EvaluationsQuery } from "./documents";

export const EVALUATION_PAGE = 50;
export const EVALUATION_REQUESTED = "Evaluation.Requested";
const CREATING_ACTIONS = [EVALUATION_REQUESTED];
const FINISHING_ACTIONS = ["Evaluation.Completed", "Evaluation.Failed"];

export type Evaluations = LiveList<EvaluationRowFragment>;

export function matchesEvaluationFilter(evaluation: EvaluationRowFragment, filter: EvaluationFilter): boolean {
  return (
    (!filter.modelId || evaluation.modelId === filter.modelId) &&
    (!filter.modelVersionId || evaluation.modelVersionId === filter.modelVersionId) &&
    (!filter.datasetVersionId || evaluation.datasetVersionId === filter.datasetVersionId) &&
    (!filter.status || filter.status.length === 0 || filter.status.includes(evaluation.status))
  );
}

function pendingIds(evaluations: readonly EvaluationRowFragment[]): string[] {
  return evaluations.filter((evaluation) => evaluation.status === "PENDING").map((evaluation) => evaluation.id);
}

/**
 * Reads a team's evaluations newest first, page by page. Pending rows follow
 * `evaluationUpdated` until they complete or fail; evaluations requested or finished elsewhere
 * go in at their place or out, by the filter.
 */
export function useEvaluations(teamId: string, filter: EvaluationFilter): Evaluations {
  const variables = useMemo(() => ({ teamId, filter }), [teamId, filter]);
  return useLiveList({
    teamId,
    query: EvaluationsQuery,
    variables,
    selectConnection: (data) => data.evaluations,
    pageSize: EVALUATION_PAGE,
    order: byCreatedNewestFirst,
    matches: (evaluation) => matchesEvaluationFilter(evaluation, filter),
    subjectType: "Evaluation",
    createdActions: CREATING_ACTIONS,
    changedActions: FINISHING_ACTIONS,
    rowQuery: EvaluationRowQuery,
    selectRow: (data) => data.evaluation,
    updates: {
      subscription: EvaluationRowUpdatedSubscription,
      selectRow: (data) => data.evaluationUpdated.evaluation,
      follow: pendingIds,
    },
  });
}
