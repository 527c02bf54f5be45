import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { TeamSwitcher } from "../layout/TeamSwitcher";
import { mockServer } from "../test/mockClient";
import type { Answer, MockServer } from "../test/mockClient";
import { ADMIN_SESSION, operationsNamed, renderSignedInTeamPage, TEST_TEAM } from "../test/renderSignedInTeamPage";
import { renderTeamPage } from "../test/renderTeamPage";
import { MembersPanel } from "./MembersPanel";
import { TokensPanel } from "./TokensPanel";

const NO_MORE = { hasNextPage: false, endCursor: null };

function member(userId: string, username: string, role = "VIEWER") {
  return {
    teamId: TEST_TEAM.id,
    userId,
    role,
    addedAt: "2026-12-05T10:00:00Z",
    user: { id: userId, username, displayName: `${username} display name` },
  };
}

function token(id: string, name: string, revokedAt: string | null = null) {
  return {
    id,
    name,
    prefix: `mc_${id}`,
    scopes: ["READ"],
    createdAt: "2026-12-05T10:00:00Z",
    expiresAt: null,
    revokedAt,
    user: { id: "user-1", username: "ada" },
  };
}

/**
 * A server whose teams, members and tokens a test changes between reads, as another user would
 * elsewhere. The `events` subscription sends nothing until a test pushes an entry.
 */
function serverWith(state: {
  teams: { id: string; name: string }[];
  members: unknown[];
  tokens: unknown[];
  users?: unknown[];
}): MockServer {
  return mockServer((name): Answer => {
    switch (name) {
      case "Users":
        return { data: { users: { nodes: [...(state.users ?? [])], pageInfo: NO_MORE } } };
      case "Teams":
        return { data: { teams: { nodes: [...state.teams], pageInfo: NO_MORE } } };
      case "TeamMembers":
        return { data: { team: { id: TEST_TEAM.id, members: { nodes: [...state.members], pageInfo: NO_MORE } } } };
      case "TeamTokens":
        return { data: { team: { id: TEST_TEAM.id, apiTokens: { nodes: [...state.tokens], pageInfo: NO_MORE } } } };
      default:
        return null;
    }
  });
}

function recorded(server: MockServer, action: string, subjectType: string, subjectId: string, position: number) {
  act(() => server.push("SubjectEvents", { events: { position, action, subjectType, subjectId } }));
}

async function subscribed(server: MockServer) {
  await waitFor(() => expect(operationsNamed(server, "SubjectEvents")).toHaveLength(1));
}

function rowTexts(): string[] {
  return screen
    .getAllByRole("row")
    .slice(1)
    .map((row) => row.textContent ?? "");
}

