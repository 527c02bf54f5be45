import type { TFunction } from "i18next";
import { useCallback, useMemo } from "react";
import { useTranslation } from "react-i18next";

import { type Measures, useMeasures } from "../i18n/measures";

/** The signals the server measures and alert rules watch (`alertSignals`), which the catalogue names. */
const SIGNAL_NAMES = [
  "replicaHealth",
  "requestsPerSecond",
  "latencyP50Ms",
  "latencyP95Ms",
  "latencyP99Ms",
  "errorRate",
  "clientErrorRate",
  "featureDriftPsi",
  "featureDriftKs",
  "predictionDriftPsi",
  "predictionDriftKs",
  "integrityFailures",
  "failedTrainingRuns",
] as const;

type SignalName = (typeof SIGNAL_NAMES)[number];

/** The unit of each signal, as the server's `alertSignals` names it. */
const SIGNAL_UNITS: Record<SignalName, string> = {
  replicaHealth: "ratio",
  requestsPerSecond: "requests/s",
  latencyP50Ms: "ms",
  latencyP95Ms: "ms",
  latencyP99Ms: "ms",
  errorRate: "ratio",
  clientErrorRate: "ratio",
  featureDriftPsi: "PSI",
  featureDriftKs: "KS",
  predictionDriftPsi: "PSI",
  predictionDriftKs: "KS",
  integrityFailures: "versions",
  failedTrainingRuns: "runs",
};

/** Returns the unit of a signal, or an empty unit, shown as a bare number, for a signal this app does not know. */
export function signalUnit(signal: string): string {
  const known = knownSignal(signal);
  return known === undefined ? "" : SIGNAL_UNITS[known];
}

function knownSignal(name: string): SignalName | undefined {
  return SIGNAL_NAMES.find((known) => known === name);
}

export interface SignalFormat {
  /** The signal's name in the active language. A signal the catalogue lacks keeps the server's name. */
  label: (signal: string) => string;
  /** A signal's value with its unit in the active language, or an em dash when the window had no data. */
  value: (value: number | null | undefined, unit: string) => string;
}

/**
 * Returns a signal's value with its unit, written by the given translation and measure formatters:
 * a ratio as a percentage, milliseconds and requests per second with their units, counts with their nouns.
 * A missing value becomes an em dash.
 */
export function formatSignalValue(t: TFunction, measures: Measures, measured: number | null | undefined, unit: string): string {
  if (measured === null || measured === undefined) {
    return "—";
  }
  switch (unit) {
    case "ratio":
      return measures.percent(measured);
    case "ms":
      return measures.milliseconds(measured);
    case "requests/s":
      return measures.perSecond(measured);
    case "versions":
      return t("signals.versions", { count: measured });
    case "runs":
      return t("signals.runs", { count: measured });
    default:
      // PSI and KS are statistics without a unit, and a signal this app does not know has none here.
      // Another unit is shown as the server names it.
      return unit === "PSI" || unit === "KS" || unit === ""
        ? measures.decimal(measured)
        : `${measures.decimal(measured)} ${unit}`;
  }
}

/** Returns the formatters that name signals and show their values in the active language. */
export function useSignalFormat(): SignalFormat {
  const { t } = useTranslation();
  const measures = useMeasures();

  const label = useCallback(
    (signal: string) => {
      const known = knownSignal(signal);
      return known === undefined ? signal : t(`signals.names.${known}`);
    },
    [t],
  );

  const value = useCallback(
    (measured: number | null | undefined, unit: string) => formatSignalValue(t, measures, measured, unit),
    [t, measures],
  );

  return useMemo(() => ({ label, value }), [label, value]);
}
