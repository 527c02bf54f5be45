import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import { chartSeries } from "../charts/testing";
import { mockServer } from "../test/mockClient";
import type { Answer } from "../test/mockClient";
import { operationsNamed, renderTeamPage, TEST_TEAM } from "../test/renderTeamPage";
import { VersionPage } from "./VersionPage";

vi.mock("../charts/EChart", async () => (await import("../charts/testing")).echartModule);

// React Flow reads DOMMatrixReadOnly for the viewport transform, which jsdom lacks.
class DOMMatrixStub {
  m22: number;
  constructor(transform?: string) {
    const scale = /scale\(([\d.]+)\)/.exec(transform ?? "");
    this.m22 = scale ? Number(scale[1]) : 1;
  }
}
Object.defineProperty(window, "DOMMatrixReadOnly", { writable: true, value: DOMMatrixStub });

const MODEL_ID = "model-1";
const PATTERN = "/teams/:teamId/models/:modelId/versions/:versionId";

const LAYERS = [
  { name: "features", className: "InputLayer", outputShape: [null, 30], parameters: 0, trainable: false, trainableParameters: 0 },
  {
    name: "normalization",
    className: "Normalization",
    outputShape: [null, 30],
    parameters: 61,
    trainable: false,
    trainableParameters: 0,
  },
  { name: "dense_1", className: "Dense", outputShape: [null, 32], parameters: 992, trainable: true, trainableParameters: 992 },
  // A layer of a model inspected before the server counted trainable parameters per layer.
  { name: "output", className: "Dense", outputShape: [null, 1], parameters: 33, trainable: false, trainableParameters: null },
];

const EDGES = [
  { source: "features", target: "normalization" },
  { source: "normalization", target: "dense_1" },
  { source: "dense_1", target: "output" },
];

const SIGNATURE = {
  inputs: [{ name: "features", shape: [null, 30], dtype: "float32" }],
  outputs: [{ name: "output", shape: [null, 1], dtype: "float32" }],
};

function weight(name: string, shift: number) {
  return {
    name,
    shape: [30, 32],
    count: 960,
    nanCount: 0,
    infCount: 0,
    mean: shift,
    std: 0.2,
    min: -0.5 + shift,
    max: 0.5 + shift,
    histogram: { edges: [-0.5 + shift, shift, 0.5 + shift], counts: [400, 560] },
  };
}

function version(id: string, number: number, format: string, layers: typeof LAYERS) {
  return {
    id,
    modelId: MODEL_ID,
    number,
    format,
    status: "ready",
    statusReason: null,
    failureReason: null,
    filename: format === "keras" ? "model.keras" : "model.zip",
    createdAt: "2026-11-01T10:00:00Z",
    lineage: number === 2 ? [{ key: "trainingRun", value: "run-7" }] : [],
    signature: SIGNATURE,
    inspection: {
      modelClass: format === "keras" ? "Functional" : "_UserObject",
      trainableParameters: 1025,
      nonTrainableParameters: 61,
      layers,
      edges: layers.length > 0 ? EDGES : [],
    },
  };
}

const VERSIONS = {
  "version-1": version("version-1", 1, "keras", LAYERS),
  "version-2": version("version-2", 2, "keras", LAYERS),
  "version-3": version("version-3", 3, "savedmodel", []),
};

function answer(name: string, variables: Record<string, unknown>): Answer {
  const id = String(variables.versionId ?? variables.id);
  const found = VERSIONS[id as keyof typeof VERSIONS];
  switch (name) {
    case "VersionInside":
      return {
        data: {
          model: {
            id: MODEL_ID,
            name: "breast-cancer",
            versions: {
              nodes: Object.values(VERSIONS).map(({ id: versionId, number, status, format }) => ({
                id: versionId,
                number,
                status,
                format,
              })),
            },
          },
          modelVersion: found,
        },
      };
    case "VersionWeights":
      return {
        data: {
          modelVersion: {
            id,
            number: found.number,
            inspection: {
              layers: LAYERS.map((layer) => ({ name: layer.name })),
              weights: [weight("dense_1/kernel", found.number / 10), weight("dense_1/bias", 0), weight("output/kernel", 0)],
            },
          },
        },
      };
    default:
      return null;
  }
}

function path(versionId: string, query = "") {
  return `/teams/${TEST_TEAM.id}/models/${MODEL_ID}/versions/${versionId}${query}`;
}

