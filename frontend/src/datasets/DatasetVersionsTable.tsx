import { Space, Table, Tooltip, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import type { DatasetVersionRowFragment } from "../gql/graphql";
import { useFormat } from "../i18n/format";
import { useDescribeOperation } from "./describeOperation";
import { ProfilingProgress } from "./ProfilingProgress";
import { VersionStatusTag } from "./VersionStatusTag";

interface DatasetVersionsTableProps {
  teamId: string;
  datasetId: string;
  versions: DatasetVersionRowFragment[];
  nameOf: (userId: string) => string;
}

/** Lists the versions of a dataset, newest first, with their status, origin, size and downloads. */
export function DatasetVersionsTable({ teamId, datasetId, versions, nameOf }: DatasetVersionsTableProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const describeOperation = useDescribeOperation();
  const versionPath = (id: string) => `/teams/${teamId}/datasets/${datasetId}/versions/${id}`;

  const columns: TableColumnsType<DatasetVersionRowFragment> = [
    {
      title: t("datasetVersion.number"),
      key: "number",
      render: (_, version) => <Link to={versionPath(version.id)}>{t("datasets.versionNumber", { number: version.number })}</Link>,
    },
    {
      title: t("datasetVersion.status"),
      key: "status",
      render: (_, version) => (
        <Space orientation="vertical" size={0}>
          {version.failureReason ? (
            <Tooltip title={version.failureReason}>
              <span>
                <VersionStatusTag status={version.status} />
              </span>
            </Tooltip>
          ) : (
            <VersionStatusTag status={version.status} />
          )}
          {version.status === "PROFILING" && <ProfilingProgress progress={version.profilingProgress} compact />}
        </Space>
      ),
    },
    {
      title: t("datasetVersion.source"),
      key: "source",
      render: (_, version) =>
        version.source === "UPLOAD" ? (
          t("datasetVersion.uploadedFile", { name: version.filename ?? "—" })
        ) : (
          <Space orientation="vertical" size={0}>
            {version.parentId ? (
              <Link to={versionPath(version.parentId)}>{t("datasetVersion.derivedFrom", { number: version.parentNumber })}</Link>
            ) : (
              t("datasetVersion.derived")
            )}
            <Typography.Text type="secondary">
              {version.operations.map(describeOperation).join(t("operationText.stepSeparator"))}
            </Typography.Text>
          </Space>
        ),
    },
    { title: t("datasetVersion.rows"), key: "rows", render: (_, version) => format.number(version.rows) },
    { title: t("datasetVersion.columnCount"), key: "columns", render: (_, version) => format.number(version.columns.length) },
    { title: t("datasetVersion.label"), key: "label", render: (_, version) => version.label ?? t("common.none") },
    {
      title: t("datasetVersion.splits"),
      key: "splits",
      render: (_, version) =>
        version.splits.length === 0
          ? t("common.none")
          : version.splits.map((split) => `${t(`splitParts.${splitKey(split.name)}`)} ${format.number(split.rows)}`).join(" · "),
    },
    { title: t("datasetVersion.size"), key: "size", render: (_, version) => format.bytes(version.size) },
    {
      title: t("datasetVersion.created"),
      key: "created",
      render: (_, version) => (
        <Space orientation="vertical" size={0}>
          {format.dateTime(version.createdAt)}
          <Typography.Text type="secondary">{nameOf(version.createdBy)}</Typography.Text>
        </Space>
      ),
    },
    {
      title: t("datasetVersion.download"),
      key: "download",
      render: (_, version) => <DownloadLinks path={version.downloadPath} number={version.number} />,
    },
  ];

  return (
    <Table<DatasetVersionRowFragment>
      rowKey="id"
      size="small"
      columns={columns}
      dataSource={versions}
      pagination={false}
      scroll={{ x: true }}
      locale={{ emptyText: t("datasetVersion.empty") }}
    />
  );
}

export function DownloadLinks({ path, number }: { path: string; number: number }) {
  const { t } = useTranslation();
  return (
    <Space>
      <a href={path} download aria-label={t("datasetVersion.downloadParquetOf", { number })}>
        {t("datasetVersion.parquet")}
      </a>
      <a href={`${path}?format=csv`} download aria-label={t("datasetVersion.downloadCsvOf", { number })}>
        {t("datasetVersion.csv")}
      </a>
    </Space>
  );
}

const KNOWN_PARTS = ["train", "validation", "test"] as const;

/** Returns the catalogue key of a split part; a part with another name shows as "other". */
export function splitKey(name: string): (typeof KNOWN_PARTS)[number] | "other" {
  return KNOWN_PARTS.find((part) => part === name) ?? "other";
}
