import { Alert, Button, Col, Empty, Radio, Row, Table, Tag, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";

import { EChart } from "../charts/EChart";
import { useFormat } from "../i18n/format";
import { curvesOption } from "./curveOptions";
import { useCurveName } from "./CurvesPanel";
import type { ClassificationMetrics, Curves, RegressionMetrics, Slice, SliceKind } from "./report";
import { useMetricLabel } from "./useMetricLabel";
import { useSliceName } from "./useSliceName";

interface SliceExplorerProps {
  slices: Slice[];
  metrics: ClassificationMetrics | RegressionMetrics | null;
  curves: Curves;
}

/** Returns the overall value of each metric a slice has, under the slice's names for them. */
export function overallSliceMetrics(metrics: ClassificationMetrics | RegressionMetrics | null): Record<string, number | null> {
  if (metrics === null) {
    return {};
  }
  if (metrics.task === "regression") {
    return { mae: metrics.mae, mse: metrics.mse, rmse: metrics.rmse, r2: metrics.r2 };
  }
  return {
    accuracy: metrics.accuracy,
    precision: metrics.macro?.precision ?? null,
    recall: metrics.macro?.recall ?? null,
    f1: metrics.macro?.f1 ?? null,
    rocAuc: metrics.rocAuc,
    prAuc: metrics.prAuc,
    logLoss: metrics.logLoss,
  };
}

interface IndexedSlice extends Slice {
  index: number;
}

/**
 * Lists the slices of an evaluation, worst first, filtered by kind (a column's values, bins, quantiles,
 * the label, a saved filter). The chosen slice (`?slice=` in the URL) shows its metrics and
 * curves beside the overall ones.
 */
export function SliceExplorer({ slices, metrics, curves }: SliceExplorerProps) {
  const { t } = useTranslation();
  const sliceName = useSliceName();
  const format = useFormat();
  const metricLabel = useMetricLabel();
  const [params, setParams] = useSearchParams();
  const kinds = Array.from(new Set(slices.map((slice) => slice.kind)));
  const kindParam = params.get("sliceKind");
  const kind = kinds.find((candidate) => candidate === kindParam) ?? null;
  const indexed: IndexedSlice[] = slices.map((slice, index) => ({ ...slice, index }));
  const shown = kind === null ? indexed : indexed.filter((slice) => slice.kind === kind);
  const chosenIndex = Number(params.get("slice"));
  const chosen = params.has("slice") ? (indexed[chosenIndex] ?? null) : null;
  const primary = metrics?.task === "regression" ? "rmse" : "accuracy";

  const setParam = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value === null) {
      next.delete(key);
    } else {
      next.set(key, value);
    }
    setParams(next, { replace: true });
  };

  if (slices.length === 0) {
    return <Empty description={t("evaluation.slices.none")} />;
  }

  const columns: TableColumnsType<IndexedSlice> = [
    {
      title: t("evaluation.slices.slice"),
      key: "name",
      render: (_, slice) => (
        <Button
          type="link"
          size="small"
          onClick={() => setParam("slice", String(slice.index))}
          aria-pressed={chosen?.index === slice.index}
        >
          {sliceName(slice)}
        </Button>
      ),
    },
    {
      title: t("evaluation.slices.kind"),
      key: "kind",
      render: (_, slice) => <Tag>{t(`evaluation.slices.kinds.${slice.kind}`)}</Tag>,
    },
    { title: t("evaluation.columns.rows"), key: "rows", render: (_, slice) => format.number(slice.rows) },
    {
      title: metricLabel(primary),
      key: "primary",
      render: (_, slice) => format.number(slice.metrics?.[primary] ?? null),
    },
    {
      title: t("evaluation.slices.gap"),
      key: "gap",
      render: (_, slice) => <GapValue gap={slice.gap} higherIsBetter={primary === "accuracy"} />,
    },
  ];

  return (
    <div className="slice-explorer">
      <Radio.Group
        optionType="button"
        value={kind ?? "all"}
        onChange={(event) => setParam("sliceKind", event.target.value === "all" ? null : String(event.target.value))}
        options={[
          { value: "all", label: t("evaluation.slices.allKinds") },
          ...kinds.map((name: SliceKind) => ({ value: name, label: t(`evaluation.slices.kinds.${name}`) })),
        ]}
        aria-label={t("evaluation.slices.kindFilter")}
        className="filters"
      />
      <Row gutter={[24, 24]}>
        <Col xs={24} xl={12}>
          <Table<IndexedSlice>
            rowKey="index"
            size="small"
            columns={columns}
            dataSource={shown}
            pagination={shown.length > 30 ? { pageSize: 30 } : false}
            rowClassName={(slice) => (slice.index === chosen?.index ? "selected-row" : "")}
          />
        </Col>
        <Col xs={24} xl={12}>
          {chosen === null ? (
            <Empty description={t("evaluation.slices.choose")} />
          ) : (
            <SliceDetail slice={chosen} metrics={metrics} curves={curves} />
          )}
        </Col>
      </Row>
    </div>
  );
}

