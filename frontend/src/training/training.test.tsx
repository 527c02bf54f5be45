import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import i18next from "i18next";
import { describe, expect, it, vi } from "vitest";

import { App } from "../App";
import { chartSeries } from "../charts/testing";
import { mockServer } from "../test/mockClient";
import type { Answer, MockServer } from "../test/mockClient";
import { renderWithoutStyles } from "../test/render";
import { operationsNamed, renderTeamPage, TEST_TEAM } from "../test/renderTeamPage";
import { StartTrainingPage, trainingFieldOf } from "./StartTrainingPage";
import { TrainingRunPage } from "./TrainingRunPage";
import { TrainingRunsPage } from "./TrainingRunsPage";

vi.mock("../charts/EChart", async () => (await import("../charts/testing")).echartModule);

describe("TrainingRunPage", () => {
  const RUN_ID = "run-1";
  const PATTERN = "/teams/:teamId/training/:runId";

  function run(overrides: Record<string, unknown> = {}) {
    return {
      id: RUN_ID,
      teamId: TEST_TEAM.id,
      name: "breast-cancer-small",
      source: "platform",
      status: "RUNNING",
      ownerId: "user-1",
      modelId: "model-1",
      datasetId: "dataset-1",
      datasetVersionId: "dataset-version-2",
      configProfileId: "profile-1",
      configRevision: 1,
      label: "target",
      epochsDone: 2,
      epochsPlanned: 6,
      attempt: 1,
      restarts: 0,
      cancelRequested: false,
      etaSeconds: 125,
      modelVersionId: null,
      modelVersionNumber: null,
      createdAt: "2026-11-01T10:00:00Z",
      startedAt: "2026-11-01T10:00:05Z",
      finishedAt: null,
      updatedAt: "2026-11-01T10:00:10Z",
      template: "tabular_mlp",
      baseModelVersionId: null,
      features: ["mean radius"],
      classes: ["0", "1"],
      workers: 1,
      step: 26,
      learningRate: 0.005,
      checkpointEpoch: 2,
      restartReason: null,
      failureReason: null,
      stoppedEarly: null,
      bestEpoch: null,
      registrationError: null,
      config: { epochs: 6, model: { template: "tabular_mlp" } },
      dataSummary: { trainRows: 398 },
      metricNames: ["loss", "val_loss"],
      latestMetrics: [{ name: "loss", value: 0.15, nonFinite: null }],
      finalMetrics: [],
      ...overrides,
    };
  }

  function epoch(number: number) {
    return {
      epoch: number,
      attempt: 1,
      step: 13 * number,
      learningRate: 0.005,
      durationSeconds: 0.3,
      etaSeconds: 1.2,
      recordedAt: "2026-11-01T10:00:10Z",
      metrics: [
        { name: "loss", value: 0.5 / number, nonFinite: null },
        { name: "val_loss", value: 0.4 / number, nonFinite: null },
      ],
    };
  }

  function point(number: number, value: number) {
    return { step: 13 * number, epoch: number, value, nonFinite: null, wallTime: 1_796_469_549_000 + number };
  }

  function histogram(epochNumber: number, tensor: string) {
    return {
      epoch: epochNumber,
      layer: "dense_1",
      tensor,
      kind: "WEIGHTS",
      low: -0.5,
      high: 0.5,
      counts: [3 + epochNumber, 5, 2],
      nanCount: 0,
      infCount: 0,
      min: -0.5,
      max: 0.5,
      mean: 0,
      std: 0.2,
      edges: [-0.5, -0.1667, 0.1667, 0.5],
    };
  }

  function answer(name: string, variables: Record<string, unknown>): Answer {
    switch (name) {
      case "TrainingRun":
        return { data: { trainingRun: { ...run(), epochs: [epoch(1), epoch(2)] } } };
      case "TrainingRunMetrics":
        return {
          data: {
            trainingRun: {
              id: RUN_ID,
              metrics: [
                { name: "loss", totalPoints: 2, downsampled: false, points: [point(1, 0.5), point(2, 0.25)] },
                {
                  name: "val_loss",
                  totalPoints: 2,
                  downsampled: false,
                  points: [point(1, 0.4), point(2, 0.2)],
                },
              ],
            },
          },
        };
      case "TrainingRunLive":
        return { data: { trainingRunUpdated: { run: run(), epoch: null, points: [], change: null } } };
      case "HistogramTensors":
        return {
          data: {
            trainingRun: {
              id: RUN_ID,
              histogramTensors: [
                { layer: "dense_1", tensor: "dense_1/kernel", kind: "WEIGHTS" },
                { layer: "dense_1", tensor: "dense_1/kernel", kind: "GRADIENTS" },
              ],
            },
          },
        };
      case "LayerHistograms": {
        const epochs = variables.epoch === null || variables.epoch === undefined ? [1, 2] : [Number(variables.epoch)];
        return { data: { trainingRun: { id: RUN_ID, histograms: epochs.map((number) => histogram(number, "dense_1/kernel")) } } };
      }
      case "CancelTrainingRun":
        return { data: { cancelTrainingRun: run({ cancelRequested: true }) } };
      default:
        return null;
    }
  }

  function renderRun(server: MockServer, query = "") {
    return renderTeamPage(server, PATTERN, <TrainingRunPage />, `/teams/${TEST_TEAM.id}/training/${RUN_ID}${query}`);
  }

  function lossData() {
    return chartSeries("Curve of loss").find((series) => series.name === "loss")?.data;
  }

  it("subscription extends curve without reload", async () => {
    const server = mockServer(answer);
    renderRun(server);
    expect(await screen.findByRole("heading", { name: "breast-cancer-small" })).toBeInTheDocument();
    expect(screen.getByText("Running")).toBeInTheDocument();
    expect(screen.getByText("Attempt 1, 0 restarts")).toBeInTheDocument();
    expect(screen.getByText("2 min 5 s")).toBeInTheDocument();
    await waitFor(() =>
      expect(lossData()).toEqual([
        [1, 0.5],
        [2, 0.25],
      ]),
    );
    await waitFor(() => expect(operationsNamed(server, "TrainingRunLive")).toHaveLength(1));
    expect(chartSeries("Curve of loss").map((series) => series.name)).toEqual(["loss", "val_loss"]);

    act(() =>
      server.push("TrainingRunLive", {
        trainingRunUpdated: {
          run: run({ epochsDone: 3, step: 39, updatedAt: "2026-11-01T10:00:11Z" }),
          epoch: epoch(3),
          points: [
            { name: "loss", ...point(3, 0.125) },
            { name: "val_loss", ...point(3, 0.1) },
          ],
          change: { position: 40, action: "TrainingRun.EpochCompleted", occurredAt: "2026-11-01T10:00:11Z" },
        },
      }),
    );

    await waitFor(() =>
      expect(lossData()).toEqual([
        [1, 0.5],
        [2, 0.25],
        [3, 0.125],
      ]),
    );
    expect(chartSeries("Curve of loss").find((series) => series.name === "val_loss")?.data).toHaveLength(3);
    expect(screen.getAllByText("3 of 6").length).toBeGreaterThan(0);
    expect(operationsNamed(server, "TrainingRunMetrics")).toHaveLength(1);
    expect(operationsNamed(server, "TrainingRun")).toHaveLength(1);
  });

  it("epochs tab shows sub-second durations", async () => {
    renderRun(mockServer(answer), "?tab=epochs");

    // Each epoch took 0.3 s, which whole seconds would show as 0 s.
    expect(await screen.findAllByText("300 ms")).toHaveLength(2);
    expect(screen.queryByText("0 s")).not.toBeInTheDocument();
  });

  it("restart reads series again", async () => {
    const server = mockServer(answer);
    renderRun(server);
    await waitFor(() => expect(lossData()).toHaveLength(2));
    await waitFor(() => expect(operationsNamed(server, "TrainingRunLive")).toHaveLength(1));

    act(() =>
      server.push("TrainingRunLive", {
        trainingRunUpdated: {
          run: run({ attempt: 2, restarts: 1, restartReason: "worker 0 died", updatedAt: "2026-11-01T10:00:12Z" }),
          epoch: null,
          points: [],
          change: { position: 41, action: "TrainingRun.Restarted", occurredAt: "2026-11-01T10:00:12Z" },
        },
      }),
    );

    await waitFor(() => expect(operationsNamed(server, "TrainingRunMetrics")).toHaveLength(2));
    expect(await screen.findByText("worker 0 died")).toBeInTheDocument();
    expect(screen.getByText("Attempt 2, 1 restart")).toBeInTheDocument();
  });

  it("cancel asks then cancels", async () => {
    const server = mockServer(answer);
    renderRun(server);

    fireEvent.click(await screen.findByRole("button", { name: "Cancel run" }));
    const confirm = (await screen.findByText("Cancel the run breast-cancer-small? Its workers stop within seconds.")).closest(
      ".ant-popover",
    ) as HTMLElement;
    expect(within(confirm).getByRole("button", { name: "Keep running" })).toBeInTheDocument();
    expect(within(confirm).queryByRole("button", { name: "Cancel" })).not.toBeInTheDocument();
    fireEvent.click(within(confirm).getByRole("button", { name: "Cancel run" }));

    await waitFor(() => expect(operationsNamed(server, "CancelTrainingRun")).toHaveLength(1));
    expect(operationsNamed(server, "CancelTrainingRun")[0]?.variables).toEqual({ id: RUN_ID });
    expect(await screen.findAllByText("Cancelling")).not.toHaveLength(0);
  });

  it("queued run not started yet", async () => {
    const queued: typeof answer = (name, variables) =>
      name === "TrainingRun"
        ? { data: { trainingRun: { ...run({ status: "QUEUED", attempt: 0, startedAt: null }), epochs: [] } } }
        : name === "TrainingRunMetrics"
          ? { data: { trainingRun: { id: RUN_ID, metrics: [] } } }
          : answer(name, variables);
    renderRun(mockServer(queued));

    expect(await screen.findByText("Not started yet")).toBeInTheDocument();
    expect(screen.queryByText(/Attempt 0/)).not.toBeInTheDocument();
    expect(await screen.findByText("No metrics recorded yet; the curves appear with the first epoch.")).toBeInTheDocument();
  });

  it("run cancelled before first epoch", async () => {
    const cancelled: typeof answer = (name, variables) =>
      name === "TrainingRun"
        ? { data: { trainingRun: { ...run({ status: "CANCELLED", attempt: 1 }), epochs: [] } } }
        : name === "TrainingRunMetrics"
          ? { data: { trainingRun: { id: RUN_ID, metrics: [] } } }
          : name === "TrainingRunLive"
            ? null
            : answer(name, variables);
    renderRun(mockServer(cancelled));

    expect(
      await screen.findByText("The run was cancelled before its first epoch ended, so it recorded no metrics."),
    ).toBeInTheDocument();
    expect(screen.queryByText(/curves appear with the first epoch/)).not.toBeInTheDocument();
  });

  it("finished run has no cancel", async () => {
    const finished: typeof answer = (name, variables) =>
      name === "TrainingRun"
        ? {
            data: {
              trainingRun: { ...run({ status: "SUCCEEDED", modelVersionId: "version-9", modelVersionNumber: 9 }), epochs: [] },
            },
          }
        : name === "TrainingRunLive"
          ? null
          : answer(name, variables);
    renderRun(mockServer(finished));

    expect(await screen.findByRole("link", { name: "Version 9" })).toHaveAttribute(
      "href",
      `/teams/${TEST_TEAM.id}/models/model-1/versions/version-9`,
    );
    expect(screen.queryByRole("button", { name: "Cancel run" })).not.toBeInTheDocument();
  });

  it("saved model's metrics are labelled", async () => {
    const saved = run({
      status: "SUCCEEDED",
      finalMetrics: [{ name: "val_loss", value: 0.019, nonFinite: null }],
    });
    const finished: typeof answer = (name, variables) =>
      name === "TrainingRun" ? { data: { trainingRun: { ...saved, epochs: [] } } } : answer(name, variables);
    renderRun(mockServer(finished));

    expect(await screen.findByText("Metrics of the saved model")).toBeInTheDocument();
    expect(screen.queryByText("Latest epoch's metrics")).not.toBeInTheDocument();
  });

  it("histograms by epoch and offset", async () => {
    const server = mockServer(answer);
    renderRun(server, "?tab=histograms");

    await waitFor(() => expect(chartSeries("Histogram of dense_1/kernel at epoch 2")).toHaveLength(1));
    expect(operationsNamed(server, "LayerHistograms").map((operation) => operation.variables)).toContainEqual({
      id: RUN_ID,
      layer: "dense_1",
      kind: "WEIGHTS",
      epoch: 2,
    });

    const slider = screen.getByRole("slider");
    act(() => fireEvent.keyDown(slider, { key: "ArrowLeft", keyCode: 37 }));
    await waitFor(() => expect(chartSeries("Histogram of dense_1/kernel at epoch 1")).toHaveLength(1));

    fireEvent.click(screen.getByRole("radio", { name: "Offset" }));
    const offset = chartSeries("Histograms of dense_1/kernel by epoch, offset");
    expect(offset.map((series) => series.name)).toEqual(["Epoch 1", "Epoch 2"]);
  });
});

