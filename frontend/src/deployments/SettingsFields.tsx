import { Form } from "antd";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { NumberInput } from "../common/NumberInput";
import type { ApiProblem } from "../api/errors";
import type { BatchingInput, DeploymentConfigFieldsFragment, ScalingInput, UpdateDeploymentInput } from "../gql/graphql";
import { useFormat } from "../i18n/format";
import { useMeasures } from "../i18n/measures";
import { FieldProblems } from "../training/fieldErrors";

/** The scaling, CPU, batching and logging settings as the form edits them; null is an empty field. */
export interface SettingsValues {
  minReplicas: number | null;
  maxReplicas: number | null;
  targetOngoingRequests: number | null;
  cpusPerReplica: number | null;
  maxBatchSize: number | null;
  batchWaitMs: number | null;
  /** The request-log sample as a percent from 0 to 100; the API takes a fraction from 0 to 1. */
  requestLogPercent: number | null;
}

export type SettingsField = keyof SettingsValues;

export const EMPTY_SETTINGS: SettingsValues = {
  minReplicas: null,
  maxReplicas: null,
  targetOngoingRequests: null,
  cpusPerReplica: null,
  maxBatchSize: null,
  batchWaitMs: null,
  requestLogPercent: null,
};

// The values the server takes for a field left empty in createDeployment: backend/domain/deployments.py
// (DEFAULT_SCALING, DEFAULT_CPUS, DEFAULT_BATCHING, DEFAULT_REQUEST_LOG_SAMPLE). Only the help text shows them.
const SERVER_DEFAULTS: SettingsValues = {
  minReplicas: 1,
  maxReplicas: 1,
  targetOngoingRequests: 2,
  cpusPerReplica: 0.25,
  maxBatchSize: 16,
  batchWaitMs: 5,
  requestLogPercent: 10,
};

const FIELD_OF_PATH: Record<string, SettingsField> = {
  "scaling.minReplicas": "minReplicas",
  "scaling.maxReplicas": "maxReplicas",
  "scaling.targetOngoingRequests": "targetOngoingRequests",
  cpusPerReplica: "cpusPerReplica",
  "batching.maxBatchSize": "maxBatchSize",
  "batching.batchWaitMs": "batchWaitMs",
  requestLogSample: "requestLogPercent",
};

/** Maps the field path of a createDeployment or updateDeployment error to the settings field that sets it, or null. */
export function settingsFieldOf(path: string): SettingsField | null {
  return FIELD_OF_PATH[path] ?? null;
}

/** Converts a percent to the API's fraction, rounded to 6 decimal places so 7 % is sent as 0.07, not 0.07000000000000001. */
export function shareOfPercent(percent: number): number {
  return Math.round(percent * 10_000) / 1_000_000;
}

/** Converts the API's fraction to a percent, rounded to 4 decimal places. */
export function percentOfShare(share: number): number {
  return Math.round(share * 1_000_000) / 10_000;
}

/** Returns a configuration's settings as the form shows them. */
export function settingsOfConfig(config: DeploymentConfigFieldsFragment): SettingsValues {
  return {
    minReplicas: config.scaling.minReplicas,
    maxReplicas: config.scaling.maxReplicas,
    targetOngoingRequests: config.scaling.targetOngoingRequests,
    cpusPerReplica: config.cpusPerReplica,
    maxBatchSize: config.batching.maxBatchSize,
    batchWaitMs: config.batching.batchWaitMs,
    requestLogPercent: percentOfShare(config.requestLogSample),
  };
}

/** Returns true when the percent field contains a value outside 0 to 100, checked here because the API's unit differs. */
export function percentOutOfRange(values: SettingsValues): boolean {
  const percent = values.requestLogPercent;
  return percent !== null && (percent < 0 || percent > 100);
}

/** The settings that take whole numbers; the API's Int is 32-bit. */
const WHOLE_NUMBER_FIELDS: SettingsField[] = ["minReplicas", "maxReplicas", "maxBatchSize"];
const MAX_INT = 2 ** 31 - 1;

/** Returns whether a whole-number setting contains a fraction or a number beyond the API's 32-bit Int. */
export function notWholeNumber(values: SettingsValues, field: SettingsField): boolean {
  const value = values[field];
  return WHOLE_NUMBER_FIELDS.includes(field) && value !== null && (!Number.isInteger(value) || Math.abs(value) > MAX_INT);
}

/** Returns whether any setting has a value the browser can already tell is invalid, which blocks sending. */
export function invalidSettings(values: SettingsValues): boolean {
  return percentOutOfRange(values) || WHOLE_NUMBER_FIELDS.some((field) => notWholeNumber(values, field));
}

function presentOnly<T extends object>(entries: T): T | null {
  const present = Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== null && value !== undefined));
  return Object.keys(present).length > 0 ? (present as T) : null;
}

/**
 * Builds the settings part of a createDeployment input. Empty fields are left out, and a group
 * with no field filled is null, so the server applies its defaults.
 */
export function createSettingsInput(values: SettingsValues) {
  const scaling: ScalingInput | null = presentOnly({
    minReplicas: values.minReplicas,
    maxReplicas: values.maxReplicas,
    targetOngoingRequests: values.targetOngoingRequests,
  });
  const batching: BatchingInput | null = presentOnly({ maxBatchSize: values.maxBatchSize, batchWaitMs: values.batchWaitMs });
  return {
    scaling,
    batching,
    cpusPerReplica: values.cpusPerReplica,
    requestLogSample: values.requestLogPercent === null ? null : shareOfPercent(values.requestLogPercent),
  };
}

