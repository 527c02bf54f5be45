import { Background, Controls, Handle, Position, ReactFlow, useNodesState } from "@xyflow/react";
import type { Edge, Node, NodeProps, OnSelectionChangeParams } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { Alert } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

import { Loading } from "../common/Loading";
import { useFlowAriaLabels } from "../common/useFlowAriaLabels";
import type { LayerInfo } from "./layout";
import { layoutLayers, NODE_HEIGHT, NODE_WIDTH } from "./layout";
import type { LayerLink } from "./layout";
import { formatShape } from "./shapes";

type LayerNode = Node<{ layer: LayerInfo }, "layer">;

function LayerNodeView({ data, selected }: NodeProps<LayerNode>) {
  const { layer } = data;
  return (
    <div className={selected ? "layer-node selected" : "layer-node"} style={{ width: NODE_WIDTH, height: NODE_HEIGHT }}>
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <div className="layer-node-name">{layer.name}</div>
      <div className="layer-node-class">
        {layer.className} {formatShape(layer.outputShape)}
      </div>
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
}

const NODE_TYPES = { layer: LayerNodeView };

interface LayerGraphProps {
  layers: LayerInfo[];
  links: LayerLink[];
  selected: string | null;
  onSelect: (name: string | null) => void;
}

/**
 * Draws the layer graph laid out by ELK, with zoom, pan and fit controls. Clicking a layer, or
 * Enter or Space on a focused one, selects it.
 */
export function LayerGraph({ layers, links, selected, onSelect }: LayerGraphProps) {
  const { t } = useTranslation();
  const [nodes, setNodes, onNodesChange] = useNodesState<LayerNode>([]);
  const [edges, setEdges] = useState<Edge[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [laidOut, setLaidOut] = useState(false);

  useEffect(() => {
    let cancelled = false;
    setLaidOut(false);
    layoutLayers(layers, links)
      .then((layout) => {
        if (cancelled) {
          return;
        }
        const byName = new Map(layers.map((layer) => [layer.name, layer]));
        setNodes(
          layout.layers.map((placed) => {
            const layer = byName.get(placed.name) as LayerInfo;
            return {
              id: placed.name,
              type: "layer",
              position: { x: placed.x, y: placed.y },
              data: { layer },
              width: NODE_WIDTH,
              height: NODE_HEIGHT,
              ariaLabel: t("inside.layerNode", { name: layer.name, className: layer.className }),
            };
          }),
        );
        setEdges(
          layout.links.map((link, index) => ({
            id: `link-${index}`,
            source: link.source,
            target: link.target,
            ariaLabel: t("inside.layerLink", { source: link.source, target: link.target }),
          })),
        );
        setFailure(null);
        setLaidOut(true);
      })
      .catch((error: unknown) => {
        if (!cancelled) {
          setFailure(error instanceof Error ? error.message : String(error));
        }
      });
    return () => {
      cancelled = true;
    };
  }, [layers, links, setNodes, t]);

  // Selection made outside the graph (the layer table) shows in the graph too.
  useEffect(() => {
    setNodes((current) => current.map((node) => ({ ...node, selected: node.id === selected })));
  }, [selected, setNodes, laidOut]);

  const onSelectionChange = useCallback(
    ({ nodes: chosen }: OnSelectionChangeParams) => {
      const first = chosen[0];
      if (first !== undefined) {
        onSelect(first.id);
      }
    },
    [onSelect],
  );

  const ariaLabelConfig = useFlowAriaLabels(t("inside.graphHelp"));

  if (failure !== null) {
    return <Alert type="error" showIcon title={t("inside.layoutFailed")} description={failure} />;
  }
  if (!laidOut) {
    return <Loading />;
  }
  return (
    <div className="layer-graph" aria-label={t("inside.graphLabel")} role="region">
      <ReactFlow<LayerNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onSelectionChange={onSelectionChange}
        onPaneClick={() => onSelect(null)}
        nodesDraggable={false}
        nodesConnectable={false}
        edgesFocusable={false}
        deleteKeyCode={null}
        fitView
        minZoom={0.05}
        ariaLabelConfig={ariaLabelConfig}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
