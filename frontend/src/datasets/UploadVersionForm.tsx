import { Alert, Button, Checkbox, Input, Progress, Select, Space } from "antd";
import { useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useMutation } from "urql";
import type { CombinedError } from "urql";

import { ErrorDisplay } from "../common/ErrorDisplay";
import type { ColumnType, DatasetFileFormat } from "../gql/graphql";
import { useFormat } from "../i18n/format";
import { useViewer } from "../session/SessionContext";
import { UploadDatasetVersionMutation } from "./documents";
import { uploadFile } from "./uploadFile";
import type { UploadHandle } from "./uploadFile";

const FORMATS: DatasetFileFormat[] = ["CSV", "PARQUET", "JSONL"];
const COLUMN_TYPES: ColumnType[] = ["INTEGER", "FLOAT", "BOOLEAN", "STRING", "DATE", "DATETIME"];
const DELIMITERS = [",", ";", "\t", "|"] as const;

type Step = { kind: "idle" } | { kind: "sending"; sent: number; total: number } | { kind: "parsing" };

interface UploadVersionFormProps {
  teamId: string;
  datasetId: string;
}

/**
 * Uploads a file as the dataset's next version: the file streams to /v1/uploads, then
 * `uploadDatasetVersion` has a worker parse it with the chosen format, delimiter, types and label.
 */
