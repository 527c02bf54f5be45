import type { ELK as ElkInstance, ElkNode } from "elkjs/lib/elk-api";

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 64;

export interface LayerShape {
  name: string;
}

/** A layer as the inspection describes it. */
export interface LayerInfo extends LayerShape {
  className: string;
  outputShape?: (number | null)[] | null;
  parameters: number;
  /** Whether training updates any of the layer's parameters. */
  trainable: boolean;
  /** The number of parameters training updates, or null for a model inspected before the server counted them per layer. */
  trainableParameters?: number | null;
}

export interface LayerLink {
  source: string;
  target: string;
}

export interface PlacedLayer {
  name: string;
  x: number;
  y: number;
}

export interface LayerLayout {
  layers: PlacedLayer[];
  /** The links between layers that both exist; a link to a name outside `layers` is left out. */
  links: LayerLink[];
}

let elk: Promise<ElkInstance> | null = null;

/** Loads ELK on first use: the bundled layout engine is over a megabyte, and only the structure tab needs it. */
function loadElk(): Promise<ElkInstance> {
  elk ??= import("elkjs/lib/elk.bundled.js").then((module) => new module.default());
  return elk;
}

/**
 * Places the layers top to bottom in the order data flows, with ELK's layered algorithm, which
 * keeps branches (residual connections, several inputs) side by side instead of on one line.
 */
export async function layoutLayers(layers: readonly LayerShape[], links: readonly LayerLink[]): Promise<LayerLayout> {
  const names = new Set(layers.map((layer) => layer.name));
  const kept = links.filter((link) => names.has(link.source) && names.has(link.target) && link.source !== link.target);

  const graph: ElkNode = {
    id: "model",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "DOWN",
      "elk.spacing.nodeNode": "40",
      "elk.layered.spacing.nodeNodeBetweenLayers": "48",
      "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
    },
    children: layers.map((layer) => ({ id: layer.name, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: kept.map((link, index) => ({ id: `link-${index}`, sources: [link.source], targets: [link.target] })),
  };

  const placed = await (await loadElk()).layout(graph);
  const positions = new Map((placed.children ?? []).map((child) => [child.id, { x: child.x ?? 0, y: child.y ?? 0 }]));
  return {
    layers: layers.map((layer) => ({ name: layer.name, ...(positions.get(layer.name) ?? { x: 0, y: 0 }) })),
    links: kept,
  };
}