describe("TrainingRunsPage", () => {
  const PATTERN = "/teams/:teamId/training";

  function run(id: string, status: string, overrides: Record<string, unknown> = {}) {
    return {
      id,
      teamId: TEST_TEAM.id,
      name: `run ${id}`,
      source: "platform",
      status,
      ownerId: "user-1",
      modelId: "model-1",
      datasetId: "dataset-1",
      datasetVersionId: "dataset-version-2",
      configProfileId: "profile-1",
      configRevision: 1,
      label: "target",
      epochsDone: 2,
      epochsPlanned: 6,
      attempt: 1,
      restarts: 0,
      cancelRequested: false,
      etaSeconds: 30,
      modelVersionId: null,
      modelVersionNumber: null,
      createdAt: "2026-11-01T10:00:00Z",
      startedAt: "2026-11-01T10:00:05Z",
      finishedAt: null,
      updatedAt: "2026-11-01T10:00:10Z",
      ...overrides,
    };
  }

  const CATALOG = {
    models: { nodes: [{ id: "model-1", name: "breast-cancer-classifier", task: "CLASSIFICATION", archived: false }] },
    datasets: {
      nodes: [
        {
          id: "dataset-1",
          name: "breast-cancer",
          archived: false,
          versions: {
            nodes: [{ id: "dataset-version-2", number: 2, status: "READY", label: "target", rows: 569, splits: [], columns: [] }],
          },
        },
      ],
    },
  };

  function answer(name: string, variables: Record<string, unknown>): Answer {
    switch (name) {
      case "TeamCatalog":
        return { data: CATALOG };
      case "TrainingRuns": {
        const statuses = (variables.filter as { status?: string[] | null }).status;
        const rows = [run("a", "RUNNING"), run("b", "SUCCEEDED", { modelVersionId: "version-1", modelVersionNumber: 1 })];
        return {
          data: {
            trainingRuns: {
              nodes: rows.filter((row) => !statuses || statuses.includes(row.status)),
              pageInfo: { hasNextPage: false, endCursor: null },
            },
          },
        };
      }
      case "TrainingRunRow":
        return {
          data: { trainingRun: run(String(variables.id), "QUEUED", { epochsDone: 0, createdAt: "2026-11-01T11:00:00Z" }) },
        };
      default:
        return null;
    }
  }

  function renderRuns(server: MockServer, query = "") {
    return renderTeamPage(server, PATTERN, <TrainingRunsPage />, `/teams/${TEST_TEAM.id}/training${query}`);
  }

  function rowOf(name: string): HTMLElement {
    return screen.getByRole("link", { name }).closest("tr") as HTMLElement;
  }

  it("lists runs with names resolved", async () => {
    renderRuns(mockServer(answer), "?model=model-1");

    expect(await screen.findByRole("link", { name: "run a" })).toHaveAttribute("href", `/teams/${TEST_TEAM.id}/training/a`);
    await waitFor(() => expect(within(rowOf("run a")).getByText("breast-cancer-classifier")).toBeInTheDocument());
    expect(within(rowOf("run a")).getByText("breast-cancer v2")).toBeInTheDocument();
    expect(within(rowOf("run b")).getByRole("link", { name: "Version 1" })).toHaveAttribute(
      "href",
      `/teams/${TEST_TEAM.id}/models/model-1/versions/version-1`,
    );

    fireEvent.click(screen.getByRole("button", { name: "Start a run" }));

    expect(screen.getByTestId("location")).toHaveTextContent(`/teams/${TEST_TEAM.id}/training/new?model=model-1`);
  });

  it("status filter comes from URL", async () => {
    const server = mockServer(answer);
    renderRuns(server, "?status=SUCCEEDED,BOGUS");

    expect(await screen.findByRole("link", { name: "run b" })).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "run a" })).not.toBeInTheDocument();
    expect(operationsNamed(server, "TrainingRuns")[0]?.variables).toMatchObject({
      teamId: TEST_TEAM.id,
      filter: { status: ["SUCCEEDED"], modelId: null },
    });
  });

  it("filter clear button in Chinese", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));
    try {
      renderRuns(mockServer(answer), "?status=SUCCEEDED");

      expect(await screen.findByRole("button", { name: "清除" })).toBeInTheDocument();
      expect(screen.queryByRole("button", { name: "Clear" })).not.toBeInTheDocument();
    } finally {
      await act(() => i18next.changeLanguage("en"));
    }
  });

  it("attempt and time left cells do not wrap", async () => {
    renderRuns(mockServer(answer));
    await screen.findByRole("link", { name: "run a" });

    for (const header of ["Attempt", "Time left"]) {
      expect(screen.getByRole("columnheader", { name: header })).toHaveClass("cell-nowrap");
    }
    const cells = within(rowOf("run a")).getAllByRole("cell");
    expect(cells.filter((cell) => cell.classList.contains("cell-nowrap"))).toHaveLength(2);
  });

  it("running row follows its updates", async () => {
    const server = mockServer(answer);
    renderRuns(server);
    await screen.findByRole("link", { name: "run a" });
    await waitFor(() =>
      expect(operationsNamed(server, "TrainingRunRowUpdated").map((operation) => operation.variables)).toEqual([{ id: "a" }]),
    );

    act(() => server.push("TrainingRunRowUpdated", { trainingRunUpdated: { run: run("a", "RUNNING", { epochsDone: 5 }) } }));

    await waitFor(() => expect(within(rowOf("run a")).getByText("5 of 6")).toBeInTheDocument());
  });

  it("new run goes on top", async () => {
    const server = mockServer(answer);
    renderRuns(server);
    await screen.findByRole("link", { name: "run a" });
    await waitFor(() => expect(operationsNamed(server, "SubjectEvents")).toHaveLength(1));
    expect(operationsNamed(server, "SubjectEvents").map((operation) => operation.variables)).toEqual([
      { filter: { teamId: TEST_TEAM.id, subjectType: "TrainingRun" } },
    ]);

    act(() =>
      server.push("SubjectEvents", {
        events: { position: 50, action: "TrainingRun.Queued", subjectType: "TrainingRun", subjectId: "c" },
      }),
    );

    expect(await screen.findByRole("link", { name: "run c" })).toBeInTheDocument();
    const names = screen.getAllByRole("link", { name: /^run / }).map((link) => link.textContent);
    expect(names).toEqual(["run c", "run a", "run b"]);
    expect(rowOf("run c")).toHaveClass("new-row");
    expect(rowOf("run a")).not.toHaveClass("new-row");
    expect(screen.getByText("1 new row was added to the list.")).toBeInTheDocument();
  });

  it("new run outside the filter stays out", async () => {
    // Run d is opened by an external tracker and has already succeeded; run c is queued.
    const withExternal: typeof answer = (name, variables) =>
      name === "TrainingRunRow" && variables.id === "d"
        ? { data: { trainingRun: run("d", "SUCCEEDED", { source: "external", createdAt: "2026-11-01T11:00:00Z" }) } }
        : answer(name, variables);
    const server = mockServer(withExternal);
    renderRuns(server, "?status=SUCCEEDED");
    await screen.findByRole("link", { name: "run b" });
    await waitFor(() => expect(operationsNamed(server, "SubjectEvents")).toHaveLength(1));

    act(() =>
      server.push("SubjectEvents", {
        events: { position: 50, action: "TrainingRun.Queued", subjectType: "TrainingRun", subjectId: "c" },
      }),
    );
    act(() =>
      server.push("SubjectEvents", {
        events: { position: 51, action: "TrainingRun.Opened", subjectType: "TrainingRun", subjectId: "d" },
      }),
    );

    expect(await screen.findByRole("link", { name: "run d" })).toBeInTheDocument();
    expect(screen.getAllByRole("link", { name: /^run / }).map((link) => link.textContent)).toEqual(["run d", "run b"]);
    expect(operationsNamed(server, "TrainingRunRow").map((operation) => operation.variables)).toEqual([{ id: "c" }, { id: "d" }]);
  });

  it("new runs go in by creation time", async () => {
    // Run c was created at 11:00 and f at 10:30, but f's audit entry arrives last.
    const withOlder: typeof answer = (name, variables) =>
      name === "TrainingRunRow" && variables.id === "f"
        ? { data: { trainingRun: run("f", "QUEUED", { createdAt: "2026-11-01T10:30:00Z" }) } }
        : answer(name, variables);
    const server = mockServer(withOlder);
    renderRuns(server);
    await screen.findByRole("link", { name: "run a" });
    await waitFor(() => expect(operationsNamed(server, "SubjectEvents")).toHaveLength(1));

    for (const [position, subjectId] of [
      [50, "c"],
      [51, "f"],
    ] as const) {
      act(() =>
        server.push("SubjectEvents", {
          events: { position, action: "TrainingRun.Queued", subjectType: "TrainingRun", subjectId },
        }),
      );
    }

    await waitFor(() =>
      expect(screen.getAllByRole("link", { name: /^run / }).map((link) => link.textContent)).toEqual([
        "run c",
        "run f",
        "run a",
        "run b",
      ]),
    );
  });

  it("finished run leaves the running filter", async () => {
    const server = mockServer(answer);
    renderRuns(server, "?status=RUNNING");
    await screen.findByRole("link", { name: "run a" });
    await waitFor(() => expect(operationsNamed(server, "TrainingRunRowUpdated")).toHaveLength(1));

    act(() =>
      server.push("TrainingRunRowUpdated", {
        trainingRunUpdated: { run: run("a", "SUCCEEDED", { epochsDone: 6, finishedAt: "2026-11-01T10:05:00Z" }) },
      }),
    );

    expect(await screen.findByText("No training runs match these filters.")).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "run a" })).not.toBeInTheDocument();
  });

  it("run that succeeds joins the succeeded filter", async () => {
    // Run g was queued before run b, so it goes below it.
    const withFinished: typeof answer = (name, variables) =>
      name === "TrainingRunRow" && variables.id === "g"
        ? { data: { trainingRun: run("g", "SUCCEEDED", { createdAt: "2026-11-01T09:00:00Z" }) } }
        : answer(name, variables);
    const server = mockServer(withFinished);
    renderRuns(server, "?status=SUCCEEDED");
    await screen.findByRole("link", { name: "run b" });
    await waitFor(() => expect(operationsNamed(server, "SubjectEvents")).toHaveLength(1));

    act(() =>
      server.push("SubjectEvents", {
        events: { position: 60, action: "TrainingRun.Succeeded", subjectType: "TrainingRun", subjectId: "g" },
      }),
    );

    expect(await screen.findByRole("link", { name: "run g" })).toBeInTheDocument();
    expect(screen.getAllByRole("link", { name: /^run / }).map((link) => link.textContent)).toEqual(["run b", "run g"]);
    expect(rowOf("run g")).toHaveClass("new-row");
  });

  it("metrics of an unlisted run are not read", async () => {
    const server = mockServer(answer);
    renderRuns(server, "?status=SUCCEEDED");
    await screen.findByRole("link", { name: "run b" });
    await waitFor(() => expect(operationsNamed(server, "SubjectEvents")).toHaveLength(1));

    act(() =>
      server.push("SubjectEvents", {
        events: { position: 61, action: "TrainingRun.MetricsLogged", subjectType: "TrainingRun", subjectId: "a" },
      }),
    );
    act(() =>
      server.push("SubjectEvents", {
        events: { position: 62, action: "TrainingRun.Queued", subjectType: "TrainingRun", subjectId: "c" },
      }),
    );

    await waitFor(() => expect(operationsNamed(server, "TrainingRunRow")).toHaveLength(1));
    expect(operationsNamed(server, "TrainingRunRow")[0]?.variables).toEqual({ id: "c" });
  });

  it("queued row not started yet", async () => {
    const queued: typeof answer = (name, variables) =>
      name === "TrainingRuns"
        ? {
            data: {
              trainingRuns: {
                nodes: [run("q", "QUEUED", { attempt: 0, epochsDone: 0, startedAt: null }), run("a", "RUNNING")],
                pageInfo: { hasNextPage: false, endCursor: null },
              },
            },
          }
        : answer(name, variables);
    renderRuns(mockServer(queued));

    await screen.findByRole("link", { name: "run q" });

    expect(within(rowOf("run q")).getByText("Not started yet")).toBeInTheDocument();
    expect(within(rowOf("run q")).queryByText(/Attempt 0/)).not.toBeInTheDocument();
    expect(within(rowOf("run a")).getByText("Attempt 1, 0 restarts")).toBeInTheDocument();
  });

  it("no match shows empty state", async () => {
    const empty: typeof answer = (name, variables) =>
      name === "TrainingRuns"
        ? { data: { trainingRuns: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } } } }
        : answer(name, variables);
    renderRuns(mockServer(empty), "?status=FAILED");

    expect(await screen.findByText("No training runs match these filters.")).toBeInTheDocument();
  });
});

