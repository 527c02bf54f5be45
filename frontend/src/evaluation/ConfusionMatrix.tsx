import { Radio, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { useFormat } from "../i18n/format";

interface ConfusionMatrixProps {
  classes: string[];
  /** Rows are true classes, columns predicted ones. */
  matrix: number[][];
}

/**
 * Shows the confusion matrix as a table whose cells are shaded by their share of the true class's
 * rows, so a screen reader reads the same numbers that the colours show.
 */
export function ConfusionMatrix({ classes, matrix }: ConfusionMatrixProps) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const [normalized, setNormalized] = useState(false);
  const percent = new Intl.NumberFormat(i18n.language, { style: "percent", maximumFractionDigits: 1 });

  return (
    <div className="confusion-matrix">
      <Radio.Group
        optionType="button"
        size="small"
        value={normalized ? "share" : "count"}
        onChange={(event) => setNormalized(event.target.value === "share")}
        options={[
          { value: "count", label: t("evaluation.confusion.counts") },
          { value: "share", label: t("evaluation.confusion.shares") },
        ]}
        aria-label={t("evaluation.confusion.show")}
      />
      <table className="confusion-table">
        <caption>{t("evaluation.confusion.caption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("evaluation.confusion.trueClass")}</th>
            {classes.map((name) => (
              <th key={name} scope="col">
                {t("evaluation.confusion.predicted", { className: name })}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.map((row, rowIndex) => {
            const total = row.reduce((sum, count) => sum + count, 0);
            return (
              <tr key={rowIndex}>
                <th scope="row">{classes[rowIndex] ?? rowIndex}</th>
                {row.map((count, columnIndex) => {
                  const share = total > 0 ? count / total : 0;
                  const diagonal = rowIndex === columnIndex;
                  const hue = diagonal ? 140 : 0;
                  return (
                    <td
                      key={columnIndex}
                      style={{ background: count > 0 ? `hsla(${hue}, 60%, 45%, ${0.1 + share * 0.7})` : undefined }}
                    >
                      {normalized ? percent.format(share) : format.number(count)}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
      <Typography.Paragraph type="secondary">{t("evaluation.confusion.help")}</Typography.Paragraph>
    </div>
  );
}
