import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import { useMemo } from "react";
import { Client, Provider } from "urql";
import type { Exchange, OperationResult } from "urql";
import { afterEach, describe, expect, it } from "vitest";
import { fromValue, makeSubject, map, mergeMap, pipe, take } from "wonka";

import { ConnectionContext } from "../api/ConnectionContext";
import { DeploymentQuery, DeploymentsQuery, DeploymentUpdatedSubscription } from "../deployments/documents";
import type { DeploymentFieldsFragment, DeploymentStatus } from "../gql/graphql";
import { mockServer } from "../test/mockClient";
import type { Answer, MockServer } from "../test/mockClient";
import { renderWithoutStyles } from "../test/render";
import { operationsNamed } from "../test/renderTeamPage";
import { NewRowsNotice } from "./NewRowsNotice";
import { useLiveList } from "./useLiveList";
import { NEW_ROW_CLASS } from "./useNewSubjects";

const TEAM_ID = "team-1";
const REQUESTED = "Deployment.Requested";
const BECAME_HEALTHY = "Deployment.BecameHealthy";
const DEGRADED = "Deployment.Degraded";
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

/** The status a single read returns for an id, set by a test to change a deployment after the list was read. */
const statuses = new Map<string, DeploymentStatus>();

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
      if (id === "forbidden") {
        return { errors: [{ message: `You cannot read ${id}.`, extensions: { code: "FORBIDDEN" } }] };
      }
      if (id === "missing" || late) {
        return {
          errors: [{ message: `Deployment ${id} was not found.`, extensions: { code: "NOT_FOUND", field: "id", value: id } }],
        };
      }
      const status = statuses.get(id) ?? (id.startsWith("deploying") ? "DEPLOYING" : "HEALTHY");
      return { data: { deployment: deployment(id, status) } };
    }
    default:
      return null;
  }
}

/**
 * Renders the team's deployments with the given status filter, as a page builds its list: old-1
 * follows its own subscription and old-2 does not, as a row past the subscription limit.
 */
