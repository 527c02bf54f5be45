import { Alert, Button, Descriptions, Space, Tabs, Tag, Typography } from "antd";
import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams, useSearchParams } from "react-router";
import { useMutation, useQuery, useSubscription } from "urql";
import type { CombinedError } from "urql";

import { DocumentTitle } from "../common/DocumentTitle";
import { ErrorDisplay } from "../common/ErrorDisplay";
import { Loading } from "../common/Loading";
import type { DatasetVersionQuery as DatasetVersionResult } from "../gql/graphql";
import { useFormat } from "../i18n/format";
import { useCurrentTeam } from "../teams/TeamContext";
import { useTeamMembers } from "../teams/useTeamMembers";
import { DownloadLinks, splitKey } from "./DatasetVersionsTable";
import { DatasetUpdatedSubscription, DatasetVersionQuery, ProfileDatasetVersionMutation } from "./documents";
import { DeriveForm } from "./DeriveForm";
import { PreviewTable } from "./PreviewTable";
import { ProfilingProgress } from "./ProfilingProgress";
import { VersionProfile } from "./VersionProfile";
import { VersionStatusTag } from "./VersionStatusTag";
import "../common/blocks.css";
import "./datasets.css";

// React Flow and ELK load only when the lineage tab opens.
const LineageGraph = lazy(() => import("./LineageGraph").then((module) => ({ default: module.LineageGraph })));

const TABS = ["profile", "preview", "lineage", "derive"] as const;
type VersionTab = (typeof TABS)[number];

export type DatasetVersionDetail = DatasetVersionResult["datasetVersion"];

/**
 * One dataset version: its summary, profile, a paged preview of its rows, its lineage and the
 * form that derives a new version from it. Status and profiling progress follow `datasetUpdated`,
 * and the profile is read again once profiling ends.
 */
export function DatasetVersionPage() {
  const { versionId = "" } = useParams();
  // A new versionId starts with fresh state, so nothing of the previous page's live updates carries over.
  return <VersionPageBody key={versionId} />;
}

function VersionPageBody() {
  const { t } = useTranslation();
  const { datasetId = "", versionId = "" } = useParams();
  const team = useCurrentTeam();
  const { nameOf } = useTeamMembers(team.id);
  const [params, setParams] = useSearchParams();
  const tab: VersionTab = TABS.find((name) => name === params.get("tab")) ?? "profile";
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: DatasetVersionQuery,
    variables: { id: versionId },
    requestPolicy: "network-only",
  });
  // A link may name another dataset (the first copy of duplicate rows), so the version's own dataset is followed once known.
  const followedDataset = data?.datasetVersion.datasetId ?? datasetId;
  const [{ data: live }] = useSubscription({ query: DatasetUpdatedSubscription, variables: { id: followedDataset } });
  const [liveFields, setLiveFields] = useState<Partial<DatasetVersionDetail>>({});

  const update = live?.datasetUpdated;
  const updatedVersion = update?.version?.id === versionId ? update.version : null;
  useEffect(() => {
    if (updatedVersion) {
      const { operations: _recorded, ...fields } = updatedVersion;
      setLiveFields(fields);
    }
  }, [updatedVersion]);

  // The profile arrives only with the query, so it is read again when profiling ends.
  const loadedStatus = data?.datasetVersion.status;
  const liveStatus = liveFields.status;
  const rereadFor = useRef<string | null>(null);
  useEffect(() => {
    const ended = liveStatus === "READY" || liveStatus === "FAILED";
    if (ended && loadedStatus === "PROFILING" && rereadFor.current !== liveStatus) {
      rereadFor.current = liveStatus;
      reexecute({ requestPolicy: "network-only" });
    }
  }, [liveStatus, loadedStatus, reexecute]);

  if (error && !data) {
    return <ErrorDisplay error={error} onRetry={() => reexecute({ requestPolicy: "network-only" })} />;
  }
  if (!data) {
    return fetching ? <Loading /> : null;
  }
  const version: DatasetVersionDetail = { ...data.datasetVersion, ...liveFields };

  const setTab = (key: string) => {
    const next = new URLSearchParams(params);
    if (key === "profile") {
      next.delete("tab");
    } else {
      next.set("tab", key);
    }
    setParams(next);
  };

  const items = [
    { key: "profile", label: t("datasetVersion.tabs.profile"), children: <VersionProfile version={version} /> },
    { key: "preview", label: t("datasetVersion.tabs.preview"), children: <PreviewTable version={version} /> },
    {
      key: "lineage",
      label: t("datasetVersion.tabs.lineage"),
      children: (
        <Suspense fallback={<Loading />}>
          <LineageGraph teamId={team.id} versionId={version.id} />
        </Suspense>
      ),
    },
    {
      key: "derive",
      label: t("datasetVersion.tabs.derive"),
      children: <DeriveForm teamId={team.id} version={version} />,
    },
  ];

  return (
    <section aria-labelledby="version-title" className="page">
      <DocumentTitle page={`${version.dataset.name} · ${t("datasets.versionNumber", { number: version.number })}`} />
      <Space align="center" wrap>
        <Typography.Title level={2} id="version-title">
          <Link to={`/teams/${team.id}/datasets/${version.dataset.id}`}>{version.dataset.name}</Link>
          {" · "}
          {t("datasets.versionNumber", { number: version.number })}
        </Typography.Title>
        <VersionStatusTag status={version.status} />
        {live && <Tag color="green">{t("datasets.live")}</Tag>}
      </Space>
      {version.status === "PROFILING" && <ProfilingProgress progress={version.profilingProgress} />}
      {version.status === "FAILED" && <ProfilingFailed versionId={version.id} reason={version.failureReason ?? ""} />}
      {error && <ErrorDisplay error={error} />}
      <VersionSummary version={version} teamId={team.id} nameOf={nameOf} />
      <Tabs activeKey={tab} onChange={setTab} items={items} destroyOnHidden />
    </section>
  );
}

