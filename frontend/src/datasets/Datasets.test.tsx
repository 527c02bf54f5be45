import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import i18next from "i18next";
import { afterEach, describe, expect, it, vi } from "vitest";

import { mockServer } from "../test/mockClient";
import type { Answer, MockServer } from "../test/mockClient";
import { operationsNamed, renderSignedInTeamPage, TEST_TEAM } from "../test/renderSignedInTeamPage";
import { DatasetPage } from "./DatasetPage";
import { DatasetsPage, TYPING_DELAY_MS } from "./DatasetsPage";
import { DatasetVersionPage } from "./DatasetVersionPage";
import { newDraft, toOperations } from "./operations";
import { headerText, uploadFile } from "./uploadFile";

// ECharts measures text on a canvas, which jsdom lacks; the chart options are tested as data instead.
vi.mock("../common/EChart", () => ({
  EChart: ({ label }: { label: string }) => <div role="img" aria-label={label} />,
}));

const CREATED = "2026-12-05T10:00:00Z";
const NO_MORE = { hasNextPage: false, endCursor: null };

const COLUMNS = [
  { name: "age", type: "FLOAT", isLabel: false },
  { name: "sex", type: "INTEGER", isLabel: false },
  { name: "target", type: "STRING", isLabel: true },
];

function versionRow(overrides: Record<string, unknown> = {}) {
  return {
    id: "version-2",
    datasetId: "dataset-1",
    number: 2,
    source: "DERIVED",
    status: "READY",
    rows: 442,
    label: "target",
    size: 20_000,
    sha256: "ab".repeat(32),
    format: null,
    filename: null,
    parentId: "version-1",
    parentNumber: 1,
    duplicateOfId: null,
    failureReason: null,
    missingCells: 0,
    createdBy: "user-1",
    createdAt: CREATED,
    updatedAt: CREATED,
    downloadPath: "/v1/dataset-versions/version-2/data",
    profilingProgress: { rowsDone: 884, rowsTotal: 884 },
    columns: COLUMNS,
    splits: [
      { name: "train", rows: 310 },
      { name: "validation", rows: 66 },
      { name: "test", rows: 66 },
    ],
    operations: [{ op: "split", description: "random split train/validation/test 0.7/0.15/0.15 (seed 42)" }],
    ...overrides,
  };
}

const PROFILE = {
  rows: 442,
  columns: [
    {
      name: "age",
      type: "FLOAT",
      missing: 2,
      distinct: 58,
      distinctExact: true,
      min: 19,
      max: 79,
      mean: 48.5,
      std: 13.1,
      quantiles: [
        { q: 0, value: 19 },
        { q: 0.5, value: 50 },
        { q: 1, value: 79 },
      ],
      quantilesExact: true,
      histogram: { edges: [19, 49, 79], counts: [200, 242] },
      topValues: [],
      topValuesExact: true,
    },
    {
      name: "target",
      type: "STRING",
      missing: 0,
      distinct: 2,
      distinctExact: true,
      min: null,
      max: null,
      mean: null,
      std: null,
      quantiles: [],
      quantilesExact: true,
      histogram: null,
      topValues: [
        { value: "low", count: 300 },
        { value: "high", count: 142 },
      ],
      topValuesExact: true,
    },
  ],
  label: {
    column: "target",
    distribution: [
      { value: "low", count: 300 },
      { value: "high", count: 142 },
    ],
  },
  splits: [
    { name: "train", rows: 310, label: null },
    { name: "validation", rows: 66, label: null },
    { name: "test", rows: 66, label: null },
  ],
};

function versionDetail(overrides: Record<string, unknown> = {}) {
  return {
    ...versionRow(overrides),
    delimiter: null,
    dataset: { id: "dataset-1", name: "diabetes", archived: false },
    operations: [
      {
        op: "split",
        description: "random split train/validation/test 0.7/0.15/0.15 (seed 42)",
        parameters: { op: "split" },
        fitted: null,
      },
    ],
    profile: "status" in overrides && overrides.status !== "READY" ? null : PROFILE,
  };
}

interface RecordedOperation {
  op: string;
  description: string;
  parameters: Record<string, unknown>;
}

