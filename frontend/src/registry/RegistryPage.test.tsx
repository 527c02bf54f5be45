import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import { Provider } from "urql";
import { describe, expect, it } from "vitest";

import type { ModelRowFragment } from "../gql/graphql";
import { TeamContext } from "../teams/TeamContext";
import { mockServer } from "../test/mockClient";
import type { Answer, MockServer } from "../test/mockClient";
import { TYPING_DELAY_MS } from "./ModelFilters";
import { ROW_HEIGHT } from "./ModelList";
import { RegistryPage } from "./RegistryPage";
import { MODEL_PAGE } from "./useModelPages";
import { renderWithoutStyles } from "../test/render";
import { operationsNamed } from "../test/renderTeamPage";

const TEAM = { id: "team-1", name: "Vision", viewerRole: "EDITOR" as const, canAdminister: false };
const MODEL_COUNT = 10_000;

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
  if (name === "ModelRow") {
    const id = String(variables.id);
    const registered = id === "regression" ? { ...model(1), name: "model-00000b" } : { ...model(0), name: "model-00000a" };
    return { data: { model: { ...registered, id, versionCount: 0, aliases: [] } } };
  }
  return null;
}

function renderRegistry(server: MockServer, path = `/teams/${TEAM.id}/models`) {
  return renderWithoutStyles(
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

function subscribedIds(server: MockServer): unknown[] {
  return operationsNamed(server, "ModelRowUpdated").map((operation) => operation.variables?.id);
}

/** Returns the model names of the rendered rows, top to bottom. */
function listedNames(): string[] {
  return within(listBody())
    .getAllByRole("row")
    .map((row) => row.querySelector(".model-name a")?.textContent ?? "");
}

function rowNamed(name: string): HTMLElement {
  return screen.getByText(name).closest<HTMLElement>('[role="row"]') as HTMLElement;
}

function registered(server: MockServer, subjectId: string, position = 9) {
  act(() =>
    server.push("SubjectEvents", {
      events: {
        __typename: "AuditEntry",
        position,
        action: "RegisteredModel.Registered",
        subjectType: "RegisteredModel",
        subjectId,
      },
    }),
  );
}

describe("RegistryPage", () => {
  it("first page renders visible rows", async () => {
    const server = mockServer(answer);
    renderRegistry(server);

    expect((await screen.findByText("model-00000")).closest("a")).toHaveAttribute("href", `/teams/${TEAM.id}/models/id-0`);
    const rows = within(listBody()).getAllByRole("row");
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(40);
    expect(screen.getByText(new RegExp(`^${MODEL_PAGE} models loaded\\.`))).toBeInTheDocument();
  });

  it("rows show owner and aliases", async () => {
    const server = mockServer(answer);
    renderRegistry(server);

    const name = await screen.findByText("model-00000");
    const row = name.closest<HTMLElement>('[role="row"]');
    expect(row).not.toBeNull();
    await waitFor(() => expect(within(row as HTMLElement).getByText("ada")).toBeInTheDocument());
    expect(within(row as HTMLElement).getByText("production → v2")).toBeInTheDocument();
  });

  it("clipped alias cell has full tooltip", async () => {
    renderRegistry(mockServer(answer));

    const alias = await screen.findAllByText("production → v2");
    const cell = alias[0]?.closest<HTMLElement>('[role="cell"]');
    expect(cell).toHaveAttribute("title", expect.stringContaining("production → v2"));
  });

  it("scrolling near end loads next page", async () => {
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

  it("filters and order come from URL", async () => {
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

  it("no match shows empty state", async () => {
    const server = mockServer(answer);
    renderRegistry(server, `/teams/${TEAM.id}/models?q=no-such-model`);

    expect(await screen.findByText("No models match this search.")).toBeInTheDocument();
  });

  it("server error shown by code", async () => {
    const server = mockServer(answer);
    renderRegistry(server, `/teams/${TEAM.id}/models?q=forbidden`);

    expect(await screen.findByText("It was not found, or you cannot see it.")).toBeInTheDocument();
    expect(screen.getByText("Team team-1 was not found.")).toBeInTheDocument();
    expect(screen.queryByText("No models match this search.")).not.toBeInTheDocument();
  });

  it("modelUpdated replaces its row", async () => {
    const server = mockServer(answer);
    renderRegistry(server);
    await screen.findByText("model-00000");
    await waitFor(() => expect(subscribedIds(server)).toContain("id-0"));

    act(() =>
      server.push("ModelRowUpdated", {
        modelUpdated: { __typename: "ModelUpdate", model: { ...model(0), description: "Retrained weekly" } },
      }),
    );

    expect(await screen.findByText("Retrained weekly")).toBeInTheDocument();
    expect(listedNames().slice(0, 2)).toEqual(["model-00000", "model-00001"]);
  });

  it("updated row moves to the top", async () => {
    const server = mockServer(answer);
    renderRegistry(server, `/teams/${TEAM.id}/models?sort=UPDATED&order=desc`);
    await screen.findByText("model-00000");
    await waitFor(() => expect(subscribedIds(server)).toContain("id-3"));

    act(() =>
      server.push("ModelRowUpdated", {
        modelUpdated: { __typename: "ModelUpdate", model: { ...model(3), updatedAt: "2026-11-03T08:00:00Z" } },
      }),
    );

    await waitFor(() => expect(listedNames()[0]).toBe("model-00003"));
    expect(listedNames().filter((name) => name === "model-00003")).toHaveLength(1);
  });

  it("row sorted past loaded pages leaves", async () => {
    const server = mockServer(answer);
    renderRegistry(server, `/teams/${TEAM.id}/models?sort=UPDATED`);
    await screen.findByText("model-00000");
    await waitFor(() => expect(subscribedIds(server)).toContain("id-0"));

    act(() =>
      server.push("ModelRowUpdated", {
        modelUpdated: { __typename: "ModelUpdate", model: { ...model(0), updatedAt: "2026-11-03T08:00:00Z" } },
      }),
    );

    await waitFor(() => expect(screen.queryByText("model-00000")).not.toBeInTheDocument());
    expect(screen.getByText(new RegExp(`^${MODEL_PAGE - 1} models loaded\\.`))).toBeInTheDocument();
  });

  it("registered model goes in by name", async () => {
    const server = mockServer(answer);
    renderRegistry(server);
    await screen.findByText("model-00000");
    await waitFor(() => expect(operationsNamed(server, "SubjectEvents")).toHaveLength(1));
    expect(operationsNamed(server, "SubjectEvents")[0]?.variables).toEqual({
      filter: { teamId: TEAM.id, subjectType: "RegisteredModel" },
    });

    registered(server, "new");

    await waitFor(() => expect(listedNames().slice(0, 3)).toEqual(["model-00000", "model-00000a", "model-00001"]));
    expect(rowNamed("model-00000a")).toHaveClass("new-row");
    expect(rowNamed("model-00000")).not.toHaveClass("new-row");
    expect(screen.getByText("1 new row was added to the list.")).toBeInTheDocument();
    expect(screen.getByText(new RegExp(`^${MODEL_PAGE + 1} models loaded\\.`))).toBeInTheDocument();
  });

  it("registered model outside the search stays out", async () => {
    const server = mockServer(answer);
    renderRegistry(server, `/teams/${TEAM.id}/models?task=CLASSIFICATION`);
    await screen.findByText("model-00000");
    await waitFor(() => expect(operationsNamed(server, "SubjectEvents")).toHaveLength(1));

    registered(server, "regression");
    registered(server, "new", 10);

    await waitFor(() => expect(listedNames().slice(0, 2)).toEqual(["model-00000", "model-00000a"]));
    expect(screen.queryByText("model-00000b")).not.toBeInTheDocument();
    expect(operationsNamed(server, "ModelRow").map((operation) => operation.variables)).toEqual([
      { id: "regression" },
      { id: "new" },
    ]);
  });

  it("archived model leaves the active list", async () => {
    const server = mockServer(answer);
    renderRegistry(server);
    await screen.findByText("model-00000");
    await waitFor(() => expect(subscribedIds(server)).toContain("id-1"));

    act(() =>
      server.push("ModelRowUpdated", {
        modelUpdated: { __typename: "ModelUpdate", model: { ...model(1), archived: true } },
      }),
    );

    await waitFor(() => expect(screen.queryByText("model-00001")).not.toBeInTheDocument());
    expect(listedNames().slice(0, 2)).toEqual(["model-00000", "model-00002"]);
  });

  it("model given the alias goes in", async () => {
    const withAlias = (name: string, variables: Record<string, unknown>): Answer => {
      const read = answer(name, variables);
      if (name !== "ModelRow" || read === null || !("data" in read)) {
        return read;
      }
      const { model: row } = read.data as { model: ModelRowFragment };
      return { data: { model: { ...row, aliases: [{ alias: "production", versionNumber: 1 }] } } };
    };
    const server = mockServer(withAlias);
    renderRegistry(server, `/teams/${TEAM.id}/models?alias=production`);
    await screen.findByText("model-00000");
    await waitFor(() => expect(operationsNamed(server, "SubjectEvents")).toHaveLength(1));

    act(() =>
      server.push("SubjectEvents", {
        events: {
          __typename: "AuditEntry",
          position: 12,
          action: "RegisteredModel.AliasMoved",
          subjectType: "RegisteredModel",
          subjectId: "new",
        },
      }),
    );

    await waitFor(() => expect(listedNames().slice(0, 3)).toEqual(["model-00000", "model-00000a", "model-00001"]));
    expect(rowNamed("model-00000a")).toHaveClass("new-row");
  });
});
