import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import * as echarts from "echarts";
import i18next from "i18next";
import { describe, expect, it, vi } from "vitest";

import { CATALOG } from "../evaluation/fixtures";
import { mockServer } from "../test/mockClient";
import type { Answer } from "../test/mockClient";
import { operationsNamed, renderSignedInTeamPage, TEST_TEAM } from "../test/renderSignedInTeamPage";
import { renderTeamPage } from "../test/renderTeamPage";
import { DeploymentPage, WINDOW_RECORDED } from "./DeploymentPage";
import { DeploymentsPage } from "./DeploymentsPage";
import { zhCN } from "../i18n/zhCN";
import { isIsolated, latencyOption, mergePoints, throughputOption } from "./healthSeries";
import type { ChartLabels } from "./healthSeries";

// ECharts measures text on a canvas, which jsdom lacks; the chart options are tested as data instead.
vi.mock("../common/EChart", () => ({
  EChart: ({ label }: { label: string }) => <div role="img" aria-label={label} />,
}));

const CREATED = "2026-12-05T10:00:00Z";

function config(traffic: { version: number; percent: number }[]) {
  return {
    traffic: traffic.map((entry) => ({ ...entry, versionId: `version-${entry.version}` })),
    scaling: { minReplicas: 1, maxReplicas: 1, targetOngoingRequests: 2 },
    cpusPerReplica: 0.25,
    batching: { maxBatchSize: 16, batchWaitMs: 5 },
    requestLogSample: 0.1,
    languages: [],
  };
}

function deployment(overrides: Record<string, unknown> = {}) {
  return {
    id: "deployment-1",
    teamId: TEST_TEAM.id,
    modelId: "model-1",
    name: "breast-cancer",
    status: "HEALTHY",
    revision: 2,
    activeRevision: 2,
    replicas: 1,
    healthReason: null,
    createdBy: "user-1",
    createdAt: CREATED,
    updatedAt: CREATED,
    endpoint: "/v1/models/breast-cancer:predict",
    config: config([{ version: 1, percent: 100 }]),
    activeConfig: config([{ version: 1, percent: 100 }]),
    ...overrides,
  };
}

function point(minute: number, requests: number) {
  const start = new Date(Date.parse("2026-12-05T11:00:00Z") + minute * 60_000).toISOString();
  const end = new Date(Date.parse(start) + 60_000).toISOString();
  return {
    start,
    end,
    requests,
    requestsPerSecond: requests / 60,
    errorRate: 0,
    clientErrorRate: 0,
    latencyP50Ms: 12,
    latencyP95Ms: 30,
    latencyP99Ms: 45 + minute,
  };
}

const NO_MORE = { hasNextPage: false, endCursor: null };

const CHART_LABELS: ChartLabels = {
  p50: "p50",
  p95: "p95",
  p99: "p99",
  throughput: "Requests per second",
  errors: "Server errors",
  clientErrors: "Rejected requests",
  milliseconds: "ms",
  perSecond: "/s",
  time: (iso) => iso.slice(11, 16),
};

function answer(name: string, variables: Record<string, unknown>): Answer {
  switch (name) {
    case "Deployment":
      return { data: { deployment: deployment() } };
    case "Deployments":
      return { data: { deployments: { nodes: [deployment()], pageInfo: NO_MORE } } };
    case "DeploymentHealth": {
      const series = variables.since === null ? [point(0, 60), point(1, 120)] : [point(1, 180), point(2, 240)];
      return {
        data: {
          deploymentHealth: {
            windowSeconds: 300,
            signals: [
              { signal: "requestsPerSecond", value: 2, unit: "requests/s" },
              { signal: "latencyP95Ms", value: 30.25, unit: "ms" },
              { signal: "errorRate", value: 0.125, unit: "ratio" },
              { signal: "futureSignal", value: 4, unit: "widgets" },
            ],
            series,
          },
        },
      };
    }
    case "ModelVersionNumbers":
      return {
        data: {
          model: {
            id: "model-1",
            name: "breast-cancer-classifier",
            versions: {
              nodes: [
                { id: "version-1", number: 1, status: "ready" },
                { id: "version-2", number: 2, status: "ready" },
              ],
            },
          },
        },
      };
    case "UpdateDeployment": {
      const input = variables.input as { scaling?: { minReplicas?: number } };
      if ((input.scaling?.minReplicas ?? 1) > 1) {
        return {
          errors: [
            {
              message: `scaling.maxReplicas 1 is below minReplicas ${input.scaling?.minReplicas}.`,
              extensions: { code: "BAD_USER_INPUT", field: "scaling.maxReplicas", value: 1 },
            },
          ],
        };
      }
      return { data: { updateDeployment: deployment({ revision: 3 }) } };
    }
    case "DeploymentRevisions":
      return {
        data: {
          deployment: {
            id: "deployment-1",
            revisions: {
              nodes: [
                {
                  revision: 2,
                  action: "trafficShifted",
                  restoredRevision: null,
                  createdBy: "user-1",
                  createdAt: CREATED,
                  activatedAt: CREATED,
                  config: config([{ version: 1, percent: 100 }]),
                },
                {
                  revision: 1,
                  action: "created",
                  restoredRevision: null,
                  createdBy: "user-1",
                  createdAt: CREATED,
                  activatedAt: CREATED,
                  config: config([{ version: 2, percent: 100 }]),
                },
              ],
              pageInfo: NO_MORE,
            },
          },
        },
      };
    case "RollbackDeployment":
      return { data: { rollbackDeployment: deployment({ revision: 3 }) } };
    case "Predict": {
      const input = variables.input as { instances: unknown[] };
      const row = input.instances[0];
      const error = payloadError(row);
      if (error) {
        return { errors: [error] };
      }
      if (!Array.isArray(row) || row.length !== 3) {
        return {
          errors: [
            {
              message: "instances[0] has 2 values; input 'features' expects 3 (shape [null, 3]).",
              extensions: {
                code: "BAD_USER_INPUT",
                field: "instances[0]",
                value: "2 values",
                expected: "3 values",
                received: "2 values",
                expectedCount: 3,
                receivedCount: 2,
              },
            },
          ],
        };
      }
      return { data: { predict: { predictions: [[0.98]], outputs: null, version: 1, rows: 1 } } };
    }
    default:
      return null;
  }
}

