import { useCallback, useEffect, useRef, useState } from "react";
import { useClient } from "urql";
import type { AnyVariables, CombinedError, TypedDocumentNode } from "urql";

/** The part of a Relay-style connection that the pages read. */
export interface Connection<Node> {
  nodes: Node[];
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

export interface ConnectionPages<Node> {
  rows: Node[];
  hasNextPage: boolean;
  fetching: boolean;
  error: CombinedError | undefined;
  /** Reads the page after the last loaded row; does nothing while a page is on its way. */
  loadMore: () => void;
  /** Reads the list again from its first page. */
  reload: () => void;
  /** Replaces the loaded row with the same key, or adds the row at the top when `addIfMissing` is set. */
  upsert: (row: Node, addIfMissing?: boolean) => void;
}

interface Loaded<Node> {
  rows: Node[];
  endCursor: string | null;
  hasNextPage: boolean;
}

/**
 * Reads a connection page by page with cursors and keeps every loaded page. New variables
 * start again from the first page; `select` picks the connection out of a result.
 */
export function useConnectionPages<Data, Variables extends AnyVariables, Node>(
  query: TypedDocumentNode<Data, Variables>,
  variables: Omit<Variables, "first" | "after">,
  select: (data: Data) => Connection<Node> | null | undefined,
  keyOf: (row: Node) => string,
  pageSize: number,
): ConnectionPages<Node> {
  const client = useClient();
  const [loaded, setLoaded] = useState<Loaded<Node>>({ rows: [], endCursor: null, hasNextPage: false });
  const [fetching, setFetching] = useState(true);
  const [error, setError] = useState<CombinedError | undefined>(undefined);
  const [generation, setGeneration] = useState(0);
  const variablesKey = JSON.stringify(variables);
  const request = useRef(0);
  const latest = useRef({ select, keyOf, loaded, fetching });
  latest.current = { select, keyOf, loaded, fetching };

  const readPage = useCallback(
    async (after: string | null) => {
      request.current += 1;
      const mine = request.current;
      setFetching(true);
      const pageVariables = { ...(JSON.parse(variablesKey) as object), first: pageSize, after } as unknown as Variables;
      const result = await client.query(query, pageVariables, { requestPolicy: "network-only" }).toPromise();
      if (mine !== request.current) {
        return;
      }
      setFetching(false);
      setError(result.error);
      const connection = result.data ? latest.current.select(result.data) : null;
      if (!connection) {
        return;
      }
      setLoaded((previous) => {
        const base = after === null ? [] : previous.rows;
        const known = new Set(base.map(latest.current.keyOf));
        const added = connection.nodes.filter((row) => !known.has(latest.current.keyOf(row)));
        return {
          rows: [...base, ...added],
          endCursor: connection.pageInfo.endCursor ?? null,
          hasNextPage: connection.pageInfo.hasNextPage,
        };
      });
    },
    [client, query, variablesKey, pageSize],
  );

  useEffect(() => {
    setLoaded({ rows: [], endCursor: null, hasNextPage: false });
    void readPage(null);
  }, [readPage, generation]);

  const loadMore = useCallback(() => {
    const { loaded: now, fetching: busy } = latest.current;
    if (!busy && now.hasNextPage) {
      void readPage(now.endCursor);
    }
  }, [readPage]);

  const reload = useCallback(() => setGeneration((count) => count + 1), []);

  const upsert = useCallback((row: Node, addIfMissing = false) => {
    setLoaded((previous) => {
      const key = latest.current.keyOf(row);
      const index = previous.rows.findIndex((candidate) => latest.current.keyOf(candidate) === key);
      if (index < 0) {
        return addIfMissing ? { ...previous, rows: [row, ...previous.rows] } : previous;
      }
      const rows = [...previous.rows];
      rows[index] = row;
      return { ...previous, rows };
    });
  }, []);

  return { rows: loaded.rows, hasNextPage: loaded.hasNextPage, fetching, error, loadMore, reload, upsert };
}
