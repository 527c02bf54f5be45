/** A JSON value in a configuration document. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** The part of JSON Schema (draft 2020-12, as pydantic writes it) that the form understands. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: JsonValue;
  enum?: JsonValue[];
  const?: JsonValue;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Follows `$ref` (to `#/$defs/...` of the root) and a lone `allOf`, keeping the referring schema's own keys. */
export function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let current = schema;
  for (let depth = 0; depth < 32; depth += 1) {
    if (current.$ref) {
      const name = current.$ref.replace(/^#\/\$defs\//, "");
      const target = root.$defs?.[name];
      if (!target) {
        return current;
      }
      const { $ref: _reference, ...own } = current;
      current = { ...target, ...own };
    } else if (current.allOf && current.allOf.length === 1 && current.allOf[0]) {
      const { allOf, ...own } = current;
      current = { ...allOf[0], ...own };
    } else {
      return current;
    }
  }
  return current;
}

function isNullSchema(schema: JsonSchema): boolean {
  return schema.type === "null";
}

/** Splits `anyOf: [X, {type: null}]` into X and whether null is allowed. */
export function nullableOf(schema: JsonSchema, root: JsonSchema): { inner: JsonSchema; nullable: boolean } {
  const resolved = resolve(schema, root);
  const choices = resolved.anyOf ?? resolved.oneOf;
  if (choices && choices.length === 2 && choices.some(isNullSchema)) {
    const other = choices.find((choice) => !isNullSchema(choice)) as JsonSchema;
    const { anyOf: _anyOf, oneOf: _oneOf, ...own } = resolved;
    return { inner: resolve({ ...other, ...own, default: undefined }, root), nullable: true };
  }
  return { inner: resolved, nullable: false };
}

export type FieldKind =
  "object" | "map" | "enum" | "enumList" | "integer" | "number" | "numberList" | "string" | "boolean" | "json";

/** Chooses the control for a (resolved, non-null) schema; anything the form cannot edit is edited as JSON text. */
export function kindOf(schema: JsonSchema, root: JsonSchema): FieldKind {
  if (schema.enum) {
    return "enum";
  }
  switch (schema.type) {
    case "object":
      if (schema.properties) {
        return "object";
      }
      return isObject(schema.additionalProperties) &&
        ["number", "integer"].includes(String(resolve(schema.additionalProperties, root).type))
        ? "map"
        : "json";
    case "integer":
      return "integer";
    case "number":
      return "number";
    case "string":
      return "string";
    case "boolean":
      return "boolean";
    case "array": {
      const items = schema.items ? resolve(schema.items, root) : {};
      if (items.enum) {
        return "enumList";
      }
      return items.type === "integer" || items.type === "number" ? "numberList" : "json";
    }
    default:
      return "json";
  }
}

/** Builds a value from the schema's defaults: every property with a default, and required objects filled in. */
export function defaultsOf(schema: JsonSchema, root: JsonSchema): JsonValue {
  const resolved = resolve(schema, root);
  if (resolved.default !== undefined) {
    return resolved.default;
  }
  if (resolved.properties) {
    const value: JsonObject = {};
    for (const [key, property] of Object.entries(resolved.properties)) {
      const filled = defaultsOf(property, root);
      if (filled !== undefined && filled !== null) {
        value[key] = filled;
      } else if (resolve(property, root).default === null) {
        value[key] = null;
      }
    }
    return value;
  }
  return null;
}

/** One broken rule of the schema, at a path such as `optimizer.learningRate`. */
export interface SchemaIssue {
  path: string;
  rule:
    | "type"
    | "required"
    | "enum"
    | "minimum"
    | "maximum"
    | "exclusiveMinimum"
    | "exclusiveMaximum"
    | "minItems"
    | "maxItems"
    | "minLength"
    | "maxLength"
    | "unknownKey";
  /** The bound, the expected type or the allowed values, as text. */
  expected: string;
}

function typeMatches(value: JsonValue, type: string): boolean {
  switch (type) {
    case "null":
      return value === null;
    case "boolean":
      return typeof value === "boolean";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "string":
      return typeof value === "string";
    case "array":
      return Array.isArray(value);
    case "object":
      return isObject(value);
    default:
      return true;
  }
}

function join(path: string, key: string | number): string {
  if (typeof key === "number") {
    return `${path}[${key}]`;
  }
  return path === "" ? key : `${path}.${key}`;
}

/**
 * Checks a value against the schema and lists every broken rule. It covers what the form can
 * break (types, enums, bounds, lengths, required and unknown keys); the server checks the rest.
 */
