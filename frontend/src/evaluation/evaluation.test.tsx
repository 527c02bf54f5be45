import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import i18next from "i18next";
import { describe, expect, it, vi } from "vitest";

import { chartSeries } from "../charts/testing";
import { mockServer } from "../test/mockClient";
import type { Answer, MockServer } from "../test/mockClient";
import { operationsNamed, renderTeamPage, TEST_TEAM } from "../test/renderTeamPage";
import { EvaluationComparePage } from "./EvaluationComparePage";
import { EvaluationPage } from "./EvaluationPage";
import { EvaluationsPage } from "./EvaluationsPage";
import { evaluationFieldOf } from "./StartEvaluationForm";
import { THRESHOLD_DELAY_MS } from "./ThresholdExplorer";
import { VersionEvaluations } from "./VersionEvaluations";
import { binaryEvaluation, CATALOG } from "./fixtures";

vi.mock("../charts/EChart", async () => (await import("../charts/testing")).echartModule);

describe("EvaluationPage", () => {
  const PATTERN = "/teams/:teamId/evaluations/:evaluationId";

  function answer(evaluation: Record<string, unknown>) {
    return (name: string, variables: Record<string, unknown>): Answer => {
      switch (name) {
        case "TeamCatalog":
          return { data: CATALOG };
        case "Evaluation":
          return { data: { evaluation } };
        case "EvaluationLive":
          return { data: { evaluationUpdated: { evaluation } } };
        case "ThresholdMetrics": {
          const threshold = Number(variables.threshold);
          return {
            data: {
              evaluation: {
                id: evaluation.id,
                thresholdMetrics: {
                  threshold,
                  tp: threshold > 0.5 ? 40 : 52,
                  fp: threshold > 0.5 ? 0 : 2,
                  tn: threshold > 0.5 ? 32 : 30,
                  fn: threshold > 0.5 ? 13 : 1,
                  precision: threshold > 0.5 ? 1 : 0.963,
                  recall: threshold > 0.5 ? 0.7547 : 0.9811,
                  f1: 0.86,
                  accuracy: 0.847,
                  falsePositiveRate: threshold > 0.5 ? 0 : 0.0625,
                },
              },
            },
          };
        }
        default:
          return null;
      }
    };
  }

  function renderEvaluation(server: MockServer, query = "") {
    return renderTeamPage(server, PATTERN, <EvaluationPage />, `/teams/${TEST_TEAM.id}/evaluations/evaluation-1${query}`);
  }

  it("summary and confusion matrix", async () => {
    renderEvaluation(mockServer(answer(binaryEvaluation())));

    expect(await screen.findByRole("heading", { name: "Evaluation of breast-cancer-classifier, version 1" })).toBeInTheDocument();
    expect(screen.getByText("Macro F1")).toBeInTheDocument();
    expect(screen.getByText("0.962")).toBeInTheDocument();
    const matrix = screen.getByRole("table", { name: "Rows are true classes; columns are predicted classes." });
    const rows = within(matrix).getAllByRole("row");
    expect(
      within(rows[1] as HTMLElement)
        .getAllByRole("cell")
        .map((cell) => cell.textContent),
    ).toEqual(["30", "2"]);
    expect(
      within(rows[2] as HTMLElement)
        .getAllByRole("cell")
        .map((cell) => cell.textContent),
    ).toEqual(["1", "52"]);
    expect(screen.getByText("1 (positive)")).toBeInTheDocument();

    fireEvent.click(screen.getByRole("radio", { name: "Share of true class" }));
    expect(
      within(rows[1] as HTMLElement)
        .getAllByRole("cell")
        .map((cell) => cell.textContent),
    ).toEqual(["93.8%", "6.3%"]);
  });

  it("curves draw ROC, PR and calibration", async () => {
    renderEvaluation(mockServer(answer(binaryEvaluation())), "?tab=curves");

    await screen.findByText("ROC curve");
    const roc = chartSeries("ROC curves: true positive rate against false positive rate");
    expect(roc.map((series) => series.name)).toEqual(["class 1 (AUC 0.996)", "Chance"]);
    expect(roc[0]?.data).toEqual([
      [0, 0, null],
      [0, 0.9, 0.9],
      [0.0625, 1, 0.4],
      [1, 1, 0.01],
    ]);
    expect(chartSeries("Precision-recall curves: precision against recall")[0]?.name).toBe("class 1 (AP 0.998)");
    expect(chartSeries("Calibration curve: fraction of positive rows against mean predicted probability")[0]?.data).toEqual([
      [0.02, 0.03, 31],
      [0.97, 0.96, 54],
    ]);
  });

  it("slice shown beside overall", async () => {
    renderEvaluation(mockServer(answer(binaryEvaluation())), "?tab=slices");

    fireEvent.click(await screen.findByRole("button", { name: "mean radius in [13.44, 14.99)" }));

    const detail = screen.getByRole("region", { name: "Slice mean radius in [13.44, 14.99)" });
    const accuracy = within(detail).getByText("Accuracy").closest("tr") as HTMLElement;
    expect(
      within(accuracy)
        .getAllByRole("cell")
        .map((cell) => cell.textContent),
    ).toEqual(["Accuracy", "0.965", "0.952", "-0.012"]);
    const roc = chartSeries("ROC curves of the slice mean radius in [13.44, 14.99) and overall");
    expect(roc.map((series) => series.name)).toEqual([
      "Overall · class 1 (AUC 0.996)",
      "mean radius in [13.44, 14.99) · class 1 (AUC 0.955)",
      "Chance",
    ]);

    fireEvent.click(screen.getByRole("radio", { name: "Saved filter" }));
    expect(screen.queryByRole("button", { name: "mean radius in [13.44, 14.99)" })).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "large tumours" }));
    expect(await screen.findByText(/ROC AUC is undefined/)).toBeInTheDocument();
  });

  it("slice names follow the language", async () => {
    const evaluation = binaryEvaluation();
    const report = evaluation as unknown as { slices: Record<string, unknown>[] };
    const { range: _range, includesHigh: _includesHigh, ...withoutRange } = report.slices[0] ?? {};
    report.slices = [
      { ...report.slices[0], name: "bmi in [-0.0256089, 0.799423)", feature: "bmi", range: [-0.0256089, 0.799423] },
      { ...withoutRange, name: "bmi is null", kind: "values", feature: "bmi", value: null },
    ];
    await act(() => i18next.changeLanguage("zh-CN"));
    try {
      renderEvaluation(mockServer(answer(evaluation)), "?tab=slices");

      expect(await screen.findByRole("button", { name: "bmi在[-0.02561, 0.7994)内" })).toBeInTheDocument();
      expect(screen.getByRole("button", { name: "bmi缺失" })).toBeInTheDocument();
      expect(screen.queryByText(/0\.0256089/)).not.toBeInTheDocument();
    } finally {
      await act(() => i18next.changeLanguage("en"));
    }
  });

  it("split named in Chinese", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));
    try {
      renderEvaluation(mockServer(answer(binaryEvaluation())));

      expect(await screen.findByText("测试集")).toBeInTheDocument();
      expect(screen.queryByText("test")).not.toBeInTheDocument();
    } finally {
      await act(() => i18next.changeLanguage("en"));
    }
  });

  it("threshold slider asks the server", async () => {
    const server = mockServer(answer(binaryEvaluation()));
    renderEvaluation(server, "?tab=thresholds");

    expect(await screen.findByText("True positives: 52")).toBeInTheDocument();
    expect(operationsNamed(server, "ThresholdMetrics")[0]?.variables).toEqual({ id: "evaluation-1", threshold: 0.5 });

    fireEvent.change(screen.getByRole("spinbutton", { name: "Decision threshold" }), { target: { value: "0.73" } });

    expect(await screen.findByText("True positives: 40", {}, { timeout: THRESHOLD_DELAY_MS * 20 })).toBeInTheDocument();
    expect(operationsNamed(server, "ThresholdMetrics").at(-1)?.variables).toEqual({ id: "evaluation-1", threshold: 0.73 });
    expect(screen.getByText("False negatives: 13")).toBeInTheDocument();
  });

  it("attributions as bars", async () => {
    renderEvaluation(mockServer(answer(binaryEvaluation())), "?tab=attributions");

    await screen.findByText(/Permutation importance: how much the Log loss rises/);
    expect(chartSeries("Permutation importance of each feature")[0]?.data).toEqual([0.05, 0.12]);
  });

  it("pending evaluation completes live", async () => {
    const pending = binaryEvaluation({ status: "PENDING", rows: null, summary: [], metrics: null, curves: null, slices: null });
    const server = mockServer(answer(pending));
    renderEvaluation(server);

    expect(await screen.findByText(/The evaluation is running in a worker/)).toBeInTheDocument();
    await waitFor(() => expect(operationsNamed(server, "EvaluationLive")).toHaveLength(1));

    act(() =>
      server.push("EvaluationLive", {
        evaluationUpdated: { evaluation: binaryEvaluation({ updatedAt: "2026-11-01T10:01:00Z" }) },
      }),
    );

    expect(await screen.findByText("Macro F1")).toBeInTheDocument();
    expect(screen.queryByText(/The evaluation is running in a worker/)).not.toBeInTheDocument();
  });

  it("regression has no threshold tab", async () => {
    const regression = binaryEvaluation({
      task: "regression",
      classes: null,
      summary: [{ name: "rmse", value: 57.37 }],
      metrics: { mae: 48.8, mse: 3290.9, rmse: 57.37, r2: 0.503, rows: 66 },
      curves: { residuals: { low: -96, high: 148, counts: [2, 0, 4] } },
      thresholds: null,
      slices: [],
    });
    renderEvaluation(mockServer(answer(regression)), "?tab=thresholds");

    expect(await screen.findByText("RMSE")).toBeInTheDocument();
    expect(screen.queryByRole("tab", { name: "Thresholds" })).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole("tab", { name: "Curves" }));
    expect(chartSeries("Histogram of residuals")[0]?.data).toHaveLength(4);
  });
});

