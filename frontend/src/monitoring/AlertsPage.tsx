import { Select, Space, Table, Tabs, Tag, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useCallback, useId, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";

import { clearOption } from "../common/clearOption";
import { DocumentTitle } from "../common/DocumentTitle";
import { ErrorDisplay } from "../common/ErrorDisplay";
import { useConnectionPages } from "../common/useConnectionPages";
import { useLiveSubjects } from "../common/useLiveSubjects";
import type { AlertFieldsFragment, AlertSeverity, AlertState, AlertUpdatedSubscription as AlertUpdate } from "../gql/graphql";
import { useFormat } from "../i18n/format";
import { useMeasures } from "../i18n/measures";
import { useCurrentTeam } from "../teams/TeamContext";
import { AlertActions } from "./AlertActions";
import { AlertRulesTable } from "./AlertRulesTable";
import { AlertSentence } from "./AlertSentence";
import { AlertsQuery, AlertUpdatedSubscription } from "./documents";
import { useSignalFormat } from "./signals";
import "../common/blocks.css";
import "./monitoring.css";

export const ALERT_PAGE = 50;
export const ALERT_STATES: AlertState[] = ["FIRING", "PENDING", "RESOLVED", "CLEARED"];
export const ALERT_SEVERITIES: AlertSeverity[] = ["CRITICAL", "WARNING", "INFO"];
const DEFAULT_STATES: AlertState[] = ["FIRING", "PENDING"];
export const SEVERITY_COLORS: Record<AlertSeverity, string> = { CRITICAL: "red", WARNING: "orange", INFO: "blue" };
const STATE_COLORS: Record<AlertState, string> = { FIRING: "red", PENDING: "gold", RESOLVED: "green", CLEARED: "default" };

export function alertKey(alert: { id: string; incident: number }): string {
  return `${alert.id}#${alert.incident}`;
}

function listParam<T extends string>(value: string | null, allowed: readonly T[], fallback: T[]): T[] {
  if (value === null) {
    return fallback;
  }
  return value.split(",").filter((item): item is T => allowed.some((choice) => choice === item));
}

/** Alert incidents of the team with state and severity filters, following `alertUpdated`, and the alert rules. */
export function AlertsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const tab = params.get("tab") === "rules" ? "rules" : "alerts";
  const team = useCurrentTeam();

  return (
    <section aria-labelledby="alerts-title" className="page">
      <DocumentTitle page={t("alerts.title")} />
      <Typography.Title level={2} id="alerts-title">
        {t("alerts.title")}
      </Typography.Title>
      <Tabs
        activeKey={tab}
        onChange={(key) => {
          const next = new URLSearchParams(params);
          if (key === "alerts") {
            next.delete("tab");
          } else {
            next.set("tab", key);
          }
          setParams(next);
        }}
        items={[
          { key: "alerts", label: t("alerts.tabs.alerts"), children: <AlertList teamId={team.id} /> },
          { key: "rules", label: t("alerts.tabs.rules"), children: <AlertRulesTable teamId={team.id} /> },
        ]}
        destroyOnHidden
      />
    </section>
  );
}

