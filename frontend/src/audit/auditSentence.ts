import type { i18n as I18n, TFunction } from "i18next";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";

import { describeOperation, type RecordedOperation } from "../datasets/describeOperation";
import { auditSummariesEn } from "../i18n/auditSummaries.en";
import { formattersFor } from "../i18n/format";
import { measuresFor } from "../i18n/measures";
import { formatSignalValue, signalUnit } from "../monitoring/signals";

type Summaries = typeof auditSummariesEn;
type Parameters = Record<string, unknown>;
/** Interpolation with a key built at run time, which the catalogue's typed `t` does not accept. */
type Translate = (key: string, options?: { replace?: Record<string, string>; count?: number }) => string;

/** A piece named like this is always part of the sentence; any other piece only when its parameter is present. */
const FIXED_PIECE = /^text\d*$/;
const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/g;

/** Counts shown with their noun, such as "3 rows" or "3 行", by parameter name. */
const COUNTED: Record<string, string> = {
  rows: "rows",
  rowsTotal: "rows",
  trainRows: "rows",
  validationRows: "rows",
  columns: "columns",
  replicas: "replicas",
  maxReplicas: "replicas",
  epochs: "epochs",
  workers: "workers",
  requests: "requests",
  layers: "layers",
  parameters: "parameters",
  points: "metricPoints",
  histograms: "histograms",
  missingCells: "missingCells",
  unusedDays: "days",
  scheduleMinutes: "minutes",
  windowSeconds: "seconds",
  forSeconds: "seconds",
};

/** Numbers that name something (a version, an attempt, an HTTP status), so they get no digit grouping. */
const ORDINALS = new Set([
  "number",
  "previousNumber",
  "parentNumber",
  "versionNumber",
  "revision",
  "configRevision",
  "attempt",
  "epoch",
  "resumeEpoch",
  "trial",
  "incident",
  "position",
  "statusCode",
  "step",
]);

/** Catalogue sections that name the values of an enumerated parameter; a value they lack is shown as sent. */
const VALUE_NAMES: Record<string, { section: string; upperCase?: boolean }> = {
  role: { section: "roles", upperCase: true },
  previousRole: { section: "roles", upperCase: true },
  task: { section: "tasks", upperCase: true },
  severity: { section: "alerts.severity", upperCase: true },
  targetKind: { section: "alerts.targetKinds", upperCase: true },
  subjectKind: { section: "alerts.targetKinds", upperCase: true },
  signal: { section: "signals.names" },
  endReason: { section: "alerts.endReasons", upperCase: true },
  metric: { section: "evaluation.metricNames" },
  split: { section: "auditValues.splits" },
  status: { section: "auditValues.statuses" },
  kind: { section: "auditValues.reservedKinds" },
  consumerKind: { section: "auditValues.consumerKinds" },
};

const DATE_TIMES = new Set(["until", "nextAttemptAt"]);

function isAggregate(name: string): name is keyof Summaries {
  return Object.hasOwn(auditSummariesEn, name);
}

