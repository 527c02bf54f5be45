import { Alert, Empty, Select, Space, Table, Typography } from "antd";
import { useId, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { useQuery } from "urql";

import { EChart } from "../charts/EChart";
import type { ChartOption } from "../charts/EChart";
import { singleValue, singleValueAxis, stepPoints } from "../charts/histogram";
import { ErrorDisplay } from "../common/ErrorDisplay";
import { Loading } from "../common/Loading";
import { useFormat } from "../i18n/format";
import type { WeightStatisticsFieldsFragment } from "../gql/graphql";
import { VersionWeightsQuery } from "./documents";
import { weightsByLayer } from "./weights";

interface VersionChoice {
  id: string;
  number: number;
  status: string;
}

interface WeightDistributionsProps {
  versionId: string;
  versionNumber: number;
  /** The model's versions, to choose one to compare with. */
  versions: VersionChoice[];
}

interface Sample {
  versionNumber: number;
  weight: WeightStatisticsFieldsFragment;
}

/**
 * Draws the histograms and statistics of each weight tensor of a layer, from the version's inspection,
 * optionally beside the same tensors of another version (`?compare=` in the URL).
 */
export function WeightDistributions({ versionId, versionNumber, versions }: WeightDistributionsProps) {
  const { t } = useTranslation();
  const ids = useId();
  const [params, setParams] = useSearchParams();
  const compareId = params.get("compare");
  const [{ data, fetching, error }] = useQuery({ query: VersionWeightsQuery, variables: { id: versionId } });
  const [{ data: other, fetching: otherFetching, error: otherError }] = useQuery({
    query: VersionWeightsQuery,
    variables: { id: compareId ?? "" },
    pause: compareId === null,
  });

  const own = data?.modelVersion.inspection ?? null;
  const compared = compareId === null ? null : (other?.modelVersion ?? null);
  const groups = useMemo(
    () =>
      own
        ? weightsByLayer(
            own.layers.map((layer) => layer.name),
            own.weights,
          )
        : null,
    [own],
  );
  const otherGroups = useMemo(() => {
    const inspection = compared?.inspection;
    return inspection
      ? weightsByLayer(
          inspection.layers.map((layer) => layer.name),
          inspection.weights,
        )
      : null;
  }, [compared]);

  const setParam = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value === null) {
      next.delete(key);
    } else {
      next.set(key, value);
    }
    setParams(next, { replace: true });
  };

  if (error) {
    return <ErrorDisplay error={error} />;
  }
  if (fetching && !data) {
    return <Loading />;
  }
  if (own === null || groups === null) {
    return <Alert type="info" showIcon title={t("inside.notInspected")} />;
  }
  if (own.weights.length === 0) {
    return <Empty description={t("inside.noWeights")} />;
  }

  const layerNames = Array.from(new Set([...groups.keys(), ...(otherGroups?.keys() ?? [])]));
  const layer = layerNames.find((name) => name === params.get("layer")) ?? layerNames[0] ?? "";
  const samples = tensorSamples(layer, versionNumber, groups, compared ? { number: compared.number, groups: otherGroups } : null);

  return (
    <div className="weight-distributions">
      <Space wrap align="end" className="filters">
        <div className="filter">
          <label htmlFor={`${ids}-layer`}>{t("inside.layer")}</label>
          <Select
            id={`${ids}-layer`}
            value={layer}
            onChange={(value) => setParam("layer", value)}
            options={layerNames.map((name) => ({ value: name, label: name }))}
            style={{ width: 240 }}
            showSearch={{ optionFilterProp: "label" }}
          />
        </div>
        <div className="filter">
          <label htmlFor={`${ids}-compare`}>{t("inside.compareWith")}</label>
          <Select
            id={`${ids}-compare`}
            value={compareId ?? ""}
            onChange={(value) => setParam("compare", value === "" ? null : value)}
            options={[
              { value: "", label: t("inside.noComparison") },
              ...versions
                .filter((version) => version.id !== versionId && version.status === "ready")
                .map((version) => ({ value: version.id, label: t("inside.versionOption", { number: version.number }) })),
            ]}
            style={{ width: 200 }}
          />
        </div>
      </Space>
      {otherError && <ErrorDisplay error={otherError} />}
      {compareId !== null && otherFetching && !compared && <Loading />}
      {compared && !compared.inspection && <Alert type="info" showIcon title={t("inside.otherNotInspected")} />}
      {samples.map(({ tensor, entries }) => (
        <TensorDistribution key={tensor} tensor={tensor} entries={entries} />
      ))}
    </div>
  );
}

