import { Button, Input, Radio, Select, Space, Typography } from "antd";
import { useId } from "react";
import { useTranslation } from "react-i18next";

import { clearOption } from "../common/clearOption";
import { NumberInput } from "../common/NumberInput";
import { useMeasures } from "../i18n/measures";
import { CAST_TYPES, FILL_STRATEGIES, MAX_CATEGORIES, ratioSum, SPLIT_PARTS, SPLIT_STRATEGIES } from "./operations";
import type { CastType, ColumnInfo, FillStrategy, OperationDraft, SplitStrategy } from "./operations";

interface OperationFieldsProps {
  draft: OperationDraft;
  /** The columns as they are when this operation runs. */
  columns: ColumnInfo[];
  label: string | null;
  onChange: (draft: OperationDraft) => void;
}

/** Renders the fields of one operation, which depend on its kind. */
export function OperationFields({ draft, columns, label, onChange }: OperationFieldsProps) {
  switch (draft.op) {
    case "split":
      return <SplitFields draft={draft} columns={columns} label={label} onChange={onChange} />;
    case "dropMissing":
    case "dropDuplicates":
      return <ColumnsField draft={draft} columns={columns} onChange={onChange} optional />;
    case "dropColumns":
    case "standardize":
    case "minMaxScale":
      return <ColumnsField draft={draft} columns={columns} onChange={onChange} />;
    case "fillMissing":
      return <FillFields draft={draft} columns={columns} onChange={onChange} />;
    case "renameColumns":
      return <RenameFields draft={draft} columns={columns} onChange={onChange} />;
    case "castColumns":
      return <CastFields draft={draft} columns={columns} onChange={onChange} />;
    case "filter":
      return <FilterField draft={draft} onChange={onChange} />;
    case "oneHot":
      return <OneHotFields draft={draft} columns={columns} onChange={onChange} />;
  }
}

type FieldsProps = Omit<OperationFieldsProps, "label">;

function columnOptions(columns: ColumnInfo[]) {
  return columns.map((column) => ({ value: column.name, label: column.name }));
}

function ColumnsField({ draft, columns, onChange, optional = false }: FieldsProps & { optional?: boolean }) {
  const { t } = useTranslation();
  const ids = useId();
  return (
    <div className="filter">
      <label htmlFor={`${ids}-columns`}>{optional ? t("derive.columnsOptional") : t("derive.columns")}</label>
      <Select<string[]>
        id={`${ids}-columns`}
        mode="multiple"
        allowClear={clearOption(t)}
        placeholder={optional ? t("derive.allColumns") : t("derive.chooseColumns")}
        value={draft.columns}
        onChange={(names) => onChange({ ...draft, columns: names })}
        options={columnOptions(columns)}
        style={{ minWidth: 320 }}
      />
    </div>
  );
}

function FillFields({ draft, columns, onChange }: FieldsProps) {
  const { t } = useTranslation();
  const ids = useId();
  return (
    <Space wrap align="end">
      <ColumnsField draft={draft} columns={columns} onChange={onChange} />
      <div className="filter">
        <label htmlFor={`${ids}-strategy`}>{t("derive.strategy")}</label>
        <Select<FillStrategy>
          id={`${ids}-strategy`}
          value={draft.fillStrategy}
          onChange={(fillStrategy) => onChange({ ...draft, fillStrategy })}
          options={FILL_STRATEGIES.map((strategy) => ({ value: strategy, label: t(`derive.fillStrategies.${strategy}`) }))}
          style={{ width: 180 }}
        />
      </div>
      {draft.fillStrategy === "constant" && (
        <div className="filter">
          <label htmlFor={`${ids}-value`}>{t("derive.value")}</label>
          <Input
            id={`${ids}-value`}
            value={draft.fillValue}
            onChange={(event) => onChange({ ...draft, fillValue: event.target.value })}
            style={{ width: 180 }}
          />
        </div>
      )}
    </Space>
  );
}

function RenameFields({ draft, columns, onChange }: FieldsProps) {
  const { t } = useTranslation();
  const setPair = (index: number, pair: { from: string; to: string }) =>
    onChange({ ...draft, renames: draft.renames.map((other, at) => (at === index ? pair : other)) });
  return (
    <Space orientation="vertical">
      {draft.renames.map((pair, index) => (
        <Space key={index} wrap>
          <Select<string>
            aria-label={t("derive.renameFrom", { index: index + 1 })}
            placeholder={t("derive.chooseColumn")}
            value={pair.from === "" ? undefined : pair.from}
            onChange={(from) => setPair(index, { ...pair, from })}
            options={columnOptions(columns)}
            showSearch
            style={{ width: 200 }}
          />
          <span aria-hidden="true">→</span>
          <Input
            aria-label={t("derive.renameTo", { index: index + 1 })}
            placeholder={t("derive.newName")}
            value={pair.to}
            onChange={(event) => setPair(index, { ...pair, to: event.target.value })}
            style={{ width: 200 }}
          />
          <Button onClick={() => onChange({ ...draft, renames: draft.renames.filter((_, at) => at !== index) })}>
            {t("common.remove")}
          </Button>
        </Space>
      ))}
      <Button size="small" onClick={() => onChange({ ...draft, renames: [...draft.renames, { from: "", to: "" }] })}>
        {t("derive.addRename")}
      </Button>
    </Space>
  );
}

