import { Alert, Col, Input, Row, Typography } from "antd";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import type { JsonSchema, JsonValue, SchemaIssue } from "./jsonSchema";
import { validate } from "./jsonSchema";
import { SchemaForm } from "./SchemaForm";

export interface EditedDocument {
  /** The last document that parsed; the form shows it. */
  document: JsonValue;
  /** False while the JSON text does not parse. */
  parses: boolean;
  issues: SchemaIssue[];
}

interface ConfigEditorProps {
  schema: JsonSchema;
  /** The document to start from; a new value (another revision) replaces what was typed. */
  initial: JsonValue;
  onChange: (edited: EditedDocument) => void;
  disabled?: boolean;
}

export function documentText(document: JsonValue): string {
  return JSON.stringify(document, null, 2);
}

/**
 * Shows the generated form beside the raw JSON, kept in step both ways: a form change rewrites the
 * text, and text that parses updates the form. Both show where the document breaks the schema.
 */
export function ConfigEditor({ schema, initial, onChange, disabled = false }: ConfigEditorProps) {
  const { t } = useTranslation();
  const ids = useId();
  const [document, setDocument] = useState<JsonValue>(initial);
  const [text, setText] = useState(() => documentText(initial));
  const [syntaxError, setSyntaxError] = useState<string | null>(null);
  const issues = useMemo(() => validate(document, schema, schema), [document, schema]);
  const latestOnChange = useRef(onChange);
  latestOnChange.current = onChange;

  useEffect(() => {
    setDocument(initial);
    setText(documentText(initial));
    setSyntaxError(null);
  }, [initial]);

  useEffect(() => {
    latestOnChange.current({ document, parses: syntaxError === null, issues });
  }, [document, syntaxError, issues]);

  const fromForm = (next: JsonValue) => {
    setDocument(next);
    setText(documentText(next));
    setSyntaxError(null);
  };

  const fromText = (next: string) => {
    setText(next);
    try {
      setDocument(JSON.parse(next) as JsonValue);
      setSyntaxError(null);
    } catch (failure) {
      setSyntaxError(failure instanceof Error ? failure.message : String(failure));
    }
  };

  return (
    <Row gutter={[24, 16]} className="config-editor">
      <Col xs={24} xl={14}>
        <Typography.Title level={4}>{t("configEditor.form")}</Typography.Title>
        {syntaxError !== null && <Alert type="warning" showIcon className="page-notice" title={t("configEditor.formStale")} />}
        <SchemaForm
          schema={schema}
          value={document}
          onChange={fromForm}
          issues={issues}
          disabled={disabled || syntaxError !== null}
        />
      </Col>
      <Col xs={24} xl={10}>
        <label htmlFor={`${ids}-json`}>
          <Typography.Title level={4}>{t("configEditor.json")}</Typography.Title>
        </label>
        <Input.TextArea
          id={`${ids}-json`}
          className="code-input json-editor"
          value={text}
          disabled={disabled}
          spellCheck={false}
          rows={24}
          status={syntaxError !== null ? "error" : issues.length > 0 ? "warning" : undefined}
          aria-invalid={syntaxError !== null || issues.length > 0}
          aria-describedby={`${ids}-status`}
          onChange={(event) => fromText(event.target.value)}
        />
        <div id={`${ids}-status`} aria-live="polite" className="json-status">
          {syntaxError !== null ? (
            <Typography.Text type="danger">{t("configEditor.syntaxError", { message: syntaxError })}</Typography.Text>
          ) : issues.length > 0 ? (
            <ul className="schema-issues">
              {issues.map((issue, index) => (
                <li key={index}>
                  <code>{issue.path || t("configEditor.document")}</code>:{" "}
                  {t(`schemaForm.rules.${issue.rule}`, { expected: issue.expected })}
                </li>
              ))}
            </ul>
          ) : (
            <Typography.Text type="success">{t("configEditor.valid")}</Typography.Text>
          )}
        </div>
      </Col>
    </Row>
  );
}
