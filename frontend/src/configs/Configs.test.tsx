import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import i18next from "i18next";
import { afterEach, describe, expect, it } from "vitest";

import { mockServer } from "../test/mockClient";
import type { Answer, MockServer } from "../test/mockClient";
import { operationsNamed, renderSignedInTeamPage, TEST_TEAM } from "../test/renderSignedInTeamPage";
import { ConfigProfilePage } from "./ConfigProfilePage";
import { ConfigProfilesPage } from "./ConfigProfilesPage";
import { defaultsOf, kindOf, nullableOf, resolve, validate } from "./jsonSchema";
import type { JsonSchema, JsonValue } from "./jsonSchema";
import { newDocument } from "./NewConfigProfilePage";
import SCHEMA_JSON from "./trainingConfigSchema.fixture.json";

/** The schema trainingConfigSchema returned on a server with the demo data. */
const SCHEMA = SCHEMA_JSON as unknown as JsonSchema;
const CREATED = "2026-12-05T10:00:00Z";

/** Builds the document of a stored revision, which has every default filled in by the server. */
function storedDocument(epochs: number): JsonValue {
  const document = newDocument(SCHEMA) as Record<string, JsonValue>;
  return { ...document, epochs };
}

function revision(number: number, epochs: number, comment: string) {
  return { profileId: "profile-1", number, document: storedDocument(epochs), comment, createdBy: "user-1", createdAt: CREATED };
}

function profile(latest: number) {
  return {
    id: "profile-1",
    teamId: TEST_TEAM.id,
    name: "breast-cancer-small",
    description: "Small MLP",
    ownerId: "user-1",
    archived: false,
    latestRevisionNumber: latest,
    createdAt: CREATED,
    updatedAt: CREATED,
    latestRevision: revision(latest, latest === 1 ? 10 : 12, ""),
  };
}

function answerFor(state: { latest: number; conflict: boolean }) {
  return (name: string, variables: Record<string, unknown>): Answer => {
    switch (name) {
      case "TrainingConfigSchema":
        return { data: { trainingConfigSchema: SCHEMA } };
      case "ConfigProfile":
        return { data: { configProfile: profile(state.latest) } };
      case "ReviseConfigProfile":
        if (state.conflict) {
          return {
            errors: [
              {
                message: "Configuration 'breast-cancer-small' is at revision 2, not 1; someone revised it meanwhile.",
                extensions: { code: "CONFLICT", field: "expectedRevision", value: 1 },
              },
            ],
          };
        }
        return { data: { reviseConfigProfile: { ...profile(2), latestRevision: revision(2, 20, "more epochs") } } };
      case "ConfigRevisions":
        return {
          data: {
            configProfile: {
              id: "profile-1",
              revisions: {
                nodes: [revision(2, 12, "more epochs"), revision(1, 10, "")],
                pageInfo: { hasNextPage: false, endCursor: null },
              },
            },
          },
        };
      case "ConfigDiff":
        return {
          data: {
            configProfile: {
              id: "profile-1",
              diff: variables.a === variables.b ? [] : [{ path: "epochs", a: 10, b: 12 }],
            },
          },
        };
      default:
        return null;
    }
  };
}

function renderProfile(server: MockServer, query = "") {
  return renderSignedInTeamPage(
    server,
    "/teams/:teamId/configs/:profileId",
    `/teams/${TEST_TEAM.id}/configs/profile-1${query}`,
    <ConfigProfilePage />,
  );
}

function jsonEditor(): HTMLTextAreaElement {
  return screen.getByLabelText("JSON") as HTMLTextAreaElement;
}

function documentInEditor(): Record<string, unknown> {
  return JSON.parse(jsonEditor().value) as Record<string, unknown>;
}

describe("json schema", () => {
  it("resolves references and nullables", () => {
    const properties = resolve(SCHEMA, SCHEMA).properties ?? {};
    const optimizer = resolve(properties.optimizer as JsonSchema, SCHEMA);

    expect(kindOf(optimizer, SCHEMA)).toBe("object");
    expect(nullableOf(properties.loss as JsonSchema, SCHEMA)).toMatchObject({ nullable: true, inner: { type: "string" } });
    expect(kindOf(nullableOf(properties.classWeights as JsonSchema, SCHEMA).inner, SCHEMA)).toBe("map");
    expect(kindOf(properties.metrics as JsonSchema, SCHEMA)).toBe("enumList");
  });

  it("defaults fill a valid document", () => {
    const document = newDocument(SCHEMA);

    expect(document).toMatchObject({ model: { template: "tabular_mlp", hiddenUnits: [64, 32] }, epochs: 10, loss: null });
    expect(validate(document, SCHEMA, SCHEMA)).toEqual([]);
    expect(defaultsOf(SCHEMA, SCHEMA)).not.toHaveProperty("model.template");
  });

  it("validation names path and rule", () => {
    const document = {
      ...(newDocument(SCHEMA) as Record<string, JsonValue>),
      epochs: 0,
      misspelt: true,
      optimizer: { learningRate: 0 },
    };

    expect(validate(document, SCHEMA, SCHEMA)).toEqual([
      { path: "optimizer.learningRate", rule: "exclusiveMinimum", expected: "0" },
      { path: "epochs", rule: "minimum", expected: "1" },
      expect.objectContaining({ path: "misspelt", rule: "unknownKey" }),
    ]);
  });
});