describe("VersionPage", () => {
  it("layer click shows its details", async () => {
    renderTeamPage(mockServer(answer), PATTERN, <VersionPage />, path("version-2"));

    const graph = await screen.findByRole("region", { name: "Layer graph" });
    const node = await within(graph).findByText("dense_1");
    act(() => fireEvent.click(node));

    const details = screen.getByRole("complementary", { name: "Layer details" });
    await waitFor(() => expect(within(details).getByText("Dense")).toBeInTheDocument());
    expect(within(details).getByText("(None, 32)")).toBeInTheDocument();
    // Parameters and trainable parameters: every parameter of a Dense layer is trainable.
    expect(within(details).getAllByText("992")).toHaveLength(2);
    expect(within(details).getByText("normalization")).toBeInTheDocument();
    expect(within(details).getByText("output")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Training run" })).toHaveAttribute("href", `/teams/${TEST_TEAM.id}/training/run-7`);
  });

  it("normalization layer shows no trainable parameters", async () => {
    renderTeamPage(mockServer(answer), PATTERN, <VersionPage />, path("version-2"));
    await screen.findByRole("region", { name: "Layer graph" });

    fireEvent.click(screen.getByRole("button", { name: "normalization" }));

    const details = screen.getByRole("complementary", { name: "Layer details" });
    const valueOf = (label: string) => within(details).getByText(label).closest("tr")?.querySelector("td")?.textContent;
    expect(valueOf("Parameters")).toBe("61");
    expect(valueOf("Trainable parameters")).toBe("0");
    expect(valueOf("Trainable")).toBe("No");
  });

  it("trained-by link names the run", async () => {
    const withRuns = (name: string, variables: Record<string, unknown>): Answer =>
      name === "ModelRunNames"
        ? {
            data: {
              trainingRuns: {
                nodes: [{ id: "run-7", name: "nightly-retrain" }],
                pageInfo: { hasNextPage: false, endCursor: null },
              },
            },
          }
        : answer(name, variables);
    renderTeamPage(mockServer(withRuns), PATTERN, <VersionPage />, path("version-2"));

    const link = await screen.findByRole("link", { name: "Trained by nightly-retrain" });

    expect(link).toHaveAttribute("href", `/teams/${TEST_TEAM.id}/training/run-7`);
  });

  it("run on a later page is found", async () => {
    const paged = (name: string, variables: Record<string, unknown>): Answer => {
      if (name !== "ModelRunNames") {
        return answer(name, variables);
      }
      const first = variables.after === null;
      return {
        data: {
          trainingRuns: {
            nodes: [first ? { id: "run-9", name: "newer-run" } : { id: "run-7", name: "nightly-retrain" }],
            pageInfo: { hasNextPage: first, endCursor: first ? "cursor-1" : null },
          },
        },
      };
    };
    const server = mockServer(paged);
    renderTeamPage(server, PATTERN, <VersionPage />, path("version-2"));

    expect(await screen.findByRole("link", { name: "Trained by nightly-retrain" })).toBeInTheDocument();
    expect(operationsNamed(server, "ModelRunNames").map((operation) => operation.variables?.after)).toEqual([null, "cursor-1"]);
  });

  it("layer table selects a layer", async () => {
    renderTeamPage(mockServer(answer), PATTERN, <VersionPage />, path("version-1"));
    await screen.findByRole("region", { name: "Layer graph" });

    fireEvent.click(screen.getByRole("button", { name: "output" }));

    const details = screen.getByRole("complementary", { name: "Layer details" });
    expect(within(details).getByText("(None, 1)")).toBeInTheDocument();
    expect(within(details).getByText("No")).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Training run" })).not.toBeInTheDocument();
  });

  it("SavedModel shows its signature", async () => {
    renderTeamPage(mockServer(answer), PATTERN, <VersionPage />, path("version-3"));

    expect(await screen.findByText("A SavedModel has no layer graph.")).toBeInTheDocument();
    expect(screen.queryByRole("region", { name: "Layer graph" })).not.toBeInTheDocument();
    expect(screen.getByText("Inputs")).toBeInTheDocument();
    expect(screen.getAllByText("float32")).toHaveLength(2);
    expect(screen.getAllByText("(None, 30)").length).toBeGreaterThan(0);
  });

  it("ready version links to deploy", async () => {
    renderTeamPage(mockServer(answer), PATTERN, <VersionPage />, path("version-2"));

    fireEvent.click(await screen.findByRole("button", { name: "Deploy" }));

    expect(screen.getByTestId("location")).toHaveTextContent(
      `/teams/${TEST_TEAM.id}/deployments/new?model=${MODEL_ID}&version=2`,
    );
  });

  it("pending version has no deploy", async () => {
    const pending = { ...VERSIONS["version-1"], status: "pending" };
    const server = mockServer((name, variables) =>
      name === "VersionInside" && variables.versionId === "version-1"
        ? { data: { ...(answer(name, variables) as { data: object }).data, modelVersion: pending } }
        : answer(name, variables),
    );
    renderTeamPage(server, PATTERN, <VersionPage />, path("version-1"));

    expect(await screen.findByText("Pending inspection")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Deploy" })).not.toBeInTheDocument();
  });

  it("weights tab keeps selected layer", async () => {
    renderTeamPage(mockServer(answer), PATTERN, <VersionPage />, path("version-1"));
    await screen.findByRole("region", { name: "Layer graph" });
    fireEvent.click(screen.getByRole("button", { name: "output" }));

    fireEvent.click(screen.getByRole("tab", { name: "Weights" }));

    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent("tab=weights&layer=output"));
    const layerSelect = (await screen.findByLabelText("Layer")).closest(".ant-select") as HTMLElement;
    await waitFor(() => expect(within(layerSelect).getByTitle("output")).toBeInTheDocument());
  });

  it("weights compare two versions", async () => {
    const server = mockServer(answer);
    renderTeamPage(server, PATTERN, <VersionPage />, path("version-2", "?tab=weights"));

    await waitFor(() => expect(chartSeries("Histogram of the values of dense_1/kernel")).toHaveLength(1));
    expect(chartSeries("Histogram of the values of dense_1/kernel")[0]?.name).toBe("Version 2");

    fireEvent.mouseDown(screen.getByLabelText("Compare with"));
    fireEvent.click(await screen.findByTitle("Version 1"));

    await waitFor(() => expect(chartSeries("Histogram of the values of dense_1/kernel")).toHaveLength(2));
    const [own, other] = chartSeries("Histogram of the values of dense_1/kernel");
    expect(own?.name).toBe("Version 2");
    expect(other?.name).toBe("Version 1");
    expect(other?.data).toEqual([
      [-0.4, 400],
      [0.1, 560],
      [0.6, 560],
    ]);
    expect(operationsNamed(server, "VersionWeights").map((operation) => operation.variables)).toContainEqual({ id: "version-1" });
  });
});
