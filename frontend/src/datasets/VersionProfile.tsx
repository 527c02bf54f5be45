import { Card, Col, Empty, Row, Space, Table, Tag, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";

import { EChart } from "../common/EChart";
import type { ColumnProfileFieldsFragment } from "../gql/graphql";
import { useFormat } from "../i18n/format";
import { useMeasures } from "../i18n/measures";
import type { DatasetVersionDetail } from "./DatasetVersionPage";
import { splitKey } from "./DatasetVersionsTable";
import { histogramOption, labelOption, MAX_LABEL_VALUES, splitSizesOption, topValuesOption, valueText } from "./profileCharts";

type Profile = NonNullable<DatasetVersionDetail["profile"]>;

/** Shows the version's profile: split sizes, the label's distribution and one row of statistics per column, with its chart. */
export function VersionProfile({ version }: { version: DatasetVersionDetail }) {
  const { t } = useTranslation();
  const profile = version.profile;

  if (!profile) {
    const reason = version.status === "PROFILING" ? t("profile.pending") : t("profile.notProfiled");
    return <Empty description={reason} />;
  }
  return (
    <Space orientation="vertical" size="large" style={{ width: "100%" }}>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={8}>
          <SplitSizes profile={profile} />
        </Col>
        <Col xs={24} lg={16}>
          <LabelDistribution profile={profile} />
        </Col>
      </Row>
      <ColumnTable columns={profile.columns} rows={profile.rows} />
    </Space>
  );
}

function SplitSizes({ profile }: { profile: Profile }) {
  const { t } = useTranslation();
  const format = useFormat();
  const measures = useMeasures();
  const splits = useMemo(
    () => profile.splits.map((split) => ({ name: t(`splitParts.${splitKey(split.name)}`), rows: split.rows })),
    [profile.splits, t],
  );
  const option = useMemo(() => splitSizesOption(splits, t("profile.rows")), [splits, t]);

  return (
    <Card size="small" title={t("profile.splits")}>
      <Typography.Paragraph>{t("profile.totalRows", { rows: format.number(profile.rows) })}</Typography.Paragraph>
      {splits.length === 0 ? (
        <Typography.Text type="secondary">{t("profile.noSplits")}</Typography.Text>
      ) : (
        <>
          <ul className="plain-list">
            {splits.map((split) => (
              <li key={split.name}>
                {t("profile.splitRows", {
                  name: split.name,
                  rows: format.number(split.rows),
                  share: measures.percent(split.rows / Math.max(profile.rows, 1)),
                })}
              </li>
            ))}
          </ul>
          <EChart option={option} label={t("profile.splitsChart")} height={180} />
        </>
      )}
    </Card>
  );
}

function LabelDistribution({ profile }: { profile: Profile }) {
  const { t } = useTranslation();
  const format = useFormat();
  const label = profile.label;
  const labelColumn = label ? profile.columns.find((column) => column.name === label.column) : undefined;
  // A continuous label, such as a regression target, has as many values as rows, so a histogram shows it.
  const labelHistogram =
    labelColumn?.type === "FLOAT" && labelColumn.histogram && labelColumn.histogram.counts.length > 0
      ? labelColumn.histogram
      : null;
  const option = useMemo(() => {
    if (!label) {
      return null;
    }
    if (labelHistogram) {
      return histogramOption(labelHistogram, (value) => format.number(value), t("profile.rows"));
    }
    const parts = profile.splits
      .filter((split) => split.label !== null && split.label !== undefined)
      .map((split) => ({ name: t(`splitParts.${splitKey(split.name)}`), distribution: split.label?.distribution ?? [] }));
    return labelOption({ name: t("profile.allRows"), distribution: label.distribution }, parts);
  }, [label, labelHistogram, profile.splits, format, t]);

  if (!label || !option) {
    return (
      <Card size="small" title={t("profile.label")}>
        <Typography.Text type="secondary">{t("profile.noLabel")}</Typography.Text>
      </Card>
    );
  }
  return (
    <Card size="small" title={t("profile.labelOf", { column: label.column })}>
      {!labelHistogram && label.distribution.length > MAX_LABEL_VALUES && (
        <Typography.Paragraph type="secondary">
          {t("profile.labelTruncated", { shown: MAX_LABEL_VALUES, total: label.distribution.length })}
        </Typography.Paragraph>
      )}
      <EChart
        option={option}
        label={
          labelHistogram
            ? t("profile.labelHistogram", { column: label.column })
            : t("profile.labelChart", { column: label.column })
        }
        height={240}
      />
    </Card>
  );
}

function ColumnTable({ columns, rows }: { columns: ColumnProfileFieldsFragment[]; rows: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const measures = useMeasures();
  const estimate = (text: string, exact: boolean) => (exact ? text : t("profile.estimate", { value: text }));

  const tableColumns: TableColumnsType<ColumnProfileFieldsFragment> = [
    { title: t("profile.column"), dataIndex: "name", key: "name", fixed: "left" },
    { title: t("profile.type"), key: "type", render: (_, column) => <Tag>{t(`columnTypes.${column.type}`)}</Tag> },
    {
      title: t("profile.missing"),
      key: "missing",
      render: (_, column) => `${format.number(column.missing)} (${measures.percent(column.missing / Math.max(rows, 1))})`,
    },
    {
      title: t("profile.distinct"),
      key: "distinct",
      render: (_, column) => estimate(format.number(column.distinct), column.distinctExact),
    },
    { title: t("profile.min"), key: "min", render: (_, column) => statistic(column.min, format.number) },
    { title: t("profile.max"), key: "max", render: (_, column) => statistic(column.max, format.number) },
    { title: t("profile.mean"), key: "mean", render: (_, column) => format.number(column.mean) },
    { title: t("profile.std"), key: "std", render: (_, column) => format.number(column.std) },
  ];

  return (
    <Table<ColumnProfileFieldsFragment>
      rowKey="name"
      size="small"
      columns={tableColumns}
      dataSource={columns}
      pagination={columns.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
      scroll={{ x: true }}
      expandable={{ expandedRowRender: (column) => <ColumnDetail column={column} /> }}
      locale={{ emptyText: t("profile.noColumns") }}
    />
  );
}

function statistic(value: unknown, number: (value: number) => string): string {
  return typeof value === "number" ? number(value) : valueText(value);
}

/** Shows a column's quantiles and its histogram, or its most frequent values. */
function ColumnDetail({ column }: { column: ColumnProfileFieldsFragment }) {
  const { t } = useTranslation();
  const format = useFormat();
  const measures = useMeasures();
  const histogram = column.histogram;
  const chart = useMemo(() => {
    if (histogram && histogram.counts.length > 0) {
      return histogramOption(histogram, (value) => format.number(value), t("profile.rows"));
    }
    if (column.topValues.length > 0) {
      return topValuesOption(column.topValues, t("profile.rows"));
    }
    return null;
  }, [histogram, column.topValues, format, t]);

  return (
    <Row gutter={[16, 16]} className="column-detail">
      {column.quantiles.length > 0 && (
        <Col xs={24} lg={8}>
          <Typography.Text strong>
            {column.quantilesExact ? t("profile.quantiles") : t("profile.quantilesSampled")}
          </Typography.Text>
          <table className="quantiles" aria-label={t("profile.quantilesOf", { column: column.name })}>
            <thead>
              <tr>
                <th scope="col">{t("profile.quantile")}</th>
                <th scope="col">{t("profile.value")}</th>
              </tr>
            </thead>
            <tbody>
              {column.quantiles.map((quantile) => (
                <tr key={quantile.q}>
                  <td>{measures.percent(quantile.q)}</td>
                  <td>{format.number(quantile.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Col>
      )}
      <Col xs={24} lg={column.quantiles.length > 0 ? 16 : 24}>
        {chart === null ? (
          <Typography.Text type="secondary">{t("profile.noChart")}</Typography.Text>
        ) : (
          <>
            <Typography.Text strong>
              {histogram && histogram.counts.length > 0
                ? t("profile.histogram")
                : column.topValuesExact
                  ? t("profile.topValues")
                  : t("profile.topValuesApproximate")}
            </Typography.Text>
            <EChart
              option={chart}
              label={
                histogram && histogram.counts.length > 0
                  ? t("profile.histogramOf", { column: column.name })
                  : t("profile.topValuesOf", { column: column.name })
              }
              height={220}
            />
            {!(histogram && histogram.counts.length > 0) && (
              <ul className="plain-list top-values">
                {column.topValues.map((entry) => (
                  <li key={valueText(entry.value)}>
                    {valueText(entry.value)}: {format.number(entry.count)}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </Col>
    </Row>
  );
}
