import i18next from "i18next";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { auditActionsEn } from "../i18n/auditActions.en";
import { auditSummariesEn } from "../i18n/auditSummaries.en";
import { auditSummariesZhCN } from "../i18n/auditSummaries.zhCN";
import PARAMETER_NAMES from "./auditParameterNames.fixture.json";
import { auditSentenceWriter, placeholdersOf } from "./auditSentence";

// The parameter names the server records for each action; a backend test keeps this list equal to the server's.
const parameterNames: Record<string, string[]> = PARAMETER_NAMES;

type Template = string | Record<string, string>;
type Catalogue = Record<string, Record<string, Template>>;

const FIXED_PIECE = /^text\d*$/;

function actionsOf(catalogue: Record<string, object>): string[] {
  return Object.entries(catalogue).flatMap(([aggregate, events]) => Object.keys(events).map((event) => `${aggregate}.${event}`));
}

function templateOf(catalogue: Catalogue, action: string): Template | undefined {
  const [aggregate = "", event = ""] = action.split(".");
  return catalogue[aggregate]?.[event];
}

function piecesOf(template: Template): [string | null, string][] {
  return typeof template === "string" ? [[null, template]] : Object.entries(template);
}

const CATALOGUES: [string, Catalogue][] = [
  ["en", auditSummariesEn],
  ["zh-CN", auditSummariesZhCN],
];

describe("audit sentence templates", () => {
  it("exist for every action in both languages", () => {
    for (const [language, catalogue] of CATALOGUES) {
      const missing = actionsOf(auditActionsEn).filter((action) => templateOf(catalogue, action) === undefined);
      expect(missing, language).toEqual([]);
    }
  });

  it("cover exactly the server's actions", () => {
    expect(actionsOf(auditActionsEn).sort()).toEqual(Object.keys(parameterNames).sort());
  });

  it.each(CATALOGUES)("%s uses only the server's parameters", (_, catalogue) => {
    const unknown: string[] = [];
    for (const action of actionsOf(auditActionsEn)) {
      const names = new Set(parameterNames[action] ?? []);
      for (const [piece, text] of piecesOf(templateOf(catalogue, action) ?? "")) {
        if (piece !== null && !FIXED_PIECE.test(piece) && !names.has(piece)) {
          unknown.push(`${action}.${piece}`);
        }
        for (const name of placeholdersOf(text)) {
          if (!names.has(name)) {
            unknown.push(`${action}${piece === null ? "" : `.${piece}`}: {{${name}}}`);
          }
        }
      }
    }
    expect(unknown).toEqual([]);
  });
});

