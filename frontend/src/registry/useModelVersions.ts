import { useCallback, useEffect, useRef, useState } from "react";
import { useClient } from "urql";
import type { CombinedError } from "urql";

import type { ModelVersionFieldsFragment } from "../gql/graphql";
import { ModelVersionsQuery } from "./documents";

export const VERSION_PAGE = 100;

export interface ModelVersions {
  rows: ModelVersionFieldsFragment[];
  hasNextPage: boolean;
  fetching: boolean;
  error: CombinedError | undefined;
  loadMore: () => void;
  /** Reads the loaded versions again, as many as are loaded now. */
  reload: () => void;
}

/** Reads a model's versions by number, page by page; with `asOf`, only those that existed then. */
export function useModelVersions(modelId: string, asOf: string | null): ModelVersions {
  const client = useClient();
  const [rows, setRows] = useState<ModelVersionFieldsFragment[]>([]);
  const [endCursor, setEndCursor] = useState<string | null>(null);
  const [hasNextPage, setHasNextPage] = useState(false);
  const [fetching, setFetching] = useState(true);
  const [error, setError] = useState<CombinedError | undefined>(undefined);
  const request = useRef(0);

  const read = useCallback(
    async (after: string | null, first: number) => {
      request.current += 1;
      const mine = request.current;
      setFetching(true);
      const result = await client
        .query(ModelVersionsQuery, { id: modelId, asOf, first, after }, { requestPolicy: "network-only" })
        .toPromise();
      if (mine !== request.current) {
        return;
      }
      setFetching(false);
      setError(result.error);
      const connection = result.data?.model.versions;
      if (!connection) {
        return;
      }
      setRows((previous) => (after === null ? connection.nodes : [...previous, ...connection.nodes]));
      setEndCursor(connection.pageInfo.endCursor ?? null);
      setHasNextPage(connection.pageInfo.hasNextPage);
    },
    [client, modelId, asOf],
  );

  useEffect(() => {
    setRows([]);
    void read(null, VERSION_PAGE);
  }, [read]);

  const loadMore = useCallback(() => {
    if (hasNextPage && !fetching) {
      void read(endCursor, VERSION_PAGE);
    }
  }, [read, endCursor, hasNextPage, fetching]);

  const loaded = rows.length;
  const reload = useCallback(() => void read(null, Math.min(Math.max(loaded, VERSION_PAGE), 500)), [read, loaded]);

  return { rows, hasNextPage, fetching, error, loadMore, reload };
}
