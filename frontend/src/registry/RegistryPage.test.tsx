import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import { Provider } from "urql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { ModelRowFragment } from "../gql/graphql";
import { TeamContext } from "../teams/TeamContext";
import { mockServer } from "../test/mockClient";
import type { Answer, MockServer } from "../test/mockClient";
import { TYPING_DELAY_MS } from "./ModelFilters";
import { ROW_HEIGHT } from "./ModelList";
import { RegistryPage } from "./RegistryPage";
import { MODEL_PAGE } from "./useModelPages";

const TEAM = { id: "team-1", name: "Vision", viewerRole: "EDITOR" as const, canAdminister: false };
const MODEL_COUNT = 10_000;
const VIEWPORT = { width: 1200, height: 600 };

function model(index: number): ModelRowFragment {
  const name = `model-${String(index).padStart(5, "0")}`;
  return {
    id: `id-${index}`,
    name,
    description: `Description of ${name}`,
    task: index % 2 === 0 ? "CLASSIFICATION" : "REGRESSION",
    archived: false,
    versionCount: index % 7,
    ownerId: "user-1",
    createdAt: "2026-11-01T10:00:00Z",
    updatedAt: "2026-11-02T10:00:00Z",
    tags: [{ key: "team", value: "vision" }],
    aliases: index % 3 === 0 ? [{ alias: "production", versionNumber: 2 }] : [],
  };
}

const MODELS = Array.from({ length: MODEL_COUNT }, (_, index) => model(index));

/** Responds as the server would: filters by name and pages with the index of the last row as cursor. */
function answer(name: string, variables: Record<string, unknown>): Answer {
  if (name === "TeamMembers") {
    return {
      data: {
        team: {
          __typename: "Team",
          id: TEAM.id,
          members: {
            __typename: "TeamMemberConnection",
            nodes: [
              {
                __typename: "TeamMember",
                teamId: TEAM.id,
                userId: "user-1",
                role: "EDITOR",
                addedAt: "2026-11-01T10:00:00Z",
                user: { __typename: "User", id: "user-1", username: "ada", displayName: "Ada" },
              },
            ],
            pageInfo: { __typename: "PageInfo", hasNextPage: false, endCursor: null },
          },
        },
      },
    };
  }
  if (name === "Models") {
    const filter = (variables.filter ?? {}) as { nameContains?: string | null };
    if (filter.nameContains === "forbidden") {
      return {
        errors: [{ message: "Team team-1 was not found.", extensions: { code: "NOT_FOUND", field: "teamId", value: "team-1" } }],
      };
    }
    const matching = MODELS.filter((row) => !filter.nameContains || row.name.includes(filter.nameContains));
    const start = typeof variables.after === "string" ? Number(variables.after) + 1 : 0;
    const nodes = matching.slice(start, start + Number(variables.first));
    const end = start + nodes.length;
    return {
      data: {
        models: {
          __typename: "ModelConnection",
          nodes,
          pageInfo: { __typename: "PageInfo", hasNextPage: end < matching.length, endCursor: String(end - 1) },
        },
      },
    };
  }
  return null;
}

function renderRegistry(server: MockServer, path = `/teams/${TEAM.id}/models`) {
  return render(
    <Provider value={server.client}>
      <TeamContext.Provider value={TEAM}>
        <MemoryRouter initialEntries={[path]}>
          <Routes>
            <Route path="/teams/:teamId/models" element={<RegistryPage />} />
          </Routes>
        </MemoryRouter>
      </TeamContext.Provider>
    </Provider>,
  );
}

function modelQueries(server: MockServer) {
  return server.operations.filter(
    (operation) => operation.kind === "query" && operation.variables && "orderBy" in operation.variables,
  );
}

function listBody(): HTMLElement {
  const table = screen.getByRole("table", { name: "Models" });
  const body = table.querySelector<HTMLElement>(".model-list-body");
  if (body === null) {
    throw new Error("the model list has no scrolling body");
  }
  return body;
}

