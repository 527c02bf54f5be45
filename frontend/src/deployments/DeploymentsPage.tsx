import { Button, Select, Space, Table, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useId, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";

import { clearOption } from "../common/clearOption";
import { DocumentTitle } from "../common/DocumentTitle";
import { ErrorDisplay } from "../common/ErrorDisplay";
import { NewRowsNotice } from "../common/NewRowsNotice";
import { byCreatedNewestFirst } from "../common/listOrder";
import { useLiveList } from "../common/useLiveList";
import type { DeploymentFieldsFragment, DeploymentStatus } from "../gql/graphql";
import { useFormat } from "../i18n/format";
import { useMeasures } from "../i18n/measures";
import { useCurrentTeam } from "../teams/TeamContext";
import { useTeamCatalog } from "../training/useTeamCatalog";
import { DeploymentStatusTag, trafficText } from "./DeploymentStatusTag";
import { DeploymentQuery, DeploymentsQuery, DeploymentUpdatedSubscription } from "./documents";
import "../common/blocks.css";
import "./deployments.css";

export const DEPLOYMENT_PAGE = 50;
export const DEPLOYMENT_REQUESTED = "Deployment.Requested";
const CREATING_ACTIONS = [DEPLOYMENT_REQUESTED];
/** Every other action of a deployment: each changes its status, its configuration or both. */
const CHANGING_ACTIONS = [
  "Deployment.TrafficShifted",
  "Deployment.Scaled",
  "Deployment.RolledBack",
  "Deployment.BecameHealthy",
  "Deployment.Degraded",
  "Deployment.Stopped",
  "Deployment.Started",
];
const STATUSES: DeploymentStatus[] = ["DEPLOYING", "HEALTHY", "DEGRADED", "STOPPED"];

function allIds(rows: readonly DeploymentFieldsFragment[]): string[] {
  return rows.map((row) => row.id);
}

/**
 * Lists the team's deployments, newest first, with a status filter. Each row follows
 * `deploymentUpdated`. Deployments requested elsewhere, or whose status changes, go in at their
 * place or out, by the filter.
 */
export function DeploymentsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const measures = useMeasures();
  const team = useCurrentTeam();
  const catalog = useTeamCatalog(team.id);
  const ids = useId();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const statusKey = params.get("status") ?? "";
  const statuses = useMemo(
    () => statusKey.split(",").filter((value): value is DeploymentStatus => STATUSES.some((status) => status === value)),
    [statusKey],
  );

  const variables = useMemo(() => ({ teamId: team.id, status: statuses.length > 0 ? statuses : null }), [team.id, statuses]);
  const pages = useLiveList({
    teamId: team.id,
    query: DeploymentsQuery,
    variables,
    selectConnection: (data) => data.deployments,
    pageSize: DEPLOYMENT_PAGE,
    order: byCreatedNewestFirst,
    matches: (deployment: DeploymentFieldsFragment) => statuses.length === 0 || statuses.includes(deployment.status),
    subjectType: "Deployment",
    createdActions: CREATING_ACTIONS,
    changedActions: CHANGING_ACTIONS,
    rowQuery: DeploymentQuery,
    selectRow: (data) => data.deployment,
    updates: {
      subscription: DeploymentUpdatedSubscription,
      selectRow: (data) => data.deploymentUpdated.deployment,
      follow: allIds,
    },
  });
  const { newRows } = pages;

  const columns: TableColumnsType<DeploymentFieldsFragment> = [
    {
      title: t("deployments.columns.name"),
      key: "name",
      render: (_, deployment) => <Link to={`/teams/${team.id}/deployments/${deployment.id}`}>{deployment.name}</Link>,
    },
    {
      title: t("deployments.columns.status"),
      key: "status",
      render: (_, deployment) => <DeploymentStatusTag status={deployment.status} reason={deployment.healthReason} />,
    },
    {
      title: t("deployments.columns.model"),
      key: "model",
      render: (_, deployment) => (
        <Link to={`/teams/${team.id}/models/${deployment.modelId}`}>
          {catalog.modelName(deployment.modelId) ?? t("deployments.openModel")}
        </Link>
      ),
    },
    {
      title: t("deployments.columns.traffic"),
      key: "traffic",
      render: (_, deployment) => trafficText(deployment.config.traffic, measures.percent),
    },
    {
      title: t("deployments.columns.revision"),
      key: "revision",
      render: (_, deployment) =>
        t("deployments.revisionOf", { revision: deployment.revision, active: deployment.activeRevision ?? "—" }),
    },
    { title: t("deployments.columns.replicas"), key: "replicas", render: (_, deployment) => format.number(deployment.replicas) },
    { title: t("deployments.columns.updated"), key: "updated", render: (_, deployment) => format.dateTime(deployment.updatedAt) },
  ];

  return (
    <section aria-labelledby="deployments-title" className="page">
      <Space align="center" wrap className="page-heading">
        <DocumentTitle page={t("deployments.title")} />
        <Typography.Title level={2} id="deployments-title">
          {t("deployments.title")}
        </Typography.Title>
        {team.viewerRole !== "VIEWER" && (
          <Button type="primary" onClick={() => void navigate(`/teams/${team.id}/deployments/new`)}>
            {t("deploy.newDeployment")}
          </Button>
        )}
      </Space>
      <form className="filters" role="search" aria-label={t("deployments.filters")} onSubmit={(event) => event.preventDefault()}>
        <div className="filter">
          <label htmlFor={`${ids}-status`}>{t("deployments.statusFilter")}</label>
          <Select<DeploymentStatus[]>
            id={`${ids}-status`}
            mode="multiple"
            allowClear={clearOption(t)}
            placeholder={t("deployments.anyStatus")}
            value={statuses}
            onChange={(chosen) => {
              const next = new URLSearchParams(params);
              if (chosen.length === 0) {
                next.delete("status");
              } else {
                next.set("status", chosen.join(","));
              }
              setParams(next, { replace: true });
            }}
            options={STATUSES.map((status) => ({ value: status, label: t(`deployments.status.${status}`) }))}
            style={{ minWidth: 280 }}
          />
        </div>
      </form>
      <NewRowsNotice newRows={newRows} onReload={pages.reload} />
      {pages.error && <ErrorDisplay error={pages.error} onRetry={pages.reload} />}
      {!(pages.error && pages.rows.length === 0) && (
        <Table<DeploymentFieldsFragment>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={pages.rows}
          rowClassName={newRows.rowClassName}
          loading={pages.fetching && pages.rows.length === 0}
          pagination={false}
          scroll={{ x: true }}
          locale={{ emptyText: pages.fetching ? t("common.loading") : t("deployments.empty") }}
        />
      )}
      {pages.hasNextPage && (
        <Space>
          <Button className="load-more" onClick={pages.loadMore} loading={pages.fetching}>
            {t("common.loadMore")}
          </Button>
        </Space>
      )}
    </section>
  );
}
