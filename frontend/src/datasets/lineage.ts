import type { ElkLabel } from "elkjs/lib/elk-api";

import type { LineageVersionFragment } from "../gql/graphql";

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 64;
/** Maximum width of an edge label's box in pixels; longer text wraps onto more lines and the box grows taller. */
export const EDGE_LABEL_WIDTH = 260;
/** Height of one line of label text: 12 px type at a line height of 1.4, rounded up. */
export const EDGE_LABEL_LINE_HEIGHT = 17;
/** Padding and border of the label box on both sides together, as datasets.css draws it (2 px × 6 px and 1 px). */
const LABEL_PADDING = { width: 14, height: 6 };
/** Spare pixels on each line, so a browser whose font runs a little wider than the estimate still fits the text. */
const LABEL_SLACK = 6;
/** Gap in pixels between an edge label and the versions at its ends. */
const LABEL_GAP = 30;
// Advance of one character of 12 px type, in pixels. Latin letters and digits average about 6.5 px in the usual sans
// fonts, so 7 overestimates them. CJK characters and full-width punctuation are one em wide.
const NARROW_CHARACTER = 7;
const WIDE_CHARACTER = 12;
const WIDE_RANGES = "\\u1100-\\u115f\\u2e80-\\ua4cf\\uac00-\\ud7a3\\uf900-\\ufaff\\ufe30-\\ufe4f\\uff00-\\uff60\\uffe0-\\uffe6";
const WIDE = new RegExp(`[${WIDE_RANGES}]`, "u");
// The label's CSS sets word-break: keep-all, so a browser keeps a run of Chinese characters together as it does a
// Latin word ("（种子 42）" never splits 种子). It breaks at spaces, after Chinese punctuation and before an opening
// bracket. Each unit is one such piece with the spaces after it.
const BREAK_AFTER = "，、；：。！？）」』】";
const BREAK_BEFORE = "（「『【";
const WRAP_UNITS = new RegExp(
  `[^\\s${BREAK_AFTER}${BREAK_BEFORE}]*[${BREAK_AFTER}]\\s*|[${BREAK_BEFORE}]?[^\\s${BREAK_AFTER}${BREAK_BEFORE}]+[${BREAK_AFTER}]?\\s*|[${BREAK_BEFORE}]\\s*|\\s+`,
  "gu",
);

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

/** A rectangle in the graph's coordinates: top-left corner and size in pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LineageLayout {
  /** Each version's top-left corner. */
  versions: Map<string, { x: number; y: number }>;
  /** Each edge's label box, by edge id. */
  labels: Map<string, Box>;
}

function characterWidth(character: string): number {
  return WIDE.test(character) ? WIDE_CHARACTER : NARROW_CHARACTER;
}

function textWidth(text: string): number {
  return [...text].reduce((sum, character) => sum + characterWidth(character), 0);
}

/**
 * Estimates how the text wraps in a line `width` pixels wide, breaking as a browser does with word-break: keep-all:
 * after spaces and Chinese punctuation, before an opening bracket, and inside a word longer than the line. Returns the number of lines and the widest line.
 */
export function wrapText(text: string, width: number): { lines: number; widest: number } {
  let lines = 1;
  let widest = 0;
  // The current line's width with its trailing spaces, and without them.
  let line = 0;
  let inked = 0;
  for (const unit of text.match(WRAP_UNITS) ?? []) {
    const word = unit.trimEnd();
    const wordWidth = textWidth(word);
    if (line > 0 && line + wordWidth > width) {
      widest = Math.max(widest, inked);
      lines += 1;
      line = 0;
    }
    if (wordWidth > width) {
      // The label's CSS lets a word longer than the line break anywhere: full lines, then the rest.
      const fullLines = Math.ceil(wordWidth / width) - 1;
      widest = width;
      lines += fullLines;
      line = wordWidth - fullLines * width;
    } else {
      line += wordWidth;
    }
    inked = line;
    // A space at the end of a line hangs past it, so spaces never start a new line by themselves.
    line += textWidth(unit.slice(word.length));
  }
  return { lines, widest: Math.min(width, Math.max(widest, inked)) };
}

/** Estimates the size of an edge label's box: at most EDGE_LABEL_WIDTH wide and as tall as its wrapped text. */
export function edgeLabelSize(text: string): { width: number; height: number } {
  const { lines, widest } = wrapText(text, EDGE_LABEL_WIDTH - LABEL_PADDING.width - LABEL_SLACK);
  return {
    width: Math.ceil(widest) + LABEL_PADDING.width + LABEL_SLACK,
    height: lines * EDGE_LABEL_LINE_HEIGHT + LABEL_PADDING.height,
  };
}

/**
 * Places the versions left to right with ELK's layered algorithm, and each edge's label, sized by
 * `edgeLabelSize` from `labelTexts` (by edge id), between the versions it joins and centred on the edge. ELK
 * keeps the labels clear of the versions and of each other. ELK (about 1.5 MB) is loaded on first use, so only this view pays for it.
 */
export async function layoutLineage(lineage: Lineage, labelTexts: ReadonlyMap<string, string>): Promise<LineageLayout> {
  const { default: ELK } = await import("elkjs/lib/elk.bundled.js");
  const elk = new ELK();
  const graph = await elk.layout({
    id: "lineage",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "RIGHT",
      "elk.layered.spacing.nodeNodeBetweenLayers": String(LABEL_GAP),
      "elk.layered.spacing.edgeNodeBetweenLayers": String(LABEL_GAP),
      "elk.spacing.nodeNode": "40",
    },
    children: lineage.versions.map((entry) => ({ id: entry.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: lineage.edges.map((edge) => {
      const text = labelTexts.get(edge.id) ?? "";
      const label: ElkLabel = {
        id: `${edge.id}:label`,
        text,
        ...edgeLabelSize(text),
        layoutOptions: { "elk.edgeLabels.placement": "CENTER", "elk.edgeLabels.inline": "true" },
      };
      return { id: edge.id, sources: [edge.source], targets: [edge.target], labels: [label] };
    }),
  });

  const versions = new Map((graph.children ?? []).map((node) => [node.id, { x: node.x ?? 0, y: node.y ?? 0 }]));
  const labels = new Map<string, Box>();
  for (const edge of graph.edges ?? []) {
    const label = edge.labels?.[0];
    if (label) {
      labels.set(edge.id, { x: label.x ?? 0, y: label.y ?? 0, width: label.width ?? 0, height: label.height ?? 0 });
    }
  }
  return { versions, labels };
}
