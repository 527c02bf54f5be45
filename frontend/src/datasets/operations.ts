import type { ColumnType } from "../gql/graphql";

/** The operations `deriveDatasetVersion` accepts, in the order the form offers them. */
export const OPERATION_KINDS = [
  "split",
  "dropMissing",
  "fillMissing",
  "dropDuplicates",
  "dropColumns",
  "renameColumns",
  "castColumns",
  "filter",
  "standardize",
  "minMaxScale",
  "oneHot",
] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

export const FILL_STRATEGIES = ["constant", "mean", "median", "mode"] as const;
export type FillStrategy = (typeof FILL_STRATEGIES)[number];

export const SPLIT_PARTS = ["train", "validation", "test"] as const;
export type SplitPart = (typeof SPLIT_PARTS)[number];

export const SPLIT_STRATEGIES = ["random", "stratified"] as const;
export type SplitStrategy = (typeof SPLIT_STRATEGIES)[number];

/** Column types as operations name them, in lower case. */
export const CAST_TYPES = ["integer", "float", "boolean", "string", "date", "datetime"] as const;
export type CastType = (typeof CAST_TYPES)[number];

export const DEFAULT_MAX_CATEGORIES = 50;
export const MAX_CATEGORIES = 1000;
export const MAX_OPERATIONS = 50;
/** The server accepts ratios whose sum is within this distance of 1. */
export const RATIO_TOLERANCE = 1e-9;
export const SPLIT_COLUMN = "split";

export interface ColumnInfo {
  name: string;
  type: ColumnType;
}

/** One operation as the form edits it; `toOperation` turns it into the JSON the server takes. */
export interface OperationDraft {
  /** Identifies the draft in the list while it is reordered. */
  key: number;
  op: OperationKind;
  columns: string[];
  fillStrategy: FillStrategy;
  fillValue: string;
  /** Pairs of old and new column names. */
  renames: { from: string; to: string }[];
  casts: { column: string; type: CastType }[];
  expression: string;
  maxCategories: number;
  splitStrategy: SplitStrategy;
  ratios: Record<SplitPart, number>;
  seed: number;
  /** The stratification column; empty uses the label. */
  by: string;
}

let nextKey = 1;

export function newDraft(op: OperationKind): OperationDraft {
  nextKey += 1;
  return {
    key: nextKey,
    op,
    columns: [],
    fillStrategy: "mean",
    fillValue: "",
    renames: [{ from: "", to: "" }],
    casts: [{ column: "", type: "float" }],
    expression: "",
    maxCategories: DEFAULT_MAX_CATEGORIES,
    splitStrategy: "stratified",
    ratios: { train: 0.7, validation: 0.15, test: 0.15 },
    seed: 42,
    by: "",
  };
}

export function ratioSum(ratios: Record<SplitPart, number>): number {
  return SPLIT_PARTS.reduce((sum, part) => sum + (ratios[part] ?? 0), 0);
}

export function ratiosAddUp(ratios: Record<SplitPart, number>): boolean {
  return Math.abs(ratioSum(ratios) - 1) <= RATIO_TOLERANCE;
}

const NUMERIC: readonly ColumnType[] = ["INTEGER", "FLOAT"];

/**
 * Converts the typed constant of fillMissing to the JSON type of the column it fills: a number for
 * numeric columns, true or false for boolean ones and text otherwise, as the server checks.
 */
export function fillValueFor(text: string, type: ColumnType | undefined): string | number | boolean {
  const trimmed = text.trim();
  if (type !== undefined && NUMERIC.includes(type) && trimmed !== "" && Number.isFinite(Number(trimmed))) {
    return Number(trimmed);
  }
  if (type === "BOOLEAN" && (trimmed.toLowerCase() === "true" || trimmed.toLowerCase() === "false")) {
    return trimmed.toLowerCase() === "true";
  }
  return text;
}