function lineageVersion(id: string, number: number, parentId: string | null, operations: (string | RecordedOperation)[]) {
  return {
    id,
    datasetId: "dataset-1",
    number,
    source: parentId ? "DERIVED" : "UPLOAD",
    status: "READY",
    rows: 442,
    parentId,
    createdAt: CREATED,
    dataset: { id: "dataset-1", name: "diabetes" },
    operations: operations.map((operation) =>
      typeof operation === "string" ? { op: "split", description: operation } : operation,
    ),
  };
}

/** Whether the version query returns a profiled version; a test changes it when profiling ends. */
interface VersionState {
  profiled: boolean;
}

function answerFor(state: VersionState = { profiled: true }) {
  return (name: string, variables: Record<string, unknown>): Answer => {
    switch (name) {
      case "Datasets": {
        const rows = [
          {
            id: "dataset-1",
            teamId: TEST_TEAM.id,
            name: "diabetes",
            description: "Diabetes progression",
            archived: false,
            versionCount: 2,
            ownerId: "user-1",
            createdAt: CREATED,
            updatedAt: CREATED,
            tags: [],
            latestVersion: { id: "version-2", number: 2, status: "PROFILING", rows: 442 },
          },
        ];
        const search = variables.nameContains as string | null;
        return { data: { datasets: { nodes: rows.filter((row) => !search || row.name.includes(search)), pageInfo: NO_MORE } } };
      }
      case "DatasetVersion":
        return { data: { datasetVersion: versionDetail(state.profiled ? {} : { status: "PROFILING" }) } };
      case "DatasetPreview": {
        const offset = Number(variables.offset);
        const limit = Number(variables.limit);
        const rows = Array.from({ length: limit }, (_, index) => [
          index === 0 ? 0.8105382483287281 : offset + index,
          index % 2,
          index % 2 === 0 ? "low" : null,
        ]);
        return {
          data: { datasetVersion: { id: "version-2", preview: { columns: COLUMNS, rows, offset, total: 442 } } },
        };
      }
      case "DatasetLineage":
        return {
          data: {
            datasetVersion: {
              ...lineageVersion("version-2", 2, "version-1", ["random split (seed 42)"]),
              lineage: {
                ancestors: [lineageVersion("version-1", 1, null, [])],
                children: [lineageVersion("version-3", 3, "version-2", ["standardize age"])],
              },
            },
          },
        };
      case "DeriveDatasetVersion":
        return {
          errors: [
            {
              message: "operations[0].by names column 'nope', which the dataset does not have at this step.",
              extensions: { code: "BAD_USER_INPUT", field: "operations[0].by", value: "nope" },
            },
          ],
        };
      default:
        return null;
    }
  };
}

function renderVersion(server: MockServer, query = "") {
  return renderSignedInTeamPage(
    server,
    "/teams/:teamId/datasets/:datasetId/versions/:versionId",
    `/teams/${TEST_TEAM.id}/datasets/dataset-1/versions/version-2${query}`,
    <DatasetVersionPage />,
  );
}

function buttonNamed(text: string): HTMLElement {
  return screen.getByText(text).closest("button") as HTMLElement;
}

/** Replaces XMLHttpRequest, so a test can act as the server of /v1/uploads. */
class FakeRequest {
  static last: FakeRequest | null = null;
  headers: Record<string, string> = {};
  url = "";
  withCredentials = false;
  status = 0;
  responseText = "";
  upload: { onprogress: ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null } = {
    onprogress: null,
  };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  body: unknown = null;

  constructor() {
    FakeRequest.last = this;
  }
  open(_method: string, url: string) {
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: unknown) {
    this.body = body;
  }
  abort() {
    this.onabort?.();
  }
}

describe("dataset list", () => {
  it("searches and follows datasetUpdated", async () => {
    const server = mockServer(answerFor());
    renderSignedInTeamPage(server, "/teams/:teamId/datasets", `/teams/${TEST_TEAM.id}/datasets`, <DatasetsPage />);
    expect(await screen.findByText("Profiling")).toBeInTheDocument();
    await waitFor(() => expect(operationsNamed(server, "DatasetUpdated").length).toBeGreaterThan(0));

    act(() =>
      server.push("DatasetUpdated", {
        datasetUpdated: {
          dataset: {
            ...(answerFor()("Datasets", {}) as { data: { datasets: { nodes: Record<string, unknown>[] } } }).data.datasets
              .nodes[0],
            latestVersion: { id: "version-2", number: 2, status: "READY", rows: 442 },
          },
          version: null,
          change: null,
        },
      }),
    );
    expect(await screen.findByText("Ready")).toBeInTheDocument();

    fireEvent.change(screen.getByLabelText("Name contains"), { target: { value: "nothing" } });
    expect(await screen.findByText("No datasets match this search.", {}, { timeout: TYPING_DELAY_MS * 10 })).toBeInTheDocument();
    expect(operationsNamed(server, "Datasets").at(-1)?.variables).toMatchObject({
      teamId: TEST_TEAM.id,
      nameContains: "nothing",
      archived: false,
    });
  });
});

