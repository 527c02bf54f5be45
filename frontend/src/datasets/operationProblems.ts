import { ratiosAddUp } from "./operations";
import type { OperationDraft } from "./operations";

/** A check the form makes before sending; the server checks everything again against the data. */
export type DraftProblem =
  "columnsRequired" | "valueRequired" | "renameRequired" | "castRequired" | "expressionRequired" | "ratios" | "trainRequired";

/** Lists what keeps a draft from being sent, as catalogue keys under derive.problems. */
export function draftProblems(draft: OperationDraft): DraftProblem[] {
  const problems: DraftProblem[] = [];
  switch (draft.op) {
    case "dropColumns":
    case "standardize":
    case "minMaxScale":
    case "oneHot":
      if (draft.columns.length === 0) {
        problems.push("columnsRequired");
      }
      break;
    case "fillMissing":
      if (draft.columns.length === 0) {
        problems.push("columnsRequired");
      }
      if (draft.fillStrategy === "constant" && draft.fillValue === "") {
        problems.push("valueRequired");
      }
      break;
    case "renameColumns":
      if (!draft.renames.some((pair) => pair.from !== "" && pair.to.trim() !== "")) {
        problems.push("renameRequired");
      }
      break;
    case "castColumns":
      if (!draft.casts.some((cast) => cast.column !== "")) {
        problems.push("castRequired");
      }
      break;
    case "filter":
      if (draft.expression.trim() === "") {
        problems.push("expressionRequired");
      }
      break;
    case "split":
      if (!ratiosAddUp(draft.ratios)) {
        problems.push("ratios");
      }
      if (!(draft.ratios.train > 0) || (draft.ratios.validation <= 0 && draft.ratios.test <= 0)) {
        problems.push("trainRequired");
      }
      break;
    default:
      break;
  }
  return problems;
}
