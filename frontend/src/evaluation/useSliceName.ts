import { useCallback, useMemo } from "react";
import { useTranslation } from "react-i18next";

import type { Slice } from "./report";

/**
 * Returns a function that names a slice in the active language. A range slice gets its feature and bounds with
 * 4 significant digits, and a slice of missing values is named as such. Any other slice keeps the server's name, whose
 * "=" reads the same in every language.
 */
export function useSliceName(): (slice: Slice) => string {
  const { t, i18n } = useTranslation();
  const bound = useMemo(() => new Intl.NumberFormat(i18n.language, { maximumSignificantDigits: 4 }), [i18n.language]);

  return useCallback(
    (slice: Slice) => {
      if (slice.feature === null) {
        return slice.name;
      }
      if (slice.range !== null) {
        const [low, high] = slice.range;
        // NOTE: two bounds closer than 4 significant digits read the same here; the server's name keeps them apart.
        return t("evaluation.slices.inRange", {
          feature: slice.feature,
          low: bound.format(low),
          high: bound.format(high),
          close: slice.includesHigh ? "]" : ")",
        });
      }
      return slice.isNull ? t("evaluation.slices.isNull", { feature: slice.feature }) : slice.name;
    },
    [t, bound],
  );
}
