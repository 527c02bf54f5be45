import { Button, Checkbox, Input, Select, Space, Switch, Tabs, Typography } from "antd";
import { memo, useCallback, useEffect, useId, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import { NumberInput } from "../common/NumberInput";
import { useFormat } from "../i18n/format";
import { boundsText, defaultsOf, isObject, kindOf, nullableOf, resolve, setAt } from "./jsonSchema";
import type { JsonObject, JsonSchema, JsonValue, SchemaIssue } from "./jsonSchema";

type Path = (string | number)[];

interface SchemaFormProps {
  /** The root schema, with its `$defs`. */
  schema: JsonSchema;
  value: JsonValue;
  onChange: (value: JsonValue) => void;
  issues: SchemaIssue[];
  disabled?: boolean;
}

/**
 * Renders a form generated from a JSON Schema: a tab for the top-level settings and one for each
 * top-level object, nested objects as fieldsets, enums as selects, numbers with their bounds,
 * booleans as switches, nullable settings with a checkbox that sets them, and JSON text for anything
 * else. Every change hands the whole new document to `onChange`.
 */
export function SchemaForm({ schema, value, onChange, issues, disabled = false }: SchemaFormProps) {
  const { t } = useTranslation();
  // The change handler stays the same across renders, so fields whose value did not change skip rendering.
  const latest = useRef({ value, onChange });
  latest.current = { value, onChange };
  const change = useCallback(
    (path: Path, next: JsonValue | undefined) => latest.current.onChange(setAt(latest.current.value, path, next)),
    [],
  );
  const context: FormContext = useMemo(() => ({ root: schema, issues, disabled, change }), [schema, issues, disabled, change]);
  const root = resolve(schema, schema);
  const sections = sectionsOf(root, schema);
  const [active, setActive] = useState(GENERAL_SECTION);
  const labels = useLabels();

  // Only the open tab is rendered: a form of every setting at once took seconds to draw in jsdom.
  const items = sections.map((section) => {
    const count = issues.filter((issue) =>
      section.keys.some((key) => issue.path === key || issue.path.startsWith(`${key}.`)),
    ).length;
    const title = section.key === GENERAL_SECTION ? t("schemaForm.general") : (labels[section.key] ?? section.key);
    return {
      key: section.key,
      label: count > 0 ? t("schemaForm.sectionIssues", { section: title, count }) : title,
      children: <ObjectFields schema={root} value={value} path={[]} context={context} only={section.keys} />,
    };
  });
  return (
    <div className="schema-form">
      <Tabs size="small" activeKey={active} onChange={setActive} items={items} destroyOnHidden />
    </div>
  );
}

const GENERAL_SECTION = "general";

/** Splits the top-level settings into the general ones and one section per object setting, in schema order. */
function sectionsOf(root: JsonSchema, schema: JsonSchema): { key: string; keys: string[] }[] {
  const general: string[] = [];
  const objects: { key: string; keys: string[] }[] = [];
  for (const [key, property] of Object.entries(root.properties ?? {})) {
    if (kindOf(nullableOf(property, schema).inner, schema) === "object") {
      objects.push({ key, keys: [key] });
    } else {
      general.push(key);
    }
  }
  return general.length > 0 ? [{ key: GENERAL_SECTION, keys: general }, ...objects] : objects;
}

interface FormContext {
  root: JsonSchema;
  issues: SchemaIssue[];
  disabled: boolean;
  change: (path: Path, value: JsonValue | undefined) => void;
}

function pathText(path: Path): string {
  let text = "";
  for (const key of path) {
    if (typeof key === "number") {
      text = `${text}[${key}]`;
    } else {
      text = text === "" ? key : `${text}.${key}`;
    }
  }
  return text;
}

interface ObjectFieldsProps {
  schema: JsonSchema;
  value: JsonValue;
  path: Path;
  context: FormContext;
  /** The properties to show; all when left out. */
  only?: string[];
}

function ObjectFields({ schema, value, path, context, only }: ObjectFieldsProps) {
  const object = isObject(value) ? value : {};
  const entries = Object.entries(schema.properties ?? {}).filter(([key]) => only === undefined || only.includes(key));
  return (
    <>
      {entries.map(([key, property]) => (
        <Field
          key={key}
          name={key}
          schema={property}
          value={key in object ? (object[key] as JsonValue) : undefined}
          required={schema.required?.includes(key) ?? false}
          path={[...path, key]}
          context={context}
        />
      ))}
    </>
  );
}

interface FieldProps {
  name: string;
  schema: JsonSchema;
  /** Undefined when the document leaves the setting out, so the server's default applies. */
  value: JsonValue | undefined;
  required: boolean;
  path: Path;
  context: FormContext;
}

function useLabels(): Record<string, string> {
  const { t } = useTranslation();
  return t("configFields", { returnObjects: true }) as Record<string, string>;
}

function useLabel(name: string): string {
  return useLabels()[name] ?? name;
}

/** Collects the issues at or below a path as text, so a field renders again only when its own issues change. */
function issuesBelow(issues: SchemaIssue[], here: string): string {
  return JSON.stringify(
    issues.filter((issue) => issue.path === here || issue.path.startsWith(`${here}.`) || issue.path.startsWith(`${here}[`)),
  );
}

const Field = memo(FieldView, (previous, next) => {
  const here = pathText(next.path);
  return (
    previous.value === next.value &&
    previous.schema === next.schema &&
    previous.required === next.required &&
    pathText(previous.path) === here &&
    previous.context.root === next.context.root &&
    previous.context.disabled === next.context.disabled &&
    previous.context.change === next.context.change &&
    issuesBelow(previous.context.issues, here) === issuesBelow(next.context.issues, here)
  );
});

function FieldView({ name, schema, value, required, path, context }: FieldProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useId();
  const label = useLabel(name);
  const { inner, nullable } = nullableOf(schema, context.root);
  const kind = kindOf(inner, context.root);
  const here = pathText(path);
  const ownIssues = context.issues.filter((issue) => issue.path === here);
  const fallback = resolve(schema, context.root).default;
  const shown = value === undefined ? (fallback ?? null) : value;

  const help = [
    // The schema's descriptions are English; the catalogues translate those of the known fields.
    t(`configHelp.${name}`, { defaultValue: inner.description ?? "" }),
    kind === "integer" || kind === "number" ? boundsText(inner, (number) => format.number(number)) : "",
  ]
    .filter((part) => part)
    .join(" · ");

  const setNull = nullable && shown === null;
  const control =
    kind === "object" ? (
      <ObjectFields schema={inner} value={shown} path={path} context={context} />
    ) : (
      <Control id={id} kind={kind} schema={inner} value={shown} label={label} path={path} context={context} />
    );

  if (kind === "object") {
    return (
      <fieldset className="schema-fieldset">
        <legend>
          {label} <code className="schema-key">{name}</code>
        </legend>
        {nullable && (
          <Checkbox
            checked={!setNull}
            disabled={context.disabled}
            onChange={(event) => context.change(path, event.target.checked ? defaultsOf(inner, context.root) : null)}
          >
            {t("schemaForm.set", { name: label })}
          </Checkbox>
        )}
        {help && <Typography.Paragraph type="secondary">{help}</Typography.Paragraph>}
        {!setNull && control}
        <Issues issues={ownIssues} />
      </fieldset>
    );
  }

  return (
    <div className="schema-field">
      <label htmlFor={id} className="schema-label">
        {label}
        {required && <span aria-hidden="true"> *</span>} <code className="schema-key">{name}</code>
      </label>
      <Space wrap align="start">
        {nullable && (
          <Checkbox
            checked={!setNull}
            disabled={context.disabled}
            aria-label={t("schemaForm.set", { name: label })}
            onChange={(event) =>
              context.change(path, event.target.checked ? (defaultsOf(inner, context.root) ?? firstValue(inner)) : null)
            }
          >
            {setNull ? t("schemaForm.unset") : null}
          </Checkbox>
        )}
        {!setNull && control}
      </Space>
      {help && <div className="form-hint">{help}</div>}
      <Issues issues={ownIssues} />
    </div>
  );
}

/** Returns the first allowed value of a schema, for a nullable setting that is switched on. */
function firstValue(schema: JsonSchema): JsonValue {
  if (schema.enum && schema.enum.length > 0) {
    return schema.enum.find((choice) => choice !== null) ?? null;
  }
  switch (schema.type) {
    case "integer":
    case "number":
      return schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 0);
    case "boolean":
      return false;
    case "array":
      return [];
    case "object":
      return {};
    default:
      return "";
  }
}