describe("RegistryPage", () => {
  const originalHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, "clientHeight");
  const originalWidth = Object.getOwnPropertyDescriptor(HTMLElement.prototype, "clientWidth");

  beforeAll(() => {
    // The virtualizer measures its scrolling element; jsdom lays nothing out, so give it a viewport.
    Object.defineProperty(HTMLElement.prototype, "clientHeight", { configurable: true, get: () => VIEWPORT.height });
    Object.defineProperty(HTMLElement.prototype, "clientWidth", { configurable: true, get: () => VIEWPORT.width });
  });

  afterAll(() => {
    Object.defineProperty(HTMLElement.prototype, "clientHeight", originalHeight ?? { configurable: true, value: 0 });
    Object.defineProperty(HTMLElement.prototype, "clientWidth", originalWidth ?? { configurable: true, value: 0 });
  });

  it("shows the first page with only the rows on screen in the DOM", async () => {
    const server = mockServer(answer);
    renderRegistry(server);

    expect((await screen.findByText("model-00000")).closest("a")).toHaveAttribute("href", `/teams/${TEAM.id}/models/id-0`);
    const rows = within(listBody()).getAllByRole("row");
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(40);
    expect(screen.getByText(new RegExp(`^${MODEL_PAGE} models loaded\\.`))).toBeInTheDocument();
  });

  it("shows owners by username and aliases with their version", async () => {
    const server = mockServer(answer);
    renderRegistry(server);

    const name = await screen.findByText("model-00000");
    const row = name.closest<HTMLElement>('[role="row"]');
    expect(row).not.toBeNull();
    await waitFor(() => expect(within(row as HTMLElement).getByText("ada")).toBeInTheDocument());
    expect(within(row as HTMLElement).getByText("production → v2")).toBeInTheDocument();
  });

  it("loads the next page with its cursor when scrolled near the end", async () => {
    const server = mockServer(answer);
    renderRegistry(server);
    await screen.findByText("model-00000");
    const body = listBody();

    Object.defineProperty(body, "scrollTop", { configurable: true, value: ROW_HEIGHT * (MODEL_PAGE - 10) });
    fireEvent.scroll(body);

    await screen.findByText(new RegExp(`^${2 * MODEL_PAGE} models loaded\\.`));
    const queries = modelQueries(server);
    expect(queries.at(-1)?.variables).toMatchObject({ after: String(MODEL_PAGE - 1), first: MODEL_PAGE });
  });

  it("searches by name after typing stops", async () => {
    const server = mockServer(answer);
    renderRegistry(server);
    await screen.findByText("model-00000");

    fireEvent.change(screen.getByLabelText("Name contains"), { target: { value: "model-0999" } });

    expect(await screen.findByText("model-09990", {}, { timeout: TYPING_DELAY_MS * 10 })).toBeInTheDocument();
    expect(screen.queryByText("model-00000")).not.toBeInTheDocument();
    expect(modelQueries(server).at(-1)?.variables).toMatchObject({ filter: { nameContains: "model-0999" }, after: null });
  });

  it("reads filters and sort order from the URL", async () => {
    const server = mockServer(answer);
    renderRegistry(
      server,
      `/teams/${TEAM.id}/models?task=REGRESSION&sort=UPDATED&order=desc&archived=all&tagKey=team&tagValue=vision`,
    );
    await screen.findByText("model-00000");

    expect(modelQueries(server)[0]?.variables).toMatchObject({
      teamId: TEAM.id,
      orderBy: "UPDATED",
      descending: true,
      filter: { task: "REGRESSION", archived: null, tagKey: "team", tagValue: "vision" },
    });
  });

  it("shows an empty state when nothing matches", async () => {
    const server = mockServer(answer);
    renderRegistry(server, `/teams/${TEAM.id}/models?q=no-such-model`);

    expect(await screen.findByText("No models match this search.")).toBeInTheDocument();
  });

  it("shows the server's error with its code", async () => {
    const server = mockServer(answer);
    renderRegistry(server, `/teams/${TEAM.id}/models?q=forbidden`);

    expect(await screen.findByText("It was not found, or you cannot see it.")).toBeInTheDocument();
    expect(screen.getByText("Team team-1 was not found.")).toBeInTheDocument();
  });

  it("replaces a row when modelUpdated sends its new state", async () => {
    const server = mockServer(answer);
    renderRegistry(server);
    await screen.findByText("model-00000");
    await waitFor(() =>
      expect(server.operations.some((operation) => operation.kind === "subscription" && operation.variables?.id === "id-0")).toBe(
        true,
      ),
    );

    act(() =>
      server.push("ModelRowUpdated", { modelUpdated: { __typename: "ModelUpdate", model: { ...model(0), name: "renamed" } } }),
    );

    expect(await screen.findByText("renamed")).toBeInTheDocument();
  });

  it("offers to reload when a model is registered", async () => {
    const server = mockServer(answer);
    renderRegistry(server);
    await screen.findByText("model-00000");

    act(() =>
      server.push("TeamEvents", {
        events: { __typename: "AuditEntry", position: 9, action: "RegisteredModel.Registered", subjectId: "new" },
      }),
    );

    expect(await screen.findByText("1 model was registered since this list was loaded.")).toBeInTheDocument();
  });
});