describe("StartTrainingPage", () => {
  const PATTERN = "/teams/:teamId/training/new";

  const CATALOG = {
    models: { nodes: [{ id: "model-1", name: "breast-cancer-classifier", task: "CLASSIFICATION", archived: false }] },
    datasets: {
      nodes: [
        {
          id: "dataset-1",
          name: "breast-cancer",
          archived: false,
          versions: {
            nodes: [
              {
                id: "dataset-version-2",
                number: 2,
                status: "READY",
                label: "target",
                rows: 569,
                splits: [
                  { name: "train", rows: 398 },
                  { name: "validation", rows: 86 },
                  { name: "holdout", rows: 85 },
                ],
                columns: [
                  { name: "mean radius", type: "FLOAT", isLabel: false },
                  { name: "target", type: "INTEGER", isLabel: true },
                  { name: "split", type: "STRING", isLabel: false },
                ],
              },
            ],
          },
        },
      ],
    },
  };

  /** Responds to each startTrainingRun with the next of `startAnswers`. */
  function answer(startAnswers: Answer[]) {
    return (name: string): Answer => {
      switch (name) {
        case "TeamCatalog":
          return { data: CATALOG };
        case "TrainingConfigProfiles":
          return {
            data: { configProfiles: { nodes: [{ id: "profile-1", name: "small", description: "", latestRevisionNumber: 2 }] } },
          };
        case "TrainingConfigRevisions":
          return {
            data: {
              configProfile: {
                id: "profile-1",
                latestRevisionNumber: 2,
                revisions: {
                  nodes: [
                    {
                      number: 2,
                      comment: "wider",
                      createdAt: "2026-11-02T10:00:00Z",
                      document: { model: { template: "tabular_mlp" } },
                    },
                    {
                      number: 1,
                      comment: "",
                      createdAt: "2026-11-01T10:00:00Z",
                      document: { model: { template: "tabular_mlp" } },
                    },
                  ],
                },
              },
            },
          };
        case "ModelVersionChoices":
          return { data: { model: { id: "model-1", versions: { nodes: [] } } } };
        case "StartTrainingRun":
          return startAnswers.shift() ?? null;
        default:
          return null;
      }
    };
  }

  async function choose(label: string, option: string) {
    fireEvent.mouseDown(screen.getByLabelText(label));
    fireEvent.click(await screen.findByTitle(option));
  }

  async function fillForm() {
    await screen.findByRole("heading", { name: "Start a training run" });
    await waitFor(() => expect(screen.getByLabelText("Model")).toBeEnabled());
    await choose("Dataset", "breast-cancer");
    await choose("Dataset version", "Version 2 (569 rows; Train, Validation, holdout)");
    await choose("Configuration profile", "small");
    await choose("Label column", "target");
  }

  it("server error shown on its field", async () => {
    const rejected: Answer = {
      errors: [
        {
          message: "The label 'target' has 1 class; classification needs 2 to 1,000.",
          extensions: { code: "BAD_USER_INPUT", field: "label", value: "target" },
        },
      ],
    };
    const started: Answer = { data: { startTrainingRun: { id: "run-9" } } };
    const server = mockServer(answer([rejected, started]));
    renderTeamPage(server, PATTERN, <StartTrainingPage />, `/teams/${TEST_TEAM.id}/training/new?model=model-1`);
    await fillForm();

    fireEvent.click(screen.getByRole("button", { name: "Start run" }));

    const message = await screen.findByText(/classification needs 2 to 1,000/);
    expect(message.closest(".ant-form-item")?.querySelector("label")).toHaveTextContent("Label column");
    expect(message.closest('[role="alert"]')).toHaveTextContent("The request has an invalid value.");
    expect(operationsNamed(server, "StartTrainingRun")[0]?.variables).toEqual({
      input: {
        modelId: "model-1",
        datasetVersionId: "dataset-version-2",
        configProfileId: "profile-1",
        configRevision: null,
        baseModelVersionId: null,
        label: "target",
        name: null,
      },
    });

    fireEvent.change(screen.getByLabelText("Run name"), { target: { value: "  wider net  " } });
    fireEvent.click(screen.getByRole("button", { name: "Start run" }));

    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent(`/teams/${TEST_TEAM.id}/training/run-9`));
    expect(operationsNamed(server, "StartTrainingRun")[1]?.variables).toMatchObject({ input: { name: "wider net" } });
  });

  it("dataset version option names its splits in Chinese", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));
    try {
      renderTeamPage(mockServer(answer([])), PATTERN, <StartTrainingPage />, `/teams/${TEST_TEAM.id}/training/new?model=model-1`);
      await screen.findByRole("heading", { name: "启动训练运行" });
      await choose("数据集", "breast-cancer");

      fireEvent.mouseDown(screen.getByLabelText("数据集版本"));
      expect(await screen.findByTitle("版本 2（569 行；训练集、验证集、holdout）")).toBeInTheDocument();
    } finally {
      await act(() => i18next.changeLanguage("en"));
    }
  });

  it("maps error paths to fields", () => {
    expect(trainingFieldOf("datasetVersionId")).toBe("datasetVersion");
    expect(trainingFieldOf("config.earlyStopping.monitor")).toBe("configRevision");
    expect(trainingFieldOf("baseModelVersionId")).toBe("baseVersion");
    expect(trainingFieldOf("input")).toBeNull();
  });
});

