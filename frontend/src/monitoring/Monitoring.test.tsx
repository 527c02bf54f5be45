import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import i18next from "i18next";
import { afterEach, describe, expect, it, vi } from "vitest";

import { mockServer } from "../test/mockClient";
import type { Answer } from "../test/mockClient";
import { operationsNamed, renderSignedInTeamPage, TEST_TEAM } from "../test/renderSignedInTeamPage";
import { AlertsPage } from "./AlertsPage";
import { MonitoringWallPage } from "./MonitoringWallPage";
import { NotificationBell } from "./NotificationBell";
import { foldWall } from "./wallState";

const NOW = "2026-12-05T11:34:35Z";

function alert(overrides: Record<string, unknown> = {}) {
  return {
    id: "alert-1",
    incident: 1,
    teamId: TEST_TEAM.id,
    ruleId: "rule-1",
    ruleName: "slow predictions",
    signal: "latencyP95Ms",
    feature: null,
    comparator: ">",
    threshold: 250,
    severity: "CRITICAL",
    subjectKind: "DEPLOYMENT",
    subjectId: "deployment-1",
    subjectName: "breast-cancer",
    state: "FIRING",
    value: 412.5,
    firstValue: 300,
    message: "latencyP95Ms 412.5 > 250 over 300 s",
    startedAt: NOW,
    firedAt: NOW,
    endedAt: null,
    endReason: null,
    acknowledgedBy: null,
    acknowledgedByUsername: null,
    acknowledgedAt: null,
    acknowledgeNote: null,
    silencedUntil: null,
    silenceReason: null,
    ...overrides,
  };
}

function wall(requestsPerSecond: number, at: string, alerts: unknown[] = []) {
  return {
    monitoringWall: {
      teamId: TEST_TEAM.id,
      at,
      changed: alerts.length > 0 ? "alert" : null,
      deployments: [
        {
          deployment: {
            id: "deployment-1",
            name: "breast-cancer",
            status: "HEALTHY",
            revision: 1,
            healthReason: null,
            config: { traffic: [{ version: 1, percent: 100 }] },
          },
          requestsPerSecond,
          errorRate: 0,
          latencyP99Ms: 99,
          featureDriftPsi: 0.068,
          predictionDriftPsi: null,
          openAlerts: alerts.length,
          worstSeverity: alerts.length > 0 ? "CRITICAL" : null,
        },
      ],
      alerts,
    },
  };
}

describe("monitoring wall", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("push updates grid without reload", async () => {
    const server = mockServer((name) => (name === "MonitoringWall" ? { data: wall(0.5, NOW) } : null));
    renderSignedInTeamPage(server, "/teams/:teamId/monitoring", `/teams/${TEST_TEAM.id}/monitoring`, <MonitoringWallPage />);

    const tile = (await screen.findByRole("link", { name: "breast-cancer" })).closest("article") as HTMLElement;
    expect(within(tile).getByText("0.5/s")).toBeInTheDocument();
    expect(screen.getByText("No open alerts.")).toBeInTheDocument();

    act(() => server.push("MonitoringWall", wall(12.25, "2026-12-05T11:35:35Z", [alert()])));

    expect(await within(tile).findByText("12.25/s")).toBeInTheDocument();
    expect(within(tile).getByText("1 open alert, worst Critical")).toBeInTheDocument();
    expect(screen.getByText("1 open alert")).toBeInTheDocument();
    expect(screen.getByText("slow predictions: Latency p95 of breast-cancer is 412.5 ms, > 250 ms.")).toBeInTheDocument();
    expect(operationsNamed(server, "MonitoringWall")).toHaveLength(1);
    expect(server.operations.filter((operation) => operation.kind === "query")).toHaveLength(0);
  });

  it("fold keeps signal history", () => {
    const first = foldWall(undefined, wall(1, NOW) as never);
    const second = foldWall(first, wall(2, "2026-12-05T11:35:35Z") as never);

    expect(second.history["deployment-1"]?.map((sample) => sample.requestsPerSecond)).toEqual([1, 2]);
    expect(second.updates).toBe(2);
  });

  it("full screen button requests it", async () => {
    Object.defineProperty(document, "fullscreenEnabled", { configurable: true, value: true });
    const request = vi.fn(() => Promise.resolve());
    Object.defineProperty(HTMLElement.prototype, "requestFullscreen", { configurable: true, value: request });
    const server = mockServer((name) => (name === "MonitoringWall" ? { data: wall(0.5, NOW) } : null));
    renderSignedInTeamPage(server, "/teams/:teamId/monitoring", `/teams/${TEST_TEAM.id}/monitoring`, <MonitoringWallPage />);

    fireEvent.click((await screen.findByText("Full screen")).closest("button") as HTMLElement);

    expect(request).toHaveBeenCalledTimes(1);
    expect(request.mock.contexts[0]).toHaveClass("monitoring-wall");
  });
});

