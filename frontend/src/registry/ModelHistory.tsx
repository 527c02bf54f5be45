import { Button, Table, Tag } from "antd";
import type { TableColumnsType } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useQuery } from "urql";

import { useAuditText } from "../audit/auditText";
import { ErrorDisplay } from "../common/ErrorDisplay";
import { useFormat } from "../i18n/format";
import type { ModelHistoryQuery as ModelHistoryResult } from "../gql/graphql";
import { ModelHistoryQuery } from "./documents";

export const HISTORY_PAGE = 50;

type HistoryEntry = ModelHistoryResult["modelHistory"]["nodes"][number];

interface ModelHistoryProps {
  modelId: string;
  nameOf: (userId: string) => string;
  /** Opens the model as it was at this moment (an ISO 8601 time). */
  onShowAt: (moment: string) => void;
}

/** Lists every change of the model, newest first, a page at a time. */
export function ModelHistory({ modelId, nameOf, onShowAt }: ModelHistoryProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const auditText = useAuditText();
  const [cursors, setCursors] = useState<(string | null)[]>([null]);

  const columns: TableColumnsType<HistoryEntry> = [
    { title: t("history.when"), key: "when", render: (_, entry) => format.dateTime(entry.occurredAt) },
    { title: t("history.who"), key: "who", render: (_, entry) => nameOf(entry.actor) },
    {
      title: t("history.action"),
      key: "action",
      render: (_, entry) => <Tag title={entry.action}>{auditText.action(entry.action) ?? entry.action}</Tag>,
    },
    { title: t("history.versions"), key: "versions", render: (_, entry) => format.number(entry.model.versionCount) },
    {
      title: t("history.aliases"),
      key: "aliases",
      render: (_, entry) =>
        entry.model.aliases.map((alias) => (
          <Tag key={alias.alias} color="blue">
            {t("registry.aliasAt", { alias: alias.alias, version: alias.versionNumber })}
          </Tag>
        )),
    },
    {
      title: t("common.actions"),
      key: "show",
      render: (_, entry) => (
        <Button size="small" onClick={() => onShowAt(entry.occurredAt)}>
          {t("history.showAt")}
        </Button>
      ),
    },
  ];

  return (
    <div>
      {cursors.map((after, index) => (
        <HistoryPage
          key={after ?? "first"}
          modelId={modelId}
          after={after}
          columns={columns}
          showHeader={index === 0}
          onNext={index === cursors.length - 1 ? (cursor) => setCursors([...cursors, cursor]) : undefined}
        />
      ))}
    </div>
  );
}

interface HistoryPageProps {
  modelId: string;
  after: string | null;
  columns: TableColumnsType<HistoryEntry>;
  showHeader: boolean;
  onNext: ((cursor: string) => void) | undefined;
}

function HistoryPage({ modelId, after, columns, showHeader, onNext }: HistoryPageProps) {
  const { t } = useTranslation();
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: ModelHistoryQuery,
    variables: { id: modelId, first: HISTORY_PAGE, after },
  });
  const connection = data?.modelHistory;
  const endCursor = connection?.pageInfo.endCursor;

  return (
    <>
      {error && <ErrorDisplay error={error} onRetry={() => reexecute({ requestPolicy: "network-only" })} />}
      <Table<HistoryEntry>
        rowKey="position"
        size="small"
        showHeader={showHeader}
        columns={columns}
        dataSource={connection?.nodes ?? []}
        loading={fetching}
        pagination={false}
        locale={{ emptyText: t("history.empty") }}
      />
      {onNext && connection?.pageInfo.hasNextPage && endCursor && (
        <Button className="load-more" onClick={() => onNext(endCursor)}>
          {t("common.loadMore")}
        </Button>
      )}
    </>
  );
}
