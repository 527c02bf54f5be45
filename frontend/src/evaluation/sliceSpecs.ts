import type { SliceKind } from "./report";

/** One row of the slice builder; fields the kind does not use are ignored. */
export interface SliceDraft {
  key: number;
  kind: SliceKind;
  feature: string | null;
  bins: number;
  name: string;
  filter: string;
}

export const DEFAULT_BINS = 4;
export const MIN_BINS = 2;
export const MAX_BINS = 20;
/** evaluateModelVersion takes at most this many slice specs. */
export const MAX_SLICE_SPECS = 20;

export function newSliceDraft(key: number): SliceDraft {
  return { key, kind: "values", feature: null, bins: DEFAULT_BINS, name: "", filter: "" };
}

/** Writes the drafts as the slice specs evaluateModelVersion takes. */
export function sliceSpecs(drafts: readonly SliceDraft[]): Record<string, unknown>[] {
  return drafts.map((draft) => {
    switch (draft.kind) {
      case "label":
        return { kind: "label" };
      case "filter":
        return { kind: "filter", name: draft.name.trim(), filter: draft.filter.trim() };
      case "values":
        return { kind: "values", feature: draft.feature };
      case "bins":
      case "quantiles":
        return { kind: draft.kind, feature: draft.feature, bins: draft.bins };
    }
  });
}

/** Returns whether a draft has what its kind needs before it is sent. The server checks the rest. */
export function isComplete(draft: SliceDraft): boolean {
  if (draft.kind === "label") {
    return true;
  }
  if (draft.kind === "filter") {
    return draft.name.trim() !== "" && draft.filter.trim() !== "";
  }
  return draft.feature !== null;
}

/** Splits an error field such as `slices[2].feature` into the row index and the field, or null for another path. */
export function sliceErrorField(path: string): { index: number; field: string } | null {
  const match = /^slices\[(\d+)\](?:\.(\w+))?$/.exec(path);
  if (!match) {
    return null;
  }
  return { index: Number(match[1]), field: match[2] ?? "kind" };
}