describe("dataset list live", () => {
  function created(id: string, name: string) {
    return {
      id,
      teamId: TEST_TEAM.id,
      name,
      description: "",
      archived: false,
      versionCount: 0,
      ownerId: "user-1",
      createdAt: CREATED,
      updatedAt: CREATED,
      tags: [],
      latestVersion: null,
    };
  }

  const NEW_NAMES: Record<string, string> = { "dataset-2": "breast-cancer", "dataset-3": "Dia-clinical" };

  function answerWithNew(name: string, variables: Record<string, unknown>): Answer {
    if (name === "DatasetRow") {
      const id = String(variables.id);
      return { data: { dataset: created(id, NEW_NAMES[id] ?? id) } };
    }
    return answerFor()(name, variables);
  }

  function listedNames(): string[] {
    return screen
      .getAllByRole("link")
      .filter((link) => /\/datasets\/[^/]+$/.test(link.getAttribute("href") ?? ""))
      .map((link) => link.textContent ?? "");
  }

  function createdEvent(server: MockServer, subjectId: string, position: number) {
    act(() =>
      server.push("SubjectEvents", { events: { position, action: "Dataset.Created", subjectType: "Dataset", subjectId } }),
    );
  }

  it("created dataset goes in by name", async () => {
    const server = mockServer(answerWithNew);
    renderSignedInTeamPage(server, "/teams/:teamId/datasets", `/teams/${TEST_TEAM.id}/datasets?q=dia`, <DatasetsPage />);
    expect(await screen.findByText("diabetes")).toBeInTheDocument();
    await waitFor(() => expect(operationsNamed(server, "SubjectEvents")).toHaveLength(1));
    expect(operationsNamed(server, "SubjectEvents")[0]?.variables).toEqual({
      filter: { teamId: TEST_TEAM.id, subjectType: "Dataset" },
    });

    createdEvent(server, "dataset-2", 20);
    createdEvent(server, "dataset-3", 21);

    await waitFor(() => expect(listedNames()).toEqual(["Dia-clinical", "diabetes"]));
    expect(screen.getByText("Dia-clinical").closest("tr")).toHaveClass("new-row");
    expect(screen.getByText("diabetes").closest("tr")).not.toHaveClass("new-row");
    expect(screen.getByText("1 new row was added to the list.")).toBeInTheDocument();
    expect(operationsNamed(server, "DatasetRow").map((operation) => operation.variables)).toEqual([
      { id: "dataset-2" },
      { id: "dataset-3" },
    ]);
  });

  it("archived dataset leaves the active list", async () => {
    const server = mockServer(answerWithNew);
    renderSignedInTeamPage(server, "/teams/:teamId/datasets", `/teams/${TEST_TEAM.id}/datasets`, <DatasetsPage />);
    expect(await screen.findByText("diabetes")).toBeInTheDocument();
    await waitFor(() => expect(operationsNamed(server, "DatasetUpdated")).toHaveLength(1));
    const listed = (answerFor()("Datasets", {}) as { data: { datasets: { nodes: Record<string, unknown>[] } } }).data.datasets
      .nodes[0];

    act(() =>
      server.push("DatasetUpdated", { datasetUpdated: { dataset: { ...listed, archived: true }, version: null, change: null } }),
    );

    expect(await screen.findByText("No datasets match this search.")).toBeInTheDocument();
    expect(screen.queryByText("diabetes")).not.toBeInTheDocument();
  });

  it("restored dataset joins the active list", async () => {
    const server = mockServer(answerWithNew);
    renderSignedInTeamPage(server, "/teams/:teamId/datasets", `/teams/${TEST_TEAM.id}/datasets`, <DatasetsPage />);
    expect(await screen.findByText("diabetes")).toBeInTheDocument();
    await waitFor(() => expect(operationsNamed(server, "SubjectEvents")).toHaveLength(1));

    act(() =>
      server.push("SubjectEvents", {
        events: { position: 30, action: "Dataset.Restored", subjectType: "Dataset", subjectId: "dataset-2" },
      }),
    );

    await waitFor(() => expect(listedNames()).toEqual(["breast-cancer", "diabetes"]));
    expect(screen.getByText("breast-cancer").closest("tr")).toHaveClass("new-row");
  });
});

