import { useEffect, useRef } from "react";
import { useClient } from "urql";

import type { ModelRowFragment } from "../gql/graphql";
import { ModelRowUpdatedSubscription } from "./documents";

/**
 * The server allows 100 subscriptions per WebSocket connection; the list keeps well under it
 * so the open model page and the audit log still fit.
 */
export const MAX_LIVE_ROWS = 60;

/**
 * Subscribes to `modelUpdated` for each of the given model ids (the rows on screen) and hands
 * every new state to `onModel`. Ids that leave the list are unsubscribed.
 */
export function useLiveModels(ids: readonly string[], onModel: (model: ModelRowFragment) => void): void {
  const client = useClient();
  const subscriptions = useRef(new Map<string, () => void>());
  const latestOnModel = useRef(onModel);
  latestOnModel.current = onModel;
  const requested = ids.slice(0, MAX_LIVE_ROWS);
  const requestedKey = requested.join(",");

  useEffect(() => {
    const active = subscriptions.current;
    const keep = new Set(requestedKey === "" ? [] : requestedKey.split(","));

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
      const { unsubscribe } = client.subscription(ModelRowUpdatedSubscription, { id }).subscribe((result) => {
        if (result.data) {
          latestOnModel.current(result.data.modelUpdated.model);
        }
      });
      active.set(id, unsubscribe);
    }
  }, [client, requestedKey]);

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
