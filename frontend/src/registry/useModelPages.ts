import { useCallback, useEffect, useRef, useState } from "react";
import { useClient } from "urql";
import type { CombinedError } from "urql";

import type { ModelRowFragment, ModelsQueryVariables } from "../gql/graphql";
import { ModelsQuery } from "./documents";

export const MODEL_PAGE = 100;

export type ModelSearchVariables = Omit<ModelsQueryVariables, "first" | "after">;

export interface ModelPages {
  rows: ModelRowFragment[];
  hasNextPage: boolean;
  fetching: boolean;
  error: CombinedError | undefined;
  /** Reads the next page after the last loaded row; does nothing while a page is on its way. */
  loadMore: () => void;
  /** Replaces a loaded row by the model's newer state. */
  replace: (model: ModelRowFragment) => void;
  /** Reads the list again from its first page. */
  reload: () => void;
}

interface Loaded {
  rows: ModelRowFragment[];
  endCursor: string | null;
  hasNextPage: boolean;
}

const EMPTY: Loaded = { rows: [], endCursor: null, hasNextPage: false };

/**
 * Reads a model search page by page with cursors, keeping every loaded page, so a long list
 * grows as it is scrolled. A new search starts again from the first page.
 */
export function useModelPages(search: ModelSearchVariables): ModelPages {
  const client = useClient();
  const [loaded, setLoaded] = useState<Loaded>(EMPTY);
  const [fetching, setFetching] = useState(true);
  const [error, setError] = useState<CombinedError | undefined>(undefined);
  const [generation, setGeneration] = useState(0);
  const searchKey = JSON.stringify(search);
  const current = useRef({ searchKey, generation, inFlight: false, loaded });
  current.current.loaded = loaded;

  const fetchPage = useCallback(
    async (after: string | null) => {
      const started = { searchKey, generation };
      current.current.inFlight = true;
      setFetching(true);
      const variables = { ...(JSON.parse(searchKey) as ModelSearchVariables), first: MODEL_PAGE, after };
      const result = await client.query(ModelsQuery, variables, { requestPolicy: "network-only" }).toPromise();
      const stale = current.current.searchKey !== started.searchKey || current.current.generation !== started.generation;
      if (stale) {
        return;
      }
      current.current.inFlight = false;
      setFetching(false);
      setError(result.error);
      if (!result.data) {
        return;
      }
      const connection = result.data.models;
      setLoaded((previous) => {
        const base = after === null ? [] : previous.rows;
        const known = new Set(base.map((row) => row.id));
        const added = connection.nodes.filter((row) => !known.has(row.id));
        return {
          rows: [...base, ...added],
          endCursor: connection.pageInfo.endCursor ?? null,
          hasNextPage: connection.pageInfo.hasNextPage,
        };
      });
    },
    [client, searchKey, generation],
  );

  useEffect(() => {
    current.current = { searchKey, generation, inFlight: false, loaded: EMPTY };
    setLoaded(EMPTY);
    void fetchPage(null);
  }, [fetchPage, searchKey, generation]);

  const loadMore = useCallback(() => {
    const { inFlight, loaded: now } = current.current;
    if (inFlight || !now.hasNextPage) {
      return;
    }
    void fetchPage(now.endCursor);
  }, [fetchPage]);

  const replace = useCallback((model: ModelRowFragment) => {
    setLoaded((previous) => {
      const index = previous.rows.findIndex((row) => row.id === model.id);
      if (index < 0) {
        return previous;
      }
      const rows = [...previous.rows];
      rows[index] = model;
      return { ...previous, rows };
    });
  }, []);

  const reload = useCallback(() => setGeneration((count) => count + 1), []);

  return { rows: loaded.rows, hasNextPage: loaded.hasNextPage, fetching, error, loadMore, replace, reload };
}