/** Responds to the dataset page's query with the first listed dataset and its version 2, and anything else as `base` does. */
type Respond = (name: string, variables: Record<string, unknown>) => Answer;

function datasetPageAnswer(base: Respond): Respond {
  return (name, variables) => {
    if (name === "Dataset") {
      const list = base("Datasets", {}) as { data: { datasets: { nodes: Record<string, unknown>[] } } };
      return { data: { dataset: { ...list.data.datasets.nodes[0], versions: { nodes: [versionRow()], pageInfo: NO_MORE } } } };
    }
    return base(name, variables);
  };
}

function renderDatasetPage(server: MockServer): void {
  renderSignedInTeamPage(
    server,
    "/teams/:teamId/datasets/:datasetId",
    `/teams/${TEST_TEAM.id}/datasets/dataset-1`,
    <DatasetPage />,
  );
}

describe("dataset page", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("file picker speaks the page's language", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));
    try {
      renderDatasetPage(mockServer(datasetPageAnswer(answerFor())));
      const choose = (await screen.findByText("选择文件…")).closest("button") as HTMLElement;
      expect(screen.getByText("未选择文件")).toBeInTheDocument();
      const input = screen.getByLabelText("文件（CSV、Parquet 或 JSON Lines）") as HTMLInputElement;
      const opened = vi.spyOn(input, "click").mockImplementation(() => undefined);

      fireEvent.click(choose);
      fireEvent.change(input, { target: { files: [new File(["a,b\n1,2\n"], "more.csv")] } });

      expect(opened).toHaveBeenCalledTimes(1);
      expect(screen.getByText("more.csv，8 B")).toBeInTheDocument();
      expect(screen.queryByText("未选择文件")).not.toBeInTheDocument();
    } finally {
      await act(() => i18next.changeLanguage("en"));
    }
  });

  it("version steps joined in Chinese", async () => {
    const operations = [
      { op: "dropDuplicates", description: "drop duplicate rows", parameters: { op: "dropDuplicates" } },
      { op: "standardize", description: "standardize age", parameters: { op: "standardize", columns: ["age"] } },
    ];
    const base = answerFor();
    const answer: Respond = (name, variables) => {
      if (name === "Dataset") {
        const list = base("Datasets", {}) as { data: { datasets: { nodes: Record<string, unknown>[] } } };
        const versions = { nodes: [versionRow({ operations })], pageInfo: NO_MORE };
        return { data: { dataset: { ...list.data.datasets.nodes[0], versions } } };
      }
      return base(name, variables);
    };
    await act(() => i18next.changeLanguage("zh-CN"));
    try {
      renderDatasetPage(mockServer(answer));
      // A full-width semicolon between the steps, not "; ".
      expect(await screen.findByText("删除重复行；标准化 age")).toBeInTheDocument();
    } finally {
      await act(() => i18next.changeLanguage("en"));
    }
  });

  it("uploads and follows the version", async () => {
    vi.stubGlobal("XMLHttpRequest", FakeRequest);
    const base = answerFor();
    const page = datasetPageAnswer(base);
    const server = mockServer((name, variables) => {
      if (name === "UploadDatasetVersion") {
        return {
          data: { uploadDatasetVersion: versionRow({ id: "version-3", number: 3, status: "PROFILING", source: "UPLOAD" }) },
        };
      }
      return page(name, variables);
    });
    renderDatasetPage(server);
    await screen.findByText("Version 2");

    const file = new File(["a,b\n1,2\n"], "more.csv");
    fireEvent.change(screen.getByLabelText("File (CSV, Parquet or JSON Lines)"), { target: { files: [file] } });
    fireEvent.change(screen.getByLabelText("Label column"), { target: { value: "b" } });
    fireEvent.click(buttonNamed("Upload"));
    const request = FakeRequest.last as FakeRequest;
    request.status = 201;
    request.responseText = JSON.stringify({ uploadId: "upload-1", sha256: "ff", size: 8 });
    act(() => request.onload?.());

    expect(await screen.findByText("Version 3 was created; it is being profiled.")).toBeInTheDocument();
    expect(operationsNamed(server, "UploadDatasetVersion")[0]?.variables).toEqual({
      input: {
        datasetId: "dataset-1",
        uploadId: "upload-1",
        format: null,
        delimiter: null,
        label: "b",
        allowDuplicate: false,
        columnTypes: [],
      },
    });

    act(() =>
      server.push("DatasetUpdated", {
        datasetUpdated: {
          dataset: (base("Datasets", {}) as { data: { datasets: { nodes: Record<string, unknown>[] } } }).data.datasets.nodes[0],
          version: versionRow({ id: "version-3", number: 3, status: "READY", source: "UPLOAD", filename: "more.csv" }),
          change: { position: 12, action: "DatasetVersion.Profiled", summary: "", occurredAt: CREATED },
        },
      }),
    );
    const row = (await screen.findByText("Upload of more.csv")).closest("tr") as HTMLElement;
    expect(within(row).getByText("Ready")).toBeInTheDocument();
  });
});

