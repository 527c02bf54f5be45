import { createContext, useContext } from "react";

import type { ConnectionState } from "./client";

/** The live connection of the signed-in session; tests and pages outside a session see it online. */
export const ConnectionContext = createContext<ConnectionState>({ online: true, reconnections: 0 });

export function useConnection(): ConnectionState {
  return useContext(ConnectionContext);
}