describe("Chinese audit sentences", () => {
  beforeEach(async () => {
    await i18next.changeLanguage("zh-CN");
  });

  afterEach(async () => {
    await i18next.changeLanguage("en");
  });

  const write = (action: string, parameters: unknown) => auditSentenceWriter(i18next, i18next.t)(action, parameters);

  it("moved alias names both versions", () => {
    expect(write("RegisteredModel.AliasMoved", { alias: "prod", model: "iris", number: 3, previousNumber: 2 })).toBe(
      "将模型“iris”的别名“prod”移到版本 3（原为版本 2）",
    );
  });

  it("first alias move has no previous version", () => {
    expect(write("RegisteredModel.AliasMoved", { alias: "prod", model: "iris", number: 1, previousNumber: null })).toBe(
      "将模型“iris”的别名“prod”移到版本 1",
    );
  });

  it("model version says how it was added", () => {
    const version = { version: "iris v3", format: "keras", size: 2048, sha256: "0123456789ab", duplicateOf: null };
    expect(write("ModelVersion.Created", { ...version, uploaded: false, trained: true })).toMatch(
      /^登记了训练得到的模型版本“iris v3”（keras，/,
    );
    expect(write("ModelVersion.Created", { ...version, uploaded: true, trained: false })).toMatch(
      /^上传了模型版本“iris v3”（keras，/,
    );
  });

  it("issued token lists translated scopes", () => {
    expect(write("ApiToken.Issued", { token: "ci", prefix: "mc_ab12cd3", user: "alice", scopes: ["predict", "read"] })).toBe(
      "向用户“alice”签发了令牌“ci”（mc_ab12cd3…），权限范围为预测、读取",
    );
  });

  it("counts take measure words and zh-CN digit grouping", () => {
    expect(
      write("DatasetVersion.Uploaded", {
        version: "iris v2",
        filename: "iris.csv",
        fileFormat: "csv",
        rows: 15000,
        columns: 5,
        label: "species",
        duplicateOf: null,
      }),
    ).toBe("从“iris.csv”（csv）上传了数据集版本“iris v2”：15,000 行，5 列，标签列“species”");
    expect(write("Deployment.BecameHealthy", { deployment: "churn-api", revision: 4, replicas: 2 })).toBe(
      "部署“churn-api”在 2 个副本上提供修订版 4",
    );
  });

  it("inference window counts requests and then names its callers", () => {
    expect(
      write("InferenceLog.WindowRecorded", {
        deployment: "breast-cancer",
        requests: 120,
        errors: 0,
        clientErrors: 0,
        callers: [
          { name: "demo-predictions", requests: 100 },
          { name: "alice", requests: 20 },
        ],
      }),
    ).toBe(
      "记录了部署“breast-cancer”的 120 次请求（失败 0 次，拒绝 0 次），其中“demo-predictions”调用 100 次、“alice”调用 20 次",
    );
  });

  it("measured signals show translated names and zh-CN units", () => {
    expect(
      write("SignalLog.Measured", {
        deployment: "churn-api",
        values: [
          { name: "errorRate", value: 0.05 },
          { name: "latencyP50Ms", value: 15.36 },
          { name: "replicaHealth", value: 1 },
          { name: "requestsPerSecond", value: 2 },
        ],
      }),
    ).toBe("测量了部署“churn-api”：服务器错误率：5%、延迟 p50：15.4毫秒、副本健康度：100%、每秒请求数：2/秒");
  });

  it("reservations name what was reserved without internal ids", () => {
    expect(write("NameIndex.Reserved", { kind: "digest", key: null })).toBe("预留了模型版本文件的内容摘要值");
    expect(write("NameIndex.Reserved", { kind: "model", key: "churn" })).toBe("预留了模型名称“churn”");
  });

  it("either-or wording follows the flags", () => {
    const delivered = { attempt: 1, delivered: true, failed: false, error: null, statusCode: 200, nextAttemptAt: null };
    expect(write("WebhookDelivery.Attempted", delivered)).toBe("Webhook 第 1 次尝试已送达（HTTP 200）");

    const failed = { ...delivered, delivered: false, failed: true, error: "connection refused", statusCode: null };
    expect(write("WebhookDelivery.Attempted", failed)).toBe("Webhook 第 1 次尝试失败：connection refused");
  });

  it("times are formatted for zh-CN", () => {
    const until = "2026-12-02T08:30:00+00:00";
    const shown = new Intl.DateTimeFormat("zh-CN", { dateStyle: "medium", timeStyle: "medium" }).format(new Date(until));

    expect(write("Alert.Silenced", { subject: "churn-api", until, reason: null })).toBe(`将“churn-api”上的告警静默至 ${shown}`);
    expect(shown).toMatch(/2026年12月2日/);
  });

  it("derived version describes its steps in Chinese", () => {
    const sentence = write("DatasetVersion.Derived", {
      version: "iris v3",
      parentNumber: 2,
      operations: [
        { op: "dropDuplicates", description: "drop duplicate rows", parameters: { op: "dropDuplicates" } },
        { op: "standardize", description: "standardize age", parameters: { op: "standardize", columns: ["age"] } },
      ],
      rows: 148,
      columns: 5,
    });

    expect(sentence).toBe("从版本 2 派生了数据集版本“iris v3”：删除重复行；标准化 age（148 行，5 列）");
  });

  it("alert rule names its team target and translates enumerations", () => {
    const defined = {
      rule: "slow",
      severity: "warning",
      signal: "latencyP99Ms",
      feature: null,
      comparator: ">",
      threshold: 250,
      windowSeconds: 120,
      forSeconds: 60,
      targetKind: "team",
      target: "Vision",
    };

    expect(write("AlertRule.Defined", defined)).toBe(
      "定义了告警规则“slow”：警告级别，条件为延迟 p99在120秒内>250毫秒，持续60秒，目标为团队“Vision”",
    );
    expect(write("AlertRule.Defined", { ...defined, signal: "errorRate", threshold: 0.05 })).toBe(
      "定义了告警规则“slow”：警告级别，条件为服务器错误率在120秒内>5%，持续60秒，目标为团队“Vision”",
    );
  });

  // An alert transition's parameters as the server records them for a latency rule.
  const transition = {
    subject: "breast-cancer",
    incident: 2,
    message: null,
    rule: "slow predictions",
    signal: "latencyP95Ms",
    feature: null,
    comparator: ">",
    threshold: 250,
    value: 412.5,
    noData: false,
  };
  // The same parameters of an entry that names no condition: ended by a reason, or recorded before conditions.
  const withoutCondition = { ...transition, rule: null, signal: null, comparator: null, threshold: null, value: null };

  it("alert transitions state the rule's condition in Chinese", () => {
    expect(write("Alert.Raised", { ...transition, topFeature: null, severity: "critical", silenced: true })).toBe(
      "“breast-cancer”上的告警第 2 次事件触发（严重）：slow predictions：breast-cancer的延迟 p95为412.5毫秒，>250毫秒（已静默，未通知）",
    );
    expect(write("Alert.Resolved", { ...transition, value: null, noData: true, endReason: null })).toBe(
      "“breast-cancer”上的告警第 2 次事件已解决：slow predictions：breast-cancer的延迟 p95没有数据，条件延迟 p95>250毫秒已不再成立",
    );
    expect(write("Alert.Cleared", { ...transition, forSeconds: 60, endReason: null })).toBe(
      "“breast-cancer”上的告警第 2 次事件在触发前已清除：条件延迟 p95>250毫秒在持续满60秒前已不再成立",
    );
  });

  it("drift alert names the feature that drifted most", () => {
    const drift = { ...transition, rule: "input drift", signal: "featureDriftPsi", threshold: 0.25, value: 0.4 };

    expect(write("Alert.Pending", { ...drift, topFeature: "mean radius" })).toBe(
      "“breast-cancer”上的告警第 2 次事件待定：input drift：breast-cancer的特征漂移（PSI）为0.4，>0.25（特征 mean radius 漂移最大）",
    );
  });

  it("alert ended by its rule states the reason", () => {
    expect(write("Alert.Resolved", { ...withoutCondition, endReason: "rule_deleted" })).toBe(
      "“breast-cancer”上的告警第 2 次事件已解决：告警规则已被删除",
    );
  });

  it("alert recorded before conditions keeps its message", () => {
    const old = { ...withoutCondition, message: "slow: p95 is 412.5.", topFeature: null };

    expect(write("Alert.Pending", old)).toBe("“breast-cancer”上的告警第 2 次事件待定：slow: p95 is 412.5.");
  });

  it("unknown enumeration value is shown as sent", () => {
    expect(write("Team.MemberAdded", { user: "bob", team: "Vision", role: "auditor" })).toBe(
      "将用户“bob”以auditor身份添加到团队“Vision”",
    );
  });

  it("missing parameter gives no sentence", () => {
    expect(write("RegisteredModel.AliasMoved", { alias: "prod", model: "iris" })).toBeNull();
  });

  it("unknown action gives no sentence", () => {
    expect(write("Dataset.Renamed", { dataset: "iris" })).toBeNull();
  });
});

describe("English alert sentences", () => {
  const write = (action: string, parameters: unknown) => auditSentenceWriter(i18next, i18next.t)(action, parameters);

  it("state the condition with units and the end reason", () => {
    const resolved = {
      subject: "breast-cancer",
      incident: 2,
      message: null,
      rule: "slow predictions",
      signal: "errorRate",
      feature: null,
      comparator: ">",
      threshold: 0.05,
      value: 0.01,
      noData: false,
      endReason: null,
    };

    expect(write("Alert.Resolved", resolved)).toBe(
      "Incident 2 of the alert on 'breast-cancer' resolved: slow predictions: Server error rate of breast-cancer is 1%; " +
        "Server error rate > 5% no longer holds",
    );
    const ended = { ...resolved, rule: null, signal: null, comparator: null, threshold: null, value: null };
    expect(write("Alert.Resolved", { ...ended, endReason: "subject_unwatched" })).toBe(
      "Incident 2 of the alert on 'breast-cancer' resolved: the rule no longer watches it",
    );
  });
});
