import { Alert, Button, Descriptions, Empty, Table, Tag, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useCallback, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";

import { useFormat } from "../i18n/format";
import type { VersionInsideQuery } from "../gql/graphql";
import type { LayerInfo } from "./layout";
import { LayerGraph } from "./LayerGraph";
import { formatShape } from "./shapes";
import { SignatureTables } from "./SignatureTables";

type InsideVersion = VersionInsideQuery["modelVersion"];

/**
 * Shows the structure of a version: the layer graph with the selected layer's details and a table of
 * every layer, or, for a SavedModel (which has no layer graph), its serving signature.
 */
export function ModelStructure({ version }: { version: InsideVersion }) {
  const { t } = useTranslation();
  const format = useFormat();
  const inspection = version.inspection;

  if (inspection === null || inspection === undefined) {
    if (version.status === "failed") {
      return <Alert type="error" showIcon title={t("inside.inspectionFailed")} description={version.failureReason} />;
    }
    return <Alert type="info" showIcon title={t("inside.notInspected")} />;
  }

  const summary = (
    <Descriptions size="small" column={3} className="inside-summary">
      <Descriptions.Item label={t("inside.modelClass")}>{inspection.modelClass}</Descriptions.Item>
      <Descriptions.Item label={t("inside.trainableParameters")}>
        {format.number(inspection.trainableParameters)}
      </Descriptions.Item>
      <Descriptions.Item label={t("inside.nonTrainableParameters")}>
        {format.number(inspection.nonTrainableParameters)}
      </Descriptions.Item>
    </Descriptions>
  );

  if (inspection.layers.length === 0) {
    return (
      <div>
        {summary}
        <Alert
          type="info"
          showIcon
          className="page-notice"
          title={version.format === "savedmodel" ? t("inside.savedModelNoGraph") : t("inside.noLayers")}
          description={t("inside.signatureInstead")}
        />
        <SignatureTables signature={version.signature ?? null} />
      </div>
    );
  }

  return (
    <div>
      {summary}
      <LayerExplorer layers={inspection.layers} links={inspection.edges} />
      <Typography.Title level={4}>{t("inside.signature")}</Typography.Title>
      <SignatureTables signature={version.signature ?? null} />
    </div>
  );
}

function LayerExplorer({ layers, links }: { layers: LayerInfo[]; links: { source: string; target: string }[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  // The selected layer lives in the URL (`?layer=`), which the Weights tab reads too, so it opens on the same layer.
  const [params, setParams] = useSearchParams();
  const selected = params.get("layer");
  const setSelected = useCallback(
    (name: string | null) => {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          if (name === null) {
            next.delete("layer");
          } else {
            next.set("layer", name);
          }
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );
  const layer = layers.find((candidate) => candidate.name === selected) ?? null;
  // The graph lays out again whenever these arrays change, so they keep their identity across renders.
  const stableLinks = useMemo(() => links.map((link) => ({ source: link.source, target: link.target })), [links]);

  const columns: TableColumnsType<LayerInfo> = [
    {
      title: t("inside.layerName"),
      key: "name",
      render: (_, row) => (
        <Button type="link" size="small" onClick={() => setSelected(row.name)} aria-pressed={row.name === selected}>
          {row.name}
        </Button>
      ),
    },
    { title: t("inside.layerClass"), dataIndex: "className", key: "className" },
    { title: t("inside.outputShape"), key: "shape", render: (_, row) => formatShape(row.outputShape) },
    { title: t("inside.parameters"), key: "parameters", render: (_, row) => format.number(row.parameters) },
    {
      title: t("inside.trainable"),
      key: "trainable",
      render: (_, row) => (row.trainable ? t("common.yes") : t("common.no")),
    },
  ];

  return (
    <>
      <div className="inside-graph-row">
        <LayerGraph layers={layers} links={stableLinks} selected={selected} onSelect={setSelected} />
        <aside className="layer-details" aria-live="polite" aria-label={t("inside.layerDetails")}>
          {layer === null ? <Empty description={t("inside.chooseLayer")} /> : <LayerDetails layer={layer} links={stableLinks} />}
        </aside>
      </div>
      <Table<LayerInfo>
        rowKey="name"
        size="small"
        columns={columns}
        dataSource={layers}
        pagination={layers.length > 50 ? { pageSize: 50 } : false}
        rowClassName={(row) => (row.name === selected ? "selected-row" : "")}
        className="layer-table"
      />
    </>
  );
}

function LayerDetails({ layer, links }: { layer: LayerInfo; links: { source: string; target: string }[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const inputs = links.filter((link) => link.target === layer.name).map((link) => link.source);
  const outputs = links.filter((link) => link.source === layer.name).map((link) => link.target);
  const names = (list: string[]) => (list.length === 0 ? t("common.none") : list.map((name) => <Tag key={name}>{name}</Tag>));

  return (
    <Descriptions title={layer.name} size="small" column={1} bordered>
      <Descriptions.Item label={t("inside.layerClass")}>{layer.className}</Descriptions.Item>
      <Descriptions.Item label={t("inside.outputShape")}>{formatShape(layer.outputShape) || "—"}</Descriptions.Item>
      <Descriptions.Item label={t("inside.parameters")}>{format.number(layer.parameters)}</Descriptions.Item>
      {layer.trainableParameters !== null && layer.trainableParameters !== undefined && (
        <Descriptions.Item label={t("inside.trainableParameters")}>{format.number(layer.trainableParameters)}</Descriptions.Item>
      )}
      <Descriptions.Item label={t("inside.trainable")}>{layer.trainable ? t("common.yes") : t("common.no")}</Descriptions.Item>
      <Descriptions.Item label={t("inside.inputsFrom")}>{names(inputs)}</Descriptions.Item>
      <Descriptions.Item label={t("inside.outputsTo")}>{names(outputs)}</Descriptions.Item>
    </Descriptions>
  );
}
