import { describe, expect, it } from "vitest";

import type { LineageVersionFragment } from "../gql/graphql";
import { EDGE_LABEL_WIDTH, layoutLineage, lineageOf, NODE_WIDTH } from "./lineage";

function version(id: string, parentId: string | null): LineageVersionFragment {
  return { id, parentId, operations: [] } as unknown as LineageVersionFragment;
}

describe("layoutLineage", () => {
  it("leaves room for edge labels", async () => {
    const lineage = lineageOf(version("v2", "v1"), [version("v1", null)], [version("v3", "v2")]);

    const positions = await layoutLineage(lineage);

    const gaps = [
      (positions.get("v2")?.x ?? 0) - (positions.get("v1")?.x ?? 0) - NODE_WIDTH,
      (positions.get("v3")?.x ?? 0) - (positions.get("v2")?.x ?? 0) - NODE_WIDTH,
    ];
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(EDGE_LABEL_WIDTH);
    }
  });
});
