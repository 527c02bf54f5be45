import type { ReactElement } from "react";
import { MemoryRouter, Route, Routes } from "react-router";
import { Provider } from "urql";

import { SessionContext } from "../session/SessionContext";
import type { Session } from "../session/SessionContext";
import { TeamContext } from "../teams/TeamContext";
import type { CurrentTeam } from "../teams/TeamContext";
import type { MockServer } from "./mockClient";
import { renderWithoutStyles } from "./render";

export const TEST_TEAM: CurrentTeam = { id: "team-1", name: "Vision", viewerRole: "EDITOR", canAdminister: false };

const SESSION: Session = {
  state: {
    status: "signedIn",
    viewer: {
      authenticatedBy: "session",
      csrfToken: "csrf-1",
      user: { id: "user-1", username: "ada", displayName: "Ada", isAdmin: false },
    },
  },
  signIn: async () => null,
  signOut: async () => undefined,
  retry: () => undefined,
};

/** A session of a platform administrator, user-1, who may list every user. */
export const ADMIN_SESSION: Session = {
  ...SESSION,
  state: {
    status: "signedIn",
    viewer: {
      authenticatedBy: "session",
      csrfToken: "csrf-1",
      user: { id: "user-1", username: "ada", displayName: "Ada", isAdmin: true },
    },
  },
};

/**
 * Renders one page of a team as the app would: the mock server's client, a signed-in session,
 * the team in context and a router at `path` that matches `route`.
 * By default the viewer is an editor of TEST_TEAM and no platform administrator.
 */
export function renderSignedInTeamPage(
  server: MockServer,
  route: string,
  path: string,
  page: ReactElement,
  { session = SESSION, team = TEST_TEAM }: { session?: Session; team?: CurrentTeam } = {},
) {
  return renderWithoutStyles(
    <Provider value={server.client}>
      <SessionContext.Provider value={session}>
        <TeamContext.Provider value={team}>
          <MemoryRouter initialEntries={[path]}>
            <Routes>
              <Route path={route} element={page} />
              <Route path="*" element={<div data-testid="elsewhere" />} />
            </Routes>
          </MemoryRouter>
        </TeamContext.Provider>
      </SessionContext.Provider>
    </Provider>,
  );
}

/** Returns the operations the client sent under one operation name, in order. */
export function operationsNamed(server: MockServer, name: string) {
  return server.operations.filter((operation) =>
    operation.query.definitions.some((node) => node.kind === "OperationDefinition" && node.name?.value === name),
  );
}
