import { Button, Form, Select } from "antd";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useMutation, useQuery } from "urql";

import { clearOption } from "../common/clearOption";
import type { ApiProblem } from "../api/errors";
import { ErrorDisplay } from "../common/ErrorDisplay";
import { useFormat } from "../i18n/format";
import type { EvaluationRowFragment } from "../gql/graphql";
import { useCurrentTeam } from "../teams/TeamContext";
import { ModelVersionChoicesQuery } from "../training/documents";
import { FieldProblems, splitFieldErrors } from "../training/fieldErrors";
import { useTeamCatalog } from "../training/useTeamCatalog";
import { EvaluateModelVersionMutation } from "./documents";
import { SliceSpecBuilder } from "./SliceSpecBuilder";
import { isComplete, sliceErrorField, sliceSpecs } from "./sliceSpecs";
import { splitNameList } from "./splitName";
import type { SliceDraft } from "./sliceSpecs";

type FormField = "version" | "datasetVersion" | "split" | "label" | "task" | "slices" | `slice:${number}:${string}`;

/** Maps the field path of an evaluateModelVersion error to the form field, with slice rows as `slice:<row>:<field>`. */
export function evaluationFieldOf(path: string): FormField | null {
  const slice = sliceErrorField(path);
  if (slice !== null) {
    return `slice:${slice.index}:${slice.field}`;
  }
  switch (path) {
    case "versionId":
      return "version";
    case "datasetVersionId":
      return "datasetVersion";
    case "split":
    case "label":
    case "task":
    case "slices":
      return path;
    default:
      return null;
  }
}

const SPLITS = ["test", "validation", "train", "all"] as const;
const TASKS = ["auto", "classification", "regression"] as const;

interface StartEvaluationFormProps {
  modelId: string;
  /** The version to evaluate; null lets the form choose one of the model's versions. */
  versionId: string | null;
  onStarted: (evaluation: EvaluationRowFragment) => void;
}

