import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { Client } from "urql";
import type { Exchange, OperationResult } from "urql";
import { describe, expect, it } from "vitest";
import { fromValue, makeSubject, map, mergeMap, pipe, take } from "wonka";

import { mockServer } from "../test/mockClient";
import type { Answer } from "../test/mockClient";
import { operationsNamed, renderTeamPage, TEST_TEAM } from "../test/renderTeamPage";
import { NewDeploymentPage, suggestDeploymentName } from "./NewDeploymentPage";
import { shareOfPercent } from "./SettingsFields";

const PATTERN = "/teams/:teamId/deployments/new";
const MODELS = [
  { id: "model-1", name: "Breast_Cancer Classifier" },
  { id: "model-2", name: "churn" },
];

function config() {
  return {
    traffic: [{ version: 2, versionId: "version-2", percent: 100 }],
    scaling: { minReplicas: 1, maxReplicas: 1, targetOngoingRequests: 2 },
    cpusPerReplica: 0.25,
    batching: { maxBatchSize: 16, batchWaitMs: 5 },
    requestLogSample: 0.1,
    languages: [],
  };
}

function created(name: string) {
  return {
    id: "deployment-9",
    teamId: TEST_TEAM.id,
    modelId: "model-1",
    name,
    status: "DEPLOYING",
    revision: 1,
    activeRevision: null,
    replicas: null,
    healthReason: null,
    createdBy: "user-1",
    createdAt: "2026-12-05T10:00:00Z",
    updatedAt: "2026-12-05T10:00:00Z",
    endpoint: `/v1/models/${name}:predict`,
    config: config(),
    activeConfig: null,
  };
}

function answer(name: string, variables: Record<string, unknown>): Answer {
  switch (name) {
    case "DeployModelChoices":
      return { data: { models: { nodes: MODELS } } };
    case "DeployModelVersions":
      return {
        data: {
          model: {
            id: variables.id,
            name: MODELS.find((model) => model.id === variables.id)?.name ?? "unknown",
            aliases: variables.id === "model-1" ? [{ alias: "production", versionNumber: 2 }] : [],
            versions: {
              nodes: [
                { id: "version-1", number: 1, status: "ready" },
                { id: "version-2", number: 2, status: "ready" },
                { id: "version-3", number: 3, status: "pending" },
              ],
            },
          },
        },
      };
    case "CreateDeployment": {
      const input = variables.input as { name: string };
      return { data: { createDeployment: created(input.name) } };
    }
    default:
      return null;
  }
}

function renderForm(server: ReturnType<typeof mockServer>, query = "", team = TEST_TEAM) {
  return renderTeamPage(server, PATTERN, <NewDeploymentPage />, `/teams/${TEST_TEAM.id}/deployments/new${query}`, team);
}

function buttonNamed(text: string): HTMLElement {
  return screen.getByText(text).closest("button") as HTMLElement;
}

/** Returns the form item (label, control and help) around the control with this label. */
function formItemOf(label: string): HTMLElement {
  return screen.getByLabelText(label).closest(".ant-form-item") as HTMLElement;
}

function createInputs(server: ReturnType<typeof mockServer>) {
  return operationsNamed(server, "CreateDeployment").map((operation) => (operation.variables as { input: unknown }).input);
}

