import { Descriptions, Empty, Select, Space, Table, Tag, Typography } from "antd";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { useQuery } from "urql";

import { ErrorDisplay } from "../common/ErrorDisplay";
import { Loading } from "../common/Loading";
import { metricsEqual } from "../evaluation/metricsEqual";
import { useMetricLabel } from "../evaluation/useMetricLabel";
import type { CompareModelVersionsQuery as CompareModelVersionsResult, ModelVersionFieldsFragment } from "../gql/graphql";
import { useFormat } from "../i18n/format";
import { useCurrentTeam } from "../teams/TeamContext";
import { useTeamCatalog } from "../training/useTeamCatalog";
import { comparedField } from "./comparedFields";
import { ComparedValue } from "./ComparedValue";
import { CompareModelVersionsQuery } from "./documents";
import { useRunNames } from "./useRunNames";

type MetricDifference = NonNullable<CompareModelVersionsResult["compareModelVersions"]["evaluation"]>["metrics"][number];

interface ChangeRow {
  field: string;
  a?: string | null;
  b?: string | null;
  /** Whether the row is a layer that both versions have, changed. */
  layer: boolean;
}

/** Compares two versions: bytes, size, parameters, signature, layers, changed fields and evaluation metrics. */
export function VersionCompare({ versions, modelId }: { versions: ModelVersionFieldsFragment[]; modelId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const metricLabel = useMetricLabel();
  const team = useCurrentTeam();
  const catalog = useTeamCatalog(team.id);
  const ids = useId();
  const newest = versions[versions.length - 1];
  const previous = versions[versions.length - 2];
  const [a, setA] = useState<string | undefined>(undefined);
  const [b, setB] = useState<string | undefined>(undefined);
  const left = a ?? previous?.id;
  const right = b ?? newest?.id;
  const ready = left !== undefined && right !== undefined;

  const [{ data, fetching, error }] = useQuery({
    query: CompareModelVersionsQuery,
    variables: { a: left ?? "", b: right ?? "" },
    pause: !ready,
  });

  const options = versions.map((version) => ({
    value: version.id,
    label: t("aliases.versionOption", { number: version.number }),
  }));
  const comparison = data?.compareModelVersions;
  const changeRows: ChangeRow[] = comparison
    ? [
        ...comparison.changes.map((change) => ({ ...change, layer: false })),
        ...(comparison.layersChanged ?? []).map((change) => ({ ...change, layer: true })),
      ]
    : [];
  const runIds = changeRows.flatMap((row) =>
    !row.layer && comparedField(row.field) === "trainingRun" ? [row.a, row.b].filter((id): id is string => !!id) : [],
  );
  const runNames = useRunNames(team.id, modelId, runIds);

  if (versions.length < 2) {
    return <Empty description={t("compare.needTwo")} />;
  }

  const signed = (value: number, shown: (magnitude: number) => string) =>
    `${value > 0 ? "+" : value < 0 ? "−" : ""}${shown(Math.abs(value))}`;
  const fieldLabel = (row: ChangeRow) => {
    if (row.layer) {
      return t("compare.layerField", { name: row.field });
    }
    const known = comparedField(row.field);
    return known === null ? row.field : t(`compare.fields.${known}`);
  };
  const tied = (row: MetricDifference) =>
    row.a !== null && row.a !== undefined && row.b !== null && row.b !== undefined && metricsEqual(row.a, row.b);
  const betterOf = (row: MetricDifference) => {
    if (tied(row)) {
      return t("compare.equal");
    }
    return row.better ? <Tag color="green">{row.better.toUpperCase()}</Tag> : "—";
  };
  const yesNo = (value: boolean | null | undefined) => {
    if (value === null || value === undefined) {
      return t("compare.unknown");
    }
    return value ? t("common.yes") : t("common.no");
  };

  return (
    <div className="version-compare">
      <Space wrap align="end">
        <div className="filter">
          <label htmlFor={`${ids}-a`}>{t("compare.a")}</label>
          <Select id={`${ids}-a`} value={left} onChange={setA} options={options} style={{ width: 160 }} />
        </div>
        <div className="filter">
          <label htmlFor={`${ids}-b`}>{t("compare.b")}</label>
          <Select id={`${ids}-b`} value={right} onChange={setB} options={options} style={{ width: 160 }} />
        </div>
      </Space>
      {error && <ErrorDisplay error={error} />}
      {fetching && !comparison && <Loading />}
      {comparison && (
        <>
          <Descriptions bordered size="small" column={1} className="compare-summary">
            <Descriptions.Item label={t("compare.sameBytes")}>{yesNo(comparison.sameBytes)}</Descriptions.Item>
            <Descriptions.Item label={t("compare.sizeDelta")}>{signed(comparison.sizeDelta, format.bytes)}</Descriptions.Item>
            <Descriptions.Item label={t("compare.parameterDelta")}>
              {comparison.parameterDelta === null || comparison.parameterDelta === undefined
                ? t("compare.unknown")
                : signed(comparison.parameterDelta, format.number)}
            </Descriptions.Item>
            <Descriptions.Item label={t("compare.signatureChanged")}>{yesNo(comparison.signatureChanged)}</Descriptions.Item>
            <Descriptions.Item label={t("compare.layersAdded")}>
              <LayerNames names={comparison.layersAdded} />
            </Descriptions.Item>
            <Descriptions.Item label={t("compare.layersRemoved")}>
              <LayerNames names={comparison.layersRemoved} />
            </Descriptions.Item>
          </Descriptions>
          <Typography.Title level={4}>{t("compare.changes")}</Typography.Title>
          <Table<ChangeRow>
            rowKey={(row) => `${row.layer ? "layer" : "field"}:${row.field}`}
            size="small"
            pagination={false}
            dataSource={changeRows}
            columns={[
              { title: t("compare.field"), key: "field", render: (_, row) => fieldLabel(row) },
              ...(["a", "b"] as const).map((side) => ({
                title: t(side === "a" ? "compare.valueA" : "compare.valueB", {
                  number: side === "a" ? comparison.a.number : comparison.b.number,
                }),
                key: side,
                render: (_: unknown, row: ChangeRow) => (
                  <ComparedValue
                    field={row.field}
                    layer={row.layer}
                    value={row[side]}
                    versions={versions}
                    catalog={catalog}
                    runNames={runNames}
                  />
                ),
              })),
            ]}
            locale={{ emptyText: t("compare.noChanges") }}
          />
          <Typography.Title level={4}>{t("compare.evaluation")}</Typography.Title>
          {comparison.evaluation ? (
            <Table
              rowKey="name"
              size="small"
              pagination={false}
              dataSource={comparison.evaluation.metrics}
              columns={[
                { title: t("compare.metric"), key: "name", render: (_, row) => metricLabel(row.name) },
                {
                  title: t("compare.valueA", { number: comparison.a.number }),
                  key: "a",
                  render: (_, row) => format.number(row.a),
                },
                {
                  title: t("compare.valueB", { number: comparison.b.number }),
                  key: "b",
                  render: (_, row) => format.number(row.b),
                },
                {
                  title: t("compare.difference"),
                  key: "difference",
                  render: (_, row) => format.difference(tied(row) ? 0 : row.difference),
                },
                { title: t("compare.better"), key: "better", render: (_, row) => betterOf(row) },
              ]}
            />
          ) : (
            <Typography.Paragraph type="secondary">{t("compare.noEvaluation")}</Typography.Paragraph>
          )}
        </>
      )}
    </div>
  );
}

function LayerNames({ names }: { names: string[] | null | undefined }) {
  const { t } = useTranslation();
  if (names === null || names === undefined) {
    return <>{t("compare.unknown")}</>;
  }
  if (names.length === 0) {
    return <>{t("common.none")}</>;
  }
  return (
    <>
      {names.map((name) => (
        <Tag key={name}>{name}</Tag>
      ))}
    </>
  );
}