describe("EvaluationComparePage", () => {
  const PATTERN = "/teams/:teamId/evaluations/compare";
  const FIRST = binaryEvaluation({ id: "evaluation-1", modelVersionNumber: 1 });
  const SECOND = binaryEvaluation({
    id: "evaluation-2",
    modelVersionId: "version-2",
    modelVersionNumber: 2,
    split: "validation",
  });
  const COMPARE_URL = `/teams/${TEST_TEAM.id}/evaluations/compare?ids=evaluation-1,evaluation-2`;

  /** Returns what an evaluation measured, as the server names it. */
  function measured(evaluation: ReturnType<typeof binaryEvaluation>) {
    return {
      evaluationId: evaluation.id,
      modelName: "breast-cancer-classifier",
      modelVersionNumber: evaluation.modelVersionNumber,
      datasetName: "breast-cancer",
      datasetVersionNumber: 2,
      split: evaluation.split,
      label: evaluation.label,
    };
  }

  function curves(id: string, area: number) {
    return {
      evaluationId: id,
      roc: [
        {
          className: "1",
          area,
          points: [
            { x: 0, y: 0, threshold: null },
            { x: 1, y: 1, threshold: 0 },
          ],
        },
      ],
      pr: [{ className: "1", area, points: [{ x: 0, y: 1, threshold: null }] }],
      residuals: null,
    };
  }

  function answerWith(overrides: Record<string, unknown>) {
    return (name: string): Answer => {
      switch (name) {
        case "TeamCatalog":
          return { data: CATALOG };
        case "CompareEvaluations":
          return {
            data: {
              compareEvaluations: {
                task: "classification",
                sameData: false,
                differentClasses: false,
                data: [measured(FIRST), measured(SECOND)],
                evaluations: [FIRST, SECOND],
                metrics: [
                  { name: "accuracy", values: [0.9647, 0.953], higherIsBetter: true, bestEvaluationIds: ["evaluation-1"] },
                  { name: "logLoss", values: [0.0987, 0.0572], higherIsBetter: false, bestEvaluationIds: ["evaluation-2"] },
                  {
                    name: "perClass.0.recall",
                    values: [0.9375, null],
                    higherIsBetter: true,
                    bestEvaluationIds: ["evaluation-1"],
                  },
                ],
                curves: [curves("evaluation-1", 0.9959), curves("evaluation-2", 0.9923)],
                ...overrides,
              },
            },
          };
        default:
          return null;
      }
    };
  }

  const answer = answerWith({});

  it("marks the best value per metric", async () => {
    const server = mockServer(answer);
    renderTeamPage(
      server,
      PATTERN,
      <EvaluationComparePage />,
      `/teams/${TEST_TEAM.id}/evaluations/compare?ids=evaluation-1,evaluation-2`,
    );

    const accuracy = (await screen.findByText("Accuracy")).closest("tr") as HTMLElement;
    expect(within(accuracy).getByLabelText("0.965, the best")).toBeInTheDocument();
    const logLoss = screen.getByText("Log loss").closest("tr") as HTMLElement;
    expect(within(logLoss).getByLabelText("0.057, the best")).toBeInTheDocument();
    expect(within(logLoss).getByText("lower is better")).toBeInTheDocument();
    const recall = screen.getByText("Recall of class 0").closest("tr") as HTMLElement;
    expect(within(recall).getByText("—")).toBeInTheDocument();
    expect(operationsNamed(server, "CompareEvaluations")[0]?.variables).toEqual({ ids: ["evaluation-1", "evaluation-2"] });
    expect(screen.getByText(/did not all measure the same split/)).toBeInTheDocument();
  });

  it("names what each evaluation measured", async () => {
    renderTeamPage(mockServer(answer), PATTERN, <EvaluationComparePage />, COMPARE_URL);

    const notice = (await screen.findByText(/did not all measure the same split/)).closest(".ant-alert") as HTMLElement;

    expect(
      within(notice).getByText("breast-cancer-classifier v1: the test split of dataset breast-cancer v2, label target"),
    ).toBeInTheDocument();
    expect(
      within(notice).getByText("breast-cancer-classifier v2: the validation split of dataset breast-cancer v2, label target"),
    ).toBeInTheDocument();
    expect(notice.textContent).not.toMatch(/evaluation-\d|dataset-version|model-1/);
    expect(screen.queryByText(/different classes/)).not.toBeInTheDocument();
  });

  it("notes different classes", async () => {
    renderTeamPage(
      mockServer(answerWith({ sameData: true, differentClasses: true })),
      PATTERN,
      <EvaluationComparePage />,
      COMPARE_URL,
    );

    expect(
      await screen.findByText(
        "The evaluations have different classes, so a per-class metric is empty (—) for an evaluation without that class.",
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/did not all measure the same split/)).not.toBeInTheDocument();
  });

  it("states the notes in Chinese", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));
    try {
      renderTeamPage(mockServer(answerWith({ differentClasses: true })), PATTERN, <EvaluationComparePage />, COMPARE_URL);

      const notice = (await screen.findByText("这些评估并非都在同一数据集版本的同一划分上、以同一标签进行测量。")).closest(
        ".ant-alert",
      ) as HTMLElement;

      expect(
        within(notice).getByText("breast-cancer-classifier 版本 1：数据集 breast-cancer 版本 2 的测试集，标签列 target"),
      ).toBeInTheDocument();
      expect(
        within(notice).getByText("breast-cancer-classifier 版本 2：数据集 breast-cancer 版本 2 的验证集，标签列 target"),
      ).toBeInTheDocument();
      expect(screen.getByText("这些评估的类别不同，因此没有某个类别的评估在该类别的指标上为空（—）。")).toBeInTheDocument();
      expect(notice.textContent).not.toMatch(/split|every row|label |evaluation-\d|dataset-version/);
    } finally {
      await act(() => i18next.changeLanguage("en"));
    }
  });

  it("overlays each evaluation's curves", async () => {
    renderTeamPage(
      mockServer(answer),
      PATTERN,
      <EvaluationComparePage />,
      `/teams/${TEST_TEAM.id}/evaluations/compare?ids=evaluation-1,evaluation-2`,
    );

    await screen.findByText("Accuracy");
    const names = chartSeries("ROC curves of the compared evaluations").map((series) => series.name);
    expect(names).toHaveLength(3);
    expect(names[0]).toMatch(/^breast-cancer-classifier v1, Test, .* \(0\.996\)$/);
    expect(names[1]).toMatch(/^breast-cancer-classifier v2, Validation, .* \(0\.992\)$/);
  });

  it("needs two ids", async () => {
    const server = mockServer(answer);
    renderTeamPage(server, PATTERN, <EvaluationComparePage />, `/teams/${TEST_TEAM.id}/evaluations/compare?ids=evaluation-1`);

    expect(await screen.findByText("Choose at least two completed evaluations to compare.")).toBeInTheDocument();
    expect(operationsNamed(server, "CompareEvaluations")).toHaveLength(0);
  });
});

