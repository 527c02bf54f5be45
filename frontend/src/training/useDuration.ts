import { useCallback } from "react";
import { useTranslation } from "react-i18next";

import { durationParts } from "./duration";

/** Returns a function that writes a duration in seconds as "1 h 2 min", "3 min 4 s" or "5 s" in the active language. */
export function useDuration(): (seconds: number | null | undefined) => string {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  return useCallback(
    (seconds) => {
      if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) {
        return "—";
      }
      const parts = durationParts(seconds);
      if (parts.hours > 0) {
        return t("training.duration.hours", { hours: parts.hours, minutes: parts.minutes });
      }
      if (parts.minutes > 0) {
        return t("training.duration.minutes", { minutes: parts.minutes, seconds: parts.seconds });
      }
      return t("training.duration.seconds", { seconds: parts.seconds });
    },
    [t, language],
  );
}
