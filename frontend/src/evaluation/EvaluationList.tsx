import { Button, Space, Table, Tag, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { cloneElement, isValidElement, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";

import { ErrorDisplay } from "../common/ErrorDisplay";
import { NewRowsNotice } from "../common/NewRowsNotice";
import { useFormat } from "../i18n/format";
import type { EvaluationRowFragment } from "../gql/graphql";
import { useCurrentTeam } from "../teams/TeamContext";
import { useTeamCatalog } from "../training/useTeamCatalog";
import { EvaluationStatusTag } from "./EvaluationStatusTag";
import type { Evaluations } from "./useEvaluations";
import { splitName } from "./splitName";
import { useMetricLabel } from "./useMetricLabel";

/** compareEvaluations takes 2 to 10 evaluations. */
export const MAX_COMPARED = 10;

interface EvaluationListProps {
  evaluations: Evaluations;
  /** Whether to show the model column, for lists that span models. */
  showModel?: boolean;
}

/**
 * Lists evaluations in a table: when, which version on which data, status and headline metrics.
 * Completed ones can be selected and compared side by side.
 */
export function EvaluationList({ evaluations, showModel = false }: EvaluationListProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const metricLabel = useMetricLabel();
  const navigate = useNavigate();
  const team = useCurrentTeam();
  const catalog = useTeamCatalog(team.id);
  const [selected, setSelected] = useState<string[]>([]);

  const columns: TableColumnsType<EvaluationRowFragment> = [
    {
      title: t("evaluation.columns.created"),
      key: "created",
      render: (_, row) => <Link to={`/teams/${team.id}/evaluations/${row.id}`}>{format.dateTime(row.createdAt)}</Link>,
    },
    ...(showModel
      ? [
          {
            title: t("evaluation.columns.model"),
            key: "model",
            render: (_: unknown, row: EvaluationRowFragment) => (
              <Link to={`/teams/${team.id}/models/${row.modelId}`}>{catalog.modelName(row.modelId) ?? row.modelId}</Link>
            ),
          },
        ]
      : []),
    {
      title: t("evaluation.columns.version"),
      key: "version",
      render: (_, row) => (
        <Link to={`/teams/${team.id}/models/${row.modelId}/versions/${row.modelVersionId}`}>
          {t("evaluation.versionNumber", { number: row.modelVersionNumber })}
        </Link>
      ),
    },
    {
      title: t("evaluation.columns.dataset"),
      key: "dataset",
      render: (_, row) => {
        const found = catalog.datasetVersion(row.datasetVersionId);
        return found
          ? t("training.datasetVersion", { name: found.dataset.name, number: found.version.number })
          : row.datasetVersionId;
      },
    },
    { title: t("evaluation.columns.split"), key: "split", render: (_, row) => splitName(row.split, t) },
    { title: t("evaluation.columns.label"), dataIndex: "label", key: "label" },
    {
      title: t("evaluation.columns.status"),
      key: "status",
      render: (_, row) => <EvaluationStatusTag status={row.status} reason={row.failureReason} />,
    },
    { title: t("evaluation.columns.rows"), key: "rows", render: (_, row) => format.number(row.rows) },
    {
      title: t("evaluation.columns.metrics"),
      key: "metrics",
      render: (_, row) => (
        <Space wrap size={4}>
          {row.summary.map((metric) => (
            <Tag key={metric.name}>
              {t("common.labelledValue", { label: metricLabel(metric.name), value: format.number(metric.value) })}
            </Tag>
          ))}
        </Space>
      ),
    },
  ];

  const compare = () => navigate(`/teams/${team.id}/evaluations/compare?ids=${selected.join(",")}`);

  return (
    <div className="evaluation-list">
      <NewRowsNotice newRows={evaluations.newRows} onReload={evaluations.reload} />
      {evaluations.error && <ErrorDisplay error={evaluations.error} onRetry={evaluations.reload} />}
      <Space wrap align="center" className="filters">
        <Button onClick={compare} disabled={selected.length < 2 || selected.length > MAX_COMPARED}>
          {t("evaluation.compareSelected", { count: selected.length })}
        </Button>
        <Typography.Text type="secondary">{t("evaluation.compareHelp", { max: MAX_COMPARED })}</Typography.Text>
      </Space>
      <Table<EvaluationRowFragment>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={evaluations.rows}
        rowClassName={evaluations.newRows.rowClassName}
        loading={evaluations.fetching}
        pagination={false}
        scroll={{ x: true }}
        locale={{ emptyText: t("evaluation.empty") }}
        rowSelection={{
          selectedRowKeys: selected,
          onChange: (keys) => setSelected(keys.map(String)),
          // Ant Design names the header checkbox "Select all" in every language.
          columnTitle: (checkbox) =>
            isValidElement<{ "aria-label"?: string }>(checkbox)
              ? cloneElement(checkbox, { "aria-label": t("common.selectAll") })
              : checkbox,
          getCheckboxProps: (row) => ({
            disabled: row.status !== "COMPLETED",
            "aria-label": t("evaluation.selectForComparison", { date: format.dateTime(row.createdAt) }),
          }),
        }}
      />
      {evaluations.hasNextPage && (
        <Button onClick={evaluations.loadMore} loading={evaluations.fetching} className="load-more">
          {t("common.loadMore")}
        </Button>
      )}
    </div>
  );
}
