import i18next from "i18next";
import { describe, expect, it } from "vitest";

import type { LineageVersionFragment } from "../gql/graphql";
import { formattersFor } from "../i18n/format";
import { describeOperation } from "./describeOperation";
import {
  EDGE_LABEL_LINE_HEIGHT,
  EDGE_LABEL_WIDTH,
  edgeLabelSize,
  layoutLineage,
  lineageOf,
  NODE_HEIGHT,
  NODE_WIDTH,
  wrapText,
} from "./lineage";
import type { Box } from "./lineage";

function version(id: string, parentId: string | null): LineageVersionFragment {
  return { id, parentId, operations: [] } as unknown as LineageVersionFragment;
}

/** The operations `modelcloud demo` derives its cleaned diabetes version with, as the server records them. */
const DEMO_DIABETES_CLEANING = [
  { op: "dropMissing", description: "drop rows with missing values", parameters: { op: "dropMissing" } },
  {
    op: "split",
    description: "random split",
    parameters: { op: "split", strategy: "random", ratios: { train: 0.7, validation: 0.15, test: 0.15 }, seed: 42 },
  },
  {
    op: "standardize",
    description: "standardize",
    parameters: { op: "standardize", columns: ["age", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"] },
  },
];

/** Describes the demo's diabetes cleaning as the lineage graph labels it in `language`. */
function demoLabel(language: string): string {
  const t = i18next.getFixedT(language);
  return DEMO_DIABETES_CLEANING.map((operation) => describeOperation(t, formattersFor(language).number, operation)).join(
    t("operationText.stepSeparator"),
  );
}

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

describe("wrapText", () => {
  it("breaks English at spaces", () => {
    // Four narrow characters are 28 px, a space 7 px.
    expect(wrapText("aaaa bbbb cccc", 70)).toEqual({ lines: 2, widest: 63 });
  });

  it("keeps a Chinese word whole", () => {
    // 一二 and its space are 31 px, so 三四五 (36 px) goes whole onto the next line.
    expect(wrapText("一二 三四五", 50)).toEqual({ lines: 2, widest: 36 });
  });

  it("breaks Chinese after punctuation", () => {
    expect(wrapText("一二，三四（五）", 40)).toEqual({ lines: 3, widest: 36 });
  });

  it("breaks a Chinese run longer than the line", () => {
    expect(wrapText("一二三四五六七", 36)).toEqual({ lines: 3, widest: 36 });
  });

  it("breaks a long word anywhere", () => {
    expect(wrapText("a".repeat(25), 70)).toEqual({ lines: 3, widest: 70 });
  });
});

describe("edgeLabelSize", () => {
  it("short label on one line", () => {
    const size = edgeLabelSize("drop duplicate rows");

    expect(size.height).toBe(EDGE_LABEL_LINE_HEIGHT + 6);
    expect(size.width).toBeLessThan(EDGE_LABEL_WIDTH);
  });

  it.each(["en", "zh-CN"])("demo derivation wraps whole in %s", (language) => {
    const text = demoLabel(language);
    const size = edgeLabelSize(text);
    const { lines } = wrapText(text, EDGE_LABEL_WIDTH - 20);

    expect(text).not.toContain("…");
    expect(lines).toBeGreaterThan(2);
    expect(size.width).toBeLessThanOrEqual(EDGE_LABEL_WIDTH);
    expect(size.height).toBe(lines * EDGE_LABEL_LINE_HEIGHT + 6);
  });
});

describe("layoutLineage", () => {
  it("leaves room for edge labels", async () => {
    const lineage = lineageOf(version("v2", "v1"), [version("v1", null)], [version("v3", "v2")]);
    const texts = new Map([
      ["v1->v2", "drop duplicate rows"],
      ["v2->v3", demoLabel("en")],
    ]);

    const layout = await layoutLineage(lineage, texts);

    for (const [edgeId, source, target] of [
      ["v1->v2", "v1", "v2"],
      ["v2->v3", "v2", "v3"],
    ] as const) {
      const box = layout.labels.get(edgeId);
      const from = layout.versions.get(source);
      const to = layout.versions.get(target);
      expect(box).toBeDefined();
      expect(from).toBeDefined();
      expect(to).toBeDefined();
      if (!box || !from || !to) {
        continue;
      }
      // The label has the size its text needs, and sits between the versions it joins.
      expect({ width: box.width, height: box.height }).toEqual(edgeLabelSize(texts.get(edgeId) ?? ""));
      expect(box.x).toBeGreaterThanOrEqual(from.x + NODE_WIDTH);
      expect(box.x + box.width).toBeLessThanOrEqual(to.x);
    }
  });

  it.each(["en", "zh-CN"])("sibling labels and versions stay apart in %s", async (language) => {
    const lineage = lineageOf(version("v1", null), [], [version("v2", "v1"), version("v3", "v1"), version("v4", "v1")]);
    const texts = new Map(lineage.edges.map((edge) => [edge.id, demoLabel(language)]));

    const layout = await layoutLineage(lineage, texts);

    const boxes: Box[] = [
      ...[...layout.versions.values()].map((corner) => ({ ...corner, width: NODE_WIDTH, height: NODE_HEIGHT })),
      ...layout.labels.values(),
    ];
    expect(layout.labels.size).toBe(3);
    for (const [index, box] of boxes.entries()) {
      for (const other of boxes.slice(index + 1)) {
        expect(overlaps(box, other), `${JSON.stringify(box)} overlaps ${JSON.stringify(other)}`).toBe(false);
      }
    }
  });
});
