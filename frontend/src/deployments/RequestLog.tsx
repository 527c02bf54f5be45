import { Button, Table } from "antd";
import type { TableColumnsType } from "antd";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";

import { ErrorDisplay } from "../common/ErrorDisplay";
import { useConnectionPages } from "../common/useConnectionPages";
import type { DeploymentRequestLogQuery as RequestLogResult } from "../gql/graphql";
import { useFormat } from "../i18n/format";
import { useMeasures } from "../i18n/measures";
import { CallerName } from "./CallerName";
import { DeploymentRequestLogQuery } from "./documents";

export const REQUEST_LOG_PAGE = 50;

type Entry = RequestLogResult["deployment"]["requestLog"]["nodes"][number];

interface RequestLogProps {
  deploymentId: string;
  windowPosition: number | null;
}

/** Sampled calls with their inputs and outputs, newest first; read again after each recorded window. */
export function RequestLog({ deploymentId, windowPosition }: RequestLogProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const measures = useMeasures();
  const pages = useConnectionPages(
    DeploymentRequestLogQuery,
    { id: deploymentId },
    (data) => data.deployment.requestLog,
    (row) => String(row.entryId),
    REQUEST_LOG_PAGE,
  );
  const { reload } = pages;

  useEffect(() => {
    if (windowPosition !== null) {
      reload();
    }
  }, [windowPosition, reload]);

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
