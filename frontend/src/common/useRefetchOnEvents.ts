import { useEffect, useRef } from "react";
import { useClient } from "urql";

import type { AuditLogFilter } from "../gql/graphql";
import { SubjectEventsSubscription } from "./documents";

/**
 * Calls `refetch` each time the `events` subscription sends an audit entry with one of `actions`.
 * For short lists, such as teams or members, that are cheaper to read again whole than row by row.
 * `filter` narrows the entries the server sends. Its value, not its identity, decides when to subscribe again.
 */
export function useRefetchOnEvents(filter: AuditLogFilter, actions: readonly string[], refetch: () => void): void {
  const client = useClient();
  const latestRefetch = useRef(refetch);
  latestRefetch.current = refetch;
  const filterKey = JSON.stringify(filter);
  const actionsKey = actions.join(",");

  useEffect(() => {
    const followedActions = new Set(actionsKey.split(",").filter((action) => action !== ""));
    const subscription = client
      .subscription(SubjectEventsSubscription, { filter: JSON.parse(filterKey) as AuditLogFilter })
      .subscribe((result) => {
        const entry = result.data?.events;
        if (entry && followedActions.has(entry.action)) {
          latestRefetch.current();
        }
      });
    return () => subscription.unsubscribe();
  }, [client, filterKey, actionsKey]);
}
