import { Alert, Button, Space, Tabs, Tag, Typography } from "antd";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { useParams, useSearchParams } from "react-router";
import { useQuery, useSubscription } from "urql";

import { DocumentTitle } from "../common/DocumentTitle";
import { ErrorDisplay } from "../common/ErrorDisplay";
import { Loading } from "../common/Loading";
import { ModelEvaluations } from "../evaluation/VersionEvaluations";
import { useFormat } from "../i18n/format";
import type { ModelDetailFragment } from "../gql/graphql";
import { useCurrentTeam } from "../teams/TeamContext";
import { useTeamMembers } from "../teams/useTeamMembers";
import { AliasPanel } from "./AliasPanel";
import { ModelQuery, ModelUpdatedSubscription } from "./documents";
import { ModelHistory } from "./ModelHistory";
import { ModelOverview } from "./ModelOverview";
import { TimeTravel } from "./TimeTravel";
import { useModelVersions } from "./useModelVersions";
import { VersionCompare } from "./VersionCompare";
import { VersionsTable } from "./VersionsTable";

const TABS = ["overview", "versions", "aliases", "compare", "history", "evaluations"] as const;
type ModelTab = (typeof TABS)[number];

/**
 * One model: overview, versions, aliases, version diff and history. With `?asOf=` in the URL
 * it shows the model as it was then and changes nothing; otherwise it follows `modelUpdated`.
 */
export function ModelPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { modelId = "" } = useParams();
  const team = useCurrentTeam();
  const { nameOf } = useTeamMembers(team.id);
  const [params, setParams] = useSearchParams();
  const asOf = params.get("asOf");
  const tab: ModelTab = TABS.find((name) => name === params.get("tab")) ?? "overview";

  const [{ data, fetching, error }, reexecute] = useQuery({ query: ModelQuery, variables: { id: modelId, asOf } });
  const [{ data: live }] = useSubscription({ query: ModelUpdatedSubscription, variables: { id: modelId }, pause: asOf !== null });
  const versions = useModelVersions(modelId, asOf);

  const liveChange = live?.modelUpdated.change?.position;
  const reloadVersions = versions.reload;
  useEffect(() => {
    if (liveChange !== undefined) {
      reloadVersions();
    }
  }, [liveChange, reloadVersions]);

  const model: ModelDetailFragment | undefined = asOf === null && live ? live.modelUpdated.model : data?.model;

  const setParam = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value === null) {
      next.delete(key);
    } else {
      next.set(key, value);
    }
    setParams(next);
  };

  const readOnly = asOf !== null;
  const items = model
    ? [
        { key: "overview", label: t("model.tabs.overview"), children: <ModelOverview model={model} nameOf={nameOf} /> },
        { key: "versions", label: t("model.tabs.versions"), children: <VersionsTable versions={versions} modelId={model.id} /> },
        {
          key: "aliases",
          label: t("model.tabs.aliases"),
          children: <AliasPanel model={model} versions={versions.rows} readOnly={readOnly} />,
        },
        {
          key: "compare",
          label: t("model.tabs.compare"),
          children: <VersionCompare versions={versions.rows} modelId={model.id} />,
        },
        {
          key: "history",
          label: t("model.tabs.history"),
          children: <ModelHistory modelId={model.id} nameOf={nameOf} onShowAt={(moment) => setParam("asOf", moment)} />,
        },
        {
          key: "evaluations",
          label: t("evaluation.modelTab"),
          children: <ModelEvaluations modelId={model.id} versionId={null} />,
        },
      ]
    : [];

  if (error && !model) {
    return <ErrorDisplay error={error} onRetry={() => reexecute({ requestPolicy: "network-only" })} />;
  }
  if (!model) {
    return fetching ? <Loading /> : null;
  }

  return (
    <section aria-labelledby="model-title" className="page">
      <Space align="center" wrap className="model-heading">
        <DocumentTitle page={model.name} />
        <Typography.Title level={2} id="model-title">
          {model.name}
        </Typography.Title>
        {model.archived && <Tag>{t("registry.archivedTag")}</Tag>}
        {asOf === null && live && <Tag color="green">{t("model.live")}</Tag>}
      </Space>
      <TimeTravel createdAt={model.createdAt} asOf={asOf} onChange={(moment) => setParam("asOf", moment)} />
      {asOf !== null && (
        <Alert
          type="warning"
          showIcon
          className="page-notice"
          title={t("model.pastState", { moment: format.dateTime(asOf) })}
          action={<Button onClick={() => setParam("asOf", null)}>{t("model.backToNow")}</Button>}
        />
      )}
      {error && <ErrorDisplay error={error} />}
      <Tabs activeKey={tab} onChange={(key) => setParam("tab", key === "overview" ? null : key)} items={items} />
    </section>
  );
}
