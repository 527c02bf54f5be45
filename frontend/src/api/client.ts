import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from "urql";
import type { Exchange } from "urql";
import { createClient as createWebSocketClient } from "graphql-ws";
import type { Client as WebSocketClient } from "graphql-ws";

import { errorCodes } from "./errors";

/** Header in which mutations made with the session cookie send the session's CSRF token. */
export const CSRF_HEADER = "X-CSRF-Token";

export interface ApiClientOptions {
  /** Returns the CSRF token of the current session, or null before sign-in. */
  csrfToken: () => string | null;
  /** Called when the server returns UNAUTHENTICATED for anything but a sign-in attempt. */
  onSessionEnded: () => void;
  /** Exchanges placed first, for tests; the network exchanges follow them. */
  extraExchanges?: Exchange[];
}

/** The subscription socket's state: whether it is open, and how many times it has reconnected. */
export interface ConnectionState {
  online: boolean;
  /** Grows by one at each reconnection, after which lists read themselves again: the socket missed what happened meanwhile. */
  reconnections: number;
}

export interface ApiClient {
  client: Client;
  /** Calls `listener` at each change of the connection state; returns the function that stops it. */
  onConnectionChange: (listener: (state: ConnectionState) => void) => () => void;
  /** Closes the WebSocket, so the next client opens one with the current session cookie. */
  dispose: () => void;
}

export function graphqlWebSocketUrl(location: Location): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/graphql`;
}

/**
 * Builds the urql client of one browser session: queries and mutations over HTTP with the
 * session cookie and the CSRF header, subscriptions over one lazy graphql-transport-ws socket.
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  let connection: ConnectionState = { online: true, reconnections: 0 };
  const listeners = new Set<(state: ConnectionState) => void>();
  const publish = (next: ConnectionState) => {
    connection = next;
    listeners.forEach((listener) => listener(next));
  };

  const webSocket: WebSocketClient = createWebSocketClient({
    url: graphqlWebSocketUrl(window.location),
    lazy: true,
    // graphql-ws gives up at once on a refused connection unless shouldRetry allows it, so a restarted
    // server would leave every page without live updates. Retry forever, every 1 to 30 s.
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: (retries) =>
      new Promise((resolve) => setTimeout(resolve, Math.min(30, 2 ** retries) * 1000 * (0.5 + Math.random() / 2))),
    on: {
      connected: (_socket, _payload, wasRetry) => {
        publish({ online: true, reconnections: connection.reconnections + (wasRetry ? 1 : 0) });
      },
      closed: (event) => {
        // 1000 is the lazy socket closing when no subscription is left, not a lost connection.
        if ((event as { code?: number }).code !== 1000) {
          publish({ ...connection, online: false });
        }
      },
    },
  });

  const endedSession = mapExchange({
    onError(error, operation) {
      const signingIn = operation.kind === "mutation" && operation.context.signIn === true;
      if (!signingIn && errorCodes(error).includes("UNAUTHENTICATED")) {
        options.onSessionEnded();
      }
    },
  });

  const client = new Client({
    url: "/graphql",
    requestPolicy: "cache-and-network",
    fetchOptions: () => {
      const token = options.csrfToken();
      const headers: Record<string, string> = token ? { [CSRF_HEADER]: token } : {};
      return { credentials: "same-origin", headers };
    },
    exchanges: [
      ...(options.extraExchanges ?? []),
      cacheExchange,
      endedSession,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? "" };
          return {
            subscribe(sink) {
              const unsubscribe = webSocket.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });

  return {
    client,
    onConnectionChange: (listener) => {
      listeners.add(listener);
      listener(connection);
      return () => listeners.delete(listener);
    },
    dispose: () => void webSocket.dispose(),
  };
}