function ProfilingFailed({ versionId, reason }: { versionId: string; reason: string }) {
  const { t } = useTranslation();
  const [{ fetching }, profileAgain] = useMutation(ProfileDatasetVersionMutation);
  const [error, setError] = useState<CombinedError | null>(null);

  return (
    <>
      <Alert
        type="error"
        showIcon
        className="page-notice"
        title={t("datasetVersion.profilingFailed")}
        description={reason}
        action={
          <Button
            loading={fetching}
            onClick={async () => {
              const result = await profileAgain({ id: versionId });
              setError(result.error ?? null);
            }}
          >
            {t("datasetVersion.profileAgain")}
          </Button>
        }
      />
      {error && <ErrorDisplay error={error} />}
    </>
  );
}

interface VersionSummaryProps {
  version: DatasetVersionDetail;
  teamId: string;
  nameOf: (userId: string) => string;
}

function VersionSummary({ version, teamId, nameOf }: VersionSummaryProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const versionPath = (id: string) => `/teams/${teamId}/datasets/${version.datasetId}/versions/${id}`;

  const source =
    version.source === "UPLOAD" ? (
      t("datasetVersion.uploadedAs", { name: version.filename ?? "—", format: version.format ?? "—" })
    ) : version.parentId ? (
      <Link to={versionPath(version.parentId)}>{t("datasetVersion.derivedFrom", { number: version.parentNumber })}</Link>
    ) : (
      t("datasetVersion.derived")
    );

  return (
    <Descriptions
      size="small"
      className="version-summary"
      column={{ xs: 1, md: 2, xl: 3 }}
      items={[
        { key: "source", label: t("datasetVersion.source"), children: source },
        { key: "rows", label: t("datasetVersion.rows"), children: format.number(version.rows) },
        { key: "columns", label: t("datasetVersion.columnCount"), children: format.number(version.columns.length) },
        { key: "label", label: t("datasetVersion.label"), children: version.label ?? t("common.none") },
        {
          key: "splits",
          label: t("datasetVersion.splits"),
          children:
            version.splits.length === 0
              ? t("common.none")
              : version.splits
                  .map((split) => `${t(`splitParts.${splitKey(split.name)}`)} ${format.number(split.rows)}`)
                  .join(" · "),
        },
        { key: "missing", label: t("datasetVersion.missingCells"), children: format.number(version.missingCells) },
        { key: "size", label: t("datasetVersion.size"), children: format.bytes(version.size) },
        {
          key: "sha",
          label: t("datasetVersion.sha256"),
          children: (
            <Typography.Text code copyable>
              {version.sha256}
            </Typography.Text>
          ),
        },
        {
          key: "duplicate",
          label: t("datasetVersion.duplicateOf"),
          children: version.duplicateOfId ? (
            <Link to={versionPath(version.duplicateOfId)}>{t("datasetVersion.firstCopy")}</Link>
          ) : (
            t("common.no")
          ),
        },
        {
          key: "created",
          label: t("datasetVersion.created"),
          children: t("datasetVersion.createdBy", {
            moment: format.dateTime(version.createdAt),
            user: nameOf(version.createdBy),
          }),
        },
        {
          key: "download",
          label: t("datasetVersion.download"),
          children: <DownloadLinks path={version.downloadPath} number={version.number} />,
        },
      ]}
    />
  );
}
