import { Button, Descriptions, Form, Input, Radio, Select, Space, Typography } from "antd";
import type { TFunction } from "i18next";
import { useId, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useClient, useMutation } from "urql";
import type { CombinedError } from "urql";

import type { ApiProblem } from "../api/errors";
import { ErrorDisplay } from "../common/ErrorDisplay";
import type { DeploymentFieldsFragment, PredictMutation as PredictResult } from "../gql/graphql";
import { useFormat } from "../i18n/format";
import { DeploymentRequestLogQuery, PredictMutation } from "./documents";

type PayloadFormat = "instances" | "inputs";

/** Parses the payload text into its JSON value, or names the problem (a key under console.problems). */
export function parsePayload(
  text: string,
  payloadFormat: PayloadFormat,
): { value: unknown } | { problem: "empty" | "syntax" | "shape" } {
  if (text.trim() === "") {
    return { problem: "empty" };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: "syntax" };
  }
  // A whole REST body, {"instances": [...]}, as the README's curl example sends it, means its list.
  if (payloadFormat === "instances" && isRestBody(value)) {
    value = value.instances;
  }
  const fits = payloadFormat === "instances" ? Array.isArray(value) : typeof value === "object" && value !== null;
  return fits ? { value } : { problem: "shape" };
}

function isRestBody(value: unknown): value is { instances: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    "instances" in value
  );
}

/** Returns the first GraphQL error's extensions, where a prediction error states what the signature expects. */
function extensionsOf(error: CombinedError): Record<string, unknown> {
  return error.graphQLErrors[0]?.extensions ?? {};
}

function countOf(value: unknown): number | null {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : null;
}

/** The JSON types a payload error names, as JSON Schema calls them; only an expected value may be an integer. */
const JSON_TYPES = ["null", "boolean", "number", "integer", "string", "array", "object"] as const;
type JsonType = (typeof JSON_TYPES)[number];

function jsonTypeOf(value: unknown): JsonType | null {
  return JSON_TYPES.find((name) => name === value) ?? null;
}

