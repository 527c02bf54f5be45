import { useEffect, useRef } from "react";
import { useClient } from "urql";
import type { TypedDocumentNode } from "urql";

/**
 * The most rows a list follows. The server allows 100 subscriptions per WebSocket connection, so
 * this leaves room for the page's other subscriptions.
 */
export const MAX_LIVE_ROWS = 50;

/**
 * Opens one subscription of `document` for each id (the first MAX_LIVE_ROWS) and hands each
 * message to `onData`. Ids that leave the list are unsubscribed.
 */
export function useSubscriptionsById<Data>(
  ids: readonly string[],
  document: TypedDocumentNode<Data, { id: string }>,
  onData: (data: Data) => void,
): void {
  const client = useClient();
  const subscriptions = useRef(new Map<string, () => void>());
  const latestOnData = useRef(onData);
  latestOnData.current = onData;
  const wantedKey = ids.slice(0, MAX_LIVE_ROWS).join(",");

  useEffect(() => {
    const active = subscriptions.current;
    const keep = new Set(wantedKey === "" ? [] : wantedKey.split(","));
    for (const [id, unsubscribe] of active) {
      if (!keep.has(id)) {
        unsubscribe();
        active.delete(id);
      }
    }
    for (const id of keep) {
      if (active.has(id)) {
        continue;
      }
      const { unsubscribe } = client.subscription(document, { id }).subscribe((result) => {
        if (result.data) {
          latestOnData.current(result.data);
        }
      });
      active.set(id, unsubscribe);
    }
  }, [client, document, wantedKey]);

  useEffect(() => {
    const active = subscriptions.current;
    return () => {
      for (const unsubscribe of active.values()) {
        unsubscribe();
      }
      active.clear();
    };
  }, [client]);
}
