import { useCallback } from "react";
import { useTranslation } from "react-i18next";

import { spaceLatinTerms } from "../i18n/spacing";

const BASE_NAMES = ["accuracy", "f1", "precision", "recall", "rocAuc", "prAuc", "logLoss", "mae", "mse", "rmse", "r2"] as const;
type BaseName = (typeof BASE_NAMES)[number];
const AVERAGES = ["macro", "micro", "weighted"] as const;
const MEASURES = ["f1", "precision", "recall"] as const;
/** Placeholder for the class name while the catalogue text is spaced. */
const CLASS_SLOT = "\u0000";

function baseName(name: string): BaseName | undefined {
  return BASE_NAMES.find((known) => known === name);
}

/**
 * Returns a function that names a metric in the active language. It takes the names of the
 * summary and of slices (where f1, precision and recall are macro averages) and the report paths
 * compareEvaluations uses: macro.f1, weighted.recall, perClass.<class>.precision. An unknown
 * name is returned as it is.
 */
export function useMetricLabel(): (name: string) => string {
  const { t } = useTranslation();
  return useCallback(
    (name: string) => {
      const known = baseName(name);
      if (known !== undefined) {
        return t(`evaluation.metricNames.${known}`);
      }
      const parts = name.split(".");
      const measure = MEASURES.find((candidate) => candidate === parts[parts.length - 1]);
      const average = AVERAGES.find((candidate) => candidate === parts[0]);
      if (parts.length === 2 && average !== undefined && measure !== undefined) {
        return spaceLatinTerms(
          t("evaluation.metricOfAverage", {
            average: t(`evaluation.averages.${average}`),
            metric: t(`evaluation.measures.${measure}`),
          }),
        );
      }
      if (parts[0] === "perClass" && parts.length >= 3 && measure !== undefined) {
        // The class name is data, so it goes in after the spacing and keeps its own form.
        const template = spaceLatinTerms(
          t("evaluation.metricOfClass", { metric: t(`evaluation.measures.${measure}`), className: CLASS_SLOT }),
        );
        return template.replace(CLASS_SLOT, parts.slice(1, -1).join("."));
      }
      return name;
    },
    [t],
  );
}