// The generated form draws dozens of Ant Design controls, which took 2 to 4 s per test in jsdom on a
// loaded 2-core machine; the longer timeout only has to catch hangs.
const FORM_TEST_TIMEOUT_MS = 15_000;

describe("configuration profile", () => {
  it(
    "form edit syncs JSON and saves",
    async () => {
      const server = mockServer(answerFor({ latest: 1, conflict: false }));
      renderProfile(server);
      fireEvent.change(await screen.findByLabelText(/^Epochs/), { target: { value: "20" } });

      await waitFor(() => expect(documentInEditor().epochs).toBe(20));
      expect(screen.getByText("The document matches the schema.")).toBeInTheDocument();

      fireEvent.change(screen.getByLabelText("Comment"), { target: { value: "more epochs" } });
      fireEvent.click(screen.getByText("Save as a new revision").closest("button") as HTMLElement);

      expect(await screen.findByText("Saved as revision 2.")).toBeInTheDocument();
      const sent = operationsNamed(server, "ReviseConfigProfile")[0]?.variables as { input: Record<string, unknown> };
      expect(sent.input).toMatchObject({ id: "profile-1", comment: "more epochs", expectedRevision: 1 });
      expect(sent.input.document).toMatchObject({ epochs: 20 });
    },
    FORM_TEST_TIMEOUT_MS,
  );

  it(
    "help text follows the language",
    async () => {
      const server = mockServer(answerFor({ latest: 1, conflict: false }));
      renderProfile(server);
      expect(await screen.findByText("Null picks the usual loss for the task and the number of classes.")).toBeInTheDocument();

      await act(() => i18next.changeLanguage("zh-CN"));
      try {
        expect(await screen.findByText("为 null 时按任务和类别数选用常用的损失函数。")).toBeInTheDocument();
      } finally {
        await act(() => i18next.changeLanguage("en"));
      }
    },
    FORM_TEST_TIMEOUT_MS,
  );

  it(
    "JSON edit updates the form",
    async () => {
      const server = mockServer(answerFor({ latest: 1, conflict: false }));
      renderProfile(server);
      await screen.findByLabelText(/^Epochs/);
      const document = { ...documentInEditor(), epochs: 7, optimizer: { name: "sgd", learningRate: 0 } };

      fireEvent.change(jsonEditor(), { target: { value: JSON.stringify(document) } });

      await waitFor(() => expect(screen.getByLabelText(/^Epochs/)).toHaveValue("7"));
      expect(screen.getByText("optimizer.learningRate")).toBeInTheDocument();
      fireEvent.click(screen.getByText("Optimizer (1 to fix)"));
      expect(await screen.findByText("Must be greater than 0.")).toBeInTheDocument();
      expect(screen.getByTitle("sgd")).toBeInTheDocument();
      fireEvent.click(screen.getByText("General"));

      fireEvent.change(jsonEditor(), { target: { value: '{"epochs": ' } });

      expect(await screen.findByText(/^The JSON does not parse:/)).toBeInTheDocument();
      expect(screen.getByLabelText(/^Epochs/)).toBeDisabled();
      expect(screen.getByLabelText(/^Epochs/)).toHaveValue("7");
      expect(screen.getByText("Save as a new revision").closest("button")).toBeDisabled();
    },
    FORM_TEST_TIMEOUT_MS,
  );

  it(
    "concurrent revision shows conflict",
    async () => {
      const state = { latest: 1, conflict: true };
      const server = mockServer(answerFor(state));
      renderProfile(server);
      await screen.findByLabelText(/^Epochs/);
      await waitFor(() => expect(operationsNamed(server, "ConfigEvents").length).toBeGreaterThan(0));

      state.latest = 2;
      act(() =>
        server.push("ConfigEvents", { events: { position: 9, action: "ConfigProfile.Revised", subjectId: "profile-1" } }),
      );
      expect(await screen.findByText(/Revision 2 was recorded after revision 1/)).toBeInTheDocument();

      fireEvent.click(screen.getByText("Save as a new revision").closest("button") as HTMLElement);

      expect(
        await screen.findByText("It conflicts with something that already exists or was changed meanwhile."),
      ).toBeInTheDocument();
      expect(screen.getByText("expectedRevision")).toBeInTheDocument();
    },
    FORM_TEST_TIMEOUT_MS,
  );

  it("diff lists changed settings", async () => {
    const server = mockServer(answerFor({ latest: 2, conflict: false }));
    renderProfile(server, "?tab=diff&a=1&b=2");

    expect(await screen.findByText("epochs")).toBeInTheDocument();
    expect(screen.getByText("10")).toBeInTheDocument();
    expect(screen.getByText("12")).toBeInTheDocument();
    expect(operationsNamed(server, "ConfigDiff")[0]?.variables).toEqual({ id: "profile-1", a: 1, b: 2 });
  });

  it("history compares with previous", async () => {
    const server = mockServer(answerFor({ latest: 2, conflict: false }));
    renderProfile(server, "?tab=history");

    fireEvent.click((await screen.findByText("Compare with the previous")).closest("button") as HTMLElement);

    expect(await screen.findByText("epochs")).toBeInTheDocument();
    expect(operationsNamed(server, "ConfigDiff").at(-1)?.variables).toEqual({ id: "profile-1", a: 1, b: 2 });
  });
});