function GapValue({ gap, higherIsBetter }: { gap: number | null; higherIsBetter: boolean }) {
  const format = useFormat();
  if (gap === null) {
    return <>—</>;
  }
  const worse = higherIsBetter ? gap < 0 : gap > 0;
  const text = gap > 0 ? `+${format.number(gap)}` : format.number(gap);
  let tone: "danger" | "success" | undefined = undefined;
  if (gap !== 0) {
    tone = worse ? "danger" : "success";
  }
  return <Typography.Text type={tone}>{text}</Typography.Text>;
}

interface MetricRow {
  name: string;
  overall: number | null;
  slice: number | null;
}

function SliceDetail({
  slice,
  metrics,
  curves,
}: {
  slice: IndexedSlice;
  metrics: SliceExplorerProps["metrics"];
  curves: Curves;
}) {
  const { t } = useTranslation();
  const sliceName = useSliceName();
  const format = useFormat();
  const metricLabel = useMetricLabel();
  const curveName = useCurveName();
  const overall = overallSliceMetrics(metrics);
  const rows: MetricRow[] = Object.keys({ ...overall, ...(slice.metrics ?? {}) }).map((name) => ({
    name,
    overall: overall[name] ?? null,
    slice: slice.metrics?.[name] ?? null,
  }));
  const overallLabel = t("evaluation.slices.overall");

  const roc = useMemo(
    () =>
      curvesOption(
        [
          ...curves.roc.map((curve) => ({ name: curveName(curve, "AUC", overallLabel), points: curve.points })),
          ...slice.roc.map((curve) => ({ name: curveName(curve, "AUC", sliceName(slice)), points: curve.points })),
        ],
        { x: t("evaluation.curves.fpr"), y: t("evaluation.curves.tpr") },
        t("evaluation.curves.chance"),
      ),
    [curves.roc, slice, curveName, overallLabel, t],
  );
  const pr = useMemo(
    () =>
      curvesOption(
        [
          ...curves.pr.map((curve) => ({ name: curveName(curve, "AP", overallLabel), points: curve.points })),
          ...slice.pr.map((curve) => ({ name: curveName(curve, "AP", sliceName(slice)), points: curve.points })),
        ],
        { x: t("evaluation.curves.recall"), y: t("evaluation.curves.precision") },
        null,
      ),
    [curves.pr, slice, curveName, overallLabel, t],
  );

  return (
    <section aria-label={t("evaluation.slices.detail", { name: sliceName(slice) })}>
      <Typography.Title level={5}>{sliceName(slice)}</Typography.Title>
      <Typography.Paragraph type="secondary">
        {t("evaluation.slices.rowsOf", { rows: format.number(slice.rows) })}
      </Typography.Paragraph>
      {slice.notes.length > 0 && (
        <Alert
          type="info"
          showIcon
          className="page-notice"
          title={t("evaluation.notes")}
          description={
            <ul className="plain-list">
              {slice.notes.map((note) => (
                <li key={note}>{note}</li>
              ))}
            </ul>
          }
        />
      )}
      <Table<MetricRow>
        rowKey="name"
        size="small"
        pagination={false}
        dataSource={rows}
        columns={[
          { title: t("evaluation.metric"), key: "name", render: (_, row) => metricLabel(row.name) },
          { title: overallLabel, key: "overall", render: (_, row) => format.number(row.overall) },
          { title: t("evaluation.slices.thisSlice"), key: "slice", render: (_, row) => format.number(row.slice) },
          {
            title: t("evaluation.slices.difference"),
            key: "difference",
            render: (_, row) => (row.overall === null || row.slice === null ? "—" : format.number(row.slice - row.overall)),
          },
        ]}
      />
      {slice.roc.length > 0 && (
        <>
          <Typography.Title level={5}>{t("evaluation.curves.roc")}</Typography.Title>
          <EChart option={roc} label={t("evaluation.slices.rocChart", { name: sliceName(slice) })} height={280} />
          <Typography.Title level={5}>{t("evaluation.curves.pr")}</Typography.Title>
          <EChart option={pr} label={t("evaluation.slices.prChart", { name: sliceName(slice) })} height={280} />
        </>
      )}
    </section>
  );
}