/** Returns the server's error for a row of the 3-value input `features` with a value of the wrong kind, or null. */
function payloadError(row: unknown) {
  if (!Array.isArray(row)) {
    return {
      message: "instances[0] must be a list of 3 values for input 'features' (shape [null, 3]), but it is the number 0.5.",
      extensions: {
        code: "BAD_USER_INPUT",
        field: "instances[0]",
        value: "the number 0.5",
        expected: "list of 3",
        received: "the number 0.5",
        expectedType: "array",
        receivedType: "number",
        expectedCount: 3,
      },
    };
  }
  const text = row.findIndex((value) => typeof value === "string");
  if (text >= 0) {
    return {
      message: `instances[0][${text}] is the string 'high'; the model expects a finite number (float32).`,
      extensions: {
        code: "BAD_USER_INPUT",
        field: `instances[0][${text}]`,
        value: "the string 'high'",
        expected: "float32",
        received: "the string 'high'",
        expectedType: "number",
        receivedType: "string",
      },
    };
  }
  const huge = row.findIndex((value) => typeof value === "number" && Math.abs(value) > 3.4e38);
  if (huge >= 0) {
    return {
      message: `instances[0][${huge}] is the number 1e+39, outside the range of float32; the model expects a finite number within float32's range, ±3.4e38.`,
      extensions: {
        code: "BAD_USER_INPUT",
        field: `instances[0][${huge}]`,
        value: "the number 1e+39",
        expected: "a finite number within float32's range, ±3.4e38",
        received: "the number 1e+39",
        expectedType: "number",
        receivedType: "number",
        expectedMinimum: -3.4028234663852886e38,
        expectedMaximum: 3.4028234663852886e38,
      },
    };
  }
  return null;
}

const NO_LOGGED_CALL =
  "The request log has no call of this deployment yet. A sampled call shows there a few seconds after it is made.";

function renderDeployment(server: ReturnType<typeof mockServer>, query = "") {
  return renderSignedInTeamPage(
    server,
    "/teams/:teamId/deployments/:deploymentId",
    `/teams/${TEST_TEAM.id}/deployments/deployment-1${query}`,
    <DeploymentPage />,
  );
}

function buttonNamed(text: string): HTMLElement {
  return screen.getByText(text).closest("button") as HTMLElement;
}

