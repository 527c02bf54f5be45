import { Descriptions, Empty, Radio, Select, Slider, Space, Typography } from "antd";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useQuery } from "urql";

import { EChart } from "../charts/EChart";
import { ErrorDisplay } from "../common/ErrorDisplay";
import { Loading } from "../common/Loading";
import { useFormat } from "../i18n/format";
import type { HistogramKind, LayerHistogramFieldsFragment } from "../gql/graphql";
import { HistogramTensorsQuery, LayerHistogramsQuery } from "./documents";
import { offsetOption, overlayOption, singleOption } from "./histogramViews";

const VIEWS = ["epoch", "offset", "overlay"] as const;
type HistogramView = (typeof VIEWS)[number];

interface HistogramsPanelProps {
  runId: string;
  /** Epochs completed so far; the panel reads the histograms again when it grows. */
  epochsDone: number;
}

/**
 * Draws the weight and gradient histograms of a layer's tensors: one epoch chosen with a slider, or every
 * epoch at once as offset (TensorBoard's distribution view) or overlaid histograms.
 */
export function HistogramsPanel({ runId, epochsDone }: HistogramsPanelProps) {
  const { t } = useTranslation();
  const ids = useId();
  const [kind, setKind] = useState<HistogramKind>("WEIGHTS");
  const [layer, setLayer] = useState<string | null>(null);
  const [view, setView] = useState<HistogramView>("epoch");
  const [chosenEpoch, setChosenEpoch] = useState<number | null>(null);

  const [{ data: tensorData, error: tensorError, fetching: tensorFetching }, reexecuteTensors] = useQuery({
    query: HistogramTensorsQuery,
    variables: { id: runId },
  });
  const tensors = tensorData?.trainingRun.histogramTensors ?? [];
  const layers = Array.from(new Set(tensors.filter((tensor) => tensor.kind === kind).map((tensor) => tensor.layer)));
  const shownLayer = layer !== null && layers.includes(layer) ? layer : (layers[0] ?? null);

  const [{ data: allData, error: allError }, reexecuteAll] = useQuery({
    query: LayerHistogramsQuery,
    variables: { id: runId, layer: shownLayer, kind, epoch: null },
    pause: shownLayer === null,
  });
  const all = allData?.trainingRun.histograms ?? [];
  const epochs = Array.from(new Set(all.map((histogram) => histogram.epoch))).sort((left, right) => left - right);
  const latest = epochs[epochs.length - 1] ?? null;
  // Until the slider is moved, it follows the newest epoch as the run completes more.
  const epoch = chosenEpoch !== null && epochs.includes(chosenEpoch) ? chosenEpoch : latest;

  const [{ data: epochData, error: epochError, fetching: epochFetching }] = useQuery({
    query: LayerHistogramsQuery,
    variables: { id: runId, layer: shownLayer, kind, epoch },
    pause: shownLayer === null || epoch === null || view !== "epoch",
  });

  // A completed epoch brings new histograms (and, after the first, the list of tensors).
  const readEpochs = useRef(epochsDone);
  const tensorCount = useRef(tensors.length);
  tensorCount.current = tensors.length;
  useEffect(() => {
    if (epochsDone <= readEpochs.current) {
      return;
    }
    readEpochs.current = epochsDone;
    reexecuteAll({ requestPolicy: "network-only" });
    if (tensorCount.current === 0) {
      reexecuteTensors({ requestPolicy: "network-only" });
    }
  }, [epochsDone, reexecuteAll, reexecuteTensors]);

  if (tensorError) {
    return <ErrorDisplay error={tensorError} />;
  }
  if (tensorFetching && !tensorData) {
    return <Loading />;
  }
  if (tensors.length === 0) {
    return <Empty description={t("training.histograms.none")} />;
  }

  const byTensor = groupByTensor(all);
  const epochHistograms = epochData?.trainingRun.histograms ?? [];

  return (
    <div className="histograms">
      <Space wrap align="end" className="filters">
        <fieldset className="filter">
          <legend>{t("training.histograms.kind")}</legend>
          <Radio.Group
            optionType="button"
            value={kind}
            onChange={(event) => setKind(event.target.value as HistogramKind)}
            options={[
              { value: "WEIGHTS", label: t("training.histograms.weights") },
              { value: "GRADIENTS", label: t("training.histograms.gradients") },
            ]}
          />
        </fieldset>
        <div className="filter">
          <label htmlFor={`${ids}-layer`}>{t("training.histograms.layer")}</label>
          <Select
            id={`${ids}-layer`}
            value={shownLayer ?? undefined}
            onChange={(value: string) => setLayer(value)}
            options={layers.map((name) => ({ value: name, label: name }))}
            showSearch={{ optionFilterProp: "label" }}
            style={{ width: 220 }}
          />
        </div>
        <fieldset className="filter">
          <legend>{t("training.histograms.view")}</legend>
          <Radio.Group
            optionType="button"
            value={view}
            onChange={(event) => setView(event.target.value as HistogramView)}
            options={VIEWS.map((name) => ({ value: name, label: t(`training.histograms.views.${name}`) }))}
          />
        </fieldset>
      </Space>
      {allError && <ErrorDisplay error={allError} />}
      {view === "epoch" && epochs.length > 0 && epoch !== null && (
        <div className="filter epoch-slider">
          <span id={`${ids}-epoch`} className="filter-caption">
            {t("training.histograms.epochValue", { epoch })}
          </span>
          <Slider
            min={epochs[0]}
            max={latest ?? epochs[0]}
            step={null}
            marks={Object.fromEntries(epochs.map((value) => [value, epochs.length <= 30 ? String(value) : ""]))}
            value={epoch}
            onChange={(value: number) => setChosenEpoch(value)}
            ariaLabelledByForHandle={`${ids}-epoch`}
          />
        </div>
      )}
      {view === "epoch" && epochError && <ErrorDisplay error={epochError} />}
      {view === "epoch" && epochFetching && epochHistograms.length === 0 && <Loading />}
      {view === "epoch" &&
        epochHistograms.map((histogram) => <EpochHistogramView key={histogram.tensor} histogram={histogram} />)}
      {view !== "epoch" &&
        Array.from(byTensor, ([tensor, histograms]) => (
          <section key={tensor} className="tensor-distribution" aria-label={tensor}>
            <Typography.Title level={5}>{tensor}</Typography.Title>
            <EChart
              option={
                view === "offset"
                  ? offsetOption(histograms, { value: t("training.histograms.value"), epoch: t("training.epoch") })
                  : overlayOption(histograms, {
                      value: t("training.histograms.value"),
                      count: t("training.histograms.count"),
                      epoch: t("training.epoch"),
                    })
              }
              label={t(view === "offset" ? "training.histograms.offsetOf" : "training.histograms.overlayOf", { tensor })}
              height={Math.min(640, 200 + histograms.length * 12)}
            />
          </section>
        ))}
    </div>
  );
}