describe("configuration profile list", () => {
  /** Builds the list row of a profile, without the latest revision that the profile page reads. */
  function listed(id: string, name: string) {
    const row: Record<string, unknown> = { ...profile(1), id, name };
    delete row.latestRevision;
    return row;
  }

  const NEW_NAMES: Record<string, string> = { "profile-2": "tiny-cnn", "profile-3": "a-small-tree" };
  /** Fields a test changes on a profile after the list was read. */
  const changes = new Map<string, Record<string, unknown>>();
  afterEach(() => changes.clear());

  function recorded(server: MockServer, action: string, subjectId: string, position: number) {
    act(() => server.push("SubjectEvents", { events: { position, action, subjectType: "ConfigProfile", subjectId } }));
  }

  function answer(name: string, variables: Record<string, unknown>): Answer {
    switch (name) {
      case "ConfigProfiles":
        return {
          data: {
            configProfiles: {
              nodes: [listed("profile-1", "breast-cancer-small")],
              pageInfo: { hasNextPage: false, endCursor: null },
            },
          },
        };
      case "ConfigProfileRow": {
        const id = String(variables.id);
        return { data: { configProfile: { ...listed(id, NEW_NAMES[id] ?? id), ...changes.get(id) } } };
      }
      default:
        return null;
    }
  }

  function listedNames(): string[] {
    return screen
      .getAllByRole("link")
      .filter((link) => /\/configs\/profile-\d+$/.test(link.getAttribute("href") ?? ""))
      .map((link) => link.textContent ?? "");
  }

  it("created profile goes in by name", async () => {
    const server = mockServer(answer);
    renderSignedInTeamPage(server, "/teams/:teamId/configs", `/teams/${TEST_TEAM.id}/configs?q=small`, <ConfigProfilesPage />);
    expect(await screen.findByText("breast-cancer-small")).toBeInTheDocument();
    await waitFor(() => expect(operationsNamed(server, "SubjectEvents")).toHaveLength(1));
    expect(operationsNamed(server, "SubjectEvents")[0]?.variables).toEqual({
      filter: { teamId: TEST_TEAM.id, subjectType: "ConfigProfile" },
    });

    for (const [position, subjectId] of [
      [20, "profile-2"],
      [21, "profile-3"],
    ] as const) {
      act(() =>
        server.push("SubjectEvents", {
          events: { position, action: "ConfigProfile.Created", subjectType: "ConfigProfile", subjectId },
        }),
      );
    }

    await waitFor(() => expect(listedNames()).toEqual(["a-small-tree", "breast-cancer-small"]));
    expect(screen.getByText("a-small-tree").closest("tr")).toHaveClass("new-row");
    expect(screen.getByText("1 new row was added to the list.")).toBeInTheDocument();
    expect(operationsNamed(server, "ConfigProfileRow")).toHaveLength(2);
  });

  it("revised profile is read again", async () => {
    const server = mockServer(answer);
    renderSignedInTeamPage(server, "/teams/:teamId/configs", `/teams/${TEST_TEAM.id}/configs`, <ConfigProfilesPage />);
    const row = (await screen.findByText("breast-cancer-small")).closest("tr") as HTMLElement;
    expect(within(row).getByText("Revision 1")).toBeInTheDocument();
    await waitFor(() => expect(operationsNamed(server, "SubjectEvents")).toHaveLength(1));

    changes.set("profile-1", { latestRevisionNumber: 2, updatedAt: "2026-12-06T09:00:00Z" });
    recorded(server, "ConfigProfile.Revised", "profile-1", 30);

    await waitFor(() => expect(within(row).getByText("Revision 2")).toBeInTheDocument());
    expect(operationsNamed(server, "ConfigProfileRow").map((operation) => operation.variables)).toEqual([{ id: "profile-1" }]);
    expect(row).not.toHaveClass("new-row");
  });

  it("archived profile leaves the active list", async () => {
    const server = mockServer(answer);
    renderSignedInTeamPage(server, "/teams/:teamId/configs", `/teams/${TEST_TEAM.id}/configs`, <ConfigProfilesPage />);
    expect(await screen.findByText("breast-cancer-small")).toBeInTheDocument();
    await waitFor(() => expect(operationsNamed(server, "SubjectEvents")).toHaveLength(1));

    changes.set("profile-1", { archived: true });
    recorded(server, "ConfigProfile.Archived", "profile-1", 31);

    await waitFor(() => expect(screen.queryByText("breast-cancer-small")).not.toBeInTheDocument());
  });
});