describe("deployments", () => {
  it("list follows deploymentUpdated", async () => {
    const server = mockServer(answer);
    renderSignedInTeamPage(server, "/teams/:teamId/deployments", `/teams/${TEST_TEAM.id}/deployments`, <DeploymentsPage />);
    expect(await screen.findByText("Healthy")).toBeInTheDocument();
    await waitFor(() => expect(operationsNamed(server, "DeploymentUpdated")).toHaveLength(1));

    act(() =>
      server.push("DeploymentUpdated", {
        deploymentUpdated: { deployment: deployment({ status: "DEGRADED", healthReason: "replica died" }), change: null },
      }),
    );

    expect(await screen.findByText("Degraded")).toBeInTheDocument();
    expect(screen.queryByText("Healthy")).not.toBeInTheDocument();
  });

  it("list names the model", async () => {
    const withCatalog = (name: string, variables: Record<string, unknown>): Answer =>
      name === "TeamCatalog" ? { data: CATALOG } : answer(name, variables);
    const server = mockServer(withCatalog);
    renderSignedInTeamPage(server, "/teams/:teamId/deployments", `/teams/${TEST_TEAM.id}/deployments`, <DeploymentsPage />);

    const link = await screen.findByRole("link", { name: "breast-cancer-classifier" });

    expect(link).toHaveAttribute("href", `/teams/${TEST_TEAM.id}/models/model-1`);
  });

  it("requested deployment goes on top", async () => {
    // deployment-2 is still deploying; deployment-3 came up healthy before the list read it.
    const withNew = (name: string, variables: Record<string, unknown>): Answer => {
      if (name === "Deployment" && variables.id !== "deployment-1") {
        const id = String(variables.id);
        return {
          data: {
            deployment: deployment({
              id,
              name: `model-${id}`,
              status: id === "deployment-2" ? "DEPLOYING" : "HEALTHY",
              createdAt: "2026-12-05T11:00:00Z",
            }),
          },
        };
      }
      return answer(name, variables);
    };
    const server = mockServer(withNew);
    renderSignedInTeamPage(
      server,
      "/teams/:teamId/deployments",
      `/teams/${TEST_TEAM.id}/deployments?status=HEALTHY`,
      <DeploymentsPage />,
    );
    expect(await screen.findByText("breast-cancer")).toBeInTheDocument();
    await waitFor(() => expect(operationsNamed(server, "SubjectEvents")).toHaveLength(1));
    expect(operationsNamed(server, "SubjectEvents")[0]?.variables).toEqual({
      filter: { teamId: TEST_TEAM.id, subjectType: "Deployment" },
    });

    for (const [position, subjectId] of [
      [30, "deployment-2"],
      [31, "deployment-3"],
    ] as const) {
      act(() =>
        server.push("SubjectEvents", {
          events: { position, action: "Deployment.Requested", subjectType: "Deployment", subjectId },
        }),
      );
    }

    expect(await screen.findByText("model-deployment-3")).toBeInTheDocument();
    const names = screen
      .getAllByRole("link")
      .filter((link) => /\/deployments\/[^/]+$/.test(link.getAttribute("href") ?? ""))
      .map((link) => link.textContent);
    expect(names).toEqual(["model-deployment-3", "breast-cancer"]);
    expect(screen.getByText("model-deployment-3").closest("tr")).toHaveClass("new-row");
    expect(screen.getByText("1 new row was added to the list.")).toBeInTheDocument();
    await waitFor(() =>
      expect(operationsNamed(server, "DeploymentUpdated").map((operation) => operation.variables)).toEqual([
        { id: "deployment-1" },
        { id: "deployment-3" },
      ]),
    );
  });

  it("degraded deployment leaves the healthy filter", async () => {
    const server = mockServer(answer);
    renderSignedInTeamPage(
      server,
      "/teams/:teamId/deployments",
      `/teams/${TEST_TEAM.id}/deployments?status=HEALTHY`,
      <DeploymentsPage />,
    );
    expect(await screen.findByText("breast-cancer")).toBeInTheDocument();
    await waitFor(() => expect(operationsNamed(server, "DeploymentUpdated")).toHaveLength(1));

    act(() =>
      server.push("DeploymentUpdated", {
        deploymentUpdated: { deployment: deployment({ status: "DEGRADED", healthReason: "replica died" }), change: null },
      }),
    );

    await waitFor(() => expect(screen.queryByText("breast-cancer")).not.toBeInTheDocument());
    expect(screen.getByText("No deployments match this filter.")).toBeInTheDocument();
  });

  it("deployment that becomes healthy joins the filter", async () => {
    // deployment-4 was requested before the page opened, and deployment-1 after it.
    const withOlder = (name: string, variables: Record<string, unknown>): Answer =>
      name === "Deployment" && variables.id === "deployment-4"
        ? { data: { deployment: deployment({ id: "deployment-4", name: "iris", createdAt: "2026-12-04T10:00:00Z" }) } }
        : answer(name, variables);
    const server = mockServer(withOlder);
    renderSignedInTeamPage(
      server,
      "/teams/:teamId/deployments",
      `/teams/${TEST_TEAM.id}/deployments?status=HEALTHY`,
      <DeploymentsPage />,
    );
    expect(await screen.findByText("breast-cancer")).toBeInTheDocument();
    await waitFor(() => expect(operationsNamed(server, "SubjectEvents")).toHaveLength(1));

    act(() =>
      server.push("SubjectEvents", {
        events: { position: 40, action: "Deployment.BecameHealthy", subjectType: "Deployment", subjectId: "deployment-4" },
      }),
    );

    expect(await screen.findByText("iris")).toBeInTheDocument();
    const names = screen
      .getAllByRole("link")
      .filter((link) => /\/deployments\/[^/]+$/.test(link.getAttribute("href") ?? ""))
      .map((link) => link.textContent);
    expect(names).toEqual(["breast-cancer", "iris"]);
    expect(screen.getByText("iris").closest("tr")).toHaveClass("new-row");
  });

  it("traffic edit sends update", async () => {
    const server = mockServer(answer);
    renderDeployment(server);
    await screen.findByText("Change the split");
    await waitFor(() => expect(operationsNamed(server, "ModelVersionNumbers").length).toBeGreaterThan(0));

    fireEvent.click(buttonNamed("Add a version"));
    fireEvent.change(screen.getByLabelText("Percent of row 1"), { target: { value: "90" } });
    fireEvent.change(screen.getByLabelText("Percent of row 2"), { target: { value: "10" } });
    fireEvent.mouseDown(screen.getByLabelText("Version of row 2"));
    fireEvent.click(await screen.findByTitle("Version 2"));
    await screen.findByText("Total: 100% (must be 100%)");
    fireEvent.click(buttonNamed("Save the split"));

    await screen.findByText("Saved as a new revision; traffic moves once its replicas run.");
    expect(operationsNamed(server, "UpdateDeployment")[0]?.variables).toEqual({
      id: "deployment-1",
      input: {
        traffic: [
          { version: 1, percent: 90 },
          { version: 2, percent: 10 },
        ],
      },
    });
  });

  it("settings edit sends changes", async () => {
    const server = mockServer(answer);
    renderDeployment(server);
    fireEvent.click(await screen.findByRole("button", { name: "Edit settings" }));
    const form = screen.getByRole("form", { name: "Change scaling and batching" });
    expect(within(form).getByLabelText("Maximum replicas")).toHaveValue("1");
    expect(within(form).getByLabelText("Calls logged with payloads (%)")).toHaveValue("10");
    expect(within(form).getByRole("button", { name: "Save settings" })).toBeDisabled();

    fireEvent.change(within(form).getByLabelText("Maximum replicas"), { target: { value: "4" } });
    fireEvent.change(within(form).getByLabelText("Target ongoing requests per replica"), { target: { value: "3.5" } });
    fireEvent.change(within(form).getByLabelText("CPUs per replica"), { target: { value: "0.5" } });
    fireEvent.change(within(form).getByLabelText("Maximum batch size"), { target: { value: "32" } });
    fireEvent.change(within(form).getByLabelText("Calls logged with payloads (%)"), { target: { value: "7" } });
    fireEvent.click(within(form).getByRole("button", { name: "Save settings" }));

    expect(await screen.findByText(/^Saved as revision 3\./)).toBeInTheDocument();
    expect(screen.queryByRole("form", { name: "Change scaling and batching" })).not.toBeInTheDocument();
    expect(operationsNamed(server, "UpdateDeployment")[0]?.variables).toEqual({
      id: "deployment-1",
      input: {
        scaling: { maxReplicas: 4, targetOngoingRequests: 3.5 },
        batching: { maxBatchSize: 32 },
        cpusPerReplica: 0.5,
        requestLogSample: 0.07,
      },
    });
  });

  it("settings saved meanwhile are kept", async () => {
    const server = mockServer(answer);
    renderDeployment(server);
    fireEvent.click(await screen.findByRole("button", { name: "Edit settings" }));
    const form = screen.getByRole("form", { name: "Change scaling and batching" });
    await waitFor(() => expect(operationsNamed(server, "DeploymentUpdated")).toHaveLength(1));

    // Another editor lowers the batch size to 8 in revision 3 while this one is open.
    const other = { ...config([{ version: 1, percent: 100 }]), batching: { maxBatchSize: 8, batchWaitMs: 5 } };
    act(() =>
      server.push("DeploymentUpdated", {
        deploymentUpdated: { deployment: deployment({ revision: 3, config: other }), change: null },
      }),
    );
    expect(await within(form).findByRole("status")).toHaveTextContent(/^Someone saved revision 3 while you were editing\./);
    expect(within(form).getByRole("button", { name: "Save settings" })).toBeDisabled();

    fireEvent.change(within(form).getByLabelText("Batch wait (ms)"), { target: { value: "7" } });
    fireEvent.click(within(form).getByRole("button", { name: "Save settings" }));

    await waitFor(() => expect(operationsNamed(server, "UpdateDeployment")).toHaveLength(1));
    expect(operationsNamed(server, "UpdateDeployment")[0]?.variables).toEqual({
      id: "deployment-1",
      input: { batching: { batchWaitMs: 7 } },
    });
  });

  it("settings error shows on its field", async () => {
    const server = mockServer(answer);
    renderDeployment(server);
    fireEvent.click(await screen.findByRole("button", { name: "Edit settings" }));
    const form = screen.getByRole("form", { name: "Change scaling and batching" });

    fireEvent.change(within(form).getByLabelText("Minimum replicas"), { target: { value: "3" } });
    fireEvent.click(within(form).getByRole("button", { name: "Save settings" }));

    const item = within(form).getByLabelText("Maximum replicas").closest(".ant-form-item") as HTMLElement;
    expect(await within(item).findByText(/scaling\.maxReplicas 1 is below minReplicas 3\./)).toBeInTheDocument();
    expect(operationsNamed(server, "UpdateDeployment")[0]?.variables).toEqual({
      id: "deployment-1",
      input: { scaling: { minReplicas: 3 } },
    });
    expect(screen.queryByText(/^Saved as revision/)).not.toBeInTheDocument();
  });

  it("settings empty field blocks saving", async () => {
    const server = mockServer(answer);
    renderDeployment(server);
    fireEvent.click(await screen.findByRole("button", { name: "Edit settings" }));
    const form = screen.getByRole("form", { name: "Change scaling and batching" });

    fireEvent.change(within(form).getByLabelText("Batch wait (ms)"), { target: { value: "" } });
    fireEvent.change(within(form).getByLabelText("Maximum batch size"), { target: { value: "8" } });

    expect(within(form).getByText("Enter a value.")).toBeInTheDocument();
    expect(within(form).getByRole("button", { name: "Save settings" })).toBeDisabled();
  });

  it("stopped deployment cannot edit settings", async () => {
    const server = mockServer((name, variables) =>
      name === "Deployment" ? { data: { deployment: deployment({ status: "STOPPED" }) } } : answer(name, variables),
    );
    renderDeployment(server);

    expect(await screen.findByRole("button", { name: "Edit settings" })).toBeDisabled();
    expect(screen.getByText("A stopped deployment's settings cannot change. Start it first.")).toBeInTheDocument();
  });

  it("list links to the deploy form", async () => {
    const server = mockServer(answer);
    renderSignedInTeamPage(server, "/teams/:teamId/deployments", `/teams/${TEST_TEAM.id}/deployments`, <DeploymentsPage />);

    fireEvent.click(await screen.findByRole("button", { name: "New deployment" }));

    expect(await screen.findByTestId("elsewhere")).toBeInTheDocument();
  });

  it("window push extends health series", async () => {
    const server = mockServer(answer);
    renderDeployment(server, "?tab=health");
    expect(await screen.findByText(/^Latest minute: 120 requests/)).toBeInTheDocument();
    expect(screen.getByRole("img", { name: "Latency percentiles per minute over the last hour" })).toBeInTheDocument();

    act(() =>
      server.push("DeploymentUpdated", {
        deploymentUpdated: {
          deployment: deployment(),
          change: { position: 42, action: WINDOW_RECORDED, summary: "window", occurredAt: CREATED },
        },
      }),
    );

    expect(await screen.findByText(/^Latest minute: 240 requests/)).toBeInTheDocument();
    const reads = operationsNamed(server, "DeploymentHealth");
    expect(reads).toHaveLength(2);
    expect(reads[1]?.variables).toMatchObject({ since: point(1, 0).start, stepSeconds: 60 });
  });

  it("health signals are named and formatted", async () => {
    renderDeployment(mockServer(answer), "?tab=health");
    await screen.findByText(/^Latest minute: 120 requests/);

    const rowOf = (signal: string) => screen.getByTitle(signal).closest("tr") as HTMLElement;
    expect(within(rowOf("requestsPerSecond")).getByText("Requests per second")).toBeInTheDocument();
    expect(within(rowOf("requestsPerSecond")).getByText("2/s")).toBeInTheDocument();
    expect(within(rowOf("latencyP95Ms")).getByText("Latency p95")).toBeInTheDocument();
    expect(within(rowOf("latencyP95Ms")).getByText("30.3 ms")).toBeInTheDocument();
    expect(within(rowOf("errorRate")).getByText("Server error rate")).toBeInTheDocument();
    expect(within(rowOf("errorRate")).getByText("12.5%")).toBeInTheDocument();
    expect(within(rowOf("futureSignal")).getByText("futureSignal")).toBeInTheDocument();
    expect(within(rowOf("futureSignal")).getByText("4 widgets")).toBeInTheDocument();
  });

  it("viewer sees why nothing can change", async () => {
    const server = mockServer(answer);
    renderTeamPage(
      server,
      "/teams/:teamId/deployments/:deploymentId",
      <DeploymentPage />,
      `/teams/${TEST_TEAM.id}/deployments/deployment-1`,
      { ...TEST_TEAM, viewerRole: "VIEWER" },
    );

    expect(
      await screen.findByText(
        "You are a viewer in this team, so you can watch this deployment but not stop, start, roll back or change it. A team admin can make you an editor.",
      ),
    ).toBeInTheDocument();
    expect(buttonNamed("Stop")).toBeDisabled();
    expect(buttonNamed("Edit settings")).toBeDisabled();
    expect(buttonNamed("Save the split")).toBeDisabled();

    fireEvent.click(screen.getByRole("tab", { name: "Revisions" }));

    expect(await screen.findByText("Roll back")).toBeInTheDocument();
    expect(buttonNamed("Roll back")).toBeDisabled();
    expect(operationsNamed(server, "StopDeployment")).toHaveLength(0);
  });

  it("endpoint names the team", async () => {
    renderDeployment(mockServer(answer));

    const url = `${window.location.origin}/v1/models/breast-cancer:predict?team=${TEST_TEAM.id}`;
    expect(await screen.findByText(url)).toBeInTheDocument();
    expect(
      screen.getByText("Call it with an API token of this team. A token of another team gets NOT_FOUND."),
    ).toBeInTheDocument();
  });

  it("sampling revision named as such", async () => {
    const server = mockServer((name, variables) => {
      const answered = answer(name, variables);
      if (name !== "DeploymentRevisions") {
        return answered;
      }
      const changed = JSON.parse(JSON.stringify(answered)) as {
        data: { deployment: { revisions: { nodes: { action: string }[] } } };
      };
      const newest = changed.data.deployment.revisions.nodes[0];
      if (newest) {
        newest.action = "requestLogSampleChanged";
      }
      return changed;
    });
    renderDeployment(server, "?tab=revisions");

    expect(await screen.findByText("Request log sampling changed")).toBeInTheDocument();
    expect(screen.queryByText("Scaling changed")).not.toBeInTheDocument();
  });

  it("rollback asks and calls", async () => {
    const server = mockServer(answer);
    renderDeployment(server, "?tab=revisions");
    expect(await screen.findByText("Traffic changed")).toBeInTheDocument();

    fireEvent.click(buttonNamed("Roll back"));
    const confirm = (await screen.findByText(/Restore the configuration/)).closest(".ant-popover") as HTMLElement;
    fireEvent.click(within(confirm).getByText("Roll back"));

    await waitFor(() => expect(operationsNamed(server, "RollbackDeployment")).toHaveLength(1));
    expect(operationsNamed(server, "RollbackDeployment")[0]?.variables).toEqual({ id: "deployment-1" });
  });

  it("console shows predictions and errors", async () => {
    const server = mockServer(answer);
    renderDeployment(server, "?tab=console");
    const payload = await screen.findByLabelText("Payload");

    fireEvent.change(payload, { target: { value: "[[1, 2]]" } });
    fireEvent.click(buttonNamed("Predict"));
    expect(await screen.findByText("instances[0] has 2 values; the model expects 3 values.")).toBeInTheDocument();
    expect(screen.getByText("instances[0]")).toBeInTheDocument();
    // The sentence states both counts, so they are not listed again below it.
    expect(screen.queryByText("Expected")).not.toBeInTheDocument();
    expect(screen.queryByText("Received")).not.toBeInTheDocument();

    fireEvent.change(payload, { target: { value: "[[1, 2, 3]]" } });
    // The error belonged to the text sent before, so editing the text clears it.
    expect(screen.queryByText("instances[0]")).not.toBeInTheDocument();
    fireEvent.click(buttonNamed("Predict"));
    expect(await screen.findByText("Version 1 predicted 1 row")).toBeInTheDocument();
    expect(operationsNamed(server, "Predict")[1]?.variables).toEqual({
      input: { deploymentId: "deployment-1", version: null, instances: [[1, 2, 3]] },
    });
  });

  it("console states value counts in Chinese", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));
    try {
      const server = mockServer(answer);
      renderDeployment(server, "?tab=console");
      const payload = await screen.findByLabelText("载荷");

      fireEvent.change(payload, { target: { value: "[[1, 2]]" } });
      // Ant Design spaces out a button label of two Chinese characters.
      fireEvent.click(screen.getByRole("button", { name: /^预\s?测$/ }));

      expect(await screen.findByText("instances[0] 有 2 个值，模型期望 3 个值。")).toBeInTheDocument();
      expect(screen.getAllByText("2 个值").length).toBeGreaterThan(0);
      expect(screen.queryByText("期望")).not.toBeInTheDocument();
      expect(screen.queryByText(/values|expects/)).not.toBeInTheDocument();
      expect(screen.getByText("字段：")).toBeInTheDocument();
      expect(screen.getByText("端点：")).toBeInTheDocument();
    } finally {
      await act(() => i18next.changeLanguage("en"));
    }
  });

  it("console states value kinds", async () => {
    const server = mockServer(answer);
    renderDeployment(server, "?tab=console");
    const payload = await screen.findByLabelText("Payload");

    fireEvent.change(payload, { target: { value: '[[1, "high", 3]]' } });
    fireEvent.click(buttonNamed("Predict"));
    expect(await screen.findByText("instances[0][1] is a string; the model expects a number.")).toBeInTheDocument();
    expect(screen.getAllByText("a string").length).toBeGreaterThan(0);
    expect(screen.queryByText(/the string 'high'/)).not.toBeInTheDocument();

    fireEvent.change(payload, { target: { value: "[0.5]" } });
    fireEvent.click(buttonNamed("Predict"));
    expect(await screen.findByText("instances[0] is a number; the model expects a list of 3 values.")).toBeInTheDocument();

    fireEvent.change(payload, { target: { value: "[[1, 2, 1e39]]" } });
    fireEvent.click(buttonNamed("Predict"));
    expect(
      await screen.findByText(
        "instances[0][2] is outside the range of its input; the model expects a number from -3.4E38 to 3.4E38.",
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/1e\+39/)).not.toBeInTheDocument();
  });

  it("console states value kinds in Chinese", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));
    try {
      const server = mockServer(answer);
      renderDeployment(server, "?tab=console");
      const payload = await screen.findByLabelText("载荷");
      const send = () => fireEvent.click(screen.getByRole("button", { name: /^预\s?测$/ }));

      fireEvent.change(payload, { target: { value: '[[1, "high", 3]]' } });
      send();
      expect(await screen.findByText("instances[0][1] 是字符串，模型期望数字。")).toBeInTheDocument();
      expect(screen.getAllByText("字符串").length).toBeGreaterThan(0);
      expect(screen.queryByText(/string|number|expects|float32/)).not.toBeInTheDocument();

      fireEvent.change(payload, { target: { value: "[0.5]" } });
      send();
      expect(await screen.findByText("instances[0] 是数字，模型期望包含 3 个值的列表。")).toBeInTheDocument();

      fireEvent.change(payload, { target: { value: "[[1, 2, 1e39]]" } });
      send();
      expect(
        await screen.findByText("instances[0][2] 超出了该输入的取值范围，模型期望介于 -3.4E38 和 3.4E38 之间的数字。"),
      ).toBeInTheDocument();
      expect(screen.queryByText(/number|range|expects|float32/)).not.toBeInTheDocument();
    } finally {
      await act(() => i18next.changeLanguage("en"));
    }
  });

  it("console lists values of an untranslated error", async () => {
    const withServerDetail = (name: string, variables: Record<string, unknown>): Answer =>
      name === "Predict"
        ? {
            errors: [
              {
                message: "instances[0] does not match input 'features': expected a float32 tensor, got an object.",
                extensions: { code: "BAD_USER_INPUT", field: "instances[0]", expected: "float32 tensor", received: "object" },
              },
            ],
          }
        : answer(name, variables);
    renderDeployment(mockServer(withServerDetail), "?tab=console");
    fireEvent.change(await screen.findByLabelText("Payload"), { target: { value: "[[1, 2, 3]]" } });
    fireEvent.click(buttonNamed("Predict"));

    expect(await screen.findByText("Expected")).toBeInTheDocument();
    expect(screen.getByText("float32 tensor")).toBeInTheDocument();
    expect(screen.getByText("Received")).toBeInTheDocument();
    expect(screen.getByText("object")).toBeInTheDocument();
  });

  it("empty request log is reported", async () => {
    const withEmptyLog = (name: string, variables: Record<string, unknown>): Answer =>
      name === "DeploymentRequestLog"
        ? { data: { deployment: { id: "deployment-1", requestLog: { nodes: [], pageInfo: NO_MORE } } } }
        : answer(name, variables);
    const server = mockServer(withEmptyLog);
    renderDeployment(server, "?tab=console");
    await screen.findByLabelText("Payload");

    fireEvent.click(buttonNamed("Use the newest logged call"));

    expect(await screen.findByText(NO_LOGGED_CALL)).toBeInTheDocument();
  });

  it("empty-log note goes after a predict", async () => {
    const withEmptyLog = (name: string, variables: Record<string, unknown>): Answer =>
      name === "DeploymentRequestLog"
        ? { data: { deployment: { id: "deployment-1", requestLog: { nodes: [], pageInfo: NO_MORE } } } }
        : answer(name, variables);
    const server = mockServer(withEmptyLog);
    renderDeployment(server, "?tab=console");
    const payload = await screen.findByLabelText("Payload");
    fireEvent.click(buttonNamed("Use the newest logged call"));
    expect(await screen.findByText(NO_LOGGED_CALL)).toBeInTheDocument();

    fireEvent.change(payload, { target: { value: "[[1, 2, 3]]" } });
    fireEvent.click(buttonNamed("Predict"));

    await waitFor(() => expect(operationsNamed(server, "Predict")).toHaveLength(1));
    await waitFor(() => expect(screen.queryByText(NO_LOGGED_CALL)).not.toBeInTheDocument());
  });

  it("console accepts a whole REST body", async () => {
    const server = mockServer(answer);
    renderDeployment(server, "?tab=console");
    const payload = await screen.findByLabelText("Payload");

    fireEvent.change(payload, { target: { value: '{"instances": [[1, 2, 3]]}' } });
    fireEvent.click(buttonNamed("Predict"));

    expect(await screen.findByText("Version 1 predicted 1 row")).toBeInTheDocument();
    expect(operationsNamed(server, "Predict")[0]?.variables).toEqual({
      input: { deploymentId: "deployment-1", version: null, instances: [[1, 2, 3]] },
    });
  });

  it("invalid JSON blocks the call", async () => {
    const server = mockServer(answer);
    renderDeployment(server, "?tab=console");
    const payload = await screen.findByLabelText("Payload");

    fireEvent.change(payload, { target: { value: "[[1, 2" } });

    expect(await screen.findByText("This is not valid JSON.")).toBeInTheDocument();
    expect(buttonNamed("Predict")).toBeDisabled();
  });

  it("console payload label names the editor", async () => {
    const server = mockServer(answer);
    renderDeployment(server, "?tab=console");

    const payload = await screen.findByLabelText("Payload");

    expect(payload.tagName).toBe("TEXTAREA");
    expect(payload).toHaveAccessibleDescription("Instances as JSON: a list with one entry per row");
    // The label sits in the form item's label row, as "Version" does, not in a fieldset legend.
    const label = screen.getByText("Payload", { selector: "label" });
    expect(label.closest(".ant-form-item-label")).not.toBeNull();
    expect(screen.getByText("Version", { selector: "label" }).closest(".ant-form-item-label")).not.toBeNull();
    expect(screen.getByRole("radiogroup", { name: "Layout of the payload" })).toBeInTheDocument();

    fireEvent.click(screen.getByText("Columns (inputs)"));
    expect(payload).toHaveAccessibleDescription("Inputs as JSON: one list, or an object of lists by input name");
  });
});