function Issues({ issues }: { issues: SchemaIssue[] }) {
  const { t } = useTranslation();
  if (issues.length === 0) {
    return null;
  }
  return (
    <ul className="schema-issues" role="alert">
      {issues.map((issue, index) => (
        <li key={index}>{t(`schemaForm.rules.${issue.rule}`, { expected: issue.expected })}</li>
      ))}
    </ul>
  );
}

interface ControlProps {
  id: string;
  kind: ReturnType<typeof kindOf>;
  schema: JsonSchema;
  value: JsonValue;
  label: string;
  path: Path;
  context: FormContext;
}

function Control({ id, kind, schema, value, label, path, context }: ControlProps) {
  const { t } = useTranslation();
  const change = (next: JsonValue | undefined) => context.change(path, next);
  const disabled = context.disabled;

  switch (kind) {
    case "enum":
      return (
        <Select<string>
          id={id}
          disabled={disabled}
          value={value === null ? undefined : String(value)}
          onChange={(choice) => change(schema.enum?.find((option) => String(option) === choice) ?? choice)}
          options={(schema.enum ?? [])
            .filter((option) => option !== null)
            .map((option) => ({ value: String(option), label: String(option) }))}
          style={{ minWidth: 200 }}
        />
      );
    case "integer":
    case "number":
      return (
        <NumberInput<number>
          id={id}
          disabled={disabled}
          value={typeof value === "number" ? value : null}
          min={schema.minimum}
          max={schema.maximum}
          precision={kind === "integer" ? 0 : undefined}
          step={kind === "integer" ? 1 : undefined}
          onChange={(next) => change(next ?? null)}
          style={{ width: 200 }}
        />
      );
    case "boolean":
      return <Switch id={id} disabled={disabled} checked={value === true} onChange={(checked) => change(checked)} />;
    case "string":
      return (
        <Input
          id={id}
          disabled={disabled}
          value={typeof value === "string" ? value : ""}
          maxLength={schema.maxLength}
          onChange={(event) => change(event.target.value)}
          style={{ width: 260 }}
        />
      );
    case "enumList": {
      const items = schema.items ? resolve(schema.items, context.root) : {};
      return (
        <Select<string[]>
          id={id}
          mode="multiple"
          disabled={disabled}
          value={Array.isArray(value) ? value.map(String) : []}
          onChange={(choices) => change(choices)}
          options={(items.enum ?? []).map((option) => ({ value: String(option), label: String(option) }))}
          style={{ minWidth: 260 }}
        />
      );
    }
    case "numberList":
      return (
        <NumberList
          id={id}
          schema={schema}
          value={value}
          label={label}
          onChange={change}
          disabled={disabled}
          root={context.root}
        />
      );
    case "map":
      return <NumberMap id={id} value={value} label={label} onChange={change} disabled={disabled} />;
    default:
      return <JsonField id={id} value={value} onChange={change} disabled={disabled} invalidText={t("schemaForm.invalidJson")} />;
  }
}

