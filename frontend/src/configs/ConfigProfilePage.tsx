import { Alert, Button, Input, Popconfirm, Space, Tabs, Tag, Typography } from "antd";
import { useCallback, useEffect, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { useParams, useSearchParams } from "react-router";
import { useMutation, useQuery, useSubscription } from "urql";
import type { CombinedError } from "urql";

import { DocumentTitle } from "../common/DocumentTitle";
import { ErrorDisplay } from "../common/ErrorDisplay";
import { Loading } from "../common/Loading";
import type { ConfigRevisionFieldsFragment } from "../gql/graphql";
import { useFormat } from "../i18n/format";
import { useCurrentTeam } from "../teams/TeamContext";
import { useTeamMembers } from "../teams/useTeamMembers";
import { ConfigEditor } from "./ConfigEditor";
import type { EditedDocument } from "./ConfigEditor";
import {
  ArchiveConfigProfileMutation,
  ConfigEventsSubscription,
  ConfigProfileQuery,
  ReviseConfigProfileMutation,
} from "./documents";
import type { JsonSchema, JsonValue } from "./jsonSchema";
import { RevisionDiff } from "./RevisionDiff";
import { RevisionHistory } from "./RevisionHistory";
import { useTrainingSchema } from "./useTrainingSchema";
import "../common/blocks.css";
import "./configs.css";

const TABS = ["edit", "history", "diff"] as const;
type ProfileTab = (typeof TABS)[number];

/** The starting point of the editor: the revision sent as expectedRevision, and its document. */
interface EditBase {
  revision: number;
  document: JsonValue;
}

/**
 * Shows one configuration profile: an editor for its next revision, its revision history and the
 * differences between two revisions. Revisions recorded by others meanwhile are announced, and
 * saving on top of them fails with CONFLICT because the editor sends the revision it started from.
 */
export function ConfigProfilePage() {
  const { profileId = "" } = useParams();
  // A new profileId starts with fresh state, so nothing of the previous page's live updates carries over.
  return <ProfilePageBody key={profileId} />;
}

function ProfilePageBody() {
  const { t } = useTranslation();
  const { profileId = "" } = useParams();
  const team = useCurrentTeam();
  const { nameOf } = useTeamMembers(team.id);
  const [params, setParams] = useSearchParams();
  const tab: ProfileTab = TABS.find((name) => name === params.get("tab")) ?? "edit";
  const training = useTrainingSchema();
  const [{ data, fetching, error }, reexecute] = useQuery({ query: ConfigProfileQuery, variables: { id: profileId } });
  const [{ data: event }] = useSubscription({ query: ConfigEventsSubscription, variables: { filter: { subjectId: profileId } } });
  const [base, setBase] = useState<EditBase | null>(null);
  const [historyGeneration, setHistoryGeneration] = useState(0);

  const latest = data?.configProfile.latestRevision;
  useEffect(() => {
    if (latest && base === null) {
      setBase({ revision: latest.number, document: latest.document as JsonValue });
    }
  }, [latest, base]);

  const eventPosition = event?.events.position;
  useEffect(() => {
    if (eventPosition !== undefined) {
      reexecute({ requestPolicy: "network-only" });
      setHistoryGeneration((count) => count + 1);
    }
  }, [eventPosition, reexecute]);

  const setTab = (key: string) => {
    const next = new URLSearchParams(params);
    if (key === "edit") {
      next.delete("tab");
    } else {
      next.set("tab", key);
    }
    setParams(next);
  };
  const showDiff = useCallback(
    (a: number, b: number) => {
      const next = new URLSearchParams(params);
      next.set("tab", "diff");
      next.set("a", String(a));
      next.set("b", String(b));
      setParams(next);
    },
    [params, setParams],
  );

  if ((error && !data) || training.error) {
    const shown = (error ?? training.error) as CombinedError;
    return <ErrorDisplay error={shown} onRetry={() => reexecute({ requestPolicy: "network-only" })} />;
  }
  if (!data || !training.schema || base === null) {
    return fetching || training.fetching || base === null ? <Loading /> : null;
  }
  const profile = data.configProfile;

  const editFrom = (revision: ConfigRevisionFieldsFragment) => {
    setBase({ revision: profile.latestRevisionNumber, document: revision.document as JsonValue });
    setTab("edit");
  };

  const items = [
    {
      key: "edit",
      label: t("configProfile.tabs.edit"),
      children: (
        <RevisionEditor
          profileId={profile.id}
          archived={profile.archived}
          schema={training.schema}
          base={base}
          latestRevision={profile.latestRevisionNumber}
          onSaved={(revision) => {
            setBase({ revision: revision.number, document: revision.document as JsonValue });
            setHistoryGeneration((count) => count + 1);
          }}
          onLoadLatest={() => latest && setBase({ revision: latest.number, document: latest.document as JsonValue })}
          onShowChanges={() => showDiff(base.revision, profile.latestRevisionNumber)}
        />
      ),
    },
    {
      key: "history",
      label: t("configProfile.tabs.history"),
      children: (
        <RevisionHistory
          key={historyGeneration}
          profileId={profile.id}
          latestRevision={profile.latestRevisionNumber}
          nameOf={nameOf}
          onCompare={showDiff}
          onEditFrom={editFrom}
        />
      ),
    },
    {
      key: "diff",
      label: t("configProfile.tabs.diff"),
      children: (
        <RevisionDiff
          profileId={profile.id}
          latestRevision={profile.latestRevisionNumber}
          a={Number(params.get("a") ?? Math.max(1, profile.latestRevisionNumber - 1))}
          b={Number(params.get("b") ?? profile.latestRevisionNumber)}
          onChange={showDiff}
        />
      ),
    },
  ];

  return (
    <section aria-labelledby="profile-title" className="page">
      <Space className="page-heading" align="center" wrap>
        <Space align="center">
          <DocumentTitle page={profile.name} />
          <Typography.Title level={2} id="profile-title">
            {profile.name}
          </Typography.Title>
          <Tag>{t("configs.revisionNumber", { number: profile.latestRevisionNumber })}</Tag>
          {profile.archived && <Tag>{t("configs.archivedTag")}</Tag>}
        </Space>
        {!profile.archived && <ArchiveButton profileId={profile.id} />}
      </Space>
      {profile.description !== "" && <Typography.Paragraph>{profile.description}</Typography.Paragraph>}
      <Tabs activeKey={tab} onChange={setTab} items={items} destroyOnHidden />
    </section>
  );
}

function ArchiveButton({ profileId }: { profileId: string }) {
  const { t } = useTranslation();
  const [{ fetching }, archive] = useMutation(ArchiveConfigProfileMutation);
  const [error, setError] = useState<CombinedError | null>(null);
  return (
    <>
      <Popconfirm
        title={t("configProfile.archiveConfirm")}
        okText={t("configProfile.archive")}
        cancelText={t("common.cancel")}
        onConfirm={async () => {
          const result = await archive({ id: profileId });
          setError(result.error ?? null);
        }}
      >
        <Button loading={fetching}>{t("configProfile.archive")}</Button>
      </Popconfirm>
      {error && <ErrorDisplay error={error} />}
    </>
  );
}

interface RevisionEditorProps {
  profileId: string;
  archived: boolean;
  schema: JsonSchema;
  base: EditBase;
  latestRevision: number;
  onSaved: (revision: ConfigRevisionFieldsFragment) => void;
  onLoadLatest: () => void;
  onShowChanges: () => void;
}

function RevisionEditor({
  profileId,
  archived,
  schema,
  base,
  latestRevision,
  onSaved,
  onLoadLatest,
  onShowChanges,
}: RevisionEditorProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const ids = useId();
  const [edited, setEdited] = useState<EditedDocument | null>(null);
  const [comment, setComment] = useState("");
  const [error, setError] = useState<CombinedError | null>(null);
  const [saved, setSaved] = useState<{ number: number; recorded: boolean } | null>(null);
  const [{ fetching }, revise] = useMutation(ReviseConfigProfileMutation);

  const save = async () => {
    if (!edited) {
      return;
    }
    setSaved(null);
    const result = await revise({
      input: { id: profileId, document: edited.document, comment: comment.trim(), expectedRevision: base.revision },
    });
    setError(result.error ?? null);
    if (result.data) {
      const revision = result.data.reviseConfigProfile.latestRevision;
      setSaved({ number: revision.number, recorded: revision.number !== base.revision });
      setComment("");
      onSaved(revision);
    }
  };

  return (
    <form
      aria-label={t("configProfile.editTitle")}
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      {archived && <Alert type="info" showIcon className="page-notice" title={t("configProfile.archivedNotice")} />}
      <Typography.Paragraph type="secondary">
        {t("configProfile.editingFrom", { number: format.number(base.revision) })}
      </Typography.Paragraph>
      {latestRevision > base.revision && (
        <Alert
          type="warning"
          showIcon
          className="page-notice"
          title={t("configProfile.newerRevision", { number: latestRevision, base: base.revision })}
          action={
            <Space orientation="vertical">
              <Button size="small" onClick={onShowChanges}>
                {t("configProfile.showChanges")}
              </Button>
              <Button size="small" onClick={onLoadLatest}>
                {t("configProfile.loadLatest")}
              </Button>
            </Space>
          }
        />
      )}
      <ConfigEditor schema={schema} initial={base.document} onChange={setEdited} disabled={archived} />
      <Space wrap align="end" className="form-actions">
        <div className="filter">
          <label htmlFor={`${ids}-comment`}>{t("configProfile.comment")}</label>
          <Input
            id={`${ids}-comment`}
            value={comment}
            onChange={(event) => setComment(event.target.value)}
            style={{ width: 360 }}
            disabled={archived}
          />
        </div>
        <Button type="primary" htmlType="submit" loading={fetching} disabled={archived || !edited?.parses}>
          {t("configProfile.save")}
        </Button>
      </Space>
      {error && <ErrorDisplay error={error} />}
      {saved && (
        <Alert
          type={saved.recorded ? "success" : "info"}
          showIcon
          className="page-notice"
          title={saved.recorded ? t("configProfile.saved", { number: saved.number }) : t("configProfile.unchanged")}
        />
      )}
    </form>
  );
}
