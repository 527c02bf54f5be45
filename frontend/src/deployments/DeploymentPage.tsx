import { Alert, Button, Popconfirm, Space, Tabs, Tag, Tooltip, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams, useSearchParams } from "react-router";
import { useMutation, useQuery, useSubscription } from "urql";
import type { CombinedError } from "urql";

import { DocumentTitle } from "../common/DocumentTitle";
import { ErrorDisplay } from "../common/ErrorDisplay";
import { Loading } from "../common/Loading";
import type { DeploymentFieldsFragment } from "../gql/graphql";
import { useCurrentTeam } from "../teams/TeamContext";
import { useTeamCatalog } from "../training/useTeamCatalog";
import { useTeamMembers } from "../teams/useTeamMembers";
import { CallersTable } from "./CallersTable";
import { DeploymentOverview } from "./DeploymentOverview";
import { DeploymentStatusTag } from "./DeploymentStatusTag";
import { DeploymentQuery, DeploymentUpdatedSubscription, StartDeploymentMutation, StopDeploymentMutation } from "./documents";
import { HealthPanel } from "./HealthPanel";
import { PredictConsole } from "./PredictConsole";
import { RequestLog } from "./RequestLog";
import { RevisionsPanel } from "./RevisionsPanel";
import "../common/blocks.css";
import "./deployments.css";

export const WINDOW_RECORDED = "InferenceLog.WindowRecorded";

const TABS = ["overview", "health", "revisions", "callers", "requests", "console"] as const;
type DeploymentTab = (typeof TABS)[number];

/**
 * Shows one deployment: traffic and settings, live health charts, revisions with rollback, callers,
 * the request log and a prediction console. `deploymentUpdated` brings every revision and health
 * change, and each recorded inference window, which extends the charts and refreshes the callers.
 * The request log follows its own subscription.
 */
export function DeploymentPage() {
  const { deploymentId = "" } = useParams();
  // A new deploymentId starts with fresh state, so nothing of the previous page's live updates carries over.
  return <DeploymentPageBody key={deploymentId} />;
}

