import type { LineageVersionFragment } from "../gql/graphql";

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 64;
/** Maximum width of an edge label in pixels. The layout leaves this much room, plus a margin, between versions. */
export const EDGE_LABEL_WIDTH = 240;
const LABEL_MARGIN = 40;

export interface LineageEdge {
  id: string;
  source: string;
  target: string;
  /** The operations that made the target from the source. */
  operations: LineageVersionFragment["operations"];
}

export interface Lineage {
  /** Ancestors from the first upload down, then the version itself, then the versions derived from it. */
  versions: LineageVersionFragment[];
  edges: LineageEdge[];
}

/** Collects the versions of a lineage once each and joins every version to its parent when the parent is among them. */
export function lineageOf(
  version: LineageVersionFragment,
  ancestors: LineageVersionFragment[],
  children: LineageVersionFragment[],
): Lineage {
  const byId = new Map<string, LineageVersionFragment>();
  for (const entry of [...ancestors, version, ...children]) {
    byId.set(entry.id, entry);
  }
  const versions = [...byId.values()];
  const edges = versions
    .filter((entry) => entry.parentId !== null && entry.parentId !== undefined && byId.has(entry.parentId))
    .map((entry) => ({
      id: `${entry.parentId}->${entry.id}`,
      source: entry.parentId as string,
      target: entry.id,
      operations: entry.operations,
    }));
  return { versions, edges };
}

/**
 * Places the versions left to right with ELK's layered algorithm; returns each version's top-left
 * corner. ELK (about 1.5 MB) is loaded on first use, so only this view pays for it.
 */
export async function layoutLineage(lineage: Lineage): Promise<Map<string, { x: number; y: number }>> {
  const { default: ELK } = await import("elkjs/lib/elk.bundled.js");
  const elk = new ELK();
  const graph = await elk.layout({
    id: "lineage",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "RIGHT",
      "elk.layered.spacing.nodeNodeBetweenLayers": String(EDGE_LABEL_WIDTH + LABEL_MARGIN),
      "elk.spacing.nodeNode": "40",
    },
    children: lineage.versions.map((entry) => ({ id: entry.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: lineage.edges.map((edge) => ({ id: edge.id, sources: [edge.source], targets: [edge.target] })),
  });
  return new Map((graph.children ?? []).map((node) => [node.id, { x: node.x ?? 0, y: node.y ?? 0 }]));
}
