import type { TypedDocumentNode } from "urql";

import { useLiveSubjects } from "../common/useLiveSubjects";

/**
 * Maximum number of rows a list follows. The server allows 100 subscriptions per WebSocket
 * connection, so this leaves room for the page's other subscriptions.
 */
export const MAX_LIVE_ROWS = 50;

function idVariables(id: string): { id: string } {
  return { id };
}

/**
 * Opens one subscription of `document` for each id (the first MAX_LIVE_ROWS) and hands each
 * message to `onData`. Ids that leave the list are unsubscribed.
 */
export function useSubscriptionsById<Data>(
  ids: readonly string[],
  document: TypedDocumentNode<Data, { id: string }>,
  onData: (data: Data) => void,
): void {
  useLiveSubjects(ids.slice(0, MAX_LIVE_ROWS), document, idVariables, onData);
}