function isParameters(value: unknown): value is Parameters {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPresent(value: unknown): boolean {
  return value !== null && value !== undefined && value !== false && !(Array.isArray(value) && value.length === 0);
}

function recordsOf(value: unknown): Parameters[] {
  return Array.isArray(value) ? value.filter(isParameters) : [];
}

/** Returns the catalogue key of an action's sentence, or null for an action the catalogue lacks. */
export function summaryKey(action: string): string | null {
  const [aggregate = "", event = "", ...rest] = action.split(".");
  if (rest.length > 0 || !isAggregate(aggregate) || !Object.hasOwn(auditSummariesEn[aggregate], event)) {
    return null;
  }
  return `auditSummaries.${aggregate}.${event}`;
}

/** Returns the names of the placeholders in a template, such as ["model", "number"]. */
export function placeholdersOf(template: string): string[] {
  return Array.from(template.matchAll(PLACEHOLDER), (match) => match[1] ?? "");
}

/** Returns the pieces of an action's sentence in the language's order, each as [piece name or null, template]. */
function piecesOf(i18n: I18n, key: string): [string | null, string][] {
  const template: unknown = i18n.getResource(i18n.language, "translation", key);
  if (typeof template === "string") {
    return [[null, template]];
  }
  if (!isParameters(template)) {
    return [];
  }
  return Object.entries(template).flatMap(([piece, text]) =>
    typeof text === "string" ? [[piece, text] as [string, string]] : [],
  );
}

/** Writes an audit entry's sentence from its action and summary parameters; null when it cannot. */
export type AuditSentenceWriter = (action: string, parameters: unknown) => string | null;

/**
 * Builds the formatter of one summary parameter for the i18n instance's active language: counts
 * with their noun, numbers, sizes, dates and enumerated values as the page's language writes them.
 */
function parameterFormatter(i18n: I18n, t: TFunction): (name: string, value: unknown) => string {
  const translate = t as unknown as Translate;
  const locale = i18n.language;
  const formatters = formattersFor(locale);
  const decimal = new Intl.NumberFormat(locale, { maximumSignificantDigits: 6 });
  const fourDigits = new Intl.NumberFormat(locale, { maximumSignificantDigits: 4 });
  const percent = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 });
  const day = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" });
  const separator = translate("operationText.separator");

  // A value the section lacks is shown as the server sent it.
  const named = (section: string, value: string, upperCase = false) => {
    const key = `${section}.${upperCase ? value.toUpperCase() : value}`;
    return i18n.exists(key) ? translate(key) : value;
  };

  const number = (value: number) => (Number.isInteger(value) ? formatters.number(value) : decimal.format(value));

  const signalMeasures = measuresFor(locale);

  // A signal's value gets its unit (15.4 ms, 5%, 2/s); a metric's value is a bare number.
  const measures = (value: unknown, section: string) =>
    recordsOf(value)
      .map((measure) => {
        const name = String(measure.name);
        const shown =
          typeof measure.value !== "number"
            ? String(measure.value)
            : section === "signals.names"
              ? formatSignalValue(t, signalMeasures, measure.value, signalUnit(name))
              : fourDigits.format(measure.value);
        return translate("auditValues.measure", { replace: { name: named(section, name), value: shown } });
      })
      .join(separator);

  const list = (name: string, value: unknown[]): string => {
    switch (name) {
      case "scopes":
        return value.map((scope) => named("scopes", String(scope), true)).join(separator);
      case "changes":
        return value.map((field) => named("auditValues.fields", String(field))).join(separator);
      case "operations":
        return recordsOf(value)
          .map((operation) => describeOperation(t, formatters.number, operation as unknown as RecordedOperation))
          .join(translate("operationText.stepSeparator"));
      case "traffic":
        return recordsOf(value)
          .map((share) =>
            translate("auditValues.trafficShare", {
              replace: { version: String(share.version), percent: percent.format(Number(share.percent) / 100) },
            }),
          )
          .join(separator);
      case "callers":
        return recordsOf(value)
          .map((caller) =>
            translate("auditValues.caller", {
              replace: { name: String(caller.name), requests: formatters.number(Number(caller.requests)) },
            }),
          )
          .join(separator);
      case "metrics":
        return measures(value, "evaluation.metricNames");
      case "values":
        return measures(value, "signals.names");
      default:
        return value.map(String).join(separator);
    }
  };

  const format = (name: string, value: unknown): string => {
    if (value === null || value === undefined) {
      return "—";
    }
    if (Array.isArray(value)) {
      return list(name, value);
    }
    if (typeof value === "number") {
      const noun = COUNTED[name];
      if (noun !== undefined) {
        return translate(`auditValues.counts.${noun}`, { count: value, replace: { count: formatters.number(value) } });
      }
      if (name === "size") {
        return formatters.bytes(value);
      }
      if (name === "percent") {
        return percent.format(value / 100);
      }
      return ORDINALS.has(name) ? String(value) : number(value);
    }
    if (typeof value === "string") {
      if (DATE_TIMES.has(name)) {
        return formatters.dateTime(value);
      }
      if (name === "day") {
        const parsed = new Date(`${value}T00:00:00Z`);
        return Number.isNaN(parsed.getTime()) ? value : day.format(parsed);
      }
      const names = VALUE_NAMES[name];
      if (names !== undefined) {
        return named(names.section, value, names.upperCase);
      }
      return value;
    }
    return typeof value === "boolean" ? "" : JSON.stringify(value);
  };

  return format;
}

/**
 * Builds the writer of audit sentences for the i18n instance's active language. It returns null when
 * the catalogue lacks the action or the parameters lack a value one of the sentence's pieces names.
 */
export function auditSentenceWriter(i18n: I18n, t: TFunction): AuditSentenceWriter {
  const translate = t as unknown as Translate;
  const format = parameterFormatter(i18n, t);
  const measures = measuresFor(i18n.language);

  return (action: string, parameters: unknown): string | null => {
    const key = summaryKey(action);
    if (key === null || !isParameters(parameters)) {
      return null;
    }
    const shown = piecesOf(i18n, key).filter(
      ([piece]) => piece === null || FIXED_PIECE.test(piece) || isPresent(parameters[piece]),
    );
    const needed = new Set(shown.flatMap(([, template]) => placeholdersOf(template)));
    if (shown.length === 0 || [...needed].some((name) => !Object.hasOwn(parameters, name))) {
      return null;
    }
    const replace = Object.fromEntries([...needed].map((name) => [name, format(name, parameters[name])]));
    // An alert rule's threshold and an alert's value are values of the rule's signal, so they take the
    // signal's unit: 500 ms, or 5% for 0.05.
    const { signal } = parameters;
    for (const name of ["threshold", "value"]) {
      const measured = parameters[name];
      if (needed.has(name) && typeof signal === "string" && typeof measured === "number") {
        replace[name] = formatSignalValue(t, measures, measured, signalUnit(signal));
      }
    }
    return shown.map(([piece]) => translate(piece === null ? key : `${key}.${piece}`, { replace })).join("");
  };
}

/** Returns the writer of audit sentences for the active language, rebuilt when it changes. */
export function useAuditSentence(): AuditSentenceWriter {
  const { t, i18n } = useTranslation();
  return useMemo(() => auditSentenceWriter(i18n, t), [i18n, t, i18n.language]);
}
