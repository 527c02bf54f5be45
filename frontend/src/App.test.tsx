import { act, cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import i18next from "i18next";
import { afterEach, describe, expect, it } from "vitest";

import { App } from "./App";
import { LANGUAGE_STORAGE_KEY } from "./i18n/i18n";
import { lastTeamStorageKey } from "./teams/TeamContext";
import { mockServer } from "./test/mockClient";
import type { Answer } from "./test/mockClient";
import { renderWithoutStyles } from "./test/render";

const TEAM_ID = "4d9f5a52-0000-4000-8000-000000000001";
const MODEL_ID = "4d9f5a52-0000-4000-8000-000000000002";
const ADMIN_ID = "4d9f5a52-0000-4000-8000-000000000003";
const CREATED = "2026-11-01T10:00:00Z";

const viewer = {
  authenticatedBy: "session",
  csrfToken: "csrf-1",
  user: { id: ADMIN_ID, username: "ada", displayName: "Ada Lovelace", isAdmin: false },
};

const modelDetail = {
  id: MODEL_ID,
  teamId: TEAM_ID,
  name: "churn",
  description: "Predicts churn",
  task: "CLASSIFICATION",
  ownerId: ADMIN_ID,
  archived: false,
  protectedAliases: ["production"],
  versionCount: 2,
  retentionDays: null,
  createdAt: CREATED,
  updatedAt: "2026-11-03T10:00:00Z",
  asOf: null,
  tags: [{ key: "team", value: "growth" }],
  aliases: [{ alias: "production", versionNumber: 1, movedAt: "2026-11-02T10:00:00Z" }],
};

function version(number: number) {
  return {
    id: `version-${number}`,
    number,
    status: "ready",
    statusReason: null,
    failureReason: null,
    size: 1_250_000 * number,
    format: "keras",
    filename: "model.keras",
    source: "upload",
    sha256: "ab".repeat(32),
    trainableParameters: 1000 * number,
    nonTrainableParameters: 10,
    layerCount: 3,
    createdBy: ADMIN_ID,
    createdAt: CREATED,
    downloadPath: `/v1/model-versions/version-${number}/artifact`,
    lineage: [],
  };
}

const AUDIT_PARAMETERS: Record<string, Record<string, unknown>> = {
  "RegisteredModel.Registered": { model: "iris", task: "classification" },
  "RegisteredModel.AliasMoved": { alias: "production", model: "iris", number: 2, previousNumber: 1 },
};

function auditEntry(position: number, action: string) {
  return {
    position,
    occurredAt: "2026-11-03T10:00:00Z",
    actor: ADMIN_ID,
    action,
    subjectType: "RegisteredModel",
    subjectId: MODEL_ID,
    subjectName: "iris",
    summary: `Summary of entry ${position}`,
    summaryParameters: AUDIT_PARAMETERS[action] ?? {},
    correlationId: `correlation-${position}`,
  };
}

const NO_MORE = { hasNextPage: false, endCursor: null };

/** Responses of a signed-in admin of one team with one model; `overrides` replaces some by operation name. */
function responses(overrides: Record<string, Answer> = {}) {
  return (name: string): Answer => {
    if (name in overrides) {
      return overrides[name] ?? null;
    }
    switch (name) {
      case "Viewer":
        return { data: { viewer } };
      case "Teams":
        return { data: { teams: { nodes: [{ id: TEAM_ID, name: "growth", modelCount: 1 }], pageInfo: NO_MORE } } };
      case "Team":
        return { data: { team: { id: TEAM_ID, name: "growth", description: "", viewerRole: "ADMIN" } } };
      case "TeamMembers":
        return {
          data: {
            team: {
              id: TEAM_ID,
              members: {
                nodes: [{ teamId: TEAM_ID, userId: ADMIN_ID, role: "ADMIN", addedAt: CREATED, user: viewer.user }],
                pageInfo: NO_MORE,
              },
            },
          },
        };
      case "Models":
        return { data: { models: { nodes: [modelDetail], pageInfo: NO_MORE } } };
      case "Model":
        return { data: { model: modelDetail } };
      case "ModelVersions":
        return { data: { model: { id: MODEL_ID, versions: { nodes: [version(1), version(2)], pageInfo: NO_MORE } } } };
      case "AuditLog":
        return { data: { auditLog: { nodes: [auditEntry(7, "RegisteredModel.Registered")], pageInfo: NO_MORE } } };
      case "TeamTokens":
        return { data: { team: { id: TEAM_ID, apiTokens: { nodes: [], pageInfo: NO_MORE } } } };
      default:
        return null;
    }
  };
}

function renderApp(path: string, answer: (name: string) => Answer | Promise<Answer> = responses()) {
  window.history.pushState({}, "", path);
  const server = mockServer(answer);
  renderWithoutStyles(<App exchanges={[server.exchange]} />);
  return server;
}

function namedOperations(server: ReturnType<typeof mockServer>, name: string) {
  return server.operations.filter((operation) =>
    operation.query.definitions.some((node) => node.kind === "OperationDefinition" && node.name?.value === name),
  );
}

/** Finds a button by its text without computing the accessibility tree, which is slow on a whole page. */
function buttonNamed(text: string): HTMLElement {
  const button = screen.getByText(text).closest("button");
  if (button === null) {
    throw new Error(`no button has the text ${text}`);
  }
  return button;
}

describe("App", () => {
  afterEach(async () => {
    await act(() => i18next.changeLanguage("en"));
  });

  it("sign-in opens team models", async () => {
    let signedIn = false;
    const unauthenticated: Answer = {
      errors: [{ message: "Sign in first.", extensions: { code: "UNAUTHENTICATED", field: "Authorization", value: null } }],
    };
    const base = responses();
    const server = renderApp("/", (name) => {
      if (name === "Viewer" && !signedIn) {
        return unauthenticated;
      }
      if (name === "Login") {
        signedIn = true;
        return { data: { login: { expiresAt: "2026-12-01T00:00:00Z", viewer } } };
      }
      return base(name);
    });

    fireEvent.change(await screen.findByLabelText("Username"), { target: { value: "ada" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "secret" } });
    fireEvent.click(buttonNamed("Sign in"));

    expect(await screen.findByText("churn")).toBeInTheDocument();
    expect(window.location.pathname).toBe(`/teams/${TEAM_ID}/models`);
    expect(window.localStorage.getItem(lastTeamStorageKey(ADMIN_ID))).toBe(TEAM_ID);
    expect(namedOperations(server, "Login")[0]?.variables).toEqual({ username: "ada", password: "secret" });
  });

  it("sign-in never asks to choose a team", async () => {
    let signedIn = false;
    let answerTeams: (answer: Answer) => void = () => undefined;
    const teams = new Promise<Answer>((resolve) => {
      answerTeams = resolve;
    });
    const base = responses();
    // Records every piece of the page that offered the team choice, however briefly it stayed.
    const prompts: string[] = [];
    const observer = new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) {
          const text = node.textContent ?? "";
          if (text.includes("Choose a team")) {
            prompts.push(text);
          }
        }
      }
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });

    try {
      const server = renderApp("/", (name) => {
        if (name === "Viewer" && !signedIn) {
          return { errors: [{ message: "Sign in first.", extensions: { code: "UNAUTHENTICATED" } }] };
        }
        if (name === "Login") {
          signedIn = true;
          return { data: { login: { expiresAt: "2026-12-01T00:00:00Z", viewer } } };
        }
        return name === "Teams" ? teams : base(name);
      });
      fireEvent.change(await screen.findByLabelText("Username"), { target: { value: "ada" } });
      fireEvent.change(screen.getByLabelText("Password"), { target: { value: "secret" } });
      fireEvent.click(buttonNamed("Sign in"));

      await waitFor(() => expect(namedOperations(server, "Teams")).not.toHaveLength(0));
      expect(screen.getByRole("status")).toHaveTextContent("Loading…");
      expect(screen.queryByText("Choose a team")).not.toBeInTheDocument();

      await act(async () => {
        answerTeams(base("Teams"));
        await teams;
      });

      expect(await screen.findByText("churn")).toBeInTheDocument();
      expect(window.location.pathname).toBe(`/teams/${TEAM_ID}/models`);
    } finally {
      observer.disconnect();
    }
    expect(prompts).toEqual([]);
  });

  it("user without teams keeps the page frame", async () => {
    renderApp("/", responses({ Teams: { data: { teams: { nodes: [], pageInfo: NO_MORE } } } }));

    expect(await screen.findByText("You are not a member of any team yet.")).toBeInTheDocument();
    expect(buttonNamed("Sign out")).toBeInTheDocument();
    expect(window.location.pathname).toBe("/");
  });

  describe("landing team", () => {
    const EMPTY_TEAM_ID = "4d9f5a52-0000-4000-8000-000000000010";
    const SMALL_TEAM_ID = "4d9f5a52-0000-4000-8000-000000000011";
    // By name, as the server lists them: the empty team comes first.
    const teams = [
      { id: EMPTY_TEAM_ID, name: "default", modelCount: 0 },
      { id: TEAM_ID, name: "demo", modelCount: 4 },
      { id: SMALL_TEAM_ID, name: "research", modelCount: 1 },
    ];
    const answer = (name: string): Answer => {
      if (name === "Teams") {
        return { data: { teams: { nodes: teams, pageInfo: NO_MORE } } };
      }
      if (name === "Team") {
        return { data: { team: { id: TEAM_ID, name: "demo", description: "", viewerRole: "ADMIN" } } };
      }
      return responses()(name);
    };

    afterEach(() => {
      window.localStorage.clear();
    });

    it("opens team with most models", async () => {
      window.localStorage.clear();

      renderApp("/", answer);

      expect(await screen.findByText("churn")).toBeInTheDocument();
      expect(window.location.pathname).toBe(`/teams/${TEAM_ID}/models`);
    });

    it("reopens team this user used last", async () => {
      window.localStorage.setItem(lastTeamStorageKey(ADMIN_ID), SMALL_TEAM_ID);

      renderApp("/", answer);

      await waitFor(() => expect(window.location.pathname).toBe(`/teams/${SMALL_TEAM_ID}/models`));
    });

    it("ignores team another user used last", async () => {
      window.localStorage.setItem(lastTeamStorageKey("4d9f5a52-0000-4000-8000-000000000099"), EMPTY_TEAM_ID);

      renderApp("/", answer);

      await waitFor(() => expect(window.location.pathname).toBe(`/teams/${TEAM_ID}/models`));
    });

    it("skips last team the user left", async () => {
      window.localStorage.setItem(lastTeamStorageKey(ADMIN_ID), "4d9f5a52-0000-4000-8000-000000000098");

      renderApp("/", answer);

      await waitFor(() => expect(window.location.pathname).toBe(`/teams/${TEAM_ID}/models`));
    });
  });

  it("sign-out in one tab signs out the other", async () => {
    const answer = (name: string): Answer => (name === "Logout" ? { data: { logout: true } } : responses()(name));
    window.history.pushState({}, "", `/teams/${TEAM_ID}/models`);
    const [thisServer, otherServer] = [mockServer(answer), mockServer(answer)];
    const thisTab = within(renderWithoutStyles(<App exchanges={[thisServer.exchange]} />).container);
    const otherTab = within(renderWithoutStyles(<App exchanges={[otherServer.exchange]} />).container);
    await thisTab.findByText("churn");
    await otherTab.findByText("churn");

    fireEvent.click(thisTab.getByText("Sign out").closest("button") as HTMLElement);

    expect(await otherTab.findByText("You signed out in another tab. Sign in again to continue.")).toBeInTheDocument();
    expect(otherTab.getByText("Sign in to ModelCloud")).toBeInTheDocument();
    expect(await thisTab.findByText("Sign in to ModelCloud")).toBeInTheDocument();
    expect(thisTab.queryByText("You signed out in another tab. Sign in again to continue.")).not.toBeInTheDocument();
    expect(namedOperations(thisServer, "Logout")).toHaveLength(1);
    expect(namedOperations(otherServer, "Logout")).toHaveLength(0);
  });

  it("sign-in in one tab signs in the other", async () => {
    let signedIn = false;
    const answer = (name: string): Answer => {
      if (name === "Viewer" && !signedIn) {
        return { errors: [{ message: "Sign in first.", extensions: { code: "UNAUTHENTICATED" } }] };
      }
      if (name === "Login") {
        signedIn = true;
        return { data: { login: { expiresAt: "2026-12-01T00:00:00Z", viewer } } };
      }
      return responses()(name);
    };
    window.history.pushState({}, "", "/");
    const [thisServer, otherServer] = [mockServer(answer), mockServer(answer)];
    const thisTab = within(renderWithoutStyles(<App exchanges={[thisServer.exchange]} />).container);
    const otherTab = within(renderWithoutStyles(<App exchanges={[otherServer.exchange]} />).container);
    await otherTab.findByText("Sign in to ModelCloud");
    const form = (await thisTab.findByText("Sign in to ModelCloud")).closest("main") as HTMLElement;

    fireEvent.change(form.querySelector('input[autocomplete="username"]') as HTMLElement, { target: { value: "ada" } });
    fireEvent.change(form.querySelector('input[type="password"]') as HTMLElement, { target: { value: "secret" } });
    fireEvent.click(thisTab.getByText("Sign in").closest("button") as HTMLElement);

    // The other tab reads the viewer again, now with the new session, and opens the team's models.
    expect(await thisTab.findByText("churn")).toBeInTheDocument();
    expect(await otherTab.findByText("churn")).toBeInTheDocument();
    expect(namedOperations(otherServer, "Viewer")).toHaveLength(2);
  });

  it("navigation lists sections in work order", async () => {
    renderApp(`/teams/${TEAM_ID}/models`);
    await screen.findByText("churn");

    const navigation = screen.getByRole("navigation", { name: "Main" });
    const sections = Array.from(navigation.querySelectorAll("a"), (link) => link.textContent);
    expect(sections).toEqual([
      "Models",
      "Datasets",
      "Configurations",
      "Training",
      "Evaluations",
      "Deployments",
      "Monitoring wall",
      "Alerts",
      "Audit log",
      "Members and tokens",
    ]);
    expect(navigation.closest(".app-header-bar")).toBeNull();
  });

  it("failed sign-in shows error", async () => {
    renderApp(
      "/",
      responses({
        Viewer: { errors: [{ message: "Sign in first.", extensions: { code: "UNAUTHENTICATED" } }] },
        Login: {
          errors: [
            {
              message: "The username or password is incorrect.",
              extensions: { code: "UNAUTHENTICATED", field: "username", value: "ada" },
            },
          ],
        },
      }),
    );

    fireEvent.change(await screen.findByLabelText("Username"), { target: { value: "ada" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "wrong" } });
    fireEvent.click(buttonNamed("Sign in"));

    expect(await screen.findByText("The username or password is incorrect.")).toBeInTheDocument();
    // The headline of a lapsed session would mislead here, and the field would point at the username alone.
    expect(screen.queryByText("You are not signed in, or your session has ended.")).not.toBeInTheDocument();
    expect(screen.queryByText("ada")).not.toBeInTheDocument();
  });

  it("model page lists versions", async () => {
    renderApp(`/teams/${TEAM_ID}/models/${MODEL_ID}?tab=versions`);

    expect(await screen.findByText("churn", { selector: "h2" })).toBeInTheDocument();
    const table = (await screen.findAllByText("keras"))[0]?.closest("table") as HTMLElement;
    await waitFor(() => expect(within(table).getAllByText("Ready")).toHaveLength(2));
    expect(within(table).getByText("2.5 MB")).toBeInTheDocument();
    expect(within(table).getByText("2,010")).toBeInTheDocument();
  });

  it("document title names the page", async () => {
    renderApp(`/teams/${TEAM_ID}/models/${MODEL_ID}?tab=versions`);
    await screen.findByText("churn", { selector: "h2" });
    await waitFor(() => expect(document.title).toBe("churn · ModelCloud"));

    cleanup();
    await act(() => i18next.changeLanguage("zh-CN"));
    renderApp(`/teams/${TEAM_ID}/audit`);
    await waitFor(() => expect(document.title).toBe("审计日志 · ModelCloud"));
  });

  it("versions name the run that trained them", async () => {
    const trained = (number: number, runId: string) => ({ ...version(number), lineage: [{ key: "trainingRun", value: runId }] });
    const server = renderApp(
      `/teams/${TEAM_ID}/models/${MODEL_ID}?tab=versions`,
      responses({
        ModelVersions: {
          data: { model: { id: MODEL_ID, versions: { nodes: [trained(1, "run-1"), trained(2, "run-2")], pageInfo: NO_MORE } } },
        },
        ModelRunNames: {
          data: {
            trainingRuns: {
              nodes: [
                { id: "run-2", name: "nightly-retrain" },
                { id: "run-1", name: "first-baseline" },
              ],
              pageInfo: NO_MORE,
            },
          },
        },
      }),
    );

    const link = await screen.findByText("nightly-retrain");
    expect(link.closest("a")).toHaveAttribute("href", `/teams/${TEAM_ID}/training/run-2`);
    expect(screen.getByText("first-baseline").closest("a")).toHaveAttribute("href", `/teams/${TEAM_ID}/training/run-1`);
    expect(namedOperations(server, "ModelRunNames")).toHaveLength(1);
    expect(namedOperations(server, "ModelRunNames")[0]?.variables).toMatchObject({ teamId: TEAM_ID, modelId: MODEL_ID });
  });

  it("version comparison names and formats fields", async () => {
    renderApp(
      `/teams/${TEAM_ID}/models/${MODEL_ID}?tab=compare`,
      responses({
        CompareModelVersions: {
          data: {
            compareModelVersions: {
              sameBytes: false,
              sizeDelta: -1_250_000,
              parameterDelta: 2_048,
              signatureChanged: false,
              layersAdded: [],
              layersRemoved: [],
              a: { id: "version-1", number: 1 },
              b: { id: "version-2", number: 2 },
              changes: [
                { field: "size", a: "2500000", b: "1250000" },
                { field: "sha256", a: "a".repeat(64), b: "b".repeat(64) },
                { field: "lineage.trainingRun", a: "run-1", b: "run-2" },
                { field: "lineage.configRevision", a: "1", b: "3" },
              ],
              layersChanged: [{ field: "dense_1", a: "Dense (None, 16) 496 parameters", b: "Dense (None, 32) 992 parameters" }],
              evaluation: {
                split: "test",
                label: "target",
                metrics: [{ name: "rocAuc", a: 0.91, b: 0.95, difference: 0.04, better: "b" }],
              },
            },
          },
        },
        ModelRunNames: {
          data: {
            trainingRuns: {
              nodes: [
                { id: "run-2", name: "nightly-retrain" },
                { id: "run-1", name: "first-baseline" },
              ],
              pageInfo: NO_MORE,
            },
          },
        },
      }),
    );

    expect(await screen.findByText("−1.3 MB")).toBeInTheDocument();
    expect(screen.getByText("+2,048")).toBeInTheDocument();
    const rowOf = (label: string) => screen.getByText(label).closest("tr") as HTMLElement;
    expect(within(rowOf("Size")).getByText("2.5 MB")).toBeInTheDocument();
    expect(within(rowOf("Size")).getByText("1.3 MB")).toBeInTheDocument();
    expect(within(rowOf("SHA-256 of the file")).getByText(`${"a".repeat(12)}…`)).toBeInTheDocument();
    expect(await within(rowOf("Training run")).findByText("first-baseline")).toBeInTheDocument();
    expect(within(rowOf("Training run")).getByText("nightly-retrain")).toBeInTheDocument();
    expect(within(rowOf("Configuration revision")).getByText("Revision 3")).toBeInTheDocument();
    expect(within(rowOf("Layer dense_1")).getByText("Dense, output (None, 32), 992 parameters")).toBeInTheDocument();
    expect(within(rowOf("ROC AUC")).getByText("B")).toBeInTheDocument();
    expect(rowOf("Training run").querySelector("td:first-child [title]")).toBeNull();
  });

  it("version comparison shows ties as equal", async () => {
    const comparison = {
      sameBytes: false,
      sizeDelta: 0,
      parameterDelta: 0,
      signatureChanged: false,
      layersAdded: [],
      layersRemoved: [],
      a: { id: "version-1", number: 1 },
      b: { id: "version-2", number: 2 },
      changes: [],
      layersChanged: [],
      evaluation: {
        split: "test",
        label: "target",
        metrics: [
          // The same accuracy summed in another order, as an older server compared it.
          { name: "accuracy", a: 0.3 + 0.6, b: 0.9, difference: 0.9 - (0.3 + 0.6), better: "a" },
          { name: "logLoss", a: 0, b: -0, difference: -0, better: null },
          { name: "rocAuc", a: 0.91, b: 0.95, difference: 0.04, better: "b" },
          { name: "f1", a: 0.9, b: 0.85, difference: -0.05, better: "a" },
          { name: "prAuc", a: 0.8, b: null, difference: null, better: null },
        ],
      },
    };
    renderApp(
      `/teams/${TEAM_ID}/models/${MODEL_ID}?tab=compare`,
      responses({ CompareModelVersions: { data: { compareModelVersions: comparison } } }),
    );

    const rowOf = async (label: string) => (await screen.findByText(label)).closest("tr") as HTMLElement;
    const cells = async (label: string) => Array.from((await rowOf(label)).querySelectorAll("td"), (cell) => cell.textContent);
    expect(await cells("Accuracy")).toEqual(["Accuracy", "0.9", "0.9", "0", "Equal"]);
    expect(await cells("Log loss")).toEqual(["Log loss", "0", "0", "0", "Equal"]);
    expect(await cells("ROC AUC")).toEqual(["ROC AUC", "0.91", "0.95", "+0.04", "B"]);
    expect(await cells("Macro F1")).toEqual(["Macro F1", "0.9", "0.85", "-0.05", "A"]);
    expect(await cells("PR AUC")).toEqual(["PR AUC", "0.8", "—", "—", "—"]);
  });

  it("alias removal shows server error", async () => {
    const server = renderApp(
      `/teams/${TEAM_ID}/models/${MODEL_ID}?tab=aliases`,
      responses({
        RemoveAlias: {
          errors: [
            {
              message: "Only a team admin may remove the protected alias 'production'.",
              extensions: { code: "FORBIDDEN", field: "alias", value: "production" },
            },
          ],
        },
      }),
    );

    await screen.findByText("production");
    fireEvent.click(buttonNamed("Remove"));
    const confirm = (await screen.findByText("Remove the alias production?")).closest(".ant-popover") as HTMLElement;
    fireEvent.click(within(confirm).getByText("Remove"));

    expect(await screen.findByText("You are not allowed to do this.")).toBeInTheDocument();
    expect(screen.getByText("Only a team admin may remove the protected alias 'production'.")).toBeInTheDocument();
    expect(namedOperations(server, "RemoveAlias")[0]?.variables).toEqual({ input: { modelId: MODEL_ID, alias: "production" } });
  });

  it("live audit entries go on top", async () => {
    const server = renderApp(`/teams/${TEAM_ID}/audit`);

    expect(await screen.findByText("Summary of entry 7")).toBeInTheDocument();
    await waitFor(() => expect(namedOperations(server, "AuditEvents")).toHaveLength(1));
    expect(namedOperations(server, "AuditEvents")[0]?.variables).toMatchObject({ afterPosition: 7, filter: { teamId: TEAM_ID } });

    act(() => server.push("AuditEvents", { events: auditEntry(8, "RegisteredModel.AliasMoved") }));

    expect(await screen.findByText("Summary of entry 8")).toBeInTheDocument();
    const summaries = screen.getAllByText(/^Summary of entry/).map((element) => element.textContent);
    expect(summaries).toEqual(["Summary of entry 8", "Summary of entry 7"]);
  });

  it("Chinese audit page writes the summary's facts", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));
    renderApp(`/teams/${TEAM_ID}/audit`);

    const sentence = await screen.findByText("注册了模型“iris”（分类）");
    const row = sentence.closest(".ant-table-row") as HTMLElement;
    expect(within(row).getByText("模型")).toBeInTheDocument();
    expect(within(row).queryByText("Summary of entry 7")).not.toBeInTheDocument();
  });

  it("system actor named in Chinese", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));
    const systemEntry = { ...auditEntry(7, "RegisteredModel.Registered"), actor: "system" };
    renderApp(
      `/teams/${TEAM_ID}/audit`,
      responses({ AuditLog: { data: { auditLog: { nodes: [systemEntry], pageInfo: NO_MORE } } } }),
    );

    const row = (await screen.findByText("注册了模型“iris”（分类）")).closest(".ant-table-row") as HTMLElement;
    expect(within(row).getByText("平台")).toBeInTheDocument();
    expect(within(row).queryByText("system")).not.toBeInTheDocument();
  });

  it("audit export keeps filters", async () => {
    renderApp(`/teams/${TEAM_ID}/audit?action=RegisteredModel.AliasMoved`);

    const link = await screen.findByText("Export CSV");

    expect(link).toHaveAttribute("href", `/v1/audit/export?action=RegisteredModel.AliasMoved&team=${TEAM_ID}&format=csv`);
  });

  it("new token secret shown once", async () => {
    const server = renderApp(
      `/teams/${TEAM_ID}/access`,
      responses({
        CreateApiToken: {
          data: {
            createApiToken: {
              secret: "mc_secret_value",
              token: {
                id: "token-1",
                name: "ci",
                prefix: "mc_secr",
                scopes: ["READ"],
                createdAt: CREATED,
                expiresAt: null,
                revokedAt: null,
              },
            },
          },
        },
      }),
    );

    fireEvent.click(await screen.findByText("API tokens"));
    fireEvent.change(await screen.findByLabelText("Name"), { target: { value: "ci" } });
    fireEvent.click(buttonNamed("Create token"));

    expect(await screen.findByText("mc_secret_value")).toBeInTheDocument();
    expect(namedOperations(server, "CreateApiToken")[0]?.variables).toEqual({
      input: { teamId: TEAM_ID, name: "ci", scopes: ["READ"], expiresAt: null },
    });
  });

  it("language switch is remembered", async () => {
    renderApp(`/teams/${TEAM_ID}/models`);
    await screen.findByText("churn");

    fireEvent.mouseDown(screen.getByLabelText("Language"));
    fireEvent.click(await screen.findByText("简体中文"));

    expect(await screen.findByText("模型", { selector: "h2" })).toBeInTheDocument();
    expect(window.localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe("zh-CN");
    expect(document.documentElement.lang).toBe("zh-CN");
  });
});