describe("alerts page", () => {
  function answer(name: string, variables: Record<string, unknown>): Answer {
    switch (name) {
      case "Alerts":
        return { data: { alerts: { nodes: [alert()], pageInfo: { hasNextPage: false, endCursor: null } } } };
      case "AcknowledgeAlert":
        return {
          data: {
            acknowledgeAlert: alert({
              acknowledgedBy: "user-1",
              acknowledgedByUsername: "ada",
              acknowledgedAt: NOW,
              acknowledgeNote: variables.note,
            }),
          },
        };
      case "AlertRules":
        return {
          data: {
            alertRules: {
              nodes: [
                {
                  id: "rule-1",
                  name: "slow predictions",
                  signal: "latencyP95Ms",
                  feature: null,
                  comparator: ">",
                  threshold: 250,
                  windowSeconds: 300,
                  forSeconds: 60,
                  severity: "WARNING",
                  targetKind: "TEAM",
                  targetId: TEST_TEAM.id,
                  targetName: TEST_TEAM.name,
                  channelIds: [],
                  enabled: true,
                  createdBy: "user-1",
                  updatedAt: NOW,
                },
                {
                  id: "rule-2",
                  name: "api traffic",
                  signal: "requestsPerSecond",
                  feature: null,
                  comparator: ">",
                  threshold: 0,
                  windowSeconds: 300,
                  forSeconds: 0,
                  severity: "INFO",
                  targetKind: "DEPLOYMENT",
                  targetId: "62a23355-6f0e-4c3f-9b39-0d5e8c1f2a10",
                  targetName: "breast-cancer",
                  channelIds: [],
                  enabled: true,
                  createdBy: "user-1",
                  updatedAt: NOW,
                },
                {
                  id: "rule-3",
                  name: "failing requests",
                  signal: "errorRate",
                  feature: null,
                  comparator: ">",
                  threshold: 0.05,
                  windowSeconds: 300,
                  forSeconds: 0,
                  severity: "INFO",
                  targetKind: "DEPLOYMENT",
                  targetId: "62a23355-6f0e-4c3f-9b39-0d5e8c1f2a10",
                  targetName: "breast-cancer",
                  channelIds: [],
                  enabled: true,
                  createdBy: "user-1",
                  updatedAt: NOW,
                },
              ],
              pageInfo: { hasNextPage: false, endCursor: null },
            },
          },
        };
      default:
        return null;
    }
  }

  it("acknowledge sends the note", async () => {
    const server = mockServer(answer);
    renderSignedInTeamPage(server, "/teams/:teamId/alerts", `/teams/${TEST_TEAM.id}/alerts`, <AlertsPage />);

    fireEvent.click(await screen.findByRole("button", { name: "Acknowledge" }));
    fireEvent.change(await screen.findByLabelText("Note"), { target: { value: "on it" } });
    const dialog = screen.getByRole("dialog");
    fireEvent.click(within(dialog).getByRole("button", { name: "Acknowledge" }));

    expect(await screen.findByText(/Acknowledged by ada/)).toBeInTheDocument();
    expect(operationsNamed(server, "AcknowledgeAlert")[0]?.variables).toEqual({ id: "alert-1", note: "on it" });
    expect(operationsNamed(server, "Alerts")[0]?.variables).toMatchObject({
      filter: { teamId: TEST_TEAM.id, states: ["FIRING", "PENDING"], severities: null },
    });
  });

  it("alertUpdated adds a new incident", async () => {
    const server = mockServer(answer);
    renderSignedInTeamPage(server, "/teams/:teamId/alerts", `/teams/${TEST_TEAM.id}/alerts`, <AlertsPage />);
    await screen.findByText("slow predictions: Latency p95 of breast-cancer is 412.5 ms, > 250 ms.");
    await waitFor(() => expect(operationsNamed(server, "AlertUpdated")).toHaveLength(1));

    act(() =>
      server.push("AlertUpdated", {
        alertUpdated: { alert: alert({ incident: 2, state: "PENDING", value: 300 }), change: null },
      }),
    );

    expect(await screen.findByText("slow predictions: Latency p95 of breast-cancer is 300 ms, > 250 ms.")).toBeInTheDocument();
    expect(operationsNamed(server, "AlertUpdated")[0]?.variables).toEqual({ teamId: TEST_TEAM.id });
  });

  it("rules tab lists rules", async () => {
    const server = mockServer(answer);
    renderSignedInTeamPage(server, "/teams/:teamId/alerts", `/teams/${TEST_TEAM.id}/alerts?tab=rules`, <AlertsPage />);

    expect(await screen.findByText("slow predictions")).toBeInTheDocument();
    expect(screen.getByTitle("latencyP95Ms")).toHaveTextContent(/^Latency p95 > 250 ms$/);
    expect(screen.getByTitle("errorRate")).toHaveTextContent(/^Server error rate > 5%$/);
    expect(screen.getByTitle("requestsPerSecond")).toHaveTextContent(/^Requests per second > 0\/s$/);
    expect(screen.getByText("60 seconds")).toBeInTheDocument();
  });

  it("incident message follows the language", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));
    try {
      const server = mockServer(answer);
      renderSignedInTeamPage(server, "/teams/:teamId/alerts", `/teams/${TEST_TEAM.id}/alerts`, <AlertsPage />);

      expect(await screen.findByText("slow predictions：breast-cancer的延迟 p95为412.5毫秒，>250毫秒。")).toBeInTheDocument();
      expect(screen.queryByText("latencyP95Ms 412.5 > 250 over 300 s")).not.toBeInTheDocument();
    } finally {
      await act(() => i18next.changeLanguage("en"));
    }
  });

  it("resolved incident reads as ended", async () => {
    const server = mockServer((name, variables) =>
      name === "Alerts"
        ? {
            data: {
              alerts: { nodes: [alert({ state: "RESOLVED", value: 120 })], pageInfo: { hasNextPage: false, endCursor: null } },
            },
          }
        : answer(name, variables),
    );
    renderSignedInTeamPage(server, "/teams/:teamId/alerts", `/teams/${TEST_TEAM.id}/alerts?states=RESOLVED`, <AlertsPage />);

    expect(
      await screen.findByText("slow predictions: Latency p95 of breast-cancer is 120 ms; Latency p95 > 250 ms no longer holds."),
    ).toBeInTheDocument();
  });

  it("early end names its reason", async () => {
    const ended = [
      alert({ id: "alert-1", state: "RESOLVED", value: null, endReason: "RULE_DELETED", message: "The alert rule was deleted." }),
      alert({ id: "alert-2", state: "CLEARED", value: null, endReason: "RULE_DISABLED", subjectName: "digits" }),
      alert({ id: "alert-3", state: "RESOLVED", value: null, endReason: "SUBJECT_UNWATCHED", subjectName: "wine" }),
    ];
    const server = mockServer((name, variables) =>
      name === "Alerts"
        ? { data: { alerts: { nodes: ended, pageInfo: { hasNextPage: false, endCursor: null } } } }
        : answer(name, variables),
    );
    renderSignedInTeamPage(server, "/teams/:teamId/alerts", `/teams/${TEST_TEAM.id}/alerts?states=RESOLVED`, <AlertsPage />);

    expect(
      await screen.findByText("slow predictions: the incident on breast-cancer ended because the alert rule was deleted."),
    ).toBeInTheDocument();
    expect(
      screen.getByText("slow predictions: the incident on digits ended because the alert rule was disabled."),
    ).toBeInTheDocument();
    expect(
      screen.getByText("slow predictions: the incident on wine ended because the rule no longer watches it."),
    ).toBeInTheDocument();
    expect(screen.queryByText(/no data/)).not.toBeInTheDocument();

    await act(() => i18next.changeLanguage("zh-CN"));
    try {
      expect(
        await screen.findByText("slow predictions：breast-cancer上的事件已结束，因为告警规则已被删除。"),
      ).toBeInTheDocument();
      expect(screen.getByText("slow predictions：digits上的事件已结束，因为告警规则已停用。")).toBeInTheDocument();
      expect(screen.getByText("slow predictions：wine上的事件已结束，因为该规则不再监视它。")).toBeInTheDocument();
      expect(screen.queryByText("The alert rule was deleted.")).not.toBeInTheDocument();
    } finally {
      await act(() => i18next.changeLanguage("en"));
    }
  });

  it("rule target shows its name", async () => {
    const server = mockServer(answer);
    renderSignedInTeamPage(server, "/teams/:teamId/alerts", `/teams/${TEST_TEAM.id}/alerts?tab=rules`, <AlertsPage />);

    const row = (await screen.findByText("api traffic")).closest("tr") as HTMLElement;
    expect(within(row).getByText("Deployment breast-cancer")).toBeInTheDocument();
    expect(within(row).queryByText(/62a23355/)).not.toBeInTheDocument();
    const teamRow = screen.getByText("slow predictions").closest("tr") as HTMLElement;
    expect(within(teamRow).getByText("Team Vision")).toBeInTheDocument();
  });

  it("signal names follow the language", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));
    try {
      const server = mockServer(answer);
      renderSignedInTeamPage(server, "/teams/:teamId/alerts", `/teams/${TEST_TEAM.id}/alerts?tab=rules`, <AlertsPage />);

      expect(await screen.findByText("slow predictions")).toBeInTheDocument();
      expect(screen.getByTitle("latencyP95Ms")).toHaveTextContent(/^延迟 p95 > 250毫秒$/);
      expect(screen.getByTitle("errorRate")).toHaveTextContent(/^服务器错误率 > 5%$/);
    } finally {
      await act(() => i18next.changeLanguage("en"));
    }
  });
});

