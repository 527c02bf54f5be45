import { Button, Select, Space, Typography } from "antd";
import { useTranslation } from "react-i18next";

import { NumberInput } from "../common/NumberInput";
import { useMeasures } from "../i18n/measures";

/** One row of a traffic split: a version number, or null until one is chosen, and its whole percent. */
export interface TrafficRow {
  version: number | null;
  percent: number;
}

/** A version the rows offer; only ready versions can be chosen. */
export interface VersionChoice {
  number: number;
  status: string;
}

export interface TrafficCheck {
  total: number;
  duplicate: boolean;
  /** True when every row has a version, each version appears once and the percents sum to 100. */
  valid: boolean;
}

/** Checks a split as the server does: at least one row, every row with a version, no version twice, percents summing to 100. */
export function checkTraffic(rows: readonly TrafficRow[]): TrafficCheck {
  const total = rows.reduce((sum, row) => sum + (row.percent || 0), 0);
  const chosen = rows.map((row) => row.version);
  const duplicate = new Set(chosen).size !== chosen.length;
  const complete = rows.length > 0 && rows.every((row) => row.version !== null);
  return { total, duplicate, valid: complete && total === 100 && !duplicate };
}

interface TrafficRowsProps {
  rows: TrafficRow[];
  onChange: (rows: TrafficRow[]) => void;
  versions: readonly VersionChoice[];
  disabled?: boolean;
}

/** Edits a traffic split as rows of a version and a whole percent, with the running total and a duplicate warning. */
export function TrafficRows({ rows, onChange, versions, disabled = false }: TrafficRowsProps) {
  const { t } = useTranslation();
  const measures = useMeasures();
  const { total, duplicate } = checkTraffic(rows);
  const setRow = (index: number, row: TrafficRow) => onChange(rows.map((other, at) => (at === index ? row : other)));

  return (
    <Space orientation="vertical">
      {rows.map((row, index) => (
        <Space key={index} wrap>
          <Select<number>
            aria-label={t("deployment.trafficVersion", { index: index + 1 })}
            placeholder={t("deployment.chooseVersion")}
            value={row.version ?? undefined}
            onChange={(version) => setRow(index, { ...row, version })}
            options={versions.map((version) => ({
              value: version.number,
              label: t("deployment.versionLabel", { version: version.number }),
              disabled: version.status !== "ready",
            }))}
            disabled={disabled}
            style={{ width: 160 }}
          />
          <NumberInput<number>
            aria-label={t("deployment.trafficPercent", { index: index + 1 })}
            min={0}
            max={100}
            precision={0}
            value={row.percent}
            onChange={(percent) => setRow(index, { ...row, percent: percent ?? 0 })}
            disabled={disabled}
            suffix="%"
          />
          <Button onClick={() => onChange(rows.filter((_, at) => at !== index))} disabled={disabled || rows.length === 1}>
            {t("common.remove")}
          </Button>
        </Space>
      ))}
      <Space wrap>
        <Button size="small" onClick={() => onChange([...rows, { version: null, percent: 0 }])} disabled={disabled}>
          {t("deployment.addVersion")}
        </Button>
        <Typography.Text type={total === 100 ? "secondary" : "danger"} aria-live="polite">
          {t("deployment.trafficTotal", { total: measures.percent(total / 100), required: measures.percent(1) })}
        </Typography.Text>
        {duplicate && <Typography.Text type="danger">{t("deployment.duplicateVersion")}</Typography.Text>}
      </Space>
    </Space>
  );
}
