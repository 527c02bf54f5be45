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

export interface ApiClient {
  client: Client;
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
  const webSocket: WebSocketClient = createWebSocketClient({
    url: graphqlWebSocketUrl(window.location),
    lazy: true,
    retryAttempts: 20,
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

  return { client, dispose: () => void webSocket.dispose() };
}