describe("MembersPanel live", () => {
  it("follows the team's member events", async () => {
    const server = serverWith({ teams: [], members: [member("user-1", "ada")], tokens: [] });
    renderSignedInTeamPage(server, "*", "/", <MembersPanel />);
    await screen.findByText("ada");
    await subscribed(server);

    expect(operationsNamed(server, "SubjectEvents")[0]?.variables).toEqual({
      filter: { teamId: TEST_TEAM.id, subjectType: "Team", subjectId: TEST_TEAM.id },
    });
  });

  it("added member appears without reload", async () => {
    const state = { teams: [], members: [member("user-1", "ada")], tokens: [] };
    const server = serverWith(state);
    renderSignedInTeamPage(server, "*", "/", <MembersPanel />);
    await screen.findByText("ada");
    await subscribed(server);

    state.members = [member("user-1", "ada"), member("user-2", "grace", "EDITOR")];
    recorded(server, "Team.MemberAdded", "Team", TEST_TEAM.id, 10);

    expect(await screen.findByText("grace")).toBeInTheDocument();
    expect(rowTexts()).toHaveLength(2);
    expect(rowTexts()[1]).toContain("Editor");
  });

  it("changed role shows without reload", async () => {
    const state = { teams: [], members: [member("user-1", "ada"), member("user-2", "grace")], tokens: [] };
    const server = serverWith(state);
    renderSignedInTeamPage(server, "*", "/", <MembersPanel />);
    await screen.findByText("grace");
    await subscribed(server);
    expect(rowTexts()[1]).toContain("Viewer");

    state.members = [member("user-1", "ada"), member("user-2", "grace", "ADMIN")];
    recorded(server, "Team.MemberRoleChanged", "Team", TEST_TEAM.id, 11);

    await waitFor(() => expect(rowTexts()[1]).toContain("Admin"));
  });

  it("removed member disappears without reload", async () => {
    const state = { teams: [], members: [member("user-1", "ada"), member("user-2", "grace")], tokens: [] };
    const server = serverWith(state);
    renderSignedInTeamPage(server, "*", "/", <MembersPanel />);
    await screen.findByText("grace");
    await subscribed(server);

    state.members = [member("user-1", "ada")];
    recorded(server, "Team.MemberRemoved", "Team", TEST_TEAM.id, 12);

    await waitFor(() => expect(screen.queryByText("grace")).not.toBeInTheDocument());
    expect(screen.getByText("ada")).toBeInTheDocument();
  });

  it("unrelated action does not read again", async () => {
    const server = serverWith({ teams: [], members: [member("user-1", "ada")], tokens: [] });
    renderSignedInTeamPage(server, "*", "/", <MembersPanel />);
    await screen.findByText("ada");
    await subscribed(server);
    const reads = operationsNamed(server, "TeamMembers").length;

    recorded(server, "Team.Created", "Team", TEST_TEAM.id, 13);

    expect(operationsNamed(server, "TeamMembers")).toHaveLength(reads);
    recorded(server, "Team.MemberAdded", "Team", TEST_TEAM.id, 14);
    expect(operationsNamed(server, "TeamMembers")).toHaveLength(reads + 1);
  });
});

describe("Add a member live", () => {
  function user(id: string, username: string) {
    return { id, username, displayName: null, erased: false };
  }
  const renderAsAdmin = (server: MockServer) =>
    renderSignedInTeamPage(server, "*", "/", <MembersPanel />, {
      session: ADMIN_SESSION,
      team: { ...TEST_TEAM, viewerRole: "ADMIN", canAdminister: true },
    });

  it("registered user becomes choosable without reload", async () => {
    const state = { teams: [], members: [member("user-1", "ada")], tokens: [], users: [user("user-1", "ada")] };
    const server = serverWith(state);
    renderAsAdmin(server);
    await screen.findByText("ada");
    await waitFor(() => expect(operationsNamed(server, "SubjectEvents")).toHaveLength(2));
    const userEvents = operationsNamed(server, "SubjectEvents").map((operation) => operation.variables);
    expect(userEvents).toContainEqual({ filter: { subjectType: "User" } });

    state.users = [user("user-1", "ada"), user("user-9", "linus")];
    recorded(server, "User.Registered", "User", "user-9", 40);

    fireEvent.mouseDown(screen.getByLabelText("User"));
    expect(await screen.findByRole("option", { name: "linus" })).toBeInTheDocument();
  });
});

