import { useCallback } from "react";
import { useTranslation } from "react-i18next";

import type { AlertEndReason } from "../gql/graphql";
import { signalUnit, useSignalFormat } from "./signals";

/** The parts of an alert that its sentence names. Rule fields are null once the rule is deleted. */
export interface AlertSentenceParts {
  ruleName?: string | null;
  signal?: string | null;
  feature?: string | null;
  comparator?: string | null;
  threshold?: number | null;
  subjectName: string;
  /** The server's English message, shown when the rule's fields are missing. */
  message: string;
  /** The reason an incident ended while its condition may still hold, such as a deleted rule. */
  endReason?: AlertEndReason | null;
}

/**
 * Returns a function that words an alert in the active language: a breach ("rule: signal of subject is value,
 * > threshold") or, when `ended`, the end of one, with its reason when the rule ended it rather than the
 * signal. It falls back to the server's English message when the rule's signal, comparator or threshold is
 * missing, because the sentence needs them.
 */
export function useAlertSentence(): (parts: AlertSentenceParts, value: number | null | undefined, ended: boolean) => string {
  const { t } = useTranslation();
  const signals = useSignalFormat();

  return useCallback(
    (parts, value, ended) => {
      const { signal, comparator, threshold } = parts;
      if (signal == null || comparator == null || threshold == null) {
        return parts.message;
      }
      const unit = signalUnit(signal);
      const label = parts.feature
        ? t("alerts.sentence.signalOfFeature", { signal: signals.label(signal), feature: parts.feature })
        : signals.label(signal);
      const values = {
        rule: parts.ruleName ?? "",
        signal: label,
        subject: parts.subjectName,
        value: signals.value(value, unit),
        comparator,
        threshold: signals.value(threshold, unit),
      };
      if (!ended) {
        return t("alerts.sentence.breach", values);
      }
      if (parts.endReason) {
        return t("alerts.sentence.endedBecause", { ...values, reason: t(`alerts.endReasons.${parts.endReason}`) });
      }
      return value == null ? t("alerts.sentence.endedNoData", values) : t("alerts.sentence.ended", values);
    },
    [t, signals],
  );
}