describe("dataset version", () => {
  it("profile shows columns and charts", async () => {
    const server = mockServer(answerFor());
    renderVersion(server);

    expect(await screen.findByText("Label: target")).toBeInTheDocument();
    expect(screen.getByRole("img", { name: "Distribution of the label target" })).toBeInTheDocument();
    expect(screen.getByText("Train: 310 (70.1%)")).toBeInTheDocument();
    const ageRow = screen.getByText("age", { selector: "td" }).closest("tr") as HTMLElement;
    expect(within(ageRow).getByText("2 (0.5%)")).toBeInTheDocument();
    expect(within(ageRow).getByText("48.5")).toBeInTheDocument();

    fireEvent.click(within(ageRow).getByRole("button"));
    expect(await screen.findByRole("img", { name: "Histogram of age" })).toBeInTheDocument();
    expect(screen.getByRole("table", { name: "Quantiles of age" })).toBeInTheDocument();
  });

  it("continuous label drawn as histogram", async () => {
    const distribution = Array.from({ length: 214 }, (_, index) => ({ value: 25 + index * 1.5, count: 2 }));
    const profile = { ...PROFILE, label: { column: "age", distribution } };
    const server = mockServer((name, variables) => {
      const answered = answerFor()(name, variables);
      if (name !== "DatasetVersion" || answered === null || !("data" in answered)) {
        return answered;
      }
      const data = answered.data as { datasetVersion: Record<string, unknown> };
      return { data: { ...data, datasetVersion: { ...data.datasetVersion, profile } } };
    });
    renderVersion(server);

    expect(await screen.findByText("Label: age")).toBeInTheDocument();
    expect(screen.getByRole("img", { name: "Histogram of the label age" })).toBeInTheDocument();
    expect(screen.queryByText(/most frequent of 214 values/)).not.toBeInTheDocument();
  });

  it("profile splits use Chinese punctuation", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));
    try {
      renderVersion(mockServer(answerFor()));

      expect(await screen.findByText("训练集：310（70.1%）")).toBeInTheDocument();
    } finally {
      await act(() => i18next.changeLanguage("en"));
    }
  });

  it("profiling end shows live", async () => {
    const state = { profiled: false };
    const server = mockServer(answerFor(state));
    renderVersion(server);
    expect(await screen.findByText("The profile appears here when profiling ends.")).toBeInTheDocument();
    await waitFor(() => expect(operationsNamed(server, "DatasetUpdated").length).toBeGreaterThan(0));

    act(() =>
      server.push("DatasetUpdated", {
        datasetUpdated: {
          dataset: { id: "dataset-1" },
          version: versionRow({ status: "PROFILING", profilingProgress: { rowsDone: 442, rowsTotal: 884 } }),
          change: { position: 10, action: "DatasetVersion.ProfilingProgressed", summary: "", occurredAt: CREATED },
        },
      }),
    );
    expect(await screen.findByText("Profiled 442 of 884 row passes")).toBeInTheDocument();
    const readsBefore = operationsNamed(server, "DatasetVersion").length;

    state.profiled = true;
    act(() =>
      server.push("DatasetUpdated", {
        datasetUpdated: {
          dataset: { id: "dataset-1" },
          version: versionRow(),
          change: { position: 11, action: "DatasetVersion.Profiled", summary: "", occurredAt: CREATED },
        },
      }),
    );
    expect(await screen.findByText("Label: target")).toBeInTheDocument();
    expect(operationsNamed(server, "DatasetVersion").length).toBeGreaterThan(readsBefore);
    expect(screen.queryByText("Profiled 442 of 884 row passes")).not.toBeInTheDocument();
  });

  it("preview pages with offset", async () => {
    const server = mockServer(answerFor());
    renderVersion(server, "?tab=preview");
    expect(await screen.findByText("Rows 1 to 25 of 442")).toBeInTheDocument();
    expect(screen.getAllByText("missing").length).toBeGreaterThan(0);
    expect(screen.getByText("0.811")).toHaveAttribute("title", "0.8105382483287281");
    expect(screen.queryByText("0.8105382483287281")).not.toBeInTheDocument();

    fireEvent.click(screen.getByTitle("2"));

    expect(await screen.findByText("Rows 26 to 50 of 442")).toBeInTheDocument();
    expect(operationsNamed(server, "DatasetPreview").at(-1)?.variables).toEqual({
      id: "version-2",
      offset: 25,
      limit: 25,
      columns: null,
    });
  });

  it("lineage lists derivations", async () => {
    const server = mockServer(answerFor());
    renderVersion(server, "?tab=lineage");

    const table = (await screen.findByText("Derivations")).nextElementSibling as HTMLElement;
    await waitFor(() => expect(within(table).getByText("standardize age")).toBeInTheDocument());
    expect(within(table).getByText("random split (seed 42)")).toBeInTheDocument();
    // React Flow keeps nodes hidden until it has measured them, which jsdom cannot, so they are found by text.
    const child = await screen.findByText("diabetes · v3", { selector: "a" }, { timeout: 4000 });
    expect(child).toHaveAttribute("href", `/teams/${TEST_TEAM.id}/datasets/dataset-1/versions/version-3`);
    expect(screen.getByText("diabetes · v2", { selector: ".lineage-node strong" })).toBeInTheDocument();
  });

  it("lineage describes operations in Chinese", async () => {
    const split = {
      op: "split",
      description: "stratified split train/test 0.8/0.2 by target (seed 7)",
      parameters: { op: "split", strategy: "stratified", ratios: { train: 0.8, test: 0.2 }, seed: 7, by: "target" },
    };
    const standardize = {
      op: "standardize",
      description: "standardize age",
      parameters: { op: "standardize", columns: ["age"] },
    };
    const answer = answerFor();
    const server = mockServer((name, variables) =>
      name === "DatasetLineage"
        ? {
            data: {
              datasetVersion: {
                ...lineageVersion("version-2", 2, "version-1", [split]),
                lineage: {
                  ancestors: [lineageVersion("version-1", 1, null, [])],
                  children: [lineageVersion("version-3", 3, "version-2", [standardize])],
                },
              },
            },
          }
        : answer(name, variables),
    );
    await act(() => i18next.changeLanguage("zh-CN"));
    try {
      renderVersion(server, "?tab=lineage");

      const table = (await screen.findByText("派生关系")).nextElementSibling as HTMLElement;
      await waitFor(() => expect(within(table).getByText("标准化 age")).toBeInTheDocument());
      expect(within(table).getByText("按 target 分层划分：训练集占 0.8、测试集占 0.2（种子 7）")).toBeInTheDocument();
      expect(within(table).queryByText(/standardize age|stratified split/)).not.toBeInTheDocument();
    } finally {
      await act(() => i18next.changeLanguage("en"));
    }
  });

  it("lineage graph controls in Chinese", async () => {
    const server = mockServer(answerFor());
    await act(() => i18next.changeLanguage("zh-CN"));
    try {
      renderVersion(server, "?tab=lineage");

      expect(await screen.findByRole("button", { name: "放大" }, { timeout: 4000 })).toBeInTheDocument();
      expect(screen.getByRole("button", { name: "缩小" })).toBeInTheDocument();
      expect(screen.getByRole("button", { name: "使图适应视图" })).toBeInTheDocument();
      expect(screen.getAllByText("按 Tab 键在版本和派生关系之间移动；版本的链接可打开该版本。").length).toBeGreaterThan(0);
      expect(screen.queryByText(/Press enter|Zoom In/i)).not.toBeInTheDocument();
    } finally {
      await act(() => i18next.changeLanguage("en"));
    }
  });

  it("derive marks the failing operation", async () => {
    const server = mockServer(answerFor());
    renderVersion(server, "?tab=derive");
    await screen.findByText("1. Split");

    fireEvent.click(buttonNamed("Derive version"));

    expect(
      await screen.findByText("operations[0].by names column 'nope', which the dataset does not have at this step."),
    ).toBeInTheDocument();
    expect(screen.getByText("1. Split").closest(".operation-card")).toHaveClass("failed");
    expect(operationsNamed(server, "DeriveDatasetVersion")[0]?.variables).toEqual({
      input: {
        parentId: "version-2",
        allowDuplicate: false,
        operations: [
          { op: "split", strategy: "stratified", ratios: { train: 0.7, validation: 0.15, test: 0.15 }, seed: 42, by: null },
        ],
      },
    });
  });

  it("derive blocks ratios off one", async () => {
    const server = mockServer(answerFor());
    renderVersion(server, "?tab=derive");
    await screen.findByText("1. Split");

    fireEvent.change(screen.getByLabelText("Test"), { target: { value: "0.3" } });

    expect(await screen.findByText("The shares must add up to 1.")).toBeInTheDocument();
    expect(buttonNamed("Derive version")).toBeDisabled();
  });
});