/** Builds the operation object the server records, from a draft and the columns at its step. */
export function toOperation(draft: OperationDraft, columns: readonly ColumnInfo[]): Record<string, unknown> {
  const optionalColumns = draft.columns.length > 0 ? draft.columns : null;
  switch (draft.op) {
    case "dropMissing":
    case "dropDuplicates":
      return { op: draft.op, columns: optionalColumns };
    case "dropColumns":
    case "standardize":
    case "minMaxScale":
      return { op: draft.op, columns: draft.columns };
    case "fillMissing": {
      const firstType = columns.find((column) => column.name === draft.columns[0])?.type;
      const value = draft.fillStrategy === "constant" ? fillValueFor(draft.fillValue, firstType) : null;
      return { op: draft.op, columns: draft.columns, strategy: draft.fillStrategy, value };
    }
    case "renameColumns":
      return {
        op: draft.op,
        mapping: Object.fromEntries(draft.renames.filter((pair) => pair.from !== "").map((pair) => [pair.from, pair.to])),
      };
    case "castColumns":
      return {
        op: draft.op,
        types: Object.fromEntries(draft.casts.filter((cast) => cast.column !== "").map((cast) => [cast.column, cast.type])),
      };
    case "filter":
      return { op: draft.op, expression: draft.expression };
    case "oneHot":
      return { op: draft.op, columns: draft.columns, maxCategories: draft.maxCategories };
    case "split": {
      const ratios = Object.fromEntries(
        SPLIT_PARTS.filter((part) => draft.ratios[part] > 0).map((part) => [part, draft.ratios[part]]),
      );
      const by = draft.splitStrategy === "stratified" && draft.by !== "" ? draft.by : null;
      return { op: draft.op, strategy: draft.splitStrategy, ratios, seed: draft.seed, by };
    }
  }
}

/**
 * Returns the columns as they are after a draft runs, so later drafts offer the right names.
 * one-hot's new columns depend on the data, so the encoded columns only disappear here.
 */
export function columnsAfter(columns: readonly ColumnInfo[], draft: OperationDraft): ColumnInfo[] {
  switch (draft.op) {
    case "dropColumns":
    case "oneHot":
      return columns.filter((column) => !draft.columns.includes(column.name));
    case "renameColumns": {
      const renamed = new Map(
        draft.renames.filter((pair) => pair.from !== "" && pair.to !== "").map((pair) => [pair.from, pair.to]),
      );
      return columns.map((column) => ({ ...column, name: renamed.get(column.name) ?? column.name }));
    }
    case "castColumns": {
      const cast = new Map(draft.casts.filter((pair) => pair.column !== "").map((pair) => [pair.column, pair.type]));
      return columns.map((column) => {
        const type = cast.get(column.name);
        return type ? { ...column, type: type.toUpperCase() as ColumnType } : column;
      });
    }
    case "standardize":
    case "minMaxScale":
      return columns.map((column) => (draft.columns.includes(column.name) ? { ...column, type: "FLOAT" } : column));
    case "split":
      return columns.some((column) => column.name === SPLIT_COLUMN)
        ? [...columns]
        : [...columns, { name: SPLIT_COLUMN, type: "STRING" }];
    default:
      return [...columns];
  }
}

/** Returns the columns before each draft: entry i is the input of draft i. */
export function columnsAtEachStep(columns: readonly ColumnInfo[], drafts: readonly OperationDraft[]): ColumnInfo[][] {
  const steps: ColumnInfo[][] = [];
  let current = [...columns];
  for (const draft of drafts) {
    steps.push(current);
    current = columnsAfter(current, draft);
  }
  return steps;
}

export function toOperations(columns: readonly ColumnInfo[], drafts: readonly OperationDraft[]): Record<string, unknown>[] {
  const steps = columnsAtEachStep(columns, drafts);
  return drafts.map((draft, index) => toOperation(draft, steps[index] ?? []));
}

/** Returns the index of the operation that a server error's field names, such as 2 for `operations[2].columns[0]`. */
export function operationIndexOf(field: string | null): number | null {
  const match = field === null ? null : /^operations\[(\d+)\]/.exec(field);
  return match ? Number(match[1]) : null;
}