describe("navigation", () => {
  const TEAM_ID = "team-1";
  const NO_MORE = { hasNextPage: false, endCursor: null };
  const USER = { id: "user-1", username: "ada", displayName: "Ada", isAdmin: false };

  function answer(name: string): Answer {
    switch (name) {
      case "Viewer":
        return { data: { viewer: { authenticatedBy: "session", csrfToken: "csrf-1", user: USER } } };
      case "Teams":
        return { data: { teams: { nodes: [{ id: TEAM_ID, name: "growth" }], pageInfo: NO_MORE } } };
      case "Team":
        return { data: { team: { id: TEAM_ID, name: "growth", description: "", viewerRole: "EDITOR" } } };
      case "TeamCatalog":
        return { data: { models: { nodes: [] }, datasets: { nodes: [] } } };
      case "TrainingRuns":
        return { data: { trainingRuns: { nodes: [], pageInfo: NO_MORE } } };
      case "Evaluations":
        return { data: { evaluations: { nodes: [], pageInfo: NO_MORE } } };
      default:
        return null;
    }
  }

  it("training and evaluations pages", async () => {
    window.history.pushState({}, "", `/teams/${TEAM_ID}/training`);
    renderWithoutStyles(<App exchanges={[mockServer(answer).exchange]} />);

    expect(await screen.findByRole("heading", { name: "Training runs" })).toBeInTheDocument();
    expect(screen.getByText("This team has no training runs yet.")).toBeInTheDocument();

    fireEvent.click(screen.getByRole("link", { name: "Evaluations" }));

    expect(await screen.findByRole("heading", { name: "Evaluations" })).toBeInTheDocument();
    expect(window.location.pathname).toBe(`/teams/${TEAM_ID}/evaluations`);
    expect(screen.getByText("No evaluations yet.")).toBeInTheDocument();
  });
});
