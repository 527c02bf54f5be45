import { Button, Input, Select, Space } from "antd";
import { SortAscendingOutlined, SortDescendingOutlined } from "@ant-design/icons";
import { useEffect, useId, useState } from "react";
import { useTranslation } from "react-i18next";

import { useDebounced } from "../common/useDebounced";
import type { ModelOrder, ModelTask } from "../gql/graphql";
import { ARCHIVED_CHOICES, MODEL_ORDERS, MODEL_TASKS } from "./modelSearch";
import type { ArchivedChoice, RegistrySearch } from "./modelSearch";

export const TYPING_DELAY_MS = 300;

type TextField = "nameContains" | "tagKey" | "tagValue" | "alias";

interface ModelFiltersProps {
  search: RegistrySearch;
  onChange: (search: RegistrySearch) => void;
}

/** Renders the search box, filters and sort order of the registry list; typed text applies after a short pause. */
export function ModelFilters({ search, onChange }: ModelFiltersProps) {
  const { t } = useTranslation();
  const ids = useId();
  const [texts, setTexts] = useState<Record<TextField, string>>({
    nameContains: search.nameContains,
    tagKey: search.tagKey,
    tagValue: search.tagValue,
    alias: search.alias,
  });
  const settled = useDebounced(texts, TYPING_DELAY_MS);

  useEffect(() => {
    const changed = (Object.keys(settled) as TextField[]).some((key) => settled[key] !== search[key]);
    if (changed) {
      onChange({ ...search, ...settled });
    }
    // Only a settled change of the typed text is applied here; other changes go through onChange directly.
  }, [settled]);

  const text = (field: TextField) => ({
    id: `${ids}-${field}`,
    value: texts[field],
    onChange: (event: React.ChangeEvent<HTMLInputElement>) => setTexts({ ...texts, [field]: event.target.value }),
    allowClear: true,
  });

  return (
    <form className="filters" role="search" aria-label={t("registry.filters")} onSubmit={(event) => event.preventDefault()}>
      <Space wrap align="end">
        <div className="filter">
          <label htmlFor={`${ids}-nameContains`}>{t("registry.name")}</label>
          <Input {...text("nameContains")} placeholder={t("registry.namePlaceholder")} style={{ width: 220 }} />
        </div>
        <div className="filter">
          <label htmlFor={`${ids}-task`}>{t("registry.task")}</label>
          <Select<ModelTask | "ANY">
            id={`${ids}-task`}
            value={search.task ?? "ANY"}
            onChange={(task) => onChange({ ...search, task: task === "ANY" ? null : task })}
            options={[
              { value: "ANY", label: t("registry.anyTask") },
              ...MODEL_TASKS.map((task) => ({ value: task, label: t(`tasks.${task}`) })),
            ]}
            style={{ width: 150 }}
          />
        </div>
        <div className="filter">
          <label htmlFor={`${ids}-tagKey`}>{t("registry.tagKey")}</label>
          <Input {...text("tagKey")} style={{ width: 130 }} />
        </div>
        <div className="filter">
          <label htmlFor={`${ids}-tagValue`}>{t("registry.tagValue")}</label>
          <Input {...text("tagValue")} disabled={texts.tagKey.trim() === ""} style={{ width: 130 }} />
        </div>
        <div className="filter">
          <label htmlFor={`${ids}-alias`}>{t("registry.alias")}</label>
          <Input {...text("alias")} style={{ width: 130 }} />
        </div>
        <div className="filter">
          <label htmlFor={`${ids}-archived`}>{t("registry.archived")}</label>
          <Select<ArchivedChoice>
            id={`${ids}-archived`}
            value={search.archived}
            onChange={(archived) => onChange({ ...search, archived })}
            options={ARCHIVED_CHOICES.map((choice) => ({ value: choice, label: t(`registry.archivedChoice.${choice}`) }))}
            style={{ width: 140 }}
          />
        </div>
        <div className="filter">
          <label htmlFor={`${ids}-sort`}>{t("registry.sortBy")}</label>
          <Space.Compact>
            <Select<ModelOrder>
              id={`${ids}-sort`}
              value={search.orderBy}
              onChange={(orderBy) => onChange({ ...search, orderBy })}
              options={MODEL_ORDERS.map((order) => ({ value: order, label: t(`registry.order.${order}`) }))}
              style={{ width: 140 }}
            />
            <Button
              aria-label={search.descending ? t("registry.descending") : t("registry.ascending")}
              aria-pressed={search.descending}
              title={search.descending ? t("registry.descending") : t("registry.ascending")}
              icon={search.descending ? <SortDescendingOutlined /> : <SortAscendingOutlined />}
              onClick={() => onChange({ ...search, descending: !search.descending })}
            />
          </Space.Compact>
        </div>
      </Space>
    </form>
  );
}