/**
 * Builds an updateDeployment input with only the settings that differ from `current`, so a
 * change someone else saved meanwhile to another setting is kept. Empty fields count as unchanged.
 */
export function changedSettingsInput(values: SettingsValues, current: SettingsValues): UpdateDeploymentInput {
  const changed = (field: SettingsField) => (values[field] !== null && values[field] !== current[field] ? values[field] : null);
  const input: UpdateDeploymentInput = {};
  const scaling = presentOnly({
    minReplicas: changed("minReplicas"),
    maxReplicas: changed("maxReplicas"),
    targetOngoingRequests: changed("targetOngoingRequests"),
  });
  if (scaling) {
    input.scaling = scaling;
  }
  const batching = presentOnly({ maxBatchSize: changed("maxBatchSize"), batchWaitMs: changed("batchWaitMs") });
  if (batching) {
    input.batching = batching;
  }
  const cpus = changed("cpusPerReplica");
  if (cpus !== null) {
    input.cpusPerReplica = cpus;
  }
  const percent = changed("requestLogPercent");
  if (percent !== null) {
    input.requestLogSample = shareOfPercent(percent);
  }
  return input;
}

interface FieldSpec {
  field: SettingsField;
  /** Whole numbers only. */
  integer: boolean;
  /** The unit shown after the value: a key under `common` for a word to translate, or a symbol shown as it is. */
  unit?: "milliseconds" | "%";
}

const GROUPS: { legend: "scaling" | "resources" | "batching" | "requestLog"; fields: FieldSpec[] }[] = [
  {
    legend: "scaling",
    fields: [
      { field: "minReplicas", integer: true },
      { field: "maxReplicas", integer: true },
      { field: "targetOngoingRequests", integer: false },
    ],
  },
  { legend: "resources", fields: [{ field: "cpusPerReplica", integer: false }] },
  {
    legend: "batching",
    fields: [
      { field: "maxBatchSize", integer: true },
      { field: "batchWaitMs", integer: false, unit: "milliseconds" },
    ],
  },
  { legend: "requestLog", fields: [{ field: "requestLogPercent", integer: false, unit: "%" }] },
];

interface SettingsFieldsProps {
  /** Prefixes the inputs' ids, so each label names its input. */
  idPrefix: string;
  values: SettingsValues;
  onChange: (values: SettingsValues) => void;
  /** The server's problems on each field. */
  problems: Partial<Record<SettingsField, ApiProblem[]>>;
  /** "create" explains that an empty field takes the server default; "edit" requires every field. */
  mode: "create" | "edit";
  disabled?: boolean;
}

/** Renders the scaling, CPU, batching and request-log fields with their help text and problems, grouped in fieldsets. */
export function SettingsFields({ idPrefix, values, onChange, problems, mode, disabled = false }: SettingsFieldsProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const measures = useMeasures();

  const defaultText = (field: SettingsField) => {
    const value = SERVER_DEFAULTS[field] ?? 0;
    if (field === "batchWaitMs") {
      return measures.milliseconds(value);
    }
    if (field === "requestLogPercent") {
      return measures.percent(value / 100);
    }
    return format.number(value);
  };

  const problemOf = (field: SettingsField): ReactNode => {
    if (problems[field]) {
      return <FieldProblems problems={problems[field]} />;
    }
    if (mode === "edit" && values[field] === null) {
      return <div role="alert">{t("deploymentSettings.required")}</div>;
    }
    if (notWholeNumber(values, field)) {
      return <div role="alert">{t("deploymentSettings.wholeNumber", { value: values[field] })}</div>;
    }
    if (field === "requestLogPercent" && percentOutOfRange(values)) {
      return <div role="alert">{t("deploymentSettings.percentRange", { value: format.number(values.requestLogPercent) })}</div>;
    }
    return null;
  };

  const helpOf = (field: SettingsField): ReactNode => {
    const help = t(`deploymentSettings.help.${field}`);
    return mode === "create" ? `${help} ${t("deploymentSettings.emptyDefault", { value: defaultText(field) })}` : help;
  };

  return (
    <>
      {GROUPS.map((group) => (
        <fieldset key={group.legend} className="settings-group">
          <legend>{t(`deploymentSettings.groups.${group.legend}`)}</legend>
          {group.fields.map(({ field, integer, unit }) => {
            const problem = problemOf(field);
            return (
              <Form.Item
                key={field}
                label={t(`deploymentSettings.labels.${field}`)}
                htmlFor={`${idPrefix}-${field}`}
                required={mode === "edit"}
                validateStatus={problem ? "error" : undefined}
                help={problem ?? helpOf(field)}
              >
                <NumberInput<number>
                  id={`${idPrefix}-${field}`}
                  value={values[field]}
                  onChange={(value) => onChange({ ...values, [field]: value ?? null })}
                  step={integer ? 1 : undefined}
                  placeholder={mode === "create" ? format.number(SERVER_DEFAULTS[field]) : undefined}
                  suffix={unit === "milliseconds" ? t("common.milliseconds") : unit}
                  disabled={disabled}
                  style={{ width: 200 }}
                />
              </Form.Item>
            );
          })}
        </fieldset>
      ))}
    </>
  );
}