function CastFields({ draft, columns, onChange }: FieldsProps) {
  const { t } = useTranslation();
  const setCast = (index: number, cast: { column: string; type: CastType }) =>
    onChange({ ...draft, casts: draft.casts.map((other, at) => (at === index ? cast : other)) });
  return (
    <Space orientation="vertical">
      {draft.casts.map((cast, index) => (
        <Space key={index} wrap>
          <Select<string>
            aria-label={t("derive.castColumn", { index: index + 1 })}
            placeholder={t("derive.chooseColumn")}
            value={cast.column === "" ? undefined : cast.column}
            onChange={(column) => setCast(index, { ...cast, column })}
            options={columnOptions(columns)}
            showSearch
            style={{ width: 200 }}
          />
          <Select<CastType>
            aria-label={t("derive.castType", { index: index + 1 })}
            value={cast.type}
            onChange={(type) => setCast(index, { ...cast, type })}
            options={CAST_TYPES.map((type) => ({
              value: type,
              label: t(`columnTypes.${type.toUpperCase() as Uppercase<CastType>}`),
            }))}
            style={{ width: 160 }}
          />
          <Button onClick={() => onChange({ ...draft, casts: draft.casts.filter((_, at) => at !== index) })}>
            {t("common.remove")}
          </Button>
        </Space>
      ))}
      <Button size="small" onClick={() => onChange({ ...draft, casts: [...draft.casts, { column: "", type: "float" }] })}>
        {t("derive.addCast")}
      </Button>
    </Space>
  );
}

function FilterField({ draft, onChange }: Pick<FieldsProps, "draft" | "onChange">) {
  const { t } = useTranslation();
  const ids = useId();
  return (
    <div className="filter">
      <label htmlFor={`${ids}-expression`}>{t("derive.expression")}</label>
      <Input.TextArea
        id={`${ids}-expression`}
        rows={2}
        maxLength={2000}
        value={draft.expression}
        placeholder="`mean radius` > 15 and target in (0, 1)"
        onChange={(event) => onChange({ ...draft, expression: event.target.value })}
        className="code-input"
      />
      <span className="form-hint">{t("derive.expressionHelp")}</span>
    </div>
  );
}

function OneHotFields({ draft, columns, onChange }: FieldsProps) {
  const { t } = useTranslation();
  const ids = useId();
  return (
    <Space wrap align="end">
      <ColumnsField draft={draft} columns={columns} onChange={onChange} />
      <div className="filter">
        <label htmlFor={`${ids}-max`}>{t("derive.maxCategories")}</label>
        <NumberInput<number>
          id={`${ids}-max`}
          min={1}
          max={MAX_CATEGORIES}
          precision={0}
          value={draft.maxCategories}
          onChange={(value) => onChange({ ...draft, maxCategories: value ?? 1 })}
        />
      </div>
    </Space>
  );
}

/** The split as a form of its own: strategy, the three parts' ratios (which must add up to 1), the seed and the stratification column. */
function SplitFields({ draft, columns, label, onChange }: OperationFieldsProps) {
  const { t } = useTranslation();
  const measures = useMeasures();
  const ids = useId();
  const sum = ratioSum(draft.ratios);

  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <fieldset className="filter">
        <legend>{t("derive.splitStrategy")}</legend>
        <Radio.Group
          value={draft.splitStrategy}
          onChange={(event) => onChange({ ...draft, splitStrategy: event.target.value as SplitStrategy })}
          options={SPLIT_STRATEGIES.map((strategy) => ({ value: strategy, label: t(`derive.splitStrategies.${strategy}`) }))}
        />
      </fieldset>
      <fieldset className="filter">
        <legend>{t("derive.ratios")}</legend>
        <Space wrap align="end">
          {SPLIT_PARTS.map((part) => (
            <div className="filter" key={part}>
              <label htmlFor={`${ids}-${part}`}>{t(`splitParts.${part}`)}</label>
              <NumberInput<number>
                id={`${ids}-${part}`}
                min={0}
                max={1}
                step={0.05}
                value={draft.ratios[part]}
                onChange={(value) => onChange({ ...draft, ratios: { ...draft.ratios, [part]: value ?? 0 } })}
              />
            </div>
          ))}
          <Typography.Text type={Math.abs(sum - 1) <= 1e-9 ? "secondary" : "danger"} aria-live="polite">
            {t("derive.ratioSum", { sum: measures.decimal(sum, 4) })}
          </Typography.Text>
        </Space>
      </fieldset>
      <Space wrap align="end">
        <div className="filter">
          <label htmlFor={`${ids}-seed`}>{t("derive.seed")}</label>
          <NumberInput<number>
            id={`${ids}-seed`}
            min={0}
            precision={0}
            value={draft.seed}
            onChange={(value) => onChange({ ...draft, seed: value ?? 0 })}
          />
        </div>
        {draft.splitStrategy === "stratified" && (
          <div className="filter">
            <label htmlFor={`${ids}-by`}>{t("derive.stratifyBy")}</label>
            <Select<string>
              id={`${ids}-by`}
              allowClear={clearOption(t)}
              placeholder={label ? t("derive.byLabel", { label }) : t("derive.chooseColumn")}
              value={draft.by === "" ? undefined : draft.by}
              onChange={(by) => onChange({ ...draft, by: by ?? "" })}
              options={columnOptions(columns.filter((column) => column.type !== "FLOAT"))}
              showSearch
              style={{ width: 220 }}
            />
          </div>
        )}
      </Space>
    </Space>
  );
}