function DeploymentPageBody() {
  const { t } = useTranslation();
  const { deploymentId = "" } = useParams();
  const team = useCurrentTeam();
  // Viewers may read a deployment but not change it, so its buttons are disabled with the reason.
  const readOnly = team.viewerRole === "VIEWER";
  const catalog = useTeamCatalog(team.id);
  const { nameOf } = useTeamMembers(team.id);
  const [params, setParams] = useSearchParams();
  const tab: DeploymentTab = TABS.find((name) => name === params.get("tab")) ?? "overview";
  const [{ data, fetching, error }, reexecute] = useQuery({ query: DeploymentQuery, variables: { id: deploymentId } });
  const [{ data: live }] = useSubscription({ query: DeploymentUpdatedSubscription, variables: { id: deploymentId } });
  const [windowPosition, setWindowPosition] = useState<number | null>(null);
  const [revisionPosition, setRevisionPosition] = useState<number | null>(null);

  const change = live?.deploymentUpdated.change;
  useEffect(() => {
    if (!change) {
      return;
    }
    if (change.action === WINDOW_RECORDED) {
      setWindowPosition(change.position);
    } else {
      setRevisionPosition(change.position);
    }
  }, [change]);

  const deployment: DeploymentFieldsFragment | undefined = live?.deploymentUpdated.deployment ?? data?.deployment;

  if (error && !deployment) {
    return <ErrorDisplay error={error} onRetry={() => reexecute({ requestPolicy: "network-only" })} />;
  }
  if (!deployment) {
    return fetching ? <Loading /> : null;
  }

  const setTab = (key: string) => {
    const next = new URLSearchParams(params);
    if (key === "overview") {
      next.delete("tab");
    } else {
      next.set("tab", key);
    }
    setParams(next);
  };

  const items = [
    {
      key: "overview",
      label: t("deployment.tabs.overview"),
      children: <DeploymentOverview deployment={deployment} readOnly={readOnly} />,
    },
    {
      key: "health",
      label: t("deployment.tabs.health"),
      children: <HealthPanel deploymentId={deployment.id} windowPosition={windowPosition} />,
    },
    {
      key: "revisions",
      label: t("deployment.tabs.revisions"),
      children: <RevisionsPanel deployment={deployment} changePosition={revisionPosition} nameOf={nameOf} readOnly={readOnly} />,
    },
    {
      key: "callers",
      label: t("deployment.tabs.callers"),
      children: <CallersTable deploymentId={deployment.id} windowPosition={windowPosition} />,
    },
    {
      key: "requests",
      label: t("deployment.tabs.requests"),
      children: <RequestLog deploymentId={deployment.id} />,
    },
    { key: "console", label: t("deployment.tabs.console"), children: <PredictConsole deployment={deployment} /> },
  ];

  return (
    <section aria-labelledby="deployment-title" className="page">
      <Space className="page-heading" align="center" wrap>
        <Space align="center" wrap>
          <DocumentTitle page={deployment.name} />
          <Typography.Title level={2} id="deployment-title">
            {deployment.name}
          </Typography.Title>
          <DeploymentStatusTag status={deployment.status} />
          {live && <Tag color="green">{t("deployment.live")}</Tag>}
          <Link to={`/teams/${team.id}/models/${deployment.modelId}`}>
            {catalog.modelName(deployment.modelId) ?? t("deployments.openModel")}
          </Link>
        </Space>
        <StopStart deployment={deployment} readOnly={readOnly} />
      </Space>
      {readOnly && <Alert type="info" showIcon className="page-notice" title={t("deployment.readOnly")} />}
      <Typography.Paragraph>
        {t("common.labelled", { label: t("deployment.endpoint") })}
        <Typography.Text code copyable>
          {endpointUrl(deployment.endpoint, team.id)}
        </Typography.Text>
        <br />
        <Typography.Text type="secondary">{t("deployment.endpointHint")}</Typography.Text>
      </Typography.Paragraph>
      {deployment.healthReason && (
        <Alert
          type={deployment.status === "DEGRADED" ? "error" : "info"}
          showIcon
          className="page-notice"
          title={t("deployment.healthReason")}
          description={deployment.healthReason}
        />
      )}
      <Tabs activeKey={tab} onChange={setTab} items={items} destroyOnHidden />
    </section>
  );
}

/** Renders the Stop or Start button, disabled with the reason for a viewer, who may not change deployments. */
function StopStart({ deployment, readOnly }: { deployment: DeploymentFieldsFragment; readOnly: boolean }) {
  const { t } = useTranslation();
  const [stopping, stop] = useMutation(StopDeploymentMutation);
  const [starting, start] = useMutation(StartDeploymentMutation);
  const [error, setError] = useState<CombinedError | null>(null);
  const stopped = deployment.status === "STOPPED";

  if (readOnly) {
    return (
      <Tooltip title={t("deployment.viewerCannotChange")}>
        <Button danger={!stopped} type={stopped ? "primary" : "default"} disabled>
          {stopped ? t("deployment.start") : t("deployment.stop")}
        </Button>
      </Tooltip>
    );
  }

  return (
    <Space orientation="vertical" align="end">
      {stopped ? (
        <Button
          type="primary"
          loading={starting.fetching}
          onClick={async () => {
            const result = await start({ id: deployment.id });
            setError(result.error ?? null);
          }}
        >
          {t("deployment.start")}
        </Button>
      ) : (
        <Popconfirm
          title={t("deployment.stopConfirm", { name: deployment.name })}
          okText={t("deployment.stop")}
          cancelText={t("common.cancel")}
          onConfirm={async () => {
            const result = await stop({ id: deployment.id });
            setError(result.error ?? null);
          }}
        >
          <Button danger loading={stopping.fetching}>
            {t("deployment.stop")}
          </Button>
        </Popconfirm>
      )}
      {error && <ErrorDisplay error={error} />}
    </Space>
  );
}

/**
 * Returns the prediction URL on the web app's origin, which also serves the REST API, with `?team=`.
 * A session must name the team, and an API token may name only its own team unless it is an administrator's.
 */
export function endpointUrl(endpoint: string, teamId: string): string {
  return `${window.location.origin}${endpoint}?team=${encodeURIComponent(teamId)}`;
}