function finiteOf(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** Writes a range limit in full up to a million and in scientific notation beyond, such as 3.4E38. */
function limitFormatter(locale: string): (value: number) => string {
  const plain = new Intl.NumberFormat(locale, { signDisplay: "negative" });
  const scientific = new Intl.NumberFormat(locale, { notation: "scientific", maximumSignificantDigits: 3 });
  return (value) => (Math.abs(value) < 1e6 ? plain.format(value) : scientific.format(value));
}

/**
 * Details a prediction error may carry beyond field and value: what the signature expects and what
 * arrived. A wrong number of values comes as counts (`expectedCount`, `receivedCount`), a number out
 * of range as the range (`expectedMinimum`, `expectedMaximum`) and a value of the wrong kind as JSON
 * types (`expectedType`, `receivedType`). The console states these in the active language. Other
 * details are the server's text.
 */
function signatureDetails(
  error: CombinedError,
  t: TFunction,
  formatNumber: (value: number) => string,
  formatLimit: (value: number) => string,
): { expected: string | null; received: string | null; sentence: string | null } {
  const extensions = extensionsOf(error);
  const text = (value: unknown): string | null => {
    if (value === undefined || value === null) {
      return null;
    }
    return typeof value === "string" ? value : JSON.stringify(value);
  };
  const values = (count: number) => t("console.valueCount", { count, formatted: formatNumber(count) });
  const expectedCount = countOf(extensions.expectedCount);
  const receivedCount = countOf(extensions.receivedCount);
  const expectedType = jsonTypeOf(extensions.expectedType);
  const receivedType = jsonTypeOf(extensions.receivedType);
  const minimum = finiteOf(extensions.expectedMinimum);
  const maximum = finiteOf(extensions.expectedMaximum);
  const field = typeof extensions.field === "string" ? extensions.field : "";

  if (expectedCount !== null && receivedCount !== null) {
    return {
      expected: values(expectedCount),
      received: values(receivedCount),
      sentence: t("console.countMismatch", { field, expected: values(expectedCount), received: values(receivedCount) }),
    };
  }
  if (minimum !== null && maximum !== null) {
    const expected = t("console.range", { minimum: formatLimit(minimum), maximum: formatLimit(maximum) });
    return { expected, received: null, sentence: t("console.outOfRange", { field, expected }) };
  }
  if (receivedType !== null && expectedType !== null && receivedType !== expectedType) {
    const received = t(`console.jsonTypes.${receivedType}`);
    const expected =
      expectedType === "array" && expectedCount !== null
        ? t("console.listOf", { values: values(expectedCount) })
        : t(`console.jsonTypes.${expectedType}`);
    return { expected, received, sentence: t("console.typeMismatch", { field, expected, received }) };
  }
  if (expectedCount !== null) {
    return {
      expected: values(expectedCount),
      received: text(extensions.received),
      sentence: t("console.listExpected", { field, expected: values(expectedCount) }),
    };
  }
  return { expected: text(extensions.expected), received: text(extensions.received), sentence: null };
}

/**
 * Calls the deployment through the GraphQL `predict` mutation with JSON rows (`instances`) or
 * columns (`inputs`), and shows the predictions or the server's error with its field and value.
 */
export function PredictConsole({ deployment }: { deployment: DeploymentFieldsFragment }) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const ids = useId();
  const client = useClient();
  const [payloadFormat, setPayloadFormat] = useState<PayloadFormat>("instances");
  const [version, setVersion] = useState<number | null>(null);
  const [text, setText] = useState("");
  const [result, setResult] = useState<PredictResult["predict"] | null>(null);
  const [error, setError] = useState<CombinedError | null>(null);
  const [noLoggedCall, setNoLoggedCall] = useState(false);
  const [{ fetching }, predict] = useMutation(PredictMutation);
  const traffic = deployment.activeConfig?.traffic ?? deployment.config.traffic;
  const parsed = parsePayload(text, payloadFormat);
  const problem = "problem" in parsed && parsed.problem !== "empty" ? parsed.problem : null;

  const send = async () => {
    if (!("value" in parsed)) {
      return;
    }
    const payload = payloadFormat === "instances" ? { instances: parsed.value } : { inputs: parsed.value };
    const response = await predict({ input: { deploymentId: deployment.id, version, ...payload } });
    setError(response.error ?? null);
    setResult(response.data?.predict ?? null);
    if (response.data?.predict) {
      // This call may be in the request log now, so the note that the log is empty no longer holds.
      setNoLoggedCall(false);
    }
  };

  const fillFromLog = async () => {
    const logged = await client
      .query(DeploymentRequestLogQuery, { id: deployment.id, first: 1 }, { requestPolicy: "network-only" })
      .toPromise();
    const entry = logged.data?.deployment.requestLog.nodes[0];
    setNoLoggedCall(false);
    if (entry) {
      setPayloadFormat("inputs");
      setText(JSON.stringify(entry.inputs, null, 2));
    } else if (logged.error) {
      setError(logged.error);
    } else {
      setNoLoggedCall(true);
    }
  };

  const formatLimit = useMemo(() => limitFormatter(i18n.language), [i18n.language]);
  const details = error ? signatureDetails(error, t, format.number, formatLimit) : null;
  // A count or type mismatch is stated in the active language in place of the server's English message and value.
  const translateDetail = (problem: ApiProblem, index: number): ApiProblem =>
    index === 0 && details?.sentence ? { ...problem, message: details.sentence, value: details.received } : problem;

  const payloadHint = payloadFormat === "instances" ? t("console.instancesLabel") : t("console.inputsLabel");

  return (
    <Form layout="vertical" className="predict-console" aria-label={t("console.title")} onFinish={() => void send()}>
      <Space wrap align="end" className="filters">
        <Form.Item label={t("console.version")} htmlFor={`${ids}-version`}>
          <Select<number | "SPLIT">
            id={`${ids}-version`}
            value={version ?? "SPLIT"}
            onChange={(choice) => setVersion(choice === "SPLIT" ? null : choice)}
            options={[
              { value: "SPLIT", label: t("console.followSplit") },
              ...traffic.map((entry) => ({
                value: entry.version,
                label: t("deployment.versionLabel", { version: entry.version }),
              })),
            ]}
            style={{ width: 220 }}
          />
        </Form.Item>
        <Form.Item>
          <Button onClick={() => void fillFromLog()}>{t("console.fillFromLog")}</Button>
        </Form.Item>
        {noLoggedCall && (
          <Form.Item>
            <Typography.Text type="secondary">{t("console.noLoggedCall")}</Typography.Text>
          </Form.Item>
        )}
      </Space>
      <Form.Item
        label={t("console.payload")}
        htmlFor={`${ids}-payload`}
        validateStatus={problem ? "error" : undefined}
        help={problem ? t(`console.problems.${problem}`) : undefined}
        extra={<span id={`${ids}-payload-hint`}>{payloadHint}</span>}
      >
        <Radio.Group
          aria-label={t("console.layout")}
          className="payload-layout"
          value={payloadFormat}
          onChange={(event) => setPayloadFormat(event.target.value as PayloadFormat)}
          options={[
            { value: "instances", label: t("console.instances") },
            { value: "inputs", label: t("console.inputs") },
          ]}
        />
        <Input.TextArea
          id={`${ids}-payload`}
          aria-describedby={`${ids}-payload-hint`}
          className="code-input"
          spellCheck={false}
          rows={8}
          value={text}
          placeholder={payloadFormat === "instances" ? "[[17.99, 10.38, …]]" : '{"features": [[17.99, 10.38, …]]}'}
          aria-invalid={problem !== null}
          onChange={(event) => {
            // The shown error and result belong to the text that was sent, not to the text being edited.
            setText(event.target.value);
            setError(null);
            setResult(null);
          }}
        />
      </Form.Item>
      <Button
        type="primary"
        htmlType="submit"
        loading={fetching}
        disabled={!("value" in parsed) || deployment.status === "STOPPED"}
        className="predict-send"
      >
        {t("console.send")}
      </Button>
      {error && <ErrorDisplay error={error} translateDetail={translateDetail} />}
      {/* A translated sentence already states both values, so only the server's own detail gets them listed below. */}
      {details && details.sentence === null && (details.expected || details.received) && (
        <Descriptions
          size="small"
          column={1}
          items={[
            ...(details.expected
              ? [{ key: "expected", label: t("console.expected"), children: <code>{details.expected}</code> }]
              : []),
            ...(details.received
              ? [{ key: "received", label: t("console.received"), children: <code>{details.received}</code> }]
              : []),
          ]}
        />
      )}
      {result && !error && (
        <section aria-label={t("console.result")} className="predict-result">
          <Typography.Title level={5}>
            {t("console.servedBy", { version: result.version, rows: format.number(result.rows), count: result.rows })}
          </Typography.Title>
          <pre className="json-block">{JSON.stringify(result.predictions ?? result.outputs, null, 2)}</pre>
        </section>
      )}
    </Form>
  );
}
