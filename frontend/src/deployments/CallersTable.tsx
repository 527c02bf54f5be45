import { Table } from "antd";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { useQuery } from "urql";

import { ErrorDisplay } from "../common/ErrorDisplay";
import { useFormat } from "../i18n/format";
import { useMeasures } from "../i18n/measures";
import { CallerName } from "./CallerName";
import { DeploymentCallersQuery } from "./documents";

/** Requests per caller over every recorded window, most first; read again after each new window. */
export function CallersTable({ deploymentId, windowPosition }: { deploymentId: string; windowPosition: number | null }) {
  const { t } = useTranslation();
  const format = useFormat();
  const measures = useMeasures();
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: DeploymentCallersQuery,
    variables: { id: deploymentId, since: null },
    requestPolicy: "network-only",
  });

  useEffect(() => {
    if (windowPosition !== null) {
      reexecute({ requestPolicy: "network-only" });
    }
  }, [windowPosition, reexecute]);

  const callers = data?.deployment.callers ?? [];
  const total = callers.reduce((sum, caller) => sum + caller.requests, 0);

  return (
    <div>
      {error && <ErrorDisplay error={error} onRetry={() => reexecute({ requestPolicy: "network-only" })} />}
      <Table
        size="small"
        rowKey="caller"
        loading={fetching && callers.length === 0}
        pagination={false}
        dataSource={callers}
        locale={{ emptyText: t("callers.empty") }}
        columns={[
          {
            title: t("callers.caller"),
            key: "caller",
            render: (_, caller) => <CallerName caller={caller} />,
          },
          { title: t("callers.requests"), key: "requests", render: (_, caller) => format.number(caller.requests) },
          {
            title: t("callers.share"),
            key: "share",
            render: (_, caller) => (total > 0 ? measures.percent(caller.requests / total) : "—"),
          },
        ]}
      />
    </div>
  );
}
