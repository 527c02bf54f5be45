import { Button, Table, Tag } from "antd";
import type { TableColumnsType } from "antd";
import { useTranslation } from "react-i18next";

import { ErrorDisplay } from "../common/ErrorDisplay";
import { useConnectionPages } from "../common/useConnectionPages";
import type { AlertRulesQuery as AlertRulesResult } from "../gql/graphql";
import { useFormat } from "../i18n/format";
import { useMeasures } from "../i18n/measures";
import { AlertRulesQuery } from "./documents";
import { signalUnit, useSignalFormat } from "./signals";

export const RULE_PAGE = 50;
const SEVERITY_COLORS = { CRITICAL: "red", WARNING: "orange", INFO: "blue" } as const;

type Rule = AlertRulesResult["alertRules"]["nodes"][number];

/** The team's alert rules, read-only: signal, condition, window, how long it must hold, severity and target. */
export function AlertRulesTable({ teamId }: { teamId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const measures = useMeasures();
  const signals = useSignalFormat();
  const pages = useConnectionPages(
    AlertRulesQuery,
    { teamId },
    (data) => data.alertRules,
    (row) => row.id,
    RULE_PAGE,
  );

  const columns: TableColumnsType<Rule> = [
    { title: t("alertRules.name"), dataIndex: "name", key: "name" },
    {
      title: t("alertRules.condition"),
      key: "condition",
      render: (_, rule) => (
        <span title={rule.signal}>
          {signals.label(rule.signal)}
          {rule.feature ? ` (${rule.feature})` : ""} <code>{rule.comparator}</code>{" "}
          {signals.value(rule.threshold, signalUnit(rule.signal))}
        </span>
      ),
    },
    { title: t("alertRules.window"), key: "window", render: (_, rule) => measures.seconds(rule.windowSeconds) },
    { title: t("alertRules.for"), key: "for", render: (_, rule) => measures.seconds(rule.forSeconds) },
    {
      title: t("alertRules.severity"),
      key: "severity",
      render: (_, rule) => <Tag color={SEVERITY_COLORS[rule.severity]}>{t(`alerts.severity.${rule.severity}`)}</Tag>,
    },
    {
      title: t("alertRules.target"),
      key: "target",
      render: (_, rule) => `${t(`alerts.targetKinds.${rule.targetKind}`)} ${rule.targetName ?? rule.targetId}`,
    },
    { title: t("alertRules.enabled"), key: "enabled", render: (_, rule) => (rule.enabled ? t("common.yes") : t("common.no")) },
    { title: t("alertRules.updated"), key: "updated", render: (_, rule) => format.dateTime(rule.updatedAt) },
  ];

  return (
    <div>
      {pages.error && <ErrorDisplay error={pages.error} onRetry={pages.reload} />}
      <Table<Rule>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={pages.rows}
        loading={pages.fetching && pages.rows.length === 0}
        pagination={false}
        scroll={{ x: true }}
        locale={{ emptyText: t("alertRules.empty") }}
      />
      {pages.hasNextPage && (
        <Button className="load-more" onClick={pages.loadMore} loading={pages.fetching}>
          {t("common.loadMore")}
        </Button>
      )}
    </div>
  );
}
