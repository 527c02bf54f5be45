import { Button, Table } from "antd";
import type { TableColumnsType } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useClient } from "urql";
import type { CombinedError } from "urql";

import { ErrorDisplay } from "../common/ErrorDisplay";
import { useConnectionPages } from "../common/useConnectionPages";
import type { RequestLogEntryFieldsFragment as Entry } from "../gql/graphql";
import { useFormat } from "../i18n/format";
import { useMeasures } from "../i18n/measures";
import { CallerName } from "./CallerName";
import { DeploymentRequestLogQuery, RequestLogAppendedSubscription } from "./documents";

export const REQUEST_LOG_PAGE = 50;

/**
 * Sampled calls with their inputs and outputs, newest first. Once the first page is read,
 * `requestLogAppended` brings each entry written after its newest one, so new calls show as soon
 * as the server writes them.
 */
export function RequestLog({ deploymentId }: { deploymentId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const measures = useMeasures();
  const client = useClient();
  const pages = useConnectionPages(
    DeploymentRequestLogQuery,
    { id: deploymentId },
    (data) => data.deployment.requestLog,
    (row) => String(row.entryId),
    REQUEST_LOG_PAGE,
  );
  const { reload, upsert } = pages;
  // The newest entry id of the first page read; the subscription brings every entry after it.
  const [readUpTo, setReadUpTo] = useState<number | null>(null);
  const [liveError, setLiveError] = useState<CombinedError | undefined>(undefined);

  const firstPageRead = readUpTo === null && !pages.fetching && pages.error === undefined;
  const newestRead = pages.rows[0]?.entryId ?? 0;
  useEffect(() => {
    if (firstPageRead) {
      setReadUpTo(newestRead);
    }
  }, [firstPageRead, newestRead]);

  useEffect(() => {
    if (readUpTo === null) {
      return;
    }
    const subscription = client
      .subscription(RequestLogAppendedSubscription, { deploymentId, after: readUpTo })
      .subscribe((result) => {
        setLiveError(result.error);
        const appended = result.data?.requestLogAppended;
        if (!appended) {
          return;
        }
        if (appended.hasGap) {
          // More entries were written than one message carries, so the list is read again whole.
          reload();
          return;
        }
        // Oldest first, so that each goes on top and the newest ends up first.
        for (const entry of [...appended.entries].reverse()) {
          upsert(entry, true);
        }
      });
    return () => subscription.unsubscribe();
  }, [client, deploymentId, readUpTo, reload, upsert]);

  const columns: TableColumnsType<Entry> = [
    { title: t("requestLog.when"), key: "when", render: (_, entry) => format.dateTime(entry.loggedAt) },
    { title: t("requestLog.version"), key: "version", render: (_, entry) => entry.version },
    { title: t("requestLog.caller"), key: "caller", render: (_, entry) => <CallerName caller={entry} /> },
    { title: t("requestLog.rows"), key: "rows", render: (_, entry) => format.number(entry.rows) },
    { title: t("requestLog.latency"), key: "latency", render: (_, entry) => measures.milliseconds(entry.latencyMs) },
  ];

  return (
    <div>
      <p className="form-hint">{t("requestLog.sampled")}</p>
      {pages.error && <ErrorDisplay error={pages.error} onRetry={reload} />}
      {liveError && <ErrorDisplay error={liveError} />}
      <Table<Entry>
        rowKey="entryId"
        size="small"
        columns={columns}
        dataSource={pages.rows}
        loading={pages.fetching && pages.rows.length === 0}
        pagination={false}
        expandable={{
          expandedRowRender: (entry) => (
            <div className="request-payload">
              <div>
                <strong>{t("requestLog.inputs")}</strong>
                <pre className="json-block">{JSON.stringify(entry.inputs, null, 2)}</pre>
              </div>
              <div>
                <strong>{t("requestLog.outputs")}</strong>
                <pre className="json-block">{JSON.stringify(entry.outputs, null, 2)}</pre>
              </div>
            </div>
          ),
        }}
        locale={{ emptyText: t("requestLog.empty") }}
      />
      {pages.hasNextPage && (
        <Button className="load-more" onClick={pages.loadMore} loading={pages.fetching}>
          {t("common.loadMore")}
        </Button>
      )}
    </div>
  );
}
