import { useCallback, useEffect, useRef, useState } from "react";
import { useClient } from "urql";
import type { AnyVariables, CombinedError, TypedDocumentNode } from "urql";

import { useConnection } from "../api/ConnectionContext";
import { placeRow } from "./listOrder";
import type { RowOrder } from "./listOrder";

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
  /**
   * Replaces the loaded row with the same key, or adds the row when `addIfMissing` is set: on
   * top, or at its place in the list's order when the hook was given one (see placeRow).
   */
  upsert: (row: Node, addIfMissing?: boolean) => void;
  /** Takes the loaded row with this key out of the list, as when it stops matching the list's filters. */
  remove: (key: string) => void;
}

interface Loaded<Node> {
  rows: Node[];
  endCursor: string | null;
  hasNextPage: boolean;
}

/**
 * Reads a connection page by page with cursors and keeps every loaded page. New variables
 * start again from the first page; `select` picks the connection out of a result. `order` is
 * the order the server lists the rows in, which `upsert` keeps.
 */
export function useConnectionPages<Data, Variables extends AnyVariables, Node>(
  query: TypedDocumentNode<Data, Variables>,
  variables: Omit<Variables, "first" | "after">,
  select: (data: Data) => Connection<Node> | null | undefined,
  keyOf: (row: Node) => string,
  pageSize: number,
  order?: RowOrder<Node>,
): ConnectionPages<Node> {
  const client = useClient();
  const [loaded, setLoaded] = useState<Loaded<Node>>({ rows: [], endCursor: null, hasNextPage: false });
  const [fetching, setFetching] = useState(true);
  const [error, setError] = useState<CombinedError | undefined>(undefined);
  const [generation, setGeneration] = useState(0);
  const variablesKey = JSON.stringify(variables);
  const request = useRef(0);
  const latest = useRef({ select, keyOf, order, loaded, fetching });
  latest.current = { select, keyOf, order, loaded, fetching };
  // Rows added (a row) or removed (null) while the first page is on its way, which its result would otherwise undo.
  const changedDuringFirstRead = useRef<Map<string, Node | null> | null>(null);

  const readPage = useCallback(
    async (after: string | null) => {
      request.current += 1;
      const mine = request.current;
      if (after === null) {
        changedDuringFirstRead.current = new Map();
      }
      setFetching(true);
      const pageVariables = { ...(JSON.parse(variablesKey) as object), first: pageSize, after } as unknown as Variables;
      const result = await client.query(query, pageVariables, { requestPolicy: "network-only" }).toPromise();
      if (mine !== request.current) {
        return;
      }
      setFetching(false);
      setError(result.error);
      const changedMeanwhile = after === null ? [...(changedDuringFirstRead.current?.entries() ?? [])] : [];
      if (after === null) {
        changedDuringFirstRead.current = null;
      }
      const connection = result.data ? latest.current.select(result.data) : null;
      if (!connection) {
        return;
      }
      setLoaded((previous) => {
        const { keyOf: key, order: listOrder } = latest.current;
        const base = after === null ? [] : previous.rows;
        const known = new Set(base.map(key));
        const hasNextPage = connection.pageInfo.hasNextPage;
        let rows = [...base, ...connection.nodes.filter((row) => !known.has(key(row)))];
        for (const [changedKey, row] of changedMeanwhile) {
          if (row === null) {
            rows = rows.filter((candidate) => key(candidate) !== changedKey);
            continue;
          }
          const listed = rows.some((candidate) => key(candidate) === changedKey);
          rows = listed ? rows : placeRow(rows, row, key, { addIfMissing: true, order: listOrder, hasNextPage });
        }
        return { rows, endCursor: connection.pageInfo.endCursor ?? null, hasNextPage };
      });
    },
    [client, query, variablesKey, pageSize],
  );

  // After the live connection comes back, the list is read again, because the events of the gap were missed.
  const { reconnections } = useConnection();
  useEffect(() => {
    setLoaded({ rows: [], endCursor: null, hasNextPage: false });
    void readPage(null);
  }, [readPage, generation, reconnections]);

  const loadMore = useCallback(() => {
    const { loaded: now, fetching: busy } = latest.current;
    if (!busy && now.hasNextPage) {
      void readPage(now.endCursor);
    }
  }, [readPage]);

  const reload = useCallback(() => setGeneration((count) => count + 1), []);

  const upsert = useCallback((row: Node, addIfMissing = false) => {
    const pending = changedDuringFirstRead.current;
    if (pending !== null && (addIfMissing || pending.get(latest.current.keyOf(row)))) {
      pending.set(latest.current.keyOf(row), row);
    }
    setLoaded((previous) => {
      const { keyOf: key, order: listOrder } = latest.current;
      const rows = placeRow(previous.rows, row, key, { addIfMissing, order: listOrder, hasNextPage: previous.hasNextPage });
      return rows === previous.rows ? previous : { ...previous, rows };
    });
  }, []);

  const remove = useCallback((key: string) => {
    changedDuringFirstRead.current?.set(key, null);
    setLoaded((previous) => {
      const rows = previous.rows.filter((candidate) => latest.current.keyOf(candidate) !== key);
      return rows.length === previous.rows.length ? previous : { ...previous, rows };
    });
  }, []);

  return { rows: loaded.rows, hasNextPage: loaded.hasNextPage, fetching, error, loadMore, reload, upsert, remove };
}