describe("operations", () => {
  it("build what the server accepts", () => {
    const columns = [
      { name: "sepal length", type: "FLOAT" as const },
      { name: "sepal width", type: "FLOAT" as const },
      { name: "petal width", type: "FLOAT" as const },
      { name: "target", type: "STRING" as const },
    ];
    const fill = { ...newDraft("fillMissing"), columns: ["sepal width"], fillStrategy: "constant" as const, fillValue: "3" };
    const rename = { ...newDraft("renameColumns"), renames: [{ from: "sepal length", to: "sl" }] };
    const scale = { ...newDraft("standardize"), columns: ["sl"] };
    const split = {
      ...newDraft("split"),
      ratios: { train: 0.8, validation: 0, test: 0.2 },
      splitStrategy: "random" as const,
      seed: 1,
    };
    const drop = { ...newDraft("dropColumns"), columns: ["split"] };

    // The same shapes were accepted by deriveDatasetVersion on a server with the demo data.
    expect(toOperations(columns, [newDraft("dropMissing"), fill, rename, scale, split, drop])).toEqual([
      { op: "dropMissing", columns: null },
      { op: "fillMissing", columns: ["sepal width"], strategy: "constant", value: 3 },
      { op: "renameColumns", mapping: { "sepal length": "sl" } },
      { op: "standardize", columns: ["sl"] },
      { op: "split", strategy: "random", ratios: { train: 0.8, test: 0.2 }, seed: 1, by: null },
      { op: "dropColumns", columns: ["split"] },
    ]);
  });
});

