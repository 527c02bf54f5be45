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

/** The BroadcastChannel on which the tabs of one origin announce sign-ins and sign-outs. */
export const SESSION_CHANNEL = "modelcloud.session";
const SIGNED_IN = "signedIn";
const SIGNED_OUT = "signedOut";

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
          setState((current) => (current.status === "signedIn" ? { status: "signedOut", notice: "expired" } : current));
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
          setState({ status: "signedOut", notice: null });
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
      otherTabs.current?.postMessage(SIGNED_IN);
      return null;
    },
    [api, renew],
  );

  const signOut = useCallback(async () => {
    await api.client.mutation(LogoutMutation, {}).toPromise();
    csrfToken.current = null;
    renew();
    setState({ status: "signedOut", notice: null });
    otherTabs.current?.postMessage(SIGNED_OUT);
  }, [api, renew]);

  const retry = useCallback(() => {
    setState({ status: "loading" });
    setAttempt((count) => count + 1);
  }, []);

  // The session cookie is shared by every tab, so a sign-in or sign-out in one tab changes the others.
  const otherTabs = useRef<BroadcastChannel | null>(null);
  const latest = useRef({ renew, retry });
  latest.current = { renew, retry };
  useEffect(() => {
    if (typeof BroadcastChannel === "undefined") {
      return;
    }
    const channel = new BroadcastChannel(SESSION_CHANNEL);
    otherTabs.current = channel;
    channel.onmessage = (event: MessageEvent<unknown>) => {
      if (event.data === SIGNED_OUT) {
        csrfToken.current = null;
        latest.current.renew();
        setState((current) => (current.status === "signedIn" ? { status: "signedOut", notice: "signedOutElsewhere" } : current));
      } else if (event.data === SIGNED_IN) {
        // Another user may have signed in, so the viewer is read again with a client that has no cached data.
        latest.current.renew();
        latest.current.retry();
      }
    };
    return () => {
      channel.close();
      otherTabs.current = null;
    };
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