describe("TokensPanel live", () => {
  it("follows the team's token events", async () => {
    const server = serverWith({ teams: [], members: [], tokens: [token("t1", "ci")] });
    renderSignedInTeamPage(server, "*", "/", <TokensPanel />);
    await screen.findByText("ci");
    await subscribed(server);

    expect(operationsNamed(server, "SubjectEvents")[0]?.variables).toEqual({
      filter: { teamId: TEST_TEAM.id, subjectType: "ApiToken" },
    });
  });

  it("created token appears without reload", async () => {
    const state = { teams: [], members: [], tokens: [token("t1", "ci")] };
    const server = serverWith(state);
    renderSignedInTeamPage(server, "*", "/", <TokensPanel />);
    await screen.findByText("ci");
    await subscribed(server);

    state.tokens = [token("t2", "notebook"), token("t1", "ci")];
    recorded(server, "ApiToken.Issued", "ApiToken", "t2", 20);

    expect(await screen.findByText("notebook")).toBeInTheDocument();
    expect(rowTexts()).toHaveLength(2);
  });

  it("revoked token shows revoked without reload", async () => {
    const state = { teams: [], members: [], tokens: [token("t1", "ci")] };
    const server = serverWith(state);
    renderSignedInTeamPage(server, "*", "/", <TokensPanel />);
    await screen.findByText("ci");
    await subscribed(server);
    const row = () => screen.getByText("ci").closest("tr") as HTMLElement;
    expect(within(row()).getByRole("button", { name: "Revoke" })).toBeInTheDocument();

    state.tokens = [token("t1", "ci", "2026-12-05T11:00:00Z")];
    recorded(server, "ApiToken.Revoked", "ApiToken", "t1", 21);

    await waitFor(() => expect(within(row()).queryByRole("button", { name: "Revoke" })).not.toBeInTheDocument());
    expect(within(row()).getByText(/Revoked/)).toBeInTheDocument();
  });

  it("token the server stops listing disappears", async () => {
    const state = { teams: [], members: [], tokens: [token("t1", "ci"), token("t2", "notebook")] };
    const server = serverWith(state);
    renderSignedInTeamPage(server, "*", "/", <TokensPanel />);
    await screen.findByText("notebook");
    await subscribed(server);

    state.tokens = [token("t1", "ci")];
    recorded(server, "ApiToken.Revoked", "ApiToken", "t2", 22);

    await waitFor(() => expect(screen.queryByText("notebook")).not.toBeInTheDocument());
    expect(screen.getByText("ci")).toBeInTheDocument();
  });
});

describe("TeamSwitcher live", () => {
  async function openSwitcher() {
    fireEvent.mouseDown(screen.getByLabelText("Team"));
  }

  it("follows team events of every team", async () => {
    const server = serverWith({ teams: [{ id: "team-1", name: "Vision" }], members: [], tokens: [] });
    renderTeamPage(server, "*", <TeamSwitcher teamId="team-1" section="access" />, "/");
    await subscribed(server);

    expect(operationsNamed(server, "SubjectEvents")[0]?.variables).toEqual({ filter: { subjectType: "Team" } });
  });

  it("created team appears without reload", async () => {
    const state = { teams: [{ id: "team-1", name: "Vision" }], members: [], tokens: [] };
    const server = serverWith(state);
    renderTeamPage(server, "*", <TeamSwitcher teamId="team-1" section="access" />, "/");
    await subscribed(server);
    await openSwitcher();
    expect(await screen.findByRole("option", { name: "Vision" })).toBeInTheDocument();

    state.teams = [
      { id: "team-2", name: "Speech" },
      { id: "team-1", name: "Vision" },
    ];
    recorded(server, "Team.Created", "Team", "team-2", 30);

    expect(await screen.findByRole("option", { name: "Speech" })).toBeInTheDocument();
  });

  it("team the viewer left disappears", async () => {
    const state = {
      teams: [
        { id: "team-1", name: "Vision" },
        { id: "team-2", name: "Speech" },
      ],
      members: [],
      tokens: [],
    };
    const server = serverWith(state);
    renderTeamPage(server, "*", <TeamSwitcher teamId="team-1" section="access" />, "/");
    await subscribed(server);
    await openSwitcher();
    expect(await screen.findByRole("option", { name: "Speech" })).toBeInTheDocument();

    state.teams = [{ id: "team-1", name: "Vision" }];
    recorded(server, "Team.MemberRemoved", "Team", "team-2", 31);

    await waitFor(() => expect(screen.queryByRole("option", { name: "Speech" })).not.toBeInTheDocument());
    expect(screen.getByRole("option", { name: "Vision" })).toBeInTheDocument();
  });
});