/** Renders the form that evaluates a model version on a dataset version's split, with optional slices. */
export function StartEvaluationForm({ modelId, versionId, onStarted }: StartEvaluationFormProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const team = useCurrentTeam();
  const catalog = useTeamCatalog(team.id);
  const [chosenVersion, setChosenVersion] = useState<string | null>(versionId);
  const [datasetId, setDatasetId] = useState<string | null>(null);
  const [datasetVersionId, setDatasetVersionId] = useState<string | null>(null);
  const [split, setSplit] = useState<(typeof SPLITS)[number]>("test");
  const [label, setLabel] = useState<string | null>(null);
  const [task, setTask] = useState<(typeof TASKS)[number]>("auto");
  const [slices, setSlices] = useState<SliceDraft[]>([]);
  const [result, evaluate] = useMutation(EvaluateModelVersionMutation);
  const [{ data: versions }] = useQuery({
    query: ModelVersionChoicesQuery,
    variables: { id: modelId },
    pause: versionId !== null,
  });

  const dataset = catalog.datasets.find((candidate) => candidate.id === datasetId) ?? null;
  const datasetVersion = dataset?.versions.nodes.find((version) => version.id === datasetVersionId) ?? null;
  const effectiveLabel = label ?? datasetVersion?.label ?? null;
  const sliceColumns = (datasetVersion?.columns ?? []).filter(
    (column) => column.name !== "split" && column.name !== effectiveLabel,
  );

  const errors = splitFieldErrors(result.error, evaluationFieldOf);
  const sliceProblems = useMemo(() => {
    const byRow = new Map<number, Map<string, ApiProblem[]>>();
    for (const [field, problems] of Object.entries(errors.byField)) {
      const match = /^slice:(\d+):(\w+)$/.exec(field);
      if (match && problems) {
        const row = byRow.get(Number(match[1])) ?? new Map<string, ApiProblem[]>();
        row.set(match[2] ?? "kind", problems as ApiProblem[]);
        byRow.set(Number(match[1]), row);
      }
    }
    return byRow;
  }, [errors.byField]);

  const submit = async () => {
    if (chosenVersion === null || datasetVersionId === null) {
      return;
    }
    const answer = await evaluate({
      input: {
        versionId: chosenVersion,
        datasetVersionId,
        split: split === "all" ? null : split,
        label,
        task: task === "auto" ? null : task,
        slices: slices.length > 0 ? sliceSpecs(slices) : null,
      },
    });
    if (answer.data) {
      setSlices([]);
      onStarted(answer.data.evaluateModelVersion);
    }
  };

  const status = (field: FormField) => (errors.byField[field] ? "error" : undefined);
  const help = (field: FormField) => (errors.byField[field] ? <FieldProblems problems={errors.byField[field]} /> : undefined);
  const splitRows = (name: string) => datasetVersion?.splits.find((part) => part.name === name)?.rows;

  return (
    <Form layout="vertical" className="start-form" onFinish={() => void submit()} aria-label={t("evaluation.start.title")}>
      {catalog.error && <ErrorDisplay error={catalog.error} />}
      {errors.rest && <ErrorDisplay error={errors.rest} />}
      {versionId === null && (
        <Form.Item
          label={t("evaluation.start.version")}
          htmlFor="evaluate-version"
          required
          validateStatus={status("version")}
          help={help("version")}
        >
          <Select
            id="evaluate-version"
            value={chosenVersion ?? undefined}
            onChange={(value: string) => setChosenVersion(value)}
            placeholder={t("evaluation.start.chooseVersion")}
            options={(versions?.model.versions.nodes ?? []).map((version) => ({
              value: version.id,
              disabled: version.status !== "ready",
              label: t("evaluation.versionNumber", { number: version.number }),
            }))}
          />
        </Form.Item>
      )}
      <Form.Item label={t("training.start.dataset")} htmlFor="evaluate-dataset" required>
        <Select
          id="evaluate-dataset"
          value={datasetId ?? undefined}
          onChange={(value: string) => {
            setDatasetId(value);
            setDatasetVersionId(null);
            setLabel(null);
          }}
          placeholder={t("training.start.chooseDataset")}
          showSearch={{ optionFilterProp: "label" }}
          options={catalog.datasets.map((candidate) => ({ value: candidate.id, label: candidate.name }))}
        />
      </Form.Item>
      <Form.Item
        label={t("training.start.datasetVersion")}
        htmlFor="evaluate-dataset-version"
        required
        validateStatus={status("datasetVersion")}
        help={help("datasetVersion")}
      >
        <Select
          id="evaluate-dataset-version"
          value={datasetVersionId ?? undefined}
          onChange={(value: string) => {
            setDatasetVersionId(value);
            setLabel(null);
          }}
          disabled={dataset === null}
          placeholder={t("training.start.chooseDatasetVersion")}
          options={(dataset?.versions.nodes ?? []).map((version) => ({
            value: version.id,
            disabled: version.status !== "READY",
            label: t("training.start.datasetVersionOption", {
              number: version.number,
              rows: format.number(version.rows),
              splits: splitNameList(version.splits, t) || t("training.start.noSplit"),
            }),
          }))}
        />
      </Form.Item>
      <Form.Item
        label={t("evaluation.start.split")}
        htmlFor="evaluate-split"
        validateStatus={status("split")}
        help={help("split")}
      >
        <Select
          id="evaluate-split"
          value={split}
          onChange={setSplit}
          options={SPLITS.map((name) => ({
            value: name,
            label:
              name === "all"
                ? t("evaluation.allRows")
                : splitRows(name) !== undefined
                  ? t("evaluation.start.splitRows", { split: name, rows: format.number(splitRows(name)) })
                  : name,
          }))}
        />
      </Form.Item>
      <Form.Item label={t("training.start.label")} htmlFor="evaluate-label" validateStatus={status("label")} help={help("label")}>
        <Select
          id="evaluate-label"
          allowClear={clearOption(t)}
          value={label ?? undefined}
          onChange={(value: string | undefined) => setLabel(value ?? null)}
          disabled={datasetVersion === null}
          placeholder={
            datasetVersion?.label
              ? t("training.start.datasetLabel", { label: datasetVersion.label })
              : t("training.start.chooseLabel")
          }
          showSearch={{ optionFilterProp: "label" }}
          options={(datasetVersion?.columns ?? [])
            .filter((column) => column.name !== "split")
            .map((column) => ({ value: column.name, label: column.name }))}
        />
      </Form.Item>
      <Form.Item label={t("evaluation.start.task")} htmlFor="evaluate-task" validateStatus={status("task")} help={help("task")}>
        <Select
          id="evaluate-task"
          value={task}
          onChange={setTask}
          options={TASKS.map((name) => ({ value: name, label: t(`evaluation.start.tasks.${name}`) }))}
        />
      </Form.Item>
      <SliceSpecBuilder drafts={slices} onChange={setSlices} columns={sliceColumns} problems={sliceProblems} />
      {errors.byField.slices && (
        <div className="ant-form-item-explain-error">
          <FieldProblems problems={errors.byField.slices} />
        </div>
      )}
      <Button
        type="primary"
        htmlType="submit"
        loading={result.fetching}
        disabled={chosenVersion === null || datasetVersionId === null || !slices.every(isComplete)}
      >
        {t("evaluation.start.submit")}
      </Button>
    </Form>
  );
}
