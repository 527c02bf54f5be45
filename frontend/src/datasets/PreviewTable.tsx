import { Pagination, Select, Space, Table, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useId, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useQuery } from "urql";

import { clearOption } from "../common/clearOption";
import { ErrorDisplay } from "../common/ErrorDisplay";
import { useFormat } from "../i18n/format";
import type { DatasetVersionDetail } from "./DatasetVersionPage";
import { DatasetPreviewQuery } from "./documents";

/** Page sizes offered; the server returns at most 500 rows per request. */
export const PREVIEW_PAGE_SIZES = [25, 50, 100, 250, 500];

type PreviewRow = { key: number; values: unknown[] };

/** Shows the version's rows a page at a time, read with `preview(offset, limit, columns)`; empty columns means all of them. */
export function PreviewTable({ version }: { version: DatasetVersionDetail }) {
  const { t } = useTranslation();
  const format = useFormat();
  const ids = useId();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(PREVIEW_PAGE_SIZES[0] ?? 25);
  const [chosen, setChosen] = useState<string[]>([]);
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: DatasetPreviewQuery,
    variables: { id: version.id, offset: (page - 1) * pageSize, limit: pageSize, columns: chosen.length > 0 ? chosen : null },
  });
  const preview = data?.datasetVersion.preview;

  const columns: TableColumnsType<PreviewRow> = useMemo(
    () => [
      {
        title: "#",
        key: "position",
        fixed: "left",
        width: 72,
        render: (_, row) => format.number(row.key + 1),
      },
      ...(preview?.columns ?? []).map((column, index) => ({
        title: (
          <span>
            {column.name}
            <Typography.Text type="secondary" className="column-type">
              {` ${t(`columnTypes.${column.type}`)}`}
              {column.isLabel ? ` · ${t("preview.labelColumn")}` : ""}
            </Typography.Text>
          </span>
        ),
        key: column.name,
        render: (_: unknown, row: PreviewRow) => <Cell value={row.values[index]} />,
      })),
    ],
    [preview?.columns, format, t],
  );

  const rows: PreviewRow[] = (preview?.rows ?? []).map((values, index) => ({ key: (preview?.offset ?? 0) + index, values }));

  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <div className="filter">
        <label htmlFor={`${ids}-columns`}>{t("preview.columns")}</label>
        <Select<string[]>
          id={`${ids}-columns`}
          mode="multiple"
          allowClear={clearOption(t)}
          placeholder={t("preview.allColumns")}
          value={chosen}
          onChange={(names) => {
            setChosen(names);
            setPage(1);
          }}
          options={version.columns.map((column) => ({ value: column.name, label: column.name }))}
          style={{ minWidth: 320 }}
        />
      </div>
      {error && <ErrorDisplay error={error} onRetry={() => reexecute({ requestPolicy: "network-only" })} />}
      <Table<PreviewRow>
        size="small"
        columns={columns}
        dataSource={rows}
        loading={fetching}
        pagination={false}
        scroll={{ x: true }}
        locale={{ emptyText: fetching ? t("common.loading") : t("preview.empty") }}
      />
      <Pagination
        current={page}
        pageSize={pageSize}
        total={preview?.total ?? 0}
        pageSizeOptions={PREVIEW_PAGE_SIZES}
        showSizeChanger
        showTotal={(total, [from, to]) =>
          t("preview.range", { from: format.number(from), to: format.number(to), total: format.number(total) })
        }
        onChange={(nextPage, nextSize) => {
          setPage(nextSize === pageSize ? nextPage : 1);
          setPageSize(nextSize);
        }}
      />
    </Space>
  );
}

/**
 * Renders a preview value: missing values are marked, text and integers stay as they are, fractions
 * are rounded like numbers elsewhere in the app with the exact value as a tooltip, and anything else
 * shows as JSON.
 */
function Cell({ value }: { value: unknown }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (value === null || value === undefined) {
    return <Typography.Text type="secondary">{t("preview.missing")}</Typography.Text>;
  }
  if (typeof value === "number" && !Number.isInteger(value)) {
    return <span title={String(value)}>{format.number(value)}</span>;
  }
  return <>{typeof value === "string" ? value : JSON.stringify(value)}</>;
}
