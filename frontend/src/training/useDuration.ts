import { useCallback, useMemo } from "react";
import { useTranslation } from "react-i18next";

import { durationParts } from "./duration";

/**
 * Returns a function that writes a duration in seconds in the active language: "420 ms" under a second,
 * "4.2 s" under ten seconds, and "5 min 4 s" or "1 h 2 min" above a minute.
 */
export function useDuration(): (seconds: number | null | undefined) => string {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const tenths = useMemo(() => new Intl.NumberFormat(language, { maximumFractionDigits: 1 }), [language]);
  return useCallback(
    (seconds) => {
      if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) {
        return "—";
      }
      const milliseconds = Math.round(Math.max(0, seconds) * 1000);
      if (milliseconds < 1000) {
        return t("training.duration.milliseconds", { milliseconds });
      }
      // 9.95 s and above round to a whole 10 s, which the whole-second form below writes.
      if (seconds < 9.95) {
        return t("training.duration.seconds", { seconds: tenths.format(seconds) });
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
    [t, tenths],
  );
}
