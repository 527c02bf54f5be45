import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import { useCallback, useMemo } from "react";
import { Client, Provider } from "urql";
import type { Exchange, OperationResult } from "urql";
import { describe, expect, it } from "vitest";
import { fromValue, makeSubject, map, mergeMap, pipe, take } from "wonka";

import { ConnectionContext } from "../api/ConnectionContext";
import { DeploymentQuery, DeploymentsQuery } from "../deployments/documents";
import type { DeploymentFieldsFragment, DeploymentQuery as DeploymentData, DeploymentStatus } from "../gql/graphql";
import { mockServer } from "../test/mockClient";
import type { Answer, MockServer } from "../test/mockClient";
import { renderWithoutStyles } from "../test/render";
import { operationsNamed } from "../test/renderTeamPage";
import { NewRowsNotice } from "./NewRowsNotice";
import { useConnectionPages } from "./useConnectionPages";
import { NEW_ROW_CLASS, useNewSubjects } from "./useNewSubjects";

const TEAM_ID = "team-1";
const REQUESTED = "Deployment.Requested";
const NO_MORE = { hasNextPage: false, endCursor: null };

function deployment(id: string, status: DeploymentStatus = "HEALTHY"): DeploymentFieldsFragment {
  const config = {
    traffic: [],
    scaling: { minReplicas: 1, maxReplicas: 1, targetOngoingRequests: 2 },
    cpusPerReplica: 0.25,
    batching: { maxBatchSize: 16, batchWaitMs: 5 },
    requestLogSample: 0.1,
    languages: [],
  };
  return {
    id,
    teamId: TEAM_ID,
    modelId: "model-1",
    name: `name of ${id}`,
    status,
    revision: 1,
    activeRevision: 1,
    replicas: 1,
    healthReason: null,
    createdBy: "user-1",
    createdAt: "2026-12-05T10:00:00Z",
    updatedAt: "2026-12-05T10:00:00Z",
    endpoint: `/v1/models/${id}:predict`,
    config,
    activeConfig: config,
  };
}

/** Ids whose read models lag: the first read of each is NOT_FOUND, as when the audit log is projected first. */
const lagging = new Set<string>();

/**
 * Returns two deployments for the list, and for a single read the deployment of that id, DEPLOYING when the id
 * starts with "deploying". "missing" is never found, and an id starting with "late" only from its second read.
 */
function answer(name: string, variables: Record<string, unknown>): Answer {
  switch (name) {
    case "Deployments":
      return { data: { deployments: { nodes: [deployment("old-1"), deployment("old-2")], pageInfo: NO_MORE } } };
    case "Deployment": {
      const id = String(variables.id);
      const late = id.startsWith("late") && !lagging.has(id);
      if (late) {
        lagging.add(id);
      }
      if (id === "missing" || late) {
        return {
          errors: [{ message: `Deployment ${id} was not found.`, extensions: { code: "NOT_FOUND", field: "id", value: id } }],
        };
      }
      return { data: { deployment: deployment(id, id.startsWith("deploying") ? "DEPLOYING" : "HEALTHY") } };
    }
    default:
      return null;
  }
}

/** Renders the team's deployments with the given status filter, as a page builds its list. */
function DeploymentList({ statuses }: { statuses: DeploymentStatus[] }) {
  const variables = useMemo(() => ({ teamId: TEAM_ID, status: statuses.length > 0 ? statuses : null }), [statuses]);
  const pages = useConnectionPages(
    DeploymentsQuery,
    variables,
    (data) => data.deployments,
    (row) => row.id,
    50,
  );
  const { upsert } = pages;
  const newRows = useNewSubjects({
    teamId: TEAM_ID,
    actions: [REQUESTED],
    query: DeploymentQuery,
    select: (data: DeploymentData) => data.deployment,
    rows: pages.rows,
    matches: (row) => statuses.length === 0 || statuses.includes(row.status),
    upsert: useCallback((row: DeploymentFieldsFragment) => upsert(row, true), [upsert]),
    listKey: JSON.stringify(variables),
  });

  return (
    <>
      <NewRowsNotice newRows={newRows} onReload={pages.reload} />
      <ul aria-label="Deployments">
        {pages.rows.map((row) => (
          <li key={row.id} className={newRows.rowClassName(row)}>
            {row.id}
          </li>
        ))}
      </ul>
    </>
  );
}

function renderList(client: Client, statuses: DeploymentStatus[] = []) {
  return renderWithoutStyles(
    <Provider value={client}>
      <DeploymentList statuses={statuses} />
    </Provider>,
  );
}

function listedIds(): string[] {
  return screen.getAllByRole("listitem").map((item) => item.textContent ?? "");
}

async function listed(server: MockServer) {
  await screen.findByText("old-1");
  await waitFor(() => expect(operationsNamed(server, "SubjectEvents")).toHaveLength(1));
}

function requested(server: MockServer, subjectId: string, position = 10) {
  act(() =>
    server.push("SubjectEvents", {
      events: { position, action: REQUESTED, subjectType: "Deployment", subjectId },
    }),
  );
}

