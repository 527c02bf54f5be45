import { Background, BaseEdge, Controls, EdgeLabelRenderer, getBezierPath, Handle, Position, ReactFlow } from "@xyflow/react";
import type { Edge, EdgeProps, Node, NodeProps } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { Empty, Table, Typography } from "antd";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useQuery } from "urql";

import { ErrorDisplay } from "../common/ErrorDisplay";
import { Loading } from "../common/Loading";
import { useFlowAriaLabels } from "../common/useFlowAriaLabels";
import { useFormat } from "../i18n/format";
import { useDescribeOperation } from "./describeOperation";
import { DatasetLineageQuery } from "./documents";
import { layoutLineage, lineageOf, NODE_HEIGHT, NODE_WIDTH } from "./lineage";
import type { Box, LineageEdge, LineageLayout } from "./lineage";

interface VersionNodeData extends Record<string, unknown> {
  title: string;
  detail: string;
  path: string;
  current: boolean;
}
type VersionNode = Node<VersionNodeData, "version">;

function VersionNodeView({ data }: NodeProps<VersionNode>) {
  return (
    <div className={data.current ? "lineage-node current" : "lineage-node"} style={{ width: NODE_WIDTH, height: NODE_HEIGHT }}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      {data.current ? <strong>{data.title}</strong> : <Link to={data.path}>{data.title}</Link>}
      <div className="lineage-node-detail">{data.detail}</div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

const NODE_TYPES = { version: VersionNodeView };

interface OperationEdgeData extends Record<string, unknown> {
  text: string;
  /** The label's box from the layout, sized to its whole text. */
  box: Box;
}
type OperationEdge = Edge<OperationEdgeData, "operations">;

/**
 * Draws a derivation with its operations as wrapped HTML text in the box the layout made for it, between
 * the two versions, and the edge as two curves that meet at the sides of the label.
 */
function OperationEdgeView({
  id,
  sourceX,
  sourceY,
  targetX,
  targetY,
  sourcePosition,
  targetPosition,
  data,
}: EdgeProps<OperationEdge>) {
  if (!data) {
    const [path] = getBezierPath({ sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition });
    return <BaseEdge id={id} path={path} />;
  }
  const { box } = data;
  const middle = box.y + box.height / 2;
  const [toLabel] = getBezierPath({
    sourceX,
    sourceY,
    sourcePosition,
    targetX: box.x,
    targetY: middle,
    targetPosition: Position.Left,
  });
  const [fromLabel] = getBezierPath({
    sourceX: box.x + box.width,
    sourceY: middle,
    sourcePosition: Position.Right,
    targetX,
    targetY,
    targetPosition,
  });
  return (
    <>
      <BaseEdge id={id} path={`${toLabel} ${fromLabel}`} />
      <EdgeLabelRenderer>
        <div
          className="lineage-edge-label nodrag nopan"
          style={{ width: box.width, minHeight: box.height, transform: `translate(${box.x}px, ${box.y}px)` }}
        >
          {data.text}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}

const EDGE_TYPES = { operations: OperationEdgeView };

/**
 * Draws the version's lineage: the versions it descends from and those derived from it, laid out by
 * ELK and drawn with React Flow, each edge labelled with its operations. A table repeats the edges as text.
 */
export function LineageGraph({ teamId, versionId }: { teamId: string; versionId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const describeOperation = useDescribeOperation();
  const ariaLabelConfig = useFlowAriaLabels(t("lineage.graphHelp"));
  const [{ data, fetching, error }, reexecute] = useQuery({ query: DatasetLineageQuery, variables: { id: versionId } });
  const [layout, setLayout] = useState<LineageLayout | null>(null);

  const lineage = useMemo(() => {
    const version = data?.datasetVersion;
    return version ? lineageOf(version, version.lineage.ancestors, version.lineage.children) : null;
  }, [data]);

  // The whole description of each edge's operations, by edge id. The layout sizes each label to its text,
  // so a change of language lays the graph out again.
  const labelTexts = useMemo(
    () =>
      new Map(
        (lineage?.edges ?? []).map((edge) => [
          edge.id,
          edge.operations.map(describeOperation).join(t("operationText.stepSeparator")) || t("lineage.noOperations"),
        ]),
      ),
    [lineage, describeOperation, t],
  );

  useEffect(() => {
    let current = true;
    setLayout(null);
    if (lineage) {
      void layoutLineage(lineage, labelTexts).then((placed) => {
        if (current) {
          setLayout(placed);
        }
      });
    }
    return () => {
      current = false;
    };
  }, [lineage, labelTexts]);

  const pathOf = (datasetId: string, id: string) => `/teams/${teamId}/datasets/${datasetId}/versions/${id}`;
  const titleOf = useMemo(() => {
    const titles = new Map((lineage?.versions ?? []).map((entry) => [entry.id, `${entry.dataset.name} · v${entry.number}`]));
    return (id: string) => titles.get(id) ?? id;
  }, [lineage]);

  if (error) {
    return <ErrorDisplay error={error} onRetry={() => reexecute({ requestPolicy: "network-only" })} />;
  }
  if (!lineage) {
    return fetching ? <Loading /> : null;
  }

  const nodes: VersionNode[] = lineage.versions.map((entry) => ({
    id: entry.id,
    type: "version",
    position: layout?.versions.get(entry.id) ?? { x: 0, y: 0 },
    draggable: false,
    connectable: false,
    ariaLabel: titleOf(entry.id),
    data: {
      title: titleOf(entry.id),
      detail: `${t(`datasetVersion.sources.${entry.source}`)} · ${t("lineage.rows", { rows: format.number(entry.rows) })}`,
      path: pathOf(entry.datasetId, entry.id),
      current: entry.id === versionId,
    },
  }));
  const edges: OperationEdge[] = lineage.edges.map((edge) => {
    const text = labelTexts.get(edge.id) ?? "";
    const box = layout?.labels.get(edge.id);
    return {
      id: edge.id,
      type: "operations",
      source: edge.source,
      target: edge.target,
      ariaLabel: t("lineage.edgeLabel", { source: titleOf(edge.source), target: titleOf(edge.target), operations: text }),
      data: box ? { text, box } : undefined,
    };
  });

  return (
    <div className="lineage">
      {lineage.edges.length === 0 && <Typography.Paragraph type="secondary">{t("lineage.alone")}</Typography.Paragraph>}
      <div className="lineage-canvas" aria-label={t("lineage.graphLabel")} role="figure">
        {layout === null ? (
          <Loading />
        ) : (
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={NODE_TYPES}
            edgeTypes={EDGE_TYPES}
            fitView
            nodesConnectable={false}
            nodesDraggable={false}
            ariaLabelConfig={ariaLabelConfig}
          >
            <Background />
            <Controls showInteractive={false} />
          </ReactFlow>
        )}
      </div>
      <Typography.Title level={4}>{t("lineage.edgesTitle")}</Typography.Title>
      <Table<LineageEdge>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={lineage.edges}
        locale={{ emptyText: <Empty description={t("lineage.noEdges")} /> }}
        columns={[
          { title: t("lineage.from"), key: "from", render: (_, edge) => titleOf(edge.source) },
          { title: t("lineage.to"), key: "to", render: (_, edge) => titleOf(edge.target) },
          {
            title: t("lineage.operations"),
            key: "operations",
            render: (_, edge) =>
              edge.operations.length === 0 ? (
                t("lineage.noOperations")
              ) : (
                <ol className="operation-list">
                  {edge.operations.map((operation, index) => (
                    <li key={index}>{describeOperation(operation)}</li>
                  ))}
                </ol>
              ),
          },
        ]}
      />
    </div>
  );
}
