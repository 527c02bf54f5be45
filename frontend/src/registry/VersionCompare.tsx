import { Descriptions, Empty, Select, Space, Table, Tag, Typography } from "antd";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { useQuery } from "urql";

import { ErrorDisplay } from "../common/ErrorDisplay";
import { Loading } from "../common/Loading";
import { useFormat } from "../i18n/format";
import type { ModelVersionFieldsFragment } from "../gql/graphql";
import { CompareModelVersionsQuery } from "./documents";

/** Compares two versions: bytes, size, parameters, signature, layers, changed fields and evaluation metrics. */
export function VersionCompare({ versions }: { versions: ModelVersionFieldsFragment[] }) {
  const { t } = useTranslation();
  const format = useFormat();
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

  if (versions.length < 2) {
    return <Empty description={t("compare.needTwo")} />;
  }

  const options = versions.map((version) => ({
    value: version.id,
    label: t("aliases.versionOption", { number: version.number }),
  }));
  const comparison = data?.compareModelVersions;
  const signed = (value: number) => (value > 0 ? `+${format.number(value)}` : format.number(value));
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
            <Descriptions.Item label={t("compare.sizeDelta")}>{signed(comparison.sizeDelta)}</Descriptions.Item>
            <Descriptions.Item label={t("compare.parameterDelta")}>
              {comparison.parameterDelta === null || comparison.parameterDelta === undefined
                ? t("compare.unknown")
                : signed(comparison.parameterDelta)}
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
          <Table
            rowKey="field"
            size="small"
            pagination={false}
            dataSource={[...comparison.changes, ...(comparison.layersChanged ?? [])]}
            columns={[
              { title: t("compare.field"), dataIndex: "field", key: "field" },
              { title: t("compare.valueA", { number: comparison.a.number }), dataIndex: "a", key: "a" },
              { title: t("compare.valueB", { number: comparison.b.number }), dataIndex: "b", key: "b" },
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
                { title: t("compare.metric"), dataIndex: "name", key: "name" },
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
                { title: t("compare.difference"), key: "difference", render: (_, row) => format.number(row.difference) },
                {
                  title: t("compare.better"),
                  key: "better",
                  render: (_, row) => (row.better ? <Tag color="green">{row.better.toUpperCase()}</Tag> : t("compare.equal")),
                },
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