export function validate(value: JsonValue, schema: JsonSchema, root: JsonSchema, path = ""): SchemaIssue[] {
  const resolved = resolve(schema, root);
  const choices = resolved.anyOf ?? resolved.oneOf;
  if (choices) {
    const results = choices.map((choice) => validate(value, choice, root, path));
    const passing = results.find((issues) => issues.length === 0);
    if (passing) {
      return [];
    }
    // Report the choice whose type fits, or else the first.
    const fitting = results.find((issues) => !issues.some((issue) => issue.path === path && issue.rule === "type"));
    return fitting ?? results[0] ?? [];
  }

  const types = resolved.type === undefined ? [] : Array.isArray(resolved.type) ? resolved.type : [resolved.type];
  if (types.length > 0 && !types.some((type) => typeMatches(value, type))) {
    return [{ path, rule: "type", expected: types.join(" | ") }];
  }
  if (resolved.enum && !resolved.enum.some((choice) => JSON.stringify(choice) === JSON.stringify(value))) {
    return [{ path, rule: "enum", expected: resolved.enum.map((choice) => JSON.stringify(choice)).join(", ") }];
  }

  const issues: SchemaIssue[] = [];
  if (typeof value === "number") {
    if (resolved.minimum !== undefined && value < resolved.minimum) {
      issues.push({ path, rule: "minimum", expected: String(resolved.minimum) });
    }
    if (resolved.maximum !== undefined && value > resolved.maximum) {
      issues.push({ path, rule: "maximum", expected: String(resolved.maximum) });
    }
    if (resolved.exclusiveMinimum !== undefined && value <= resolved.exclusiveMinimum) {
      issues.push({ path, rule: "exclusiveMinimum", expected: String(resolved.exclusiveMinimum) });
    }
    if (resolved.exclusiveMaximum !== undefined && value >= resolved.exclusiveMaximum) {
      issues.push({ path, rule: "exclusiveMaximum", expected: String(resolved.exclusiveMaximum) });
    }
  }
  if (typeof value === "string") {
    if (resolved.minLength !== undefined && value.length < resolved.minLength) {
      issues.push({ path, rule: "minLength", expected: String(resolved.minLength) });
    }
    if (resolved.maxLength !== undefined && value.length > resolved.maxLength) {
      issues.push({ path, rule: "maxLength", expected: String(resolved.maxLength) });
    }
  }
  if (Array.isArray(value)) {
    if (resolved.minItems !== undefined && value.length < resolved.minItems) {
      issues.push({ path, rule: "minItems", expected: String(resolved.minItems) });
    }
    if (resolved.maxItems !== undefined && value.length > resolved.maxItems) {
      issues.push({ path, rule: "maxItems", expected: String(resolved.maxItems) });
    }
    if (resolved.items) {
      value.forEach((item, index) => issues.push(...validate(item, resolved.items as JsonSchema, root, join(path, index))));
    }
  }
  if (isObject(value)) {
    for (const key of resolved.required ?? []) {
      if (!(key in value)) {
        issues.push({ path: join(path, key), rule: "required", expected: key });
      }
    }
    for (const [key, item] of Object.entries(value)) {
      const property = resolved.properties?.[key];
      if (property) {
        issues.push(...validate(item, property, root, join(path, key)));
      } else if (isObject(resolved.additionalProperties)) {
        issues.push(...validate(item, resolved.additionalProperties, root, join(path, key)));
      } else if (resolved.additionalProperties === false) {
        issues.push({ path: join(path, key), rule: "unknownKey", expected: Object.keys(resolved.properties ?? {}).join(", ") });
      }
    }
  }
  return issues;
}

/** Returns a copy of `document` with the value at `path` (a list of keys) replaced. */
export function setAt(document: JsonValue, path: readonly (string | number)[], value: JsonValue | undefined): JsonValue {
  if (path.length === 0) {
    return value ?? null;
  }
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (typeof head === "number") {
    const list = Array.isArray(document) ? [...document] : [];
    list[head] = setAt(list[head] ?? null, rest, value);
    return list;
  }
  const object: JsonObject = isObject(document) ? { ...document } : {};
  if (value === undefined && rest.length === 0) {
    delete object[head];
    return object;
  }
  object[head] = setAt(object[head] ?? null, rest, value);
  return object;
}

/** Describes a number's bounds, such as `0 < x ≤ 10`; empty when it has none. */
export function boundsText(schema: JsonSchema, number: (value: number) => string): string {
  const low =
    schema.exclusiveMinimum !== undefined
      ? `${number(schema.exclusiveMinimum)} <`
      : schema.minimum !== undefined
        ? `${number(schema.minimum)} ≤`
        : "";
  const high =
    schema.exclusiveMaximum !== undefined
      ? `< ${number(schema.exclusiveMaximum)}`
      : schema.maximum !== undefined
        ? `≤ ${number(schema.maximum)}`
        : "";
  return low === "" && high === "" ? "" : [low, "x", high].filter((part) => part !== "").join(" ");
}
