import { Button, Space, Tabs, Tag, Typography } from "antd";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { useQuery, useSubscription } from "urql";

import { DocumentTitle } from "../common/DocumentTitle";
import { ErrorDisplay } from "../common/ErrorDisplay";
import { Loading } from "../common/Loading";
import { VersionEvaluations } from "../evaluation/VersionEvaluations";
import { useFormat } from "../i18n/format";
import { useRunNames } from "../registry/useRunNames";
import { useCurrentTeam } from "../teams/TeamContext";
import { VersionInsideQuery, VersionModelChangedSubscription } from "./documents";
import { ModelStructure } from "./ModelStructure";
import { WeightDistributions } from "./WeightDistributions";

const TABS = ["structure", "weights", "evaluations"] as const;
type VersionTab = (typeof TABS)[number];

/** Returns the value of a lineage tag, such as the id of the training run that made a version. */
export function lineageValue(lineage: readonly { key: string; value: string }[], key: string): string | null {
  return lineage.find((tag) => tag.key === key)?.value ?? null;
}

/**
 * Shows what is inside one version of a model: its layer graph (or a SavedModel's signature), the distribution
 * of its weights beside another version's, and its evaluations.
 */
export function VersionPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const team = useCurrentTeam();
  const navigate = useNavigate();
  const { modelId = "", versionId = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const tab: VersionTab = TABS.find((name) => name === params.get("tab")) ?? "structure";

  const [{ data, fetching, error }, reexecute] = useQuery({ query: VersionInsideQuery, variables: { modelId, versionId } });
  const pending = data?.modelVersion.status === "pending";
  const [{ data: change }] = useSubscription({
    query: VersionModelChangedSubscription,
    variables: { id: modelId },
    pause: !pending,
  });

  // A worker inspects a pending version, and the model's change feed reports when the result is recorded.
  const position = change?.modelUpdated.change?.position;
  useEffect(() => {
    if (position !== undefined) {
      reexecute({ requestPolicy: "network-only" });
    }
  }, [position, reexecute]);

  if (error && !data) {
    return <ErrorDisplay error={error} onRetry={() => reexecute({ requestPolicy: "network-only" })} />;
  }
  if (!data) {
    return fetching ? <Loading /> : null;
  }

  const version = data.modelVersion;
  const model = data.model;
  const runId = lineageValue(version.lineage, "trainingRun");
  const setTab = (key: string) => {
    const next = new URLSearchParams();
    if (key !== "structure") {
      next.set("tab", key);
    }
    // The Structure and Weights tabs share the selected layer.
    const layer = params.get("layer");
    if (layer !== null) {
      next.set("layer", layer);
    }
    setParams(next);
  };

  return (
    <section aria-labelledby="version-title" className="page">
      <Link to={`/teams/${team.id}/models/${model.id}?tab=versions`}>{t("inside.backToModel", { name: model.name })}</Link>
      <Space align="center" wrap className="model-heading">
        <DocumentTitle page={t("inside.title", { name: model.name, number: version.number })} />
        <Typography.Title level={2} id="version-title">
          {t("inside.title", { name: model.name, number: version.number })}
        </Typography.Title>
        <Space wrap>
          <Tag>{version.format}</Tag>
          <Tag color={STATUS_COLORS[version.status] ?? "red"}>{t(`versions.statuses.${statusKey(version.status)}`)}</Tag>
          {version.status === "ready" && (
            <Button
              type="primary"
              onClick={() => void navigate(`/teams/${team.id}/deployments/new?model=${model.id}&version=${version.number}`)}
            >
              {t("inside.deploy")}
            </Button>
          )}
        </Space>
      </Space>
      <Typography.Paragraph type="secondary">
        {t("inside.createdAt", { moment: format.dateTime(version.createdAt) })}
        {runId !== null && (
          <>
            {" · "}
            <TrainedByLink teamId={team.id} modelId={model.id} runId={runId} />
          </>
        )}
      </Typography.Paragraph>
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          { key: "structure", label: t("inside.tabs.structure"), children: <ModelStructure version={version} /> },
          {
            key: "weights",
            label: t("inside.tabs.weights"),
            children: (
              <WeightDistributions versionId={version.id} versionNumber={version.number} versions={model.versions.nodes} />
            ),
          },
          {
            key: "evaluations",
            label: t("inside.tabs.evaluations"),
            children: <VersionEvaluations modelId={model.id} versionId={version.id} />,
          },
        ]}
      />
    </section>
  );
}

const KNOWN_STATUSES = ["ready", "pending", "failed", "broken", "expired"] as const;
const STATUS_COLORS: Record<string, string> = { ready: "green", pending: "gold", expired: "default" };

function statusKey(status: string): (typeof KNOWN_STATUSES)[number] | "other" {
  return KNOWN_STATUSES.find((known) => known === status) ?? "other";
}

/** Links to the training run that registered the version, named once the model's runs are read. */
function TrainedByLink({ teamId, modelId, runId }: { teamId: string; modelId: string; runId: string }) {
  const { t } = useTranslation();
  const name = useRunNames(teamId, modelId, [runId]).get(runId);

  return (
    <Link to={`/teams/${teamId}/training/${runId}`}>{name ? t("inside.trainedByRun", { name }) : t("inside.trainedBy")}</Link>
  );
}
