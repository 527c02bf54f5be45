import { Button, Form, Input, Select, Space } from "antd";
import { useTranslation } from "react-i18next";

import { NumberInput } from "../common/NumberInput";
import type { ApiProblem } from "../api/errors";
import { FieldProblems } from "../training/fieldErrors";
import { SLICE_KINDS } from "./report";
import type { SliceKind } from "./report";
import { MAX_BINS, MAX_SLICE_SPECS, MIN_BINS, newSliceDraft } from "./sliceSpecs";
import type { SliceDraft } from "./sliceSpecs";

interface Column {
  name: string;
  type: string;
}

interface SliceSpecBuilderProps {
  drafts: SliceDraft[];
  onChange: (drafts: SliceDraft[]) => void;
  /** The dataset version's columns without the label and split, which slices may use. */
  columns: Column[];
  /** Server problems by row index and field (feature, bins, name, filter, kind). */
  problems: Map<number, Map<string, ApiProblem[]>>;
}

const NUMERIC = new Set(["INTEGER", "FLOAT"]);

/**
 * Builds the slice specs of an evaluation row by row: a column's values, equal-width bins or
 * quantiles of a numeric column, the label's classes, or a named filter expression.
 */
export function SliceSpecBuilder({ drafts, onChange, columns, problems }: SliceSpecBuilderProps) {
  const { t } = useTranslation();
  const update = (key: number, change: Partial<SliceDraft>) =>
    onChange(drafts.map((draft) => (draft.key === key ? { ...draft, ...change } : draft)));
  const nextKey = drafts.reduce((highest, draft) => Math.max(highest, draft.key), 0) + 1;

  return (
    <fieldset className="slice-builder">
      <legend>{t("evaluation.slices.title")}</legend>
      {drafts.map((draft, index) => {
        const rowProblems = problems.get(index);
        const status = (field: string) => (rowProblems?.get(field) ? "error" : undefined);
        const help = (field: string) =>
          rowProblems?.get(field) ? <FieldProblems problems={rowProblems.get(field)} /> : undefined;
        const prefix = `slice-${draft.key}`;
        const numericOnly = draft.kind === "bins" || draft.kind === "quantiles";
        return (
          <div key={draft.key} className="slice-row" role="group" aria-label={t("evaluation.slices.row", { number: index + 1 })}>
            <Space wrap align="start">
              <Form.Item
                label={t("evaluation.slices.kind")}
                htmlFor={`${prefix}-kind`}
                validateStatus={status("kind")}
                help={help("kind")}
              >
                <Select<SliceKind>
                  id={`${prefix}-kind`}
                  value={draft.kind}
                  onChange={(kind) => update(draft.key, { kind })}
                  options={SLICE_KINDS.map((kind) => ({ value: kind, label: t(`evaluation.slices.kinds.${kind}`) }))}
                  style={{ width: 200 }}
                />
              </Form.Item>
              {draft.kind !== "label" && draft.kind !== "filter" && (
                <Form.Item
                  label={t("evaluation.slices.feature")}
                  htmlFor={`${prefix}-feature`}
                  validateStatus={status("feature")}
                  help={help("feature")}
                >
                  <Select
                    id={`${prefix}-feature`}
                    value={draft.feature ?? undefined}
                    onChange={(feature: string) => update(draft.key, { feature })}
                    placeholder={t("evaluation.slices.chooseFeature")}
                    showSearch={{ optionFilterProp: "label" }}
                    options={columns
                      .filter((column) => !numericOnly || NUMERIC.has(column.type))
                      .map((column) => ({ value: column.name, label: column.name }))}
                    style={{ width: 220 }}
                  />
                </Form.Item>
              )}
              {numericOnly && (
                <Form.Item
                  label={t("evaluation.slices.bins")}
                  htmlFor={`${prefix}-bins`}
                  validateStatus={status("bins")}
                  help={help("bins")}
                >
                  <NumberInput
                    id={`${prefix}-bins`}
                    min={MIN_BINS}
                    max={MAX_BINS}
                    precision={0}
                    value={draft.bins}
                    onChange={(bins) => update(draft.key, { bins: bins ?? MIN_BINS })}
                  />
                </Form.Item>
              )}
              {draft.kind === "filter" && (
                <>
                  <Form.Item
                    label={t("evaluation.slices.name")}
                    htmlFor={`${prefix}-name`}
                    validateStatus={status("name")}
                    help={help("name")}
                  >
                    <Input
                      id={`${prefix}-name`}
                      value={draft.name}
                      maxLength={128}
                      onChange={(event) => update(draft.key, { name: event.target.value })}
                      style={{ width: 180 }}
                    />
                  </Form.Item>
                  <Form.Item
                    label={t("evaluation.slices.filter")}
                    htmlFor={`${prefix}-filter`}
                    validateStatus={status("filter")}
                    help={help("filter") ?? t("evaluation.slices.filterHelp")}
                  >
                    <Input
                      id={`${prefix}-filter`}
                      value={draft.filter}
                      onChange={(event) => update(draft.key, { filter: event.target.value })}
                      placeholder="`mean radius` > 15"
                      style={{ width: 280 }}
                    />
                  </Form.Item>
                </>
              )}
              <Button
                className="slice-remove"
                onClick={() => onChange(drafts.filter((candidate) => candidate.key !== draft.key))}
                aria-label={t("evaluation.slices.removeRow", { number: index + 1 })}
              >
                {t("common.remove")}
              </Button>
            </Space>
          </div>
        );
      })}
      <Button onClick={() => onChange([...drafts, newSliceDraft(nextKey)])} disabled={drafts.length >= MAX_SLICE_SPECS}>
        {t("evaluation.slices.add")}
      </Button>
    </fieldset>
  );
}