describe("VersionEvaluations", () => {
  const PATTERN = "/teams/:teamId/models/:modelId/versions/:versionId";

  /** The report's fields, which list rows do not read. */
  const REPORT_FIELDS = ["features", "classes", "notes", "metrics", "curves", "slices", "thresholds", "attributions"];

  function row(id: string, status: string, overrides: Record<string, unknown> = {}) {
    const fields: Record<string, unknown> = binaryEvaluation({ id, status, ...overrides });
    for (const key of REPORT_FIELDS) {
      delete fields[key];
    }
    return fields;
  }

  function answer(evaluateAnswer: Answer) {
    return (name: string): Answer => {
      switch (name) {
        case "TeamCatalog":
          return { data: CATALOG };
        case "Evaluations":
          return {
            data: {
              evaluations: {
                nodes: [row("evaluation-2", "PENDING", { summary: [], rows: null }), row("evaluation-1", "COMPLETED")],
                pageInfo: { hasNextPage: false, endCursor: null },
              },
            },
          };
        case "EvaluateModelVersion":
          return evaluateAnswer;
        default:
          return null;
      }
    };
  }

  function renderList(server: MockServer) {
    return renderTeamPage(
      server,
      PATTERN,
      <VersionEvaluations modelId="model-1" versionId="version-1" />,
      `/teams/${TEST_TEAM.id}/models/model-1/versions/version-1`,
    );
  }

  async function choose(label: string, option: string) {
    fireEvent.mouseDown(screen.getByLabelText(label));
    fireEvent.click(await screen.findByTitle(option));
  }

  it("metric tags use Chinese punctuation", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));
    try {
      renderList(mockServer(answer(null)));

      expect(await screen.findByText("准确率：0.965")).toBeInTheDocument();
    } finally {
      await act(() => i18next.changeLanguage("en"));
    }
  });

  it("list names the split in Chinese", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));
    try {
      renderList(mockServer(answer(null)));

      // Both listed evaluations measured the test split.
      expect(await screen.findAllByText("测试集")).toHaveLength(2);
      expect(screen.queryByText("test")).not.toBeInTheDocument();
    } finally {
      await act(() => i18next.changeLanguage("en"));
    }
  });

  it("select all named in Chinese", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));
    try {
      renderList(mockServer(answer(null)));

      expect(await screen.findByRole("checkbox", { name: "全选" })).toBeInTheDocument();
      expect(screen.queryByRole("checkbox", { name: "Select all" })).not.toBeInTheDocument();
    } finally {
      await act(() => i18next.changeLanguage("en"));
    }
  });

  it("pending row completes live", async () => {
    const server = mockServer(answer(null));
    renderList(server);
    expect(await screen.findByText("Pending")).toBeInTheDocument();
    expect(operationsNamed(server, "Evaluations")[0]?.variables).toMatchObject({ filter: { modelVersionId: "version-1" } });
    await waitFor(() =>
      expect(operationsNamed(server, "EvaluationRowUpdated").map((operation) => operation.variables)).toEqual([
        { id: "evaluation-2" },
      ]),
    );

    act(() => server.push("EvaluationRowUpdated", { evaluationUpdated: { evaluation: row("evaluation-2", "COMPLETED") } }));

    await waitFor(() => expect(screen.queryByText("Pending")).not.toBeInTheDocument());
    expect(screen.getAllByText("Completed")).toHaveLength(2);
  });

  it("compares selected evaluations", async () => {
    const server = mockServer(answer(null));
    renderList(server);
    await screen.findByText("Pending");
    const [pending, completed] = screen.getAllByRole("checkbox", { name: /^Select the evaluation/ });
    expect(pending).toBeDisabled();
    fireEvent.click(completed as HTMLElement);
    expect(screen.getByRole("button", { name: "Compare 1 selected" })).toBeDisabled();

    await waitFor(() => expect(operationsNamed(server, "EvaluationRowUpdated")).toHaveLength(1));
    act(() => server.push("EvaluationRowUpdated", { evaluationUpdated: { evaluation: row("evaluation-2", "COMPLETED") } }));
    await waitFor(() => expect(pending).toBeEnabled());
    fireEvent.click(pending as HTMLElement);
    fireEvent.click(screen.getByRole("button", { name: "Compare 2 selected" }));

    expect(screen.getByTestId("location")).toHaveTextContent(
      `/teams/${TEST_TEAM.id}/evaluations/compare?ids=evaluation-1,evaluation-2`,
    );
  });

  it("slice error shown on its row", async () => {
    const rejected: Answer = {
      errors: [
        {
          message: "slices[0].bins 40 is invalid: it must be a whole number from 2 to 20.",
          extensions: { code: "BAD_USER_INPUT", field: "slices[0].bins", value: "40" },
        },
      ],
    };
    const server = mockServer(answer(rejected));
    renderList(server);
    fireEvent.click(await screen.findByRole("button", { name: "Evaluate" }));
    await choose("Dataset", "breast-cancer");
    await choose("Dataset version", "Version 2 (569 rows; Train, Validation, Test)");
    fireEvent.click(screen.getByRole("button", { name: "Add a slice" }));
    await choose("Kind", "Quantiles");
    await choose("Column", "mean area");

    fireEvent.click(screen.getByRole("button", { name: "Start evaluation" }));

    const message = await screen.findByText(/slices\[0\]\.bins 40 is invalid/);
    const slice = screen.getByRole("group", { name: "Slice 1" });
    expect(within(slice).getByText(/slices\[0\]\.bins 40 is invalid/)).toBe(message);
    expect(message.closest(".ant-form-item")?.querySelector("label")).toHaveTextContent("Bins");
    expect(operationsNamed(server, "EvaluateModelVersion")[0]?.variables).toEqual({
      input: {
        versionId: "version-1",
        datasetVersionId: "dataset-version-2",
        split: "test",
        label: null,
        task: null,
        slices: [{ kind: "quantiles", feature: "mean area", bins: 4 }],
      },
    });
  });

  it("maps slice error paths", () => {
    expect(evaluationFieldOf("slices[3].filter")).toBe("slice:3:filter");
    expect(evaluationFieldOf("slices[1]")).toBe("slice:1:kind");
    expect(evaluationFieldOf("datasetVersionId")).toBe("datasetVersion");
    expect(evaluationFieldOf("other")).toBeNull();
  });
});