const TOKEN_CALLER = { caller: "token-1", username: "alice", token: { id: "token-1", name: "ci-smoke", prefix: "mc_ab12" } };
const USER_CALLER = { caller: "user-2", username: "bob", token: null };
const SYSTEM = { caller: "system", username: null, token: null };

function logEntry(entryId: number, caller: typeof TOKEN_CALLER | typeof USER_CALLER) {
  return {
    entryId,
    loggedAt: new Date(Date.parse("2026-12-05T11:00:00Z") + entryId * 1000).toISOString(),
    version: 1,
    ...caller,
    rows: entryId,
    latencyMs: 4.5,
    inputs: { features: [[entryId, 0, 0]] },
    outputs: { predictions: [[0.9]] },
  };
}

function withCallers(name: string, variables: Record<string, unknown>): Answer {
  switch (name) {
    case "DeploymentCallers":
      return {
        data: {
          deployment: {
            id: "deployment-1",
            callers: [
              { ...TOKEN_CALLER, requests: 6 },
              { ...USER_CALLER, requests: 3 },
              { ...SYSTEM, requests: 1 },
            ],
          },
        },
      };
    case "DeploymentRequestLog":
      return {
        data: { deployment: { id: "deployment-1", requestLog: { nodes: [logEntry(1, USER_CALLER)], pageInfo: NO_MORE } } },
      };
    default:
      return answer(name, variables);
  }
}