function groupByTensor(histograms: LayerHistogramFieldsFragment[]): Map<string, LayerHistogramFieldsFragment[]> {
  const groups = new Map<string, LayerHistogramFieldsFragment[]>();
  for (const histogram of histograms) {
    if (histogram.edges.length === 0) {
      continue;
    }
    groups.set(histogram.tensor, [...(groups.get(histogram.tensor) ?? []), histogram]);
  }
  return groups;
}

function EpochHistogramView({ histogram }: { histogram: LayerHistogramFieldsFragment }) {
  const { t } = useTranslation();
  const format = useFormat();
  const option = useMemo(
    () => singleOption(histogram, { value: t("training.histograms.value"), count: t("training.histograms.count") }),
    [histogram, t],
  );
  return (
    <section className="tensor-distribution" aria-label={histogram.tensor}>
      <Typography.Title level={5}>{histogram.tensor}</Typography.Title>
      {histogram.edges.length > 0 ? (
        <EChart
          option={option}
          label={t("training.histograms.epochOf", { tensor: histogram.tensor, epoch: histogram.epoch })}
          height={220}
        />
      ) : (
        <Typography.Paragraph type="secondary">{t("inside.noFiniteValues")}</Typography.Paragraph>
      )}
      <Descriptions size="small" column={6}>
        <Descriptions.Item label={t("inside.min")}>{format.number(histogram.min)}</Descriptions.Item>
        <Descriptions.Item label={t("inside.max")}>{format.number(histogram.max)}</Descriptions.Item>
        <Descriptions.Item label={t("inside.mean")}>{format.number(histogram.mean)}</Descriptions.Item>
        <Descriptions.Item label={t("inside.std")}>{format.number(histogram.std)}</Descriptions.Item>
        <Descriptions.Item label={t("inside.nan")}>{format.number(histogram.nanCount)}</Descriptions.Item>
        <Descriptions.Item label={t("inside.inf")}>{format.number(histogram.infCount)}</Descriptions.Item>
      </Descriptions>
    </section>
  );
}
