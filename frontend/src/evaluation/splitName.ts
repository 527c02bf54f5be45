import type { TFunction } from "i18next";

/** The splits that the dataset pages name in each language. */
export const EVALUATED_SPLITS = ["train", "validation", "test"] as const;

/** Names a split as the dataset pages do; a split outside train, validation and test keeps its own name. */
export function splitName(split: string | null | undefined, t: TFunction): string {
  if (split === null || split === undefined) {
    return t("evaluation.allRows");
  }
  const known = EVALUATED_SPLITS.find((name) => name === split);
  return known ? t(`splitParts.${known}`) : split;
}

/** Names a dataset version's splits for a choice list, joined with the language's list separator. */
export function splitNameList(splits: readonly { name: string }[], t: TFunction): string {
  return splits.map((split) => splitName(split.name, t)).join(t("operationText.separator"));
}