/** Returns the caller column of the request log's rows, top to bottom. */
function loggedCallers(): string[] {
  return screen
    .getAllByRole("row")
    .filter((row) => row.classList.contains("ant-table-row"))
    .map((row) => within(row).getAllByRole("cell")[3]?.textContent ?? "");
}

describe("callers and request log", () => {
  it("callers name the token and its owner", async () => {
    const server = mockServer(withCallers);
    renderDeployment(server, "?tab=callers");

    expect(await screen.findByText("ci-smoke (mc_ab12…)")).toBeInTheDocument();
    expect(screen.getByText("API token of alice")).toBeInTheDocument();
    expect(screen.getByText("bob")).toBeInTheDocument();
    expect(screen.getByText("The platform")).toBeInTheDocument();
    expect(screen.getByText("60%")).toBeInTheDocument();
  });

  it("callers name tokens in Chinese", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));
    try {
      const server = mockServer(withCallers);
      renderDeployment(server, "?tab=callers");

      expect(await screen.findByText("ci-smoke（mc_ab12…）")).toBeInTheDocument();
      expect(screen.getByText("alice 的 API 令牌")).toBeInTheDocument();
      expect(screen.getByText("平台")).toBeInTheDocument();
      expect(screen.queryByText(/token of|platform/i)).not.toBeInTheDocument();
    } finally {
      await act(() => i18next.changeLanguage("en"));
    }
  });

  it("request log adds pushed entries on top", async () => {
    const server = mockServer(withCallers);
    renderDeployment(server, "?tab=requests");
    expect(await screen.findByText("bob")).toBeInTheDocument();
    await waitFor(() => expect(operationsNamed(server, "RequestLogAppended")).toHaveLength(1));
    expect(operationsNamed(server, "RequestLogAppended")[0]?.variables).toEqual({ deploymentId: "deployment-1", after: 1 });

    act(() =>
      server.push("RequestLogAppended", {
        requestLogAppended: {
          deploymentId: "deployment-1",
          hasGap: false,
          entries: [logEntry(3, TOKEN_CALLER), logEntry(2, USER_CALLER)],
        },
      }),
    );

    await waitFor(() => expect(loggedCallers()).toEqual(["ci-smoke (mc_ab12…)API token of alice", "bob", "bob"]));
    expect(operationsNamed(server, "DeploymentRequestLog")).toHaveLength(1);
  });

  it("request log reads again after a gap", async () => {
    const server = mockServer(withCallers);
    renderDeployment(server, "?tab=requests");
    await screen.findByText("bob");
    await waitFor(() => expect(operationsNamed(server, "RequestLogAppended")).toHaveLength(1));

    act(() =>
      server.push("RequestLogAppended", {
        requestLogAppended: { deploymentId: "deployment-1", hasGap: true, entries: [logEntry(200, TOKEN_CALLER)] },
      }),
    );

    await waitFor(() => expect(operationsNamed(server, "DeploymentRequestLog")).toHaveLength(2));
    expect(operationsNamed(server, "RequestLogAppended")).toHaveLength(1);
  });

  it("request log names callers in Chinese", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));
    try {
      const server = mockServer(withCallers);
      renderDeployment(server, "?tab=requests");
      await screen.findByText("bob");
      await waitFor(() => expect(operationsNamed(server, "RequestLogAppended")).toHaveLength(1));

      act(() =>
        server.push("RequestLogAppended", {
          requestLogAppended: { deploymentId: "deployment-1", hasGap: false, entries: [logEntry(2, TOKEN_CALLER)] },
        }),
      );

      expect(await screen.findByText("ci-smoke（mc_ab12…）")).toBeInTheDocument();
      expect(screen.getByText("alice 的 API 令牌")).toBeInTheDocument();
      expect(screen.getByText("被采样的调用会在几秒后显示在这里。", { exact: false })).toBeInTheDocument();
    } finally {
      await act(() => i18next.changeLanguage("en"));
    }
  });
});

