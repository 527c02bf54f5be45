import { AutoComplete, Button, Popconfirm, Select, Space, Table, Tag } from "antd";
import type { TableColumnsType } from "antd";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { useMutation } from "urql";
import type { CombinedError } from "urql";

import { ErrorDisplay } from "../common/ErrorDisplay";
import { useFormat } from "../i18n/format";
import type { ModelDetailFragment, ModelVersionFieldsFragment } from "../gql/graphql";
import { MoveAliasMutation, RemoveAliasMutation } from "./documents";

type AliasRow = ModelDetailFragment["aliases"][number];

interface AliasPanelProps {
  model: ModelDetailFragment;
  versions: ModelVersionFieldsFragment[];
  /** A past state (asOf) is shown without the controls that change it. */
  readOnly: boolean;
}

/** The model's aliases, with moving an alias to a version and removing one; the server's error is shown as it came. */
export function AliasPanel({ model, versions, readOnly }: AliasPanelProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const ids = useId();
  const [alias, setAlias] = useState("");
  const [version, setVersion] = useState<number | null>(null);
  const [error, setError] = useState<CombinedError | null>(null);
  const [moved, moveAlias] = useMutation(MoveAliasMutation);
  const [removed, removeAlias] = useMutation(RemoveAliasMutation);

  const move = async () => {
    if (version === null || alias.trim() === "") {
      return;
    }
    const result = await moveAlias({ input: { modelId: model.id, alias: alias.trim(), version } });
    setError(result.error ?? null);
    if (!result.error) {
      setAlias("");
    }
  };

  const remove = async (name: string) => {
    const result = await removeAlias({ input: { modelId: model.id, alias: name } });
    setError(result.error ?? null);
  };

  const knownAliases = Array.from(new Set([...model.protectedAliases, ...model.aliases.map((row) => row.alias)]));

  const columns: TableColumnsType<AliasRow> = [
    {
      title: t("aliases.alias"),
      key: "alias",
      render: (_, row) => (
        <Space>
          {row.alias}
          {model.protectedAliases.includes(row.alias) && <Tag color="purple">{t("aliases.protected")}</Tag>}
        </Space>
      ),
    },
    { title: t("aliases.version"), dataIndex: "versionNumber", key: "version" },
    { title: t("aliases.movedAt"), key: "movedAt", render: (_, row) => format.dateTime(row.movedAt) },
  ];
  if (!readOnly) {
    columns.push({
      title: t("common.actions"),
      key: "actions",
      render: (_, row) => (
        <Popconfirm
          title={t("aliases.removeConfirm", { alias: row.alias })}
          okText={t("common.remove")}
          cancelText={t("common.cancel")}
          onConfirm={() => remove(row.alias)}
        >
          <Button danger size="small" loading={removed.fetching}>
            {t("common.remove")}
          </Button>
        </Popconfirm>
      ),
    });
  }

  return (
    <div className="alias-panel">
      <Table<AliasRow>
        rowKey="alias"
        size="small"
        columns={columns}
        dataSource={model.aliases}
        pagination={false}
        locale={{ emptyText: t("aliases.empty") }}
      />
      {!readOnly && (
        <form
          className="alias-form"
          aria-label={t("aliases.moveTitle")}
          onSubmit={(event) => {
            event.preventDefault();
            void move();
          }}
        >
          <Space wrap align="end">
            <div className="filter">
              <label htmlFor={`${ids}-alias`}>{t("aliases.alias")}</label>
              <AutoComplete
                id={`${ids}-alias`}
                value={alias}
                onChange={setAlias}
                options={knownAliases.map((name) => ({ value: name }))}
                style={{ width: 180 }}
              />
            </div>
            <div className="filter">
              <label htmlFor={`${ids}-version`}>{t("aliases.version")}</label>
              <Select<number>
                id={`${ids}-version`}
                value={version ?? undefined}
                onChange={setVersion}
                placeholder={t("aliases.chooseVersion")}
                options={versions.map((row) => ({
                  value: row.number,
                  label: t("aliases.versionOption", { number: row.number }),
                }))}
                style={{ width: 160 }}
              />
            </div>
            <Button type="primary" htmlType="submit" loading={moved.fetching} disabled={version === null || alias.trim() === ""}>
              {t("aliases.move")}
            </Button>
          </Space>
        </form>
      )}
      {error && <ErrorDisplay error={error} />}
    </div>
  );
}
