import type { ReactElement } from "react";
import { MemoryRouter, Route, Routes, useLocation } from "react-router";
import { Provider } from "urql";

import type { CurrentTeam } from "../teams/TeamContext";
import { TeamContext } from "../teams/TeamContext";
import type { MockServer } from "./mockClient";
import { renderWithoutStyles } from "./render";

export const TEST_TEAM: CurrentTeam = { id: "team-1", name: "Vision", viewerRole: "EDITOR", canAdminister: false };

/** Shows the current location, so a test can check where a page navigated to. */
function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{`${location.pathname}${location.search}`}</output>;
}

/**
 * Renders one page of a team at `path`, routed by `pattern` as App.tsx routes it, with the
 * mock server's client and the team in context. Other addresses render nothing.
 */
export function renderTeamPage(server: MockServer, pattern: string, element: ReactElement, path: string, team = TEST_TEAM) {
  return renderWithoutStyles(
    <Provider value={server.client}>
      <TeamContext.Provider value={team}>
        <MemoryRouter initialEntries={[path]}>
          <Routes>
            <Route path={pattern} element={element} />
            <Route path="*" element={null} />
          </Routes>
          <LocationProbe />
        </MemoryRouter>
      </TeamContext.Provider>
    </Provider>,
  );
}

/** Returns the operations the client sent with this operation name. */
export function operationsNamed(server: MockServer, name: string) {
  return server.operations.filter((operation) =>
    operation.query.definitions.some((node) => node.kind === "OperationDefinition" && node.name?.value === name),
  );
}