export function UploadVersionForm({ teamId, datasetId }: UploadVersionFormProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const ids = useId();
  const viewer = useViewer();
  const [file, setFile] = useState<File | null>(null);
  const [fileFormat, setFileFormat] = useState<DatasetFileFormat | null>(null);
  const [delimiter, setDelimiter] = useState<string | null>(null);
  const [label, setLabel] = useState("");
  const [allowDuplicate, setAllowDuplicate] = useState(false);
  const [columnTypes, setColumnTypes] = useState<{ name: string; type: ColumnType }[]>([]);
  const [step, setStep] = useState<Step>({ kind: "idle" });
  const [error, setError] = useState<CombinedError | null>(null);
  const [created, setCreated] = useState<{ id: string; number: number } | null>(null);
  const handle = useRef<UploadHandle | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const [, uploadVersion] = useMutation(UploadDatasetVersionMutation);

  const submit = async () => {
    if (file === null) {
      return;
    }
    setError(null);
    setCreated(null);
    setStep({ kind: "sending", sent: 0, total: file.size });
    handle.current = uploadFile(file, teamId, viewer.csrfToken ?? null, (sent, total) =>
      setStep({ kind: "sending", sent, total }),
    );
    let uploadId: string;
    try {
      uploadId = (await handle.current.done).uploadId;
    } catch (failure) {
      setError(failure as CombinedError);
      setStep({ kind: "idle" });
      return;
    } finally {
      handle.current = null;
    }

    setStep({ kind: "parsing" });
    const result = await uploadVersion({
      input: {
        datasetId,
        uploadId,
        format: fileFormat,
        delimiter,
        label: label.trim() === "" ? null : label.trim(),
        allowDuplicate,
        columnTypes: columnTypes
          .filter((column) => column.name.trim() !== "")
          .map((column) => ({ ...column, name: column.name.trim() })),
      },
    });
    setStep({ kind: "idle" });
    setError(result.error ?? null);
    if (result.data) {
      const version = result.data.uploadDatasetVersion;
      setCreated({ id: version.id, number: version.number });
      setFile(null);
      if (fileInput.current) {
        fileInput.current.value = "";
      }
    }
  };

  const busy = step.kind !== "idle";

  return (
    <form
      className="upload-form"
      aria-label={t("datasetUpload.title")}
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Space orientation="vertical" style={{ width: "100%" }}>
        <div className="filter">
          <label htmlFor={`${ids}-file`}>{t("datasetUpload.file")}</label>
          {/* The browser draws a file input's button and text in its own language, so a translated button opens it. */}
          <input
            id={`${ids}-file`}
            ref={fileInput}
            type="file"
            className="visually-hidden"
            tabIndex={-1}
            accept=".csv,.tsv,.txt,.parquet,.pq,.jsonl,.ndjson"
            disabled={busy}
            onChange={(event) => setFile(event.target.files?.[0] ?? null)}
          />
          <Space>
            <Button disabled={busy} aria-describedby={`${ids}-file-name`} onClick={() => fileInput.current?.click()}>
              {t("datasetUpload.chooseFile")}
            </Button>
            <span id={`${ids}-file-name`} className="form-hint">
              {file ? t("datasetUpload.chosen", { name: file.name, size: format.bytes(file.size) }) : t("datasetUpload.noFile")}
            </span>
          </Space>
        </div>
        <Space wrap align="end">
          <div className="filter">
            <label htmlFor={`${ids}-format`}>{t("datasetUpload.format")}</label>
            <Select<DatasetFileFormat | "AUTO">
              id={`${ids}-format`}
              value={fileFormat ?? "AUTO"}
              onChange={(value) => setFileFormat(value === "AUTO" ? null : value)}
              options={[
                { value: "AUTO", label: t("datasetUpload.detect") },
                ...FORMATS.map((value) => ({ value, label: t(`datasetUpload.formats.${value}`) })),
              ]}
              style={{ width: 180 }}
            />
          </div>
          <div className="filter">
            <label htmlFor={`${ids}-delimiter`}>{t("datasetUpload.delimiter")}</label>
            <Select<string>
              id={`${ids}-delimiter`}
              value={delimiter ?? "AUTO"}
              onChange={(value) => setDelimiter(value === "AUTO" ? null : value)}
              disabled={fileFormat !== null && fileFormat !== "CSV"}
              options={[
                { value: "AUTO", label: t("datasetUpload.detect") },
                ...DELIMITERS.map((value) => ({ value, label: t(`datasetUpload.delimiters.${delimiterKey(value)}`) })),
              ]}
              style={{ width: 180 }}
            />
          </div>
          <div className="filter">
            <label htmlFor={`${ids}-label`}>{t("datasetUpload.label")}</label>
            <Input id={`${ids}-label`} value={label} onChange={(event) => setLabel(event.target.value)} style={{ width: 180 }} />
          </div>
          <Checkbox checked={allowDuplicate} onChange={(event) => setAllowDuplicate(event.target.checked)}>
            {t("datasetUpload.allowDuplicate")}
          </Checkbox>
        </Space>
        <fieldset className="filter">
          <legend>{t("datasetUpload.columnTypes")}</legend>
          {columnTypes.map((column, index) => (
            <Space key={index} wrap>
              <Input
                aria-label={t("datasetUpload.columnName", { index: index + 1 })}
                placeholder={t("datasetUpload.columnNamePlaceholder")}
                value={column.name}
                onChange={(event) => setColumnTypes(replaceAt(columnTypes, index, { ...column, name: event.target.value }))}
                style={{ width: 200 }}
              />
              <Select<ColumnType>
                aria-label={t("datasetUpload.columnType", { index: index + 1 })}
                value={column.type}
                onChange={(type) => setColumnTypes(replaceAt(columnTypes, index, { ...column, type }))}
                options={COLUMN_TYPES.map((type) => ({ value: type, label: t(`columnTypes.${type}`) }))}
                style={{ width: 140 }}
              />
              <Button onClick={() => setColumnTypes(columnTypes.filter((_, other) => other !== index))}>
                {t("common.remove")}
              </Button>
            </Space>
          ))}
          <Button size="small" onClick={() => setColumnTypes([...columnTypes, { name: "", type: "STRING" }])}>
            {t("datasetUpload.addColumnType")}
          </Button>
        </fieldset>
        <Space>
          <Button type="primary" htmlType="submit" disabled={file === null} loading={busy}>
            {t("datasetUpload.submit")}
          </Button>
          {step.kind === "sending" && <Button onClick={() => handle.current?.abort()}>{t("datasetUpload.cancel")}</Button>}
        </Space>
        {step.kind === "sending" && (
          <div aria-live="polite">
            <Progress percent={step.total > 0 ? Math.floor((100 * step.sent) / step.total) : 0} />
            {t("datasetUpload.sending", { sent: format.bytes(step.sent), total: format.bytes(step.total) })}
          </div>
        )}
        {step.kind === "parsing" && <div aria-live="polite">{t("datasetUpload.parsing")}</div>}
        {error && <ErrorDisplay error={error} />}
        {created && (
          <Alert
            type="success"
            showIcon
            title={
              <Link to={`/teams/${teamId}/datasets/${datasetId}/versions/${created.id}`}>
                {t("datasetUpload.created", { number: created.number })}
              </Link>
            }
          />
        )}
      </Space>
    </form>
  );
}

function replaceAt<T>(list: T[], index: number, value: T): T[] {
  return list.map((item, other) => (other === index ? value : item));
}

function delimiterKey(delimiter: (typeof DELIMITERS)[number]): "comma" | "semicolon" | "tab" | "pipe" {
  switch (delimiter) {
    case ",":
      return "comma";
    case ";":
      return "semicolon";
    case "\t":
      return "tab";
    case "|":
      return "pipe";
  }
}
