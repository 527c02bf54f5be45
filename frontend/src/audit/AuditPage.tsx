import { Badge, Button, Space, Table, Tag, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useCallback, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";

import { DocumentTitle } from "../common/DocumentTitle";
import { ErrorDisplay } from "../common/ErrorDisplay";
import { useFormat } from "../i18n/format";
import type { AuditEntryFieldsFragment } from "../gql/graphql";
import { useCurrentTeam } from "../teams/TeamContext";
import { useTeamMembers } from "../teams/useTeamMembers";
import { AuditFilters } from "./AuditFilters";
import { AuditSummary } from "./AuditSummary";
import { auditFilterOf, auditSearchFromParams, EXPORT_FORMATS, exportUrl, paramsFromAuditSearch } from "./auditSearch";
import type { AuditSearch } from "./auditSearch";
import { useAuditText } from "./auditText";
import { useAuditEntries } from "./useAuditEntries";

const TABLE_HEIGHT = 560;

/** Shows the team's audit log newest first and live, with filters, older pages on request and an export. */
export function AuditPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const team = useCurrentTeam();
  const { members, nameOf } = useTeamMembers(team.id);
  const [params, setParams] = useSearchParams();
  const search = useMemo(() => auditSearchFromParams(params), [params]);
  const filter = useMemo(() => auditFilterOf(team.id, search), [team.id, search]);
  const audit = useAuditEntries(filter);
  const auditText = useAuditText();

  const change = useCallback((next: AuditSearch) => setParams(paramsFromAuditSearch(next), { replace: true }), [setParams]);

  const columns: TableColumnsType<AuditEntryFieldsFragment> = [
    { title: t("audit.columns.position"), dataIndex: "position", key: "position", width: 90 },
    { title: t("audit.columns.time"), key: "time", width: 200, render: (_, entry) => format.dateTime(entry.occurredAt) },
    { title: t("audit.columns.actor"), key: "actor", width: 140, render: (_, entry) => nameOf(entry.actor) },
    { title: t("audit.columns.action"), key: "action", width: 240, render: (_, entry) => <Tag>{entry.action}</Tag> },
    { title: t("audit.columns.summary"), key: "summary", render: (_, entry) => <AuditSummary entry={entry} /> },
    {
      title: t("audit.columns.subject"),
      key: "subject",
      width: 160,
      render: (_, entry) => (
        <Typography.Text copyable={{ text: entry.subjectId }} title={`${entry.subjectType} ${entry.subjectId}`}>
          {auditText.subjectType(entry.subjectType)}
        </Typography.Text>
      ),
    },
  ];

  return (
    <section aria-labelledby="audit-title" className="page">
      <Space align="center" wrap className="page-heading">
        <DocumentTitle page={t("audit.title")} />
        <Typography.Title level={2} id="audit-title">
          {t("audit.title")}
        </Typography.Title>
        <Badge status={audit.live ? "success" : "default"} text={audit.live ? t("audit.live") : t("audit.notLive")} />
        <Space className="audit-export">
          {EXPORT_FORMATS.map((exportFormat) => (
            <a key={exportFormat} href={exportUrl(team.id, search, exportFormat)} download>
              {t(`audit.export.${exportFormat}`)}
            </a>
          ))}
        </Space>
      </Space>
      <AuditFilters search={search} members={members} onChange={change} />
      {audit.error && <ErrorDisplay error={audit.error} onRetry={audit.reload} />}
      <Table<AuditEntryFieldsFragment>
        rowKey="position"
        size="small"
        virtual
        scroll={{ x: 1200, y: TABLE_HEIGHT }}
        columns={columns}
        dataSource={audit.entries}
        loading={audit.fetching && audit.entries.length === 0}
        pagination={false}
        locale={{ emptyText: t("audit.empty") }}
      />
      {audit.hasOlder && (
        <Button className="load-more" onClick={audit.loadOlder} loading={audit.fetching}>
          {t("audit.loadOlder")}
        </Button>
      )}
    </section>
  );
}
