import { useMemo } from "react";
import { useTranslation } from "react-i18next";

const BYTE_UNITS = ["byte", "kilobyte", "megabyte", "gigabyte", "terabyte"] as const;

export interface Formatters {
  dateTime: (iso: string | null | undefined) => string;
  number: (value: number | null | undefined) => string;
  /** Formats a change between two values: "+" before a rise, "-" before a fall, none for 0. */
  difference: (value: number | null | undefined) => string;
  bytes: (value: number | null | undefined) => string;
}

/** Builds formatters for the given BCP 47 locale; a missing value becomes an em dash. */
export function formattersFor(locale: string): Formatters {
  const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "medium" });
  // "negative" shows -0, and negatives that round to 0, as 0 rather than -0.
  const numberFormat = new Intl.NumberFormat(locale, { signDisplay: "negative" });
  // "exceptZero" also shows a difference that rounds to 0 as plain 0.
  const differenceFormat = new Intl.NumberFormat(locale, { signDisplay: "exceptZero" });

  return {
    dateTime: (iso) => (iso ? dateTimeFormat.format(new Date(iso)) : "—"),
    number: (value) => (value === null || value === undefined ? "—" : numberFormat.format(value)),
    difference: (value) => (value === null || value === undefined ? "—" : differenceFormat.format(value)),
    bytes: (value) => {
      if (value === null || value === undefined) {
        return "—";
      }
      let unit = 0;
      let scaled = value;
      while (scaled >= 1000 && unit < BYTE_UNITS.length - 1) {
        scaled /= 1000;
        unit += 1;
      }
      const format = new Intl.NumberFormat(locale, {
        style: "unit",
        unit: BYTE_UNITS[unit],
        unitDisplay: "short",
        maximumFractionDigits: unit === 0 ? 0 : 1,
      });
      return format.format(scaled);
    },
  };
}

/** Returns formatters for the active language, rebuilt when it changes. */
export function useFormat(): Formatters {
  const { i18n } = useTranslation();
  return useMemo(() => formattersFor(i18n.language), [i18n.language]);
}
