import { useEffect, useRef } from "react";
import { useClient } from "urql";
import type { AnyVariables, TypedDocumentNode } from "urql";

/**
 * The server allows 100 subscriptions per WebSocket connection; a list keeps well under it so
 * the other open pages still fit.
 */
export const MAX_LIVE_SUBJECTS = 60;

/**
 * Keeps one subscription open for each of the given ids (the rows on screen, at most
 * MAX_LIVE_SUBJECTS) and hands every message to `onData`. Ids that leave the list are
 * unsubscribed. A null subscription opens nothing, for lists whose rows have none.
 */
export function useLiveSubjects<Data, Variables extends AnyVariables>(
  ids: readonly string[],
  subscription: TypedDocumentNode<Data, Variables> | null,
  variablesOf: (id: string) => Variables,
  onData: (data: Data) => void,
): void {
  const client = useClient();
  const active = useRef(new Map<string, () => void>());
  const latest = useRef({ variablesOf, onData });
  latest.current = { variablesOf, onData };
  const requestedKey = ids.slice(0, MAX_LIVE_SUBJECTS).join(",");

  useEffect(() => {
    const subscriptions = active.current;
    const keep = new Set(requestedKey === "" || subscription === null ? [] : requestedKey.split(","));

    for (const [id, unsubscribe] of subscriptions) {
      if (!keep.has(id)) {
        unsubscribe();
        subscriptions.delete(id);
      }
    }
    for (const id of keep) {
      if (subscriptions.has(id) || subscription === null) {
        continue;
      }
      const { unsubscribe } = client.subscription(subscription, latest.current.variablesOf(id)).subscribe((result) => {
        if (result.data) {
          latest.current.onData(result.data);
        }
      });
      subscriptions.set(id, unsubscribe);
    }
  }, [client, subscription, requestedKey]);

  useEffect(() => {
    const subscriptions = active.current;
    return () => {
      for (const unsubscribe of subscriptions.values()) {
        unsubscribe();
      }
      subscriptions.clear();
    };
  }, [client]);
}