function DeploymentList({ statuses: chosen }: { statuses: DeploymentStatus[] }) {
  const variables = useMemo(() => ({ teamId: TEAM_ID, status: chosen.length > 0 ? chosen : null }), [chosen]);
  const list = useLiveList({
    teamId: TEAM_ID,
    query: DeploymentsQuery,
    variables,
    selectConnection: (data) => data.deployments,
    pageSize: 50,
    matches: (row: DeploymentFieldsFragment) => chosen.length === 0 || chosen.includes(row.status),
    subjectType: "Deployment",
    createdActions: [REQUESTED],
    changedActions: [BECAME_HEALTHY, DEGRADED],
    rowQuery: DeploymentQuery,
    selectRow: (data) => data.deployment,
    updates: {
      subscription: DeploymentUpdatedSubscription,
      selectRow: (data) => data.deploymentUpdated.deployment,
      follow: (rows) => rows.filter((row) => row.id === "old-1").map((row) => row.id),
    },
  });

  return (
    <>
      <NewRowsNotice newRows={list.newRows} onReload={list.reload} />
      <ul aria-label="Deployments">
        {list.rows.map((row) => (
          <li key={row.id} className={list.newRows.rowClassName(row)}>
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

function recorded(server: MockServer, action: string, subjectId: string, position: number) {
  act(() => server.push("SubjectEvents", { events: { position, action, subjectType: "Deployment", subjectId } }));
}

function requested(server: MockServer, subjectId: string, position = 10) {
  recorded(server, REQUESTED, subjectId, position);
}

describe("useLiveList", () => {
  afterEach(() => statuses.clear());

  it("follows the team's events of the subject type", async () => {
    const server = mockServer(answer);
    renderList(server.client);
    await listed(server);

    expect(operationsNamed(server, "SubjectEvents")[0]?.variables).toEqual({
      filter: { teamId: TEAM_ID, subjectType: "Deployment" },
    });
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

    recorded(server, "Deployment.Scaled", "old-2", 10);
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

  it("followed row that stops matching leaves", async () => {
    const server = mockServer(answer);
    renderList(server.client, ["HEALTHY"]);
    await listed(server);
    await waitFor(() => expect(operationsNamed(server, "DeploymentUpdated")).toHaveLength(1));

    act(() =>
      server.push("DeploymentUpdated", { deploymentUpdated: { deployment: deployment("old-1", "DEGRADED"), change: null } }),
    );

    await waitFor(() => expect(listedIds()).toEqual(["old-2"]));
    expect(operationsNamed(server, "Deployment")).toHaveLength(0);
  });

  it("changed subject that starts matching goes in", async () => {
    const server = mockServer(answer);
    renderList(server.client, ["HEALTHY"]);
    await listed(server);

    statuses.set("deploying-7", "HEALTHY");
    recorded(server, BECAME_HEALTHY, "deploying-7", 10);

    await waitFor(() => expect(listedIds()).toEqual(["deploying-7", "old-1", "old-2"]));
    expect(screen.getByText("deploying-7")).toHaveClass(NEW_ROW_CLASS);
    expect(screen.getByRole("status")).toHaveTextContent("1 new row was added to the list.");
  });

  it("unfollowed row that stops matching leaves", async () => {
    const server = mockServer(answer);
    renderList(server.client, ["HEALTHY"]);
    await listed(server);

    statuses.set("old-2", "DEGRADED");
    recorded(server, DEGRADED, "old-2", 10);

    await waitFor(() => expect(listedIds()).toEqual(["old-1"]));
    expect(operationsNamed(server, "Deployment").map((operation) => operation.variables)).toEqual([{ id: "old-2" }]);
  });

  it("followed row is not read again", async () => {
    const server = mockServer(answer);
    renderList(server.client, ["HEALTHY"]);
    await listed(server);

    recorded(server, DEGRADED, "old-1", 10);
    requested(server, "new-1", 11);

    await waitFor(() => expect(listedIds()).toEqual(["new-1", "old-1", "old-2"]));
    expect(operationsNamed(server, "Deployment").map((operation) => operation.variables)).toEqual([{ id: "new-1" }]);
  });

  it("unreadable change offers reload", async () => {
    const server = mockServer(answer);
    renderList(server.client);
    await listed(server);

    recorded(server, DEGRADED, "forbidden", 10);

    expect(
      await screen.findByText("1 entry changed but could not be read again, so the list may be out of date."),
    ).toBeInTheDocument();
    expect(listedIds()).toEqual(["old-1", "old-2"]);
    expect(screen.queryByText(/could not be shown here/)).not.toBeInTheDocument();

    fireEvent.click(screen.getByRole("button", { name: "Reload the list" }));

    await waitFor(() => expect(operationsNamed(server, "Deployments")).toHaveLength(2));
    expect(screen.queryByText(/could not be read again/)).not.toBeInTheDocument();
  });

  it("change during a read is read again", async () => {
    const server = mockServer(answer);
    const release = makeSubject<void>();
    let firstReadHeld = false;
    // Holds back the first read of "flip" until the test releases it; everything else passes at once.
    const holdFirstRead: Exchange =
      ({ forward }) =>
      (operations$) =>
        pipe(
          forward(operations$),
          mergeMap((result: OperationResult) => {
            const variables = result.operation.variables as { id?: string };
            if (result.operation.kind === "query" && variables.id === "flip" && !firstReadHeld) {
              firstReadHeld = true;
              return pipe(
                release.source,
                take(1),
                map(() => result),
              );
            }
            return fromValue(result);
          }),
        );
    const client = new Client({ url: "/graphql", exchanges: [holdFirstRead, server.exchange] });
    renderList(client, ["HEALTHY"]);
    await listed(server);

    statuses.set("flip", "DEGRADED");
    recorded(server, DEGRADED, "flip", 10);
    await waitFor(() => expect(operationsNamed(server, "Deployment")).toHaveLength(1));
    statuses.set("flip", "HEALTHY");
    recorded(server, BECAME_HEALTHY, "flip", 11);
    act(() => release.next());

    // The first read predates the second change, so the deployment is read once more and listed as healthy.
    await waitFor(() => expect(listedIds()).toEqual(["flip", "old-1", "old-2"]));
    expect(operationsNamed(server, "Deployment")).toHaveLength(2);
  });

  it("row that stops matching while the first page loads stays out", async () => {
    const server = mockServer(answer);
    const release = makeSubject<void>();
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
    renderList(client, ["HEALTHY"]);
    await waitFor(() => expect(operationsNamed(server, "SubjectEvents")).toHaveLength(1));

    statuses.set("old-2", "DEGRADED");
    recorded(server, DEGRADED, "old-2", 10);
    await waitFor(() => expect(operationsNamed(server, "Deployment")).toHaveLength(1));
    act(() => release.next());

    // The held page was read before old-2 degraded, and lists it as healthy.
    expect(await screen.findByText("old-1")).toBeInTheDocument();
    expect(listedIds()).toEqual(["old-1"]);
  });
});