interface ListProps {
  id: string;
  value: JsonValue;
  label: string;
  onChange: (value: JsonValue) => void;
  disabled: boolean;
}

function NumberList({
  id,
  schema,
  value,
  label,
  onChange,
  disabled,
  root,
}: ListProps & { schema: JsonSchema; root: JsonSchema }) {
  const { t } = useTranslation();
  const items = schema.items ? resolve(schema.items, root) : {};
  const list = Array.isArray(value) ? value : [];
  const integer = items.type === "integer";

  return (
    <Space wrap id={id} role="group" aria-label={label}>
      {list.map((item, index) => (
        <Space.Compact key={index}>
          <NumberInput<number>
            aria-label={t("schemaForm.item", { name: label, index: index + 1 })}
            disabled={disabled}
            value={typeof item === "number" ? item : null}
            precision={integer ? 0 : undefined}
            min={items.minimum}
            max={items.maximum}
            onChange={(next) => onChange(list.map((other, at) => (at === index ? (next ?? 0) : other)))}
            style={{ width: 110 }}
          />
          <Button
            disabled={disabled}
            aria-label={t("schemaForm.removeItem", { name: label, index: index + 1 })}
            onClick={() => onChange(list.filter((_, at) => at !== index))}
          >
            ×
          </Button>
        </Space.Compact>
      ))}
      <Button
        size="small"
        disabled={disabled || (schema.maxItems !== undefined && list.length >= schema.maxItems)}
        onClick={() => onChange([...list, typeof list[list.length - 1] === "number" ? (list[list.length - 1] as number) : 1])}
      >
        {t("schemaForm.addItem")}
      </Button>
    </Space>
  );
}

