import { Button, Modal, Space, Table, Tag } from "antd";
import type { TableColumnsType } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { ErrorDisplay } from "../common/ErrorDisplay";
import { useConnectionPages } from "../common/useConnectionPages";
import type { ConfigRevisionFieldsFragment } from "../gql/graphql";
import { useFormat } from "../i18n/format";
import { documentText } from "./ConfigEditor";
import { ConfigRevisionsQuery } from "./documents";
import type { JsonValue } from "./jsonSchema";

export const REVISION_PAGE = 50;

interface RevisionHistoryProps {
  profileId: string;
  latestRevision: number;
  nameOf: (userId: string) => string;
  onCompare: (a: number, b: number) => void;
  onEditFrom: (revision: ConfigRevisionFieldsFragment) => void;
}

/** Lists the profile's revisions, newest first, each with its comment, author and actions to view, compare or edit from it. */
export function RevisionHistory({ profileId, latestRevision, nameOf, onCompare, onEditFrom }: RevisionHistoryProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const [shown, setShown] = useState<ConfigRevisionFieldsFragment | null>(null);
  const pages = useConnectionPages(
    ConfigRevisionsQuery,
    { id: profileId },
    (data) => data.configProfile.revisions,
    (row) => String(row.number),
    REVISION_PAGE,
  );

  const columns: TableColumnsType<ConfigRevisionFieldsFragment> = [
    {
      title: t("configProfile.revision"),
      key: "number",
      render: (_, revision) => (
        <Space>
          {t("configs.revisionNumber", { number: revision.number })}
          {revision.number === latestRevision && <Tag color="blue">{t("configProfile.latest")}</Tag>}
        </Space>
      ),
    },
    { title: t("configProfile.comment"), key: "comment", render: (_, revision) => revision.comment || t("common.none") },
    { title: t("configProfile.author"), key: "author", render: (_, revision) => nameOf(revision.createdBy) },
    { title: t("configProfile.when"), key: "when", render: (_, revision) => format.dateTime(revision.createdAt) },
    {
      title: t("common.actions"),
      key: "actions",
      render: (_, revision) => (
        <Space wrap>
          <Button size="small" onClick={() => setShown(revision)}>
            {t("configProfile.view")}
          </Button>
          {revision.number !== latestRevision && (
            <Button size="small" onClick={() => onCompare(revision.number, latestRevision)}>
              {t("configProfile.compareWithLatest")}
            </Button>
          )}
          {revision.number > 1 && (
            <Button size="small" onClick={() => onCompare(revision.number - 1, revision.number)}>
              {t("configProfile.compareWithPrevious")}
            </Button>
          )}
          <Button size="small" onClick={() => onEditFrom(revision)}>
            {t("configProfile.editFrom")}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <div>
      {pages.error && <ErrorDisplay error={pages.error} onRetry={pages.reload} />}
      <Table<ConfigRevisionFieldsFragment>
        rowKey="number"
        size="small"
        columns={columns}
        dataSource={pages.rows}
        loading={pages.fetching}
        pagination={false}
        locale={{ emptyText: t("configProfile.noRevisions") }}
      />
      {pages.hasNextPage && (
        <Button className="load-more" onClick={pages.loadMore} loading={pages.fetching}>
          {t("common.loadMore")}
        </Button>
      )}
      <Modal
        open={shown !== null}
        title={shown ? t("configs.revisionNumber", { number: shown.number }) : ""}
        footer={null}
        width={720}
        onCancel={() => setShown(null)}
      >
        {shown && <pre className="json-block">{documentText(shown.document as JsonValue)}</pre>}
      </Modal>
    </div>
  );
}