describe("upload", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("streams file with session headers", async () => {
    vi.stubGlobal("XMLHttpRequest", FakeRequest);
    const progress: number[] = [];
    const file = new File(["a,b\n1,2\n"], "données.csv");

    const handle = uploadFile(file, "team-1", "csrf-1", (sent) => progress.push(sent));
    const request = FakeRequest.last as FakeRequest;
    request.upload.onprogress?.({ loaded: 4, total: 8, lengthComputable: true });
    request.status = 201;
    request.responseText = JSON.stringify({ uploadId: "upload-1", sha256: "ff", size: 8 });
    request.onload?.();

    await expect(handle.done).resolves.toEqual({ uploadId: "upload-1", sha256: "ff", size: 8 });
    expect(request.url).toBe("/v1/uploads?team=team-1");
    expect(request.headers["X-CSRF-Token"]).toBe("csrf-1");
    expect(request.headers["X-Filename"]).toBe(headerText("données.csv"));
    expect(request.body).toBe(file);
    expect(progress).toEqual([4]);
  });

  it("rejects with the server error", async () => {
    vi.stubGlobal("XMLHttpRequest", FakeRequest);
    const handle = uploadFile(new File(["x"], "x.csv"), "team-1", null, () => undefined);
    const request = FakeRequest.last as FakeRequest;
    request.status = 413;
    request.responseText = JSON.stringify({
      error: { message: "The upload is larger than 10 bytes.", code: "PAYLOAD_TOO_LARGE", field: "body", value: 11 },
    });
    request.onload?.();

    const error = await handle.done.catch((failure: unknown) => failure);
    expect(error).toMatchObject({ graphQLErrors: [{ message: "The upload is larger than 10 bytes." }] });
    expect((error as { graphQLErrors: { extensions: unknown }[] }).graphQLErrors[0]?.extensions).toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      field: "body",
    });
  });
});
