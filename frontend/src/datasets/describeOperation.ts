import type { TFunction } from "i18next";
import { useCallback } from "react";
import { useTranslation } from "react-i18next";

import { useFormat } from "../i18n/format";
import { CAST_TYPES, SPLIT_PARTS, SPLIT_STRATEGIES } from "./operations";

/** An operation as the server records it: its kind, its parameters and the server's English description. */
export interface RecordedOperation {
  op: string;
  description: string;
  parameters?: unknown;
}

/** The fill strategies that fill in a statistic of the column rather than a constant. */
const STATISTIC_FILLS = ["mean", "median", "mode"] as const;

/** Operations list at most this many columns, renames or casts and count the rest, as the server does. */
const LISTED_AT_MOST = 5;

type Parameters = Record<string, unknown>;

function isRecord(value: unknown): value is Parameters {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

function isStringMap(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((item) => typeof item === "string");
}

function isOneOf<T extends string>(options: readonly T[], value: unknown): value is T {
  return options.some((option) => option === value);
}

/** Joins up to five items with the language's list separator and counts the rest. */
function listed(t: TFunction, items: string[]): string {
  const shown = items.slice(0, LISTED_AT_MOST).join(t("operationText.separator"));
  const more = items.length - LISTED_AT_MOST;
  return more > 0 ? t("operationText.more", { items: shown, rest: more }) : shown;
}

/** Reads the operation's columns: null when it names none and so applies to every column, undefined when they are not a list of names. */
function columnsOf(parameters: Parameters): string[] | null | undefined {
  const columns = parameters.columns;
  if (columns === undefined || columns === null || (Array.isArray(columns) && columns.length === 0)) {
    return null;
  }
  return isStringList(columns) ? columns : undefined;
}

/**
 * Describes a recorded operation in the active language from its kind and parameters. An operation
 * whose kind or parameters the web app does not know keeps the server's English description.
 */
export function describeOperation(t: TFunction, formatNumber: (value: number) => string, operation: RecordedOperation): string {
  const parameters = operation.parameters;
  if (!isRecord(parameters)) {
    return operation.description;
  }
  return describeParameters(t, formatNumber, operation.op, parameters) ?? operation.description;
}

function describeParameters(
  t: TFunction,
  formatNumber: (value: number) => string,
  op: string,
  parameters: Parameters,
): string | null {
  switch (op) {
    case "renameColumns": {
      if (!isStringMap(parameters.mapping)) {
        return null;
      }
      const pairs = Object.entries(parameters.mapping).map(([from, to]) => t("operationText.renamePair", { from, to }));
      return t("operationText.renameColumns", { pairs: listed(t, pairs) });
    }
    case "castColumns": {
      const types = parameters.types;
      if (!isStringMap(types)) {
        return null;
      }
      const pairs: string[] = [];
      for (const [column, type] of Object.entries(types)) {
        if (!isOneOf(CAST_TYPES, type)) {
          return null;
        }
        pairs.push(t("operationText.castPair", { column, type: t(`operationText.castTypes.${type}`) }));
      }
      return t("operationText.castColumns", { pairs: listed(t, pairs) });
    }
    case "filter":
      return typeof parameters.expression === "string" ? t("operationText.filter", { expression: parameters.expression }) : null;
    case "split":
      return describeSplit(t, formatNumber, parameters);
  }

  const columns = columnsOf(parameters);
  if (columns === undefined) {
    return null;
  }
  return columns === null ? describeOnAllColumns(t, op, parameters) : describeOnColumns(t, op, parameters, listed(t, columns));
}

function describeOnColumns(t: TFunction, op: string, parameters: Parameters, columns: string): string | null {
  switch (op) {
    case "dropMissing":
      return t("operationText.dropMissing", { columns });
    case "fillMissing": {
      const strategy = parameters.strategy;
      if (strategy === "constant") {
        return t("operationText.fillMissingConstant", { columns, value: JSON.stringify(parameters.value) });
      }
      return isOneOf(STATISTIC_FILLS, strategy)
        ? t("operationText.fillMissing", { columns, filler: t(`operationText.fillStrategies.${strategy}`) })
        : null;
    }
    case "dropDuplicates":
    case "dropColumns":
    case "standardize":
    case "minMaxScale":
    case "oneHot":
      return t(`operationText.${op}`, { columns });
    case "predict":
      return describePredict(t, parameters, columns);
    default:
      return null;
  }
}

/** Describes an operation that names no columns and so applies to every column. */
function describeOnAllColumns(t: TFunction, op: string, parameters: Parameters): string | null {
  switch (op) {
    case "dropMissing":
      return t("operationText.dropMissingAny");
    case "dropDuplicates":
      return t("operationText.dropDuplicatesAll");
    case "fillMissing": {
      const strategy = parameters.strategy;
      if (strategy === "constant") {
        return t("operationText.fillMissingConstantAll", { value: JSON.stringify(parameters.value) });
      }
      return isOneOf(STATISTIC_FILLS, strategy)
        ? t("operationText.fillMissingAll", { filler: t(`operationText.fillStrategies.${strategy}`) })
        : null;
    }
    default:
      return null;
  }
}

function describeSplit(t: TFunction, formatNumber: (value: number) => string, parameters: Parameters): string | null {
  const { strategy, ratios, seed, by } = parameters;
  if (!isOneOf(SPLIT_STRATEGIES, strategy) || !isRecord(ratios) || typeof seed !== "number") {
    return null;
  }
  const parts = Object.entries(ratios);
  if (!parts.every(([part, ratio]) => isOneOf(SPLIT_PARTS, part) && typeof ratio === "number")) {
    return null;
  }
  const shares = parts
    .map(([part, ratio]) =>
      t("operationText.splitShare", {
        part: t(`operationText.parts.${part as (typeof SPLIT_PARTS)[number]}`),
        ratio: formatNumber(ratio as number),
      }),
    )
    .join(t("operationText.separator"));
  const values = { strategy: t(`operationText.splitStrategies.${strategy}`), shares, seed: String(seed) };
  return typeof by === "string" && by !== "" ? t("operationText.splitBy", { ...values, by }) : t("operationText.split", values);
}

function describePredict(t: TFunction, parameters: Parameters, columns: string): string | null {
  const { split, modelVersionNumber, modelName } = parameters;
  if (typeof modelVersionNumber !== "number" || typeof modelName !== "string") {
    return null;
  }
  const values = { columns, number: String(modelVersionNumber), model: modelName };
  if (isOneOf(SPLIT_PARTS, split)) {
    return t("operationText.predictPart", { ...values, part: t(`operationText.parts.${split}`) });
  }
  return t("operationText.predictEveryRow", values);
}

/** Returns a function that describes recorded operations in the active language. */
export function useDescribeOperation(): (operation: RecordedOperation) => string {
  const { t } = useTranslation();
  const format = useFormat();
  return useCallback((operation: RecordedOperation) => describeOperation(t, format.number, operation), [t, format]);
}