describe("health series", () => {
  it("merge replaces by start", () => {
    const merged = mergePoints([point(0, 1), point(1, 2)], [point(1, 5), point(2, 7)]);

    expect(merged.map((entry) => entry.requests)).toEqual([1, 5, 7]);
  });

  it("isolated value gets a dot", () => {
    const data = [null, 4, null, 1, 2, null];
    const isolated = (values: (number | null)[]) => values.map((_, index) => isIsolated(values, index));

    expect(isolated(data)).toEqual([false, true, false, false, false, false]);
    expect(isolated([3])).toEqual([true]);
    expect(isolated([0, null])).toEqual([true, false]);
  });

  it("isolated latency is drawn", () => {
    // One minute of traffic in an idle hour: the latency series has a single value, at index 58.
    const points = Array.from({ length: 60 }, (_, index) => ({
      ...point(index, index === 58 ? 120 : 0),
      latencyP50Ms: index === 58 ? 15 : null,
      latencyP95Ms: index === 58 ? 20 : null,
      latencyP99Ms: index === 58 ? 70 : null,
    }));
    const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: 600, height: 300 });
    chart.setOption(latencyOption(points, CHART_LABELS) as echarts.EChartsCoreOption);

    const symbols = chart.renderToSVGString().match(/<path [^>]*ecmeta_ssr_type="chart"[^>]*>/g) ?? [];
    chart.dispose();

    // A dot of size 6 is the unit circle scaled by 3, one for each of p50, p95 and p99.
    const dots = symbols.filter((symbol) => symbol.includes('ecmeta_data_index="58"') && symbol.includes("matrix(3,0,0,3,"));
    expect(dots).toHaveLength(3);
  });

  it("throughput axis unit is in the page's language", () => {
    const points = Array.from({ length: 5 }, (_, index) => point(index, 120));
    const labels: ChartLabels = { ...CHART_LABELS, throughput: zhCN.health.throughput, perSecond: zhCN.common.perSecond };
    const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: 600, height: 300 });
    chart.setOption(throughputOption(points, labels) as echarts.EChartsCoreOption);

    const texts = [...chart.renderToSVGString().matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((match) => match[1]);
    chart.dispose();

    expect(texts).toContain("/秒");
    expect(texts).not.toContain("/s");
  });
});