describe("new deployment form", () => {
  it("sends only filled settings", async () => {
    const server = mockServer(answer);
    renderForm(server, "?model=model-1");
    expect(await screen.findByDisplayValue("breast-cancer-classifier")).toBeInTheDocument();
    expect(screen.getByLabelText("The version of the production alias, or else the newest version")).toBeChecked();
    expect(await screen.findByText(/Now version 2, which the production alias points at\./)).toBeInTheDocument();

    fireEvent.change(screen.getByLabelText("Maximum replicas"), { target: { value: "3" } });
    fireEvent.change(screen.getByLabelText("Batch wait (ms)"), { target: { value: "10" } });
    fireEvent.change(screen.getByLabelText("Calls logged with payloads (%)"), { target: { value: "12.5" } });
    fireEvent.click(buttonNamed("Deploy"));

    await waitFor(() => expect(createInputs(server)).toHaveLength(1));
    expect(createInputs(server)[0]).toEqual({
      modelId: "model-1",
      name: "breast-cancer-classifier",
      traffic: null,
      scaling: { maxReplicas: 3 },
      batching: { batchWaitMs: 10 },
      cpusPerReplica: null,
      requestLogSample: 0.125,
    });
    await waitFor(() =>
      expect(screen.getByTestId("location")).toHaveTextContent(`/teams/${TEST_TEAM.id}/deployments/deployment-9`),
    );
  });

  it("query string preselects the version", async () => {
    const server = mockServer(answer);
    renderForm(server, "?model=model-1&version=1");
    expect(await screen.findByDisplayValue("breast-cancer-classifier")).toBeInTheDocument();
    expect(screen.getByLabelText("Chosen versions, split in whole percents")).toBeChecked();
    expect(screen.getByLabelText("Percent of row 1")).toHaveValue("100");

    fireEvent.change(screen.getByLabelText("Deployment name"), { target: { value: "cancer-canary" } });
    fireEvent.click(buttonNamed("Deploy"));

    await waitFor(() => expect(createInputs(server)).toHaveLength(1));
    expect(createInputs(server)[0]).toEqual({
      modelId: "model-1",
      name: "cancer-canary",
      traffic: [{ version: 1, percent: 100 }],
      scaling: null,
      batching: null,
      cpusPerReplica: null,
      requestLogSample: null,
    });
  });

  it("preselected model reads Loading until named", async () => {
    const server = mockServer(answer);
    const release = makeSubject<void>();
    // Holds back every query until the test releases them, as a slow server would.
    const holdQueries: Exchange =
      ({ forward }) =>
      (operations$) =>
        pipe(
          forward(operations$),
          mergeMap((result: OperationResult) =>
            result.operation.kind === "query"
              ? pipe(
                  release.source,
                  take(1),
                  map(() => result),
                )
              : fromValue(result),
          ),
        );
    renderForm(
      { ...server, client: new Client({ url: "/graphql", exchanges: [holdQueries, server.exchange] }) },
      "?model=model-1",
    );
    await waitFor(() => expect(operationsNamed(server, "DeployModelVersions").length).toBeGreaterThan(0));
    const model = formItemOf("Model");

    expect(within(model).getByText("Loading…")).toBeInTheDocument();
    expect(within(model).queryByText("model-1")).not.toBeInTheDocument();

    act(() => release.next());

    expect(await within(model).findByText("Breast_Cancer Classifier")).toBeInTheDocument();
    expect(within(model).queryByText("Loading…")).not.toBeInTheDocument();
  });

  it("split needs a total of 100", async () => {
    const server = mockServer(answer);
    renderForm(server, "?model=model-1&version=1");
    await screen.findByDisplayValue("breast-cancer-classifier");

    fireEvent.click(buttonNamed("Add a version"));
    fireEvent.change(screen.getByLabelText("Percent of row 1"), { target: { value: "90" } });
    expect(buttonNamed("Deploy")).toBeDisabled();
    fireEvent.mouseDown(screen.getByLabelText("Version of row 2"));
    fireEvent.click(await screen.findByTitle("Version 2"));
    fireEvent.change(screen.getByLabelText("Percent of row 2"), { target: { value: "10" } });
    await screen.findByText("Total: 100% (must be 100%)");
    fireEvent.click(buttonNamed("Deploy"));

    await waitFor(() => expect(createInputs(server)).toHaveLength(1));
    expect(createInputs(server)[0]).toMatchObject({
      traffic: [
        { version: 1, percent: 90 },
        { version: 2, percent: 10 },
      ],
    });
  });

  it("server error shows on its field", async () => {
    const server = mockServer((name, variables) =>
      name === "CreateDeployment"
        ? {
            errors: [
              {
                message: "scaling.maxReplicas 1 is below minReplicas 3.",
                extensions: { code: "BAD_USER_INPUT", field: "scaling.maxReplicas", value: 1 },
              },
            ],
          }
        : answer(name, variables),
    );
    renderForm(server, "?model=model-1");
    await screen.findByDisplayValue("breast-cancer-classifier");

    fireEvent.change(screen.getByLabelText("Minimum replicas"), { target: { value: "3" } });
    fireEvent.click(buttonNamed("Deploy"));

    const item = formItemOf("Maximum replicas");
    expect(await within(item).findByText(/scaling\.maxReplicas 1 is below minReplicas 3\./)).toBeInTheDocument();
    expect(within(formItemOf("Minimum replicas")).queryByRole("alert")).not.toBeInTheDocument();
    expect(createInputs(server)[0]).toMatchObject({ scaling: { minReplicas: 3 } });
    expect(screen.getByTestId("location")).toHaveTextContent(`/teams/${TEST_TEAM.id}/deployments/new?model=model-1`);
  });

  it("version error shows on versions", async () => {
    const server = mockServer((name, variables) =>
      name === "CreateDeployment"
        ? {
            errors: [
              {
                message: "Version 2 of 'Breast_Cancer Classifier' cannot be deployed: it is broken.",
                extensions: { code: "BAD_USER_INPUT", field: "traffic[0].version", value: 2 },
              },
            ],
          }
        : answer(name, variables),
    );
    renderForm(server, "?model=model-1");
    await screen.findByDisplayValue("breast-cancer-classifier");

    fireEvent.click(buttonNamed("Deploy"));

    const versions = screen.getByRole("group", { name: "Versions to serve" });
    expect(await within(versions).findByText(/Version 2 of 'Breast_Cancer Classifier' cannot be deployed/)).toBeInTheDocument();
  });

  it("unplaced error shows above the form", async () => {
    const server = mockServer((name, variables) =>
      name === "CreateDeployment"
        ? {
            errors: [
              {
                message: "Viewers of team 'Vision' cannot use createDeployment.",
                extensions: { code: "FORBIDDEN" },
              },
            ],
          }
        : answer(name, variables),
    );
    renderForm(server, "?model=model-2", { ...TEST_TEAM, viewerRole: "VIEWER" });
    expect(await screen.findByDisplayValue("churn")).toBeInTheDocument();
    expect(screen.getByText("Viewers cannot deploy; the server will reject the request.")).toBeInTheDocument();

    fireEvent.click(buttonNamed("Deploy"));

    expect(await screen.findByText(/Viewers of team 'Vision' cannot use createDeployment\./)).toBeInTheDocument();
    const form = screen.getByRole("form", { name: "Deploy a model" });
    expect(within(form).queryByText(/cannot use createDeployment/)).not.toBeInTheDocument();
  });

  it("invalid name blocks sending", async () => {
    const server = mockServer(answer);
    renderForm(server, "?model=model-2");
    await screen.findByDisplayValue("churn");

    fireEvent.change(screen.getByLabelText("Deployment name"), { target: { value: "Churn Model" } });

    expect(
      within(formItemOf("Deployment name")).getByText(
        "'Churn Model' is not a valid name: use 1 to 63 lowercase letters, digits or '-', starting with a letter.",
      ),
    ).toBeInTheDocument();
    expect(buttonNamed("Deploy")).toBeDisabled();
  });

  it("overlong name is rejected, not cut", async () => {
    const server = mockServer(answer);
    renderForm(server, "?model=model-2");
    await screen.findByDisplayValue("churn");
    const long = "a".repeat(70);

    fireEvent.change(screen.getByLabelText("Deployment name"), { target: { value: long } });

    expect(screen.getByLabelText("Deployment name")).toHaveValue(long);
    expect(
      within(formItemOf("Deployment name")).getByText(
        `'${long}' is not a valid name: use 1 to 63 lowercase letters, digits or '-', starting with a letter.`,
      ),
    ).toBeInTheDocument();
    expect(buttonNamed("Deploy")).toBeDisabled();
  });

  it.each([
    ["Maximum batch size", "2.7", "2.7"],
    ["Minimum replicas", "99999999999", "99999999999"],
  ])("%s of %s blocks sending", async (label, typed, shown) => {
    const server = mockServer(answer);
    renderForm(server, "?model=model-2");
    await screen.findByDisplayValue("churn");

    fireEvent.change(screen.getByLabelText(label), { target: { value: typed } });

    expect(
      await within(formItemOf(label)).findByText(`${shown} is not valid here: enter a whole number from 1 to 2,147,483,647.`),
    ).toBeInTheDocument();
    expect(buttonNamed("Deploy")).toBeDisabled();
  });

  it("percent over 100 blocks sending", async () => {
    const server = mockServer(answer);
    renderForm(server, "?model=model-2");
    await screen.findByDisplayValue("churn");

    fireEvent.change(screen.getByLabelText("Calls logged with payloads (%)"), { target: { value: "150" } });

    expect(
      within(formItemOf("Calls logged with payloads (%)")).getByText("150 is not a valid percent: enter a number from 0 to 100."),
    ).toBeInTheDocument();
    expect(buttonNamed("Deploy")).toBeDisabled();
  });

  it("model choice suggests its name", async () => {
    const server = mockServer(answer);
    renderForm(server);
    await waitFor(() => expect(operationsNamed(server, "DeployModelChoices").length).toBeGreaterThan(0));
    expect(buttonNamed("Deploy")).toBeDisabled();

    fireEvent.mouseDown(screen.getByLabelText("Model"));
    fireEvent.click(await screen.findByTitle("churn"));

    expect(await screen.findByDisplayValue("churn")).toBeInTheDocument();
    expect(await screen.findByText(/Now version 3, the newest, because the model has no production alias\./)).toBeInTheDocument();
    expect(buttonNamed("Deploy")).toBeEnabled();
  });
});

describe("deployment names and percents", () => {
  it.each([
    ["Breast_Cancer Classifier", "breast-cancer-classifier"],
    ["2024 churn--model!", "churn-model"],
    ["résumé", "r-sum"],
    ["123", ""],
    ["a".repeat(70), "a".repeat(63)],
  ])("suggests %s as %s", (model, expected) => {
    expect(suggestDeploymentName(model)).toBe(expected);
  });

  it.each([
    [7, 0.07],
    [12.5, 0.125],
    [100, 1],
    [0, 0],
  ])("sends %s percent as %s", (percent, share) => {
    expect(shareOfPercent(percent)).toBe(share);
  });
});