function tensorSamples(
  layer: string,
  versionNumber: number,
  groups: Map<string, WeightStatisticsFieldsFragment[]>,
  other: { number: number; groups: Map<string, WeightStatisticsFieldsFragment[]> | null } | null,
): { tensor: string; entries: Sample[] }[] {
  const own = groups.get(layer) ?? [];
  const theirs = other?.groups?.get(layer) ?? [];
  const tensors = Array.from(new Set([...own.map((weight) => weight.name), ...theirs.map((weight) => weight.name)]));
  return tensors.map((tensor) => {
    const entries: Sample[] = [];
    const mine = own.find((weight) => weight.name === tensor);
    if (mine) {
      entries.push({ versionNumber, weight: mine });
    }
    const compared = theirs.find((weight) => weight.name === tensor);
    if (compared && other) {
      entries.push({ versionNumber: other.number, weight: compared });
    }
    return { tensor, entries };
  });
}

function TensorDistribution({ tensor, entries }: { tensor: string; entries: Sample[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const withHistogram = entries.filter((entry) => entry.weight.histogram);

  const option = useMemo<ChartOption>(() => {
    // When every drawn tensor contains one and the same value, the axis centres on it and a tick names it exactly.
    const values = new Set(withHistogram.map((entry) => (entry.weight.histogram ? singleValue(entry.weight.histogram) : null)));
    const [only] = values;
    const range = values.size === 1 && only !== null && only !== undefined ? singleValueAxis(only) : {};
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 56, right: 24, top: 36, bottom: 36 },
      xAxis: { type: "value", scale: true, name: t("inside.weightValue"), nameLocation: "middle", nameGap: 24, ...range },
      // The axis name sits at the top left, above the axis, clear of the legend in the middle.
      // onZero off keeps the axis at the left edge instead of where the weights cross zero, under the legend.
      yAxis: {
        type: "value",
        name: t("inside.count"),
        nameLocation: "end",
        nameTextStyle: { align: "left" },
        axisLine: { onZero: false },
        // The axis counts weights, so its ticks are whole numbers.
        minInterval: 1,
      },
      series: withHistogram.map((entry) => ({
        name: t("inside.versionOption", { number: entry.versionNumber }),
        type: "line",
        step: "end",
        symbol: "none",
        areaStyle: { opacity: 0.2 },
        data: entry.weight.histogram ? stepPoints(entry.weight.histogram) : [],
      })),
    };
  }, [withHistogram, t]);

  const columns = [
    { title: t("inside.versionColumn"), key: "version", render: (_: unknown, row: Sample) => row.versionNumber },
    { title: t("inside.shape"), key: "shape", render: (_: unknown, row: Sample) => `[${row.weight.shape.join(", ")}]` },
    { title: t("inside.count"), key: "count", render: (_: unknown, row: Sample) => format.number(row.weight.count) },
    { title: t("inside.mean"), key: "mean", render: (_: unknown, row: Sample) => format.number(row.weight.mean) },
    { title: t("inside.std"), key: "std", render: (_: unknown, row: Sample) => format.number(row.weight.std) },
    { title: t("inside.min"), key: "min", render: (_: unknown, row: Sample) => format.number(row.weight.min) },
    { title: t("inside.max"), key: "max", render: (_: unknown, row: Sample) => format.number(row.weight.max) },
    { title: t("inside.nan"), key: "nan", render: (_: unknown, row: Sample) => format.number(row.weight.nanCount) },
    { title: t("inside.inf"), key: "inf", render: (_: unknown, row: Sample) => format.number(row.weight.infCount) },
  ];

  return (
    <section className="tensor-distribution" aria-label={tensor}>
      <Typography.Title level={5}>{tensor}</Typography.Title>
      {withHistogram.length > 0 ? (
        <EChart option={option} label={t("inside.histogramOf", { tensor })} height={240} />
      ) : (
        <Typography.Paragraph type="secondary">{t("inside.noFiniteValues")}</Typography.Paragraph>
      )}
      <Table<Sample>
        rowKey={(row) => String(row.versionNumber)}
        size="small"
        pagination={false}
        columns={columns}
        dataSource={entries}
      />
    </section>
  );
}