describe("notification bell", () => {
  function notification(position: number, read: boolean) {
    return {
      position,
      alertId: "alert-1",
      incident: 1,
      kind: "firing",
      severity: "CRITICAL",
      subjectKind: "DEPLOYMENT",
      subjectId: "deployment-1",
      subjectName: "breast-cancer",
      message: `message ${position}`,
      value: 1,
      createdAt: NOW,
      read,
      alert: null,
    };
  }

  it("counts unread and marks read", async () => {
    const server = mockServer((name) => {
      if (name === "Notifications") {
        return {
          data: { notifications: { unread: 1, notifications: { nodes: [notification(7, false), notification(5, true)] } } },
        };
      }
      if (name === "MarkNotificationsRead") {
        return { data: { markNotificationsRead: 0 } };
      }
      return null;
    });
    renderSignedInTeamPage(server, "*", "/", <NotificationBell teamId={TEST_TEAM.id} />);

    expect(await screen.findByRole("button", { name: "Notifications, 1 unread" })).toBeInTheDocument();
    await waitFor(() => expect(operationsNamed(server, "NotificationAdded")).toHaveLength(1));
    act(() => server.push("NotificationAdded", { notificationAdded: notification(9, false) }));
    const bell = await screen.findByRole("button", { name: "Notifications, 2 unread" });

    fireEvent.click(bell);
    expect(await screen.findByText("message 9")).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Mark all read" }));

    expect(await screen.findByRole("button", { name: "Notifications, 0 unread" })).toBeInTheDocument();
    expect(operationsNamed(server, "MarkNotificationsRead")[0]?.variables).toEqual({ teamId: TEST_TEAM.id, upTo: 9 });
  });

  it("notification message follows the language", async () => {
    const incident = { ruleName: "api traffic", signal: "requestsPerSecond", feature: null, comparator: ">", threshold: 0 };
    const server = mockServer((name) =>
      name === "Notifications"
        ? {
            data: {
              notifications: {
                unread: 1,
                notifications: { nodes: [{ ...notification(3, false), value: 2 / 60, alert: incident }] },
              },
            },
          }
        : null,
    );
    await act(() => i18next.changeLanguage("zh-CN"));
    try {
      renderSignedInTeamPage(server, "*", "/", <NotificationBell teamId={TEST_TEAM.id} />);
      fireEvent.click(await screen.findByRole("button", { name: /通知/ }));

      expect(await screen.findByText("api traffic：breast-cancer的每秒请求数为0.03/秒，>0/秒。")).toBeInTheDocument();
      expect(screen.queryByText("message 3")).not.toBeInTheDocument();
    } finally {
      await act(() => i18next.changeLanguage("en"));
    }
  });
});