describe("useNewSubjects", () => {
  it("follows the team's creating action", async () => {
    const server = mockServer(answer);
    renderList(server.client);
    await listed(server);

    expect(operationsNamed(server, "SubjectEvents")[0]?.variables).toEqual({ filter: { teamId: TEAM_ID, action: REQUESTED } });
  });

  it("new subject goes on top", async () => {
    const server = mockServer(answer);
    renderList(server.client);
    await listed(server);

    requested(server, "new-1");

    await waitFor(() => expect(listedIds()).toEqual(["new-1", "old-1", "old-2"]));
    expect(operationsNamed(server, "Deployment").map((operation) => operation.variables)).toEqual([{ id: "new-1" }]);
    expect(screen.getByText("new-1")).toHaveClass(NEW_ROW_CLASS);
    expect(screen.getByText("old-1")).not.toHaveClass(NEW_ROW_CLASS);
    expect(screen.getByRole("status")).toHaveTextContent("1 new row was added to the list.");
  });

  it("subject outside the filter stays out", async () => {
    const server = mockServer(answer);
    renderList(server.client, ["HEALTHY"]);
    await listed(server);

    requested(server, "deploying-1");
    await waitFor(() => expect(operationsNamed(server, "Deployment")).toHaveLength(1));
    requested(server, "new-2", 11);

    await waitFor(() => expect(listedIds()).toEqual(["new-2", "old-1", "old-2"]));
    expect(screen.queryByText("deploying-1")).not.toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("listed subject is not repeated", async () => {
    const server = mockServer(answer);
    renderList(server.client);
    await listed(server);

    requested(server, "old-2");
    requested(server, "new-1", 11);
    requested(server, "new-1", 12);

    await waitFor(() => expect(operationsNamed(server, "Deployment")).toHaveLength(3));
    await waitFor(() => expect(listedIds()).toEqual(["new-1", "old-1", "old-2"]));
    expect(screen.getByText("old-2")).not.toHaveClass(NEW_ROW_CLASS);
  });

  it("other actions are ignored", async () => {
    const server = mockServer(answer);
    renderList(server.client);
    await listed(server);

    act(() =>
      server.push("SubjectEvents", {
        events: { position: 10, action: "Deployment.Stopped", subjectType: "Deployment", subjectId: "old-1" },
      }),
    );
    requested(server, "new-1", 11);

    await waitFor(() => expect(listedIds()).toEqual(["new-1", "old-1", "old-2"]));
    expect(operationsNamed(server, "Deployment").map((operation) => operation.variables)).toEqual([{ id: "new-1" }]);
  });

  it("unreadable subject offers reload", async () => {
    const server = mockServer(answer);
    renderList(server.client);
    await listed(server);

    requested(server, "missing");

    // The read is retried while NOT_FOUND, for about two seconds in all.
    expect(
      await screen.findByText("1 new entry was created but could not be shown here.", undefined, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(operationsNamed(server, "Deployment")).toHaveLength(4);
    expect(listedIds()).toEqual(["old-1", "old-2"]);

    fireEvent.click(screen.getByRole("button", { name: "Reload the list" }));

    await waitFor(() => expect(operationsNamed(server, "Deployments")).toHaveLength(2));
    expect(screen.queryByText("1 new entry was created but could not be shown here.")).not.toBeInTheDocument();
  });

  it("reconnection reads the list again", async () => {
    const server = mockServer(answer);
    const at = (reconnections: number) => (
      <Provider value={server.client}>
        <ConnectionContext.Provider value={{ online: true, reconnections }}>
          <DeploymentList statuses={[]} />
        </ConnectionContext.Provider>
      </Provider>
    );
    const { rerender } = renderWithoutStyles(at(0));
    await listed(server);
    expect(operationsNamed(server, "Deployments")).toHaveLength(1);

    rerender(at(1));

    // The socket missed what happened while it was down, so the first page is read again.
    await waitFor(() => expect(operationsNamed(server, "Deployments")).toHaveLength(2));
    expect(await screen.findByText("old-1")).toBeInTheDocument();
  });

  it("subject read again until projected", async () => {
    const server = mockServer(answer);
    renderList(server.client);
    await listed(server);

    requested(server, "late-1");

    await waitFor(() => expect(listedIds()).toEqual(["late-1", "old-1", "old-2"]));
    expect(operationsNamed(server, "Deployment")).toHaveLength(2);
    expect(screen.queryByText(/could not be shown here/)).not.toBeInTheDocument();
  });

  it("subject created while the first page loads is kept", async () => {
    const server = mockServer(answer);
    const release = makeSubject<void>();
    // Holds back the list's first page until the test releases it; everything else passes at once.
    const holdList: Exchange =
      ({ forward }) =>
      (operations$) =>
        pipe(
          forward(operations$),
          mergeMap((result: OperationResult) =>
            result.operation.kind === "query" && "status" in (result.operation.variables as object)
              ? pipe(
                  release.source,
                  take(1),
                  map(() => result),
                )
              : fromValue(result),
          ),
        );
    const client = new Client({ url: "/graphql", exchanges: [holdList, server.exchange] });
    renderList(client);
    await waitFor(() => expect(operationsNamed(server, "SubjectEvents")).toHaveLength(1));

    requested(server, "new-1");
    await waitFor(() => expect(listedIds()).toEqual(["new-1"]));
    act(() => release.next());

    await waitFor(() => expect(listedIds()).toEqual(["new-1", "old-1", "old-2"]));
  });
});