function AlertList({ teamId }: { teamId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const measures = useMeasures();
  const signals = useSignalFormat();
  const ids = useId();
  const [params, setParams] = useSearchParams();
  const statesKey = params.get("states");
  const severitiesKey = params.get("severities");
  const states = useMemo(() => listParam(statesKey, ALERT_STATES, DEFAULT_STATES), [statesKey]);
  const severities = useMemo(() => listParam(severitiesKey, ALERT_SEVERITIES, []), [severitiesKey]);

  const variables = useMemo(
    () => ({
      filter: { teamId, states: states.length > 0 ? states : null, severities: severities.length > 0 ? severities : null },
    }),
    [teamId, states, severities],
  );
  const pages = useConnectionPages(AlertsQuery, variables, (data) => data.alerts, alertKey, ALERT_PAGE);
  const { upsert } = pages;

  const matches = useCallback(
    (alert: AlertFieldsFragment) =>
      (states.length === 0 || states.includes(alert.state)) && (severities.length === 0 || severities.includes(alert.severity)),
    [states, severities],
  );
  const teamIds = useMemo(() => [teamId], [teamId]);
  useLiveSubjects(
    teamIds,
    AlertUpdatedSubscription,
    (id) => ({ teamId: id }),
    useCallback(
      (message: AlertUpdate) => {
        const alert = message.alertUpdated.alert;
        upsert(alert, matches(alert));
      },
      [upsert, matches],
    ),
  );

  const setList = (key: string, values: string[], fallback: string[]) => {
    const next = new URLSearchParams(params);
    if (values.join(",") === fallback.join(",")) {
      next.delete(key);
    } else {
      next.set(key, values.join(","));
    }
    setParams(next, { replace: true });
  };

  const columns: TableColumnsType<AlertFieldsFragment> = [
    {
      title: t("alerts.columns.severity"),
      key: "severity",
      render: (_, alert) => <Tag color={SEVERITY_COLORS[alert.severity]}>{t(`alerts.severity.${alert.severity}`)}</Tag>,
    },
    {
      title: t("alerts.columns.state"),
      key: "state",
      render: (_, alert) => (
        <Space orientation="vertical" size={0}>
          <Tag color={STATE_COLORS[alert.state]}>{t(`alerts.state.${alert.state}`)}</Tag>
          {alert.silencedUntil && Date.parse(alert.silencedUntil) > Date.now() && (
            <Tag>{t("alerts.silencedUntil", { moment: format.dateTime(alert.silencedUntil) })}</Tag>
          )}
        </Space>
      ),
    },
    {
      title: t("alerts.columns.rule"),
      key: "rule",
      render: (_, alert) => (
        <Space orientation="vertical" size={0}>
          <span>{alert.ruleName ?? alert.ruleId}</span>
          <Typography.Text type="secondary" title={alert.signal ?? undefined}>
            {alert.signal ? signals.label(alert.signal) : ""} {alert.feature ? `(${alert.feature}) ` : ""}
            {alert.comparator} {measures.decimal(alert.threshold)}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: t("alerts.columns.subject"),
      key: "subject",
      render: (_, alert) => `${t(`alerts.targetKinds.${alert.subjectKind}`)} ${alert.subjectName}`,
    },
    { title: t("alerts.columns.value"), key: "value", render: (_, alert) => measures.decimal(alert.value) },
    {
      title: t("alerts.columns.message"),
      key: "message",
      render: (_, alert) => (
        <Space orientation="vertical" size={0}>
          <AlertSentence alert={alert} />
          {alert.acknowledgedAt && (
            <Typography.Text type="secondary">
              {t("alerts.acknowledgedBy", {
                user: alert.acknowledgedByUsername ?? alert.acknowledgedBy ?? "—",
                moment: format.dateTime(alert.acknowledgedAt),
              })}
              {alert.acknowledgeNote ? `: ${alert.acknowledgeNote}` : ""}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    {
      title: t("alerts.columns.started"),
      key: "started",
      render: (_, alert) => (
        <Space orientation="vertical" size={0}>
          {format.dateTime(alert.startedAt)}
          {alert.endedAt && (
            <Typography.Text type="secondary">{t("alerts.endedAt", { moment: format.dateTime(alert.endedAt) })}</Typography.Text>
          )}
        </Space>
      ),
    },
    {
      title: t("common.actions"),
      key: "actions",
      render: (_, alert) => <AlertActions alert={alert} onChanged={(next) => upsert(next)} />,
    },
  ];

  return (
    <div>
      <form className="filters" role="search" aria-label={t("alerts.filters")} onSubmit={(event) => event.preventDefault()}>
        <Space wrap align="end">
          <div className="filter">
            <label htmlFor={`${ids}-states`}>{t("alerts.states")}</label>
            <Select<AlertState[]>
              id={`${ids}-states`}
              mode="multiple"
              allowClear={clearOption(t)}
              placeholder={t("alerts.anyState")}
              value={states}
              onChange={(chosen) => setList("states", chosen, DEFAULT_STATES)}
              options={ALERT_STATES.map((state) => ({ value: state, label: t(`alerts.state.${state}`) }))}
              style={{ minWidth: 260 }}
            />
          </div>
          <div className="filter">
            <label htmlFor={`${ids}-severities`}>{t("alerts.severities")}</label>
            <Select<AlertSeverity[]>
              id={`${ids}-severities`}
              mode="multiple"
              allowClear={clearOption(t)}
              placeholder={t("alerts.anySeverity")}
              value={severities}
              onChange={(chosen) => setList("severities", chosen, [])}
              options={ALERT_SEVERITIES.map((severity) => ({ value: severity, label: t(`alerts.severity.${severity}`) }))}
              style={{ minWidth: 240 }}
            />
          </div>
        </Space>
      </form>
      {pages.error && <ErrorDisplay error={pages.error} onRetry={pages.reload} />}
      {!(pages.error && pages.rows.length === 0) && (
        <Table<AlertFieldsFragment>
          rowKey={alertKey}
          size="small"
          columns={columns}
          dataSource={pages.rows}
          loading={pages.fetching && pages.rows.length === 0}
          pagination={false}
          scroll={{ x: true }}
          locale={{ emptyText: pages.fetching ? t("common.loading") : t("alerts.empty") }}
        />
      )}
    </div>
  );
}
