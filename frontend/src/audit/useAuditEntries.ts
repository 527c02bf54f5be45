import { useCallback, useEffect, useRef, useState } from "react";
import { useClient } from "urql";
import type { CombinedError } from "urql";

import type { AuditEntryFieldsFragment, AuditLogFilter } from "../gql/graphql";
import { AuditEventsSubscription, AuditLogQuery } from "./documents";

export const AUDIT_PAGE = 100;

export interface AuditEntries {
  /** Newest first: live entries on top, older pages below. */
  entries: AuditEntryFieldsFragment[];
  hasOlder: boolean;
  fetching: boolean;
  live: boolean;
  error: CombinedError | undefined;
  loadOlder: () => void;
  reload: () => void;
}

/**
 * Reads the newest page of the audit log, then follows `events` from the newest entry read,
 * so nothing recorded between the query and the subscription is missed.
 */
export function useAuditEntries(filter: AuditLogFilter): AuditEntries {
  const client = useClient();
  const filterKey = JSON.stringify(filter);
  const [entries, setEntries] = useState<AuditEntryFieldsFragment[]>([]);
  const [endCursor, setEndCursor] = useState<string | null>(null);
  const [hasOlder, setHasOlder] = useState(false);
  const [fetching, setFetching] = useState(true);
  const [live, setLive] = useState(false);
  const [error, setError] = useState<CombinedError | undefined>(undefined);
  const [generation, setGeneration] = useState(0);
  const request = useRef(0);

  const readPage = useCallback(
    async (after: string | null) => {
      request.current += 1;
      const mine = request.current;
      setFetching(true);
      const variables = { filter: JSON.parse(filterKey) as AuditLogFilter, first: AUDIT_PAGE, after };
      const result = await client.query(AuditLogQuery, variables, { requestPolicy: "network-only" }).toPromise();
      if (mine !== request.current) {
        return null;
      }
      setFetching(false);
      setError(result.error);
      const connection = result.data?.auditLog;
      if (!connection) {
        return null;
      }
      setEntries((previous) => (after === null ? connection.nodes : mergeNewestFirst(previous, connection.nodes)));
      setEndCursor(connection.pageInfo.endCursor ?? null);
      setHasOlder(connection.pageInfo.hasNextPage);
      return connection.nodes;
    },
    [client, filterKey],
  );

  useEffect(() => {
    let unsubscribe: (() => void) | null = null;
    let cancelled = false;
    setEntries([]);
    setLive(false);

    void readPage(null).then((first) => {
      if (cancelled || first === null) {
        return;
      }
      const afterPosition = first[0]?.position ?? 0;
      const variables = { filter: JSON.parse(filterKey) as AuditLogFilter, afterPosition };
      const subscription = client.subscription(AuditEventsSubscription, variables).subscribe((result) => {
        if (result.error) {
          setLive(false);
          setError(result.error);
          return;
        }
        if (result.data) {
          const entry = result.data.events;
          setLive(true);
          setEntries((previous) => mergeNewestFirst(previous, [entry]));
        }
      });
      unsubscribe = subscription.unsubscribe;
      setLive(true);
    });

    return () => {
      cancelled = true;
      unsubscribe?.();
    };
  }, [client, filterKey, readPage, generation]);

  const loadOlder = useCallback(() => {
    if (hasOlder && !fetching) {
      void readPage(endCursor);
    }
  }, [readPage, endCursor, hasOlder, fetching]);

  const reload = useCallback(() => setGeneration((count) => count + 1), []);

  return { entries, hasOlder, fetching, live, error, loadOlder, reload };
}

/** Merges entries by position, newest first, keeping one entry per position. */
export function mergeNewestFirst(
  current: AuditEntryFieldsFragment[],
  added: AuditEntryFieldsFragment[],
): AuditEntryFieldsFragment[] {
  const byPosition = new Map(current.map((entry) => [entry.position, entry]));
  for (const entry of added) {
    byPosition.set(entry.position, entry);
  }
  return Array.from(byPosition.values()).sort((left, right) => right.position - left.position);
}
