import { Descriptions, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";

import { useFormat } from "../i18n/format";
import type { ModelDetailFragment } from "../gql/graphql";

interface ModelOverviewProps {
  model: ModelDetailFragment;
  nameOf: (userId: string) => string;
}

export function ModelOverview({ model, nameOf }: ModelOverviewProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const none = <Typography.Text type="secondary">{t("common.none")}</Typography.Text>;

  return (
    <Descriptions bordered column={1} size="small" className="model-overview">
      <Descriptions.Item label={t("model.name")}>{model.name}</Descriptions.Item>
      <Descriptions.Item label={t("model.description")}>{model.description || none}</Descriptions.Item>
      <Descriptions.Item label={t("model.task")}>{t(`tasks.${model.task}`)}</Descriptions.Item>
      <Descriptions.Item label={t("model.tags")}>
        {model.tags.length === 0 ? none : model.tags.map((tag) => <Tag key={tag.key}>{`${tag.key}=${tag.value}`}</Tag>)}
      </Descriptions.Item>
      <Descriptions.Item label={t("model.versionCount")}>{format.number(model.versionCount)}</Descriptions.Item>
      <Descriptions.Item label={t("model.aliases")}>
        {model.aliases.length === 0
          ? none
          : model.aliases.map((alias) => (
              <Tag key={alias.alias} color="blue">
                {t("registry.aliasAt", { alias: alias.alias, version: alias.versionNumber })}
              </Tag>
            ))}
      </Descriptions.Item>
      <Descriptions.Item label={t("model.protectedAliases")}>
        {model.protectedAliases.length === 0 ? none : model.protectedAliases.map((alias) => <Tag key={alias}>{alias}</Tag>)}
      </Descriptions.Item>
      <Descriptions.Item label={t("model.owner")}>{nameOf(model.ownerId)}</Descriptions.Item>
      <Descriptions.Item label={t("model.retention")}>
        {model.retentionDays === null || model.retentionDays === undefined
          ? t("model.keepAllVersions")
          : t("model.retentionDays", { count: model.retentionDays })}
      </Descriptions.Item>
      <Descriptions.Item label={t("model.created")}>{format.dateTime(model.createdAt)}</Descriptions.Item>
      <Descriptions.Item label={t("model.updated")}>{format.dateTime(model.updatedAt)}</Descriptions.Item>
    </Descriptions>
  );
}
