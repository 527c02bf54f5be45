import { useCallback, useEffect, useRef, useState } from "react";
import { useClient } from "urql";
import type { CombinedError } from "urql";

import type { EvaluationFilter, EvaluationRowFragment } from "../gql/graphql";
import { useSubscriptionsById } from "../training/useSubscriptionsById";
import {
  EvaluationEventsSubscription,
  EvaluationRowQuery,
  EvaluationRowUpdatedSubscription,
  EvaluationsQuery,
} from "./documents";

export const EVALUATION_PAGE = 50;

export interface Evaluations {
  rows: EvaluationRowFragment[];
  hasNextPage: boolean;
  fetching: boolean;
  error: CombinedError | undefined;
  loadMore: () => void;
  reload: () => void;
  /** Puts an evaluation on top, such as one this page just requested. */
  add: (evaluation: EvaluationRowFragment) => void;
}

export function matchesEvaluationFilter(evaluation: EvaluationRowFragment, filter: EvaluationFilter): boolean {
  return (
    (!filter.modelId || evaluation.modelId === filter.modelId) &&
    (!filter.modelVersionId || evaluation.modelVersionId === filter.modelVersionId) &&
    (!filter.datasetVersionId || evaluation.datasetVersionId === filter.datasetVersionId) &&
    (!filter.status || filter.status.length === 0 || filter.status.includes(evaluation.status))
  );
}

/**
 * Reads a team's evaluations newest first, page by page. Pending rows follow
 * `evaluationUpdated` until they complete or fail, and evaluations requested after the first
 * page was read go on top as the audit log records them, when they match the filter.
 */
export function useEvaluations(teamId: string, filter: EvaluationFilter): Evaluations {
  const client = useClient();
  const filterKey = JSON.stringify(filter);
  const [rows, setRows] = useState<EvaluationRowFragment[]>([]);
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
      const variables = { teamId, filter: JSON.parse(filterKey) as EvaluationFilter, first: EVALUATION_PAGE, after };
      const result = await client.query(EvaluationsQuery, variables, { requestPolicy: "network-only" }).toPromise();
      if (mine !== request.current) {
        return;
      }
      setFetching(false);
      setError(result.error);
      const connection = result.data?.evaluations;
      if (!connection) {
        return;
      }
      setRows((previous) => (after === null ? connection.nodes : appendNew(previous, connection.nodes)));
      setEndCursor(connection.pageInfo.endCursor ?? null);
      setHasNextPage(connection.pageInfo.hasNextPage);
    },
    [client, teamId, filterKey],
  );

  useEffect(() => {
    setRows([]);
    void read(null);
  }, [read, generation]);

  const add = useCallback((evaluation: EvaluationRowFragment) => {
    setRows((previous) => (previous.some((row) => row.id === evaluation.id) ? previous : [evaluation, ...previous]));
  }, []);

  useEffect(() => {
    const currentFilter = JSON.parse(filterKey) as EvaluationFilter;
    const subscription = client
      .subscription(EvaluationEventsSubscription, { filter: { teamId, action: "Evaluation.Requested" } })
      .subscribe((result) => {
        const evaluationId = result.data?.events.subjectId;
        if (!evaluationId) {
          return;
        }
        void client
          .query(EvaluationRowQuery, { id: evaluationId }, { requestPolicy: "network-only" })
          .toPromise()
          .then((answer) => {
            const evaluation = answer.data?.evaluation;
            if (evaluation && matchesEvaluationFilter(evaluation, currentFilter)) {
              add(evaluation);
            }
          });
      });
    return () => subscription.unsubscribe();
  }, [client, teamId, filterKey, add]);

  const pendingIds = rows.filter((row) => row.status === "PENDING").map((row) => row.id);
  useSubscriptionsById(pendingIds, EvaluationRowUpdatedSubscription, (data) => {
    const evaluation = data.evaluationUpdated.evaluation;
    setRows((previous) => previous.map((row) => (row.id === evaluation.id ? evaluation : row)));
  });

  const loadMore = useCallback(() => {
    if (hasNextPage && !fetching) {
      void read(endCursor);
    }
  }, [read, endCursor, hasNextPage, fetching]);

  const reload = useCallback(() => setGeneration((count) => count + 1), []);

  return { rows, hasNextPage, fetching, error, loadMore, reload, add };
}

function appendNew(current: EvaluationRowFragment[], page: EvaluationRowFragment[]): EvaluationRowFragment[] {
  const known = new Set(current.map((row) => row.id));
  return [...current, ...page.filter((row) => !known.has(row.id))];
}