describe("EvaluationsPage", () => {
  const PATTERN = "/teams/:teamId/evaluations";

  /** Builds a list row: the evaluation without the report's fields. */
  function row(id: string, status: string, createdAt: string) {
    const {
      id: rowId,
      teamId,
      modelId,
      modelVersionId,
      modelVersionNumber,
      datasetId,
      datasetVersionId,
      split,
      label,
      task,
    } = binaryEvaluation({ id });
    return {
      id: rowId,
      teamId,
      modelId,
      modelVersionId,
      modelVersionNumber,
      datasetId,
      datasetVersionId,
      split,
      label,
      task,
      status,
      rows: null,
      failureReason: null,
      createdBy: "user-1",
      createdAt,
      updatedAt: createdAt,
      summary: [],
    };
  }

  function answer(name: string, variables: Record<string, unknown>): Answer {
    switch (name) {
      case "TeamCatalog":
        return { data: CATALOG };
      case "Evaluations": {
        const statuses = (variables.filter as { status?: string[] | null }).status;
        const rows = [row("evaluation-1", "PENDING", "2026-11-01T10:00:00Z")];
        return {
          data: {
            evaluations: {
              nodes: rows.filter((listed) => !statuses || statuses.includes(listed.status)),
              pageInfo: { hasNextPage: false, endCursor: null },
            },
          },
        };
      }
      case "EvaluationRow": {
        // evaluation-3 finished before the page read it; evaluation-4 is still pending.
        const id = String(variables.id);
        const status = id === "evaluation-3" ? "COMPLETED" : "PENDING";
        return { data: { evaluation: row(id, status, id === "evaluation-3" ? "2026-11-02T10:00:00Z" : "2026-11-03T10:00:00Z") } };
      }
      default:
        return null;
    }
  }

  function listedIds(): string[] {
    return Array.from(
      document.querySelectorAll("tbody tr[data-row-key]"),
      (tableRow) => tableRow.getAttribute("data-row-key") ?? "",
    );
  }

  it("requested evaluation goes on top", async () => {
    const server = mockServer(answer);
    renderTeamPage(server, PATTERN, <EvaluationsPage />, `/teams/${TEST_TEAM.id}/evaluations?status=PENDING`);
    expect(await screen.findByText("Pending")).toBeInTheDocument();
    await waitFor(() => expect(operationsNamed(server, "SubjectEvents")).toHaveLength(1));
    expect(operationsNamed(server, "SubjectEvents")[0]?.variables).toEqual({
      filter: { teamId: TEST_TEAM.id, subjectType: "Evaluation" },
    });

    for (const [position, subjectId] of [
      [40, "evaluation-3"],
      [41, "evaluation-4"],
    ] as const) {
      act(() =>
        server.push("SubjectEvents", {
          events: { position, action: "Evaluation.Requested", subjectType: "Evaluation", subjectId },
        }),
      );
    }

    await waitFor(() => expect(listedIds()).toEqual(["evaluation-4", "evaluation-1"]));
    expect(document.querySelector('tr[data-row-key="evaluation-4"]')).toHaveClass("new-row");
    expect(screen.getByText("1 new row was added to the list.")).toBeInTheDocument();
    await waitFor(() =>
      expect(operationsNamed(server, "EvaluationRowUpdated").map((operation) => operation.variables)).toEqual([
        { id: "evaluation-1" },
        { id: "evaluation-4" },
      ]),
    );
  });

  function recorded(server: MockServer, action: string, subjectId: string, position: number) {
    act(() => server.push("SubjectEvents", { events: { position, action, subjectType: "Evaluation", subjectId } }));
  }

  it("evaluations go in by creation time", async () => {
    const server = mockServer(answer);
    renderTeamPage(server, PATTERN, <EvaluationsPage />, `/teams/${TEST_TEAM.id}/evaluations`);
    expect(await screen.findByText("Pending")).toBeInTheDocument();
    await waitFor(() => expect(operationsNamed(server, "SubjectEvents")).toHaveLength(1));

    // evaluation-4 (requested on 3 November) is announced before evaluation-3 (2 November).
    recorded(server, "Evaluation.Requested", "evaluation-4", 40);
    await waitFor(() => expect(listedIds()).toEqual(["evaluation-4", "evaluation-1"]));
    recorded(server, "Evaluation.Requested", "evaluation-3", 41);

    await waitFor(() => expect(listedIds()).toEqual(["evaluation-4", "evaluation-3", "evaluation-1"]));
  });

  it("completed evaluation leaves the pending filter", async () => {
    const server = mockServer(answer);
    renderTeamPage(server, PATTERN, <EvaluationsPage />, `/teams/${TEST_TEAM.id}/evaluations?status=PENDING`);
    expect(await screen.findByText("Pending")).toBeInTheDocument();
    await waitFor(() => expect(operationsNamed(server, "EvaluationRowUpdated")).toHaveLength(1));

    act(() =>
      server.push("EvaluationRowUpdated", {
        evaluationUpdated: { evaluation: row("evaluation-1", "COMPLETED", "2026-11-01T10:00:00Z") },
      }),
    );

    await waitFor(() => expect(listedIds()).toEqual([]));
    expect(screen.getByText("No evaluations yet.")).toBeInTheDocument();
  });

  it("completed evaluation joins the completed filter", async () => {
    const server = mockServer(answer);
    renderTeamPage(server, PATTERN, <EvaluationsPage />, `/teams/${TEST_TEAM.id}/evaluations?status=COMPLETED`);
    expect(await screen.findByText("No evaluations yet.")).toBeInTheDocument();
    await waitFor(() => expect(operationsNamed(server, "SubjectEvents")).toHaveLength(1));

    recorded(server, "Evaluation.Completed", "evaluation-3", 42);

    await waitFor(() => expect(listedIds()).toEqual(["evaluation-3"]));
    expect(document.querySelector('tr[data-row-key="evaluation-3"]')).toHaveClass("new-row");
  });
});
