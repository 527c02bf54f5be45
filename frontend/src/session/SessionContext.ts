import { createContext, useContext } from "react";
import type { CombinedError } from "urql";

import type { ViewerFieldsFragment } from "../gql/graphql";

/** Why the sign-in page shows: the session ended on the server, or the user signed out in another tab. */
export type SignedOutNotice = "expired" | "signedOutElsewhere" | null;

export type SessionState =
  | { status: "loading" }
  | { status: "signedOut"; notice: SignedOutNotice }
  | { status: "signedIn"; viewer: ViewerFieldsFragment }
  | { status: "failed"; error: CombinedError };

export interface Session {
  state: SessionState;
  /** Signs in; resolves to the error to show, or null on success. */
  signIn: (username: string, password: string) => Promise<CombinedError | null>;
  signOut: () => Promise<void>;
  /** Reads the viewer again, after a failure to reach the server. */
  retry: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === null) {
    throw new Error("useSession must be called inside <SessionProvider>.");
  }
  return session;
}

/** Returns the signed-in viewer; only components rendered behind the sign-in page may call it. */
export function useViewer(): ViewerFieldsFragment {
  const { state } = useSession();
  if (state.status !== "signedIn") {
    throw new Error("useViewer must be called only while signed in.");
  }
  return state.viewer;
}
