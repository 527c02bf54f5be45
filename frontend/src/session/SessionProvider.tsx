import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ReactNode } from "react";
import { Provider } from "urql";
import type { Exchange } from "urql";

import { createApiClient } from "../api/client";
import type { ApiClient, ConnectionState } from "../api/client";
import { ConnectionContext } from "../api/ConnectionContext";
import { errorCodes } from "../api/errors";
import { LoginMutation, LogoutMutation, ViewerQuery } from "./documents";
import { SessionContext } from "./SessionContext";
import type { Session, SessionState } from "./SessionContext";

interface SessionProviderProps {
  children: ReactNode;
  /** Exchanges put in front of the network ones, so tests can respond to operations themselves. */
  exchanges?: Exchange[];
}

/**
 * Owns the browser session: reads the viewer at start, signs in and out, and keeps the CSRF
 * token. Each sign-in and sign-out builds a new urql client, so no cached data or WebSocket
 * of one user outlives their session.
 */
export function SessionProvider({ children, exchanges }: SessionProviderProps) {
  const [state, setState] = useState<SessionState>({ status: "loading" });
  const csrfToken = useRef<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  const build = useCallback(
    (): ApiClient =>
      createApiClient({
        csrfToken: () => csrfToken.current,
        onSessionEnded: () => {
          csrfToken.current = null;
          setState((current) => (current.status === "signedIn" ? { status: "signedOut", expired: true } : current));
        },
        extraExchanges: exchanges,
      }),
    [exchanges],
  );
  const [api, setApi] = useState<ApiClient>(build);

  const renew = useCallback(() => {
    api.dispose();
    setApi(build());
  }, [api, build]);

  useEffect(() => {
    let cancelled = false;
    void api.client
      .query(ViewerQuery, {}, { requestPolicy: "network-only" })
      .toPromise()
      .then((result) => {
        if (cancelled) {
          return;
        }
        if (result.data) {
          csrfToken.current = result.data.viewer.csrfToken ?? null;
          setState({ status: "signedIn", viewer: result.data.viewer });
        } else if (result.error && errorCodes(result.error).includes("UNAUTHENTICATED")) {
          setState({ status: "signedOut", expired: false });
        } else if (result.error) {
          setState({ status: "failed", error: result.error });
        }
      });
    return () => {
      cancelled = true;
    };
    // The viewer is read at start and on retry only, because sign-in already returns it with the new client.
  }, [attempt]);

  const signIn = useCallback(
    async (username: string, password: string) => {
      const result = await api.client.mutation(LoginMutation, { username, password }, { signIn: true }).toPromise();
      if (!result.data) {
        return result.error ?? null;
      }
      csrfToken.current = result.data.login.viewer.csrfToken ?? null;
      renew();
      setState({ status: "signedIn", viewer: result.data.login.viewer });
      return null;
    },
    [api, renew],
  );

  const signOut = useCallback(async () => {
    await api.client.mutation(LogoutMutation, {}).toPromise();
    csrfToken.current = null;
    renew();
    setState({ status: "signedOut", expired: false });
  }, [api, renew]);

  const retry = useCallback(() => {
    setState({ status: "loading" });
    setAttempt((count) => count + 1);
  }, []);

  const session = useMemo<Session>(() => ({ state, signIn, signOut, retry }), [state, signIn, signOut, retry]);
  const [connection, setConnection] = useState<ConnectionState>({ online: true, reconnections: 0 });
  useEffect(() => api.onConnectionChange(setConnection), [api]);

  return (
    <SessionContext.Provider value={session}>
      <ConnectionContext.Provider value={connection}>
        <Provider value={api.client}>{children}</Provider>
      </ConnectionContext.Provider>
    </SessionContext.Provider>
  );
}
