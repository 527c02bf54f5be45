import { useMemo } from "react";
import { useTranslation } from "react-i18next";

export interface Measures {
  /** A share from 0 to 1 as a percentage, such as 12.5%. */
  percent: (share: number | null | undefined) => string;
  /** A number with at most `digits` fraction digits. */
  decimal: (value: number | null | undefined, digits?: number) => string;
  /** Milliseconds, such as 12.3 ms, or 12.3毫秒 in Chinese. */
  milliseconds: (value: number | null | undefined) => string;
  /** Seconds in words, such as 86,400 seconds, or 86,400秒 in Chinese. */
  seconds: (value: number | null | undefined) => string;
  /** Requests per second, such as 4.2/s, or 4.2/秒 in Chinese. */
  perSecond: (value: number | null | undefined) => string;
}

// A value too small for the fraction digits keeps one significant digit (0.001/s, 0.04%), instead of
// reading as 0: Intl picks whichever rounding is more precise.
const SMALL_VALUES = { maximumSignificantDigits: 1, roundingPriority: "morePrecision" } as const;

/** Builds the formatters of measured values for the given BCP 47 locale; a missing value becomes an em dash. */
export function measuresFor(locale: string): Measures {
  const percent = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1, ...SMALL_VALUES });
  const decimals = new Map<number, Intl.NumberFormat>();
  const decimalFormat = (digits: number) => {
    let found = decimals.get(digits);
    if (!found) {
      found = new Intl.NumberFormat(locale, { maximumFractionDigits: digits, signDisplay: "negative", ...SMALL_VALUES });
      decimals.set(digits, found);
    }
    return found;
  };
  const milliseconds = new Intl.NumberFormat(locale, {
    style: "unit",
    unit: "millisecond",
    unitDisplay: "short",
    maximumFractionDigits: 1,
    ...SMALL_VALUES,
  });
  // Chinese pages write 秒 everywhere else, and Intl's long form for zh-CN is 秒钟.
  const seconds = new Intl.NumberFormat(locale, {
    style: "unit",
    unit: "second",
    unitDisplay: locale.startsWith("zh") ? "short" : "long",
    maximumFractionDigits: 1,
  });
  const missing = (value: number | null | undefined): value is null | undefined => value === null || value === undefined;
  // Intl has no unit for "per second" on its own, so the suffix follows the language.
  const perSecondSuffix = locale.startsWith("zh") ? "/秒" : "/s";

  return {
    percent: (share) => (missing(share) ? "—" : percent.format(share)),
    decimal: (value, digits = 3) => (missing(value) ? "—" : decimalFormat(digits).format(value)),
    milliseconds: (value) => (missing(value) ? "—" : milliseconds.format(value)),
    seconds: (value) => (missing(value) ? "—" : seconds.format(value)),
    perSecond: (value) => (missing(value) ? "—" : `${decimalFormat(2).format(value)}${perSecondSuffix}`),
  };
}

/** Returns the measure formatters of the active language, rebuilt when it changes. */
export function useMeasures(): Measures {
  const { i18n } = useTranslation();
  return useMemo(() => measuresFor(i18n.language), [i18n.language]);
}