function NumberMap({ id, value, label, onChange, disabled }: ListProps) {
  const { t } = useTranslation();
  const entries = Object.entries(isObject(value) ? value : {});
  const write = (next: [string, JsonValue][]) => onChange(Object.fromEntries(next) as JsonObject);

  return (
    <Space orientation="vertical" id={id} role="group" aria-label={label}>
      {entries.map(([key, item], index) => (
        <Space key={index}>
          <Input
            aria-label={t("schemaForm.mapKey", { name: label, index: index + 1 })}
            disabled={disabled}
            value={key}
            onChange={(event) => write(entries.map((entry, at) => (at === index ? [event.target.value, entry[1]] : entry)))}
            style={{ width: 140 }}
          />
          <NumberInput<number>
            aria-label={t("schemaForm.mapValue", { name: label, index: index + 1 })}
            disabled={disabled}
            value={typeof item === "number" ? item : null}
            onChange={(next) => write(entries.map((entry, at) => (at === index ? [entry[0], next ?? 0] : entry)))}
          />
          <Button disabled={disabled} onClick={() => write(entries.filter((_, at) => at !== index))}>
            {t("common.remove")}
          </Button>
        </Space>
      ))}
      <Button size="small" disabled={disabled} onClick={() => write([...entries, [String(entries.length), 1]])}>
        {t("schemaForm.addEntry")}
      </Button>
    </Space>
  );
}

function JsonField({
  id,
  value,
  onChange,
  disabled,
  invalidText,
}: {
  id: string;
  value: JsonValue;
  onChange: (value: JsonValue) => void;
  disabled: boolean;
  invalidText: string;
}) {
  const [text, setText] = useState(JSON.stringify(value));
  const [invalid, setInvalid] = useState(false);

  useEffect(() => {
    setText(JSON.stringify(value));
    setInvalid(false);
  }, [value]);

  return (
    <div>
      <Input.TextArea
        id={id}
        disabled={disabled}
        rows={2}
        className="code-input"
        value={text}
        status={invalid ? "error" : undefined}
        onChange={(event) => {
          setText(event.target.value);
          try {
            onChange(JSON.parse(event.target.value) as JsonValue);
            setInvalid(false);
          } catch {
            setInvalid(true);
          }
        }}
        style={{ width: 320 }}
      />
      {invalid && <div className="schema-issues">{invalidText}</div>}
    </div>
  );
}
