import { Empty, Tag, Typography } from "antd";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { useFormat } from "../i18n/format";
import type { ModelRowFragment } from "../gql/graphql";

export const ROW_HEIGHT = 56;
/** Rows from the end of what is loaded at which the next page is requested. */
export const PREFETCH_ROWS = 20;

interface ModelListProps {
  teamId: string;
  rows: ModelRowFragment[];
  hasNextPage: boolean;
  fetching: boolean;
  onLoadMore: () => void;
  /** Called with the ids of the rows on screen, whenever they change. */
  onVisibleChange: (ids: string[]) => void;
  nameOf: (userId: string) => string;
  /** Extra classes of a row, such as the highlight of a model registered live. */
  rowClassName?: (model: ModelRowFragment) => string;
  /** Catalogue key of the text shown when there are no rows. */
  emptyText?: "registry.empty" | "registry.noModels";
}

/**
 * Renders the registry's models as an ARIA table with virtualized rows. Only the rows on screen
 * are in the DOM, so thousands of loaded models scroll as fast as fifty.
 */
export function ModelList({
  teamId,
  rows,
  hasNextPage,
  fetching,
  onLoadMore,
  onVisibleChange,
  nameOf,
  rowClassName,
  emptyText = "registry.empty",
}: ModelListProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;

  useEffect(() => {
    if (hasNextPage && !fetching && last >= rows.length - PREFETCH_ROWS) {
      onLoadMore();
    }
  }, [last, rows.length, hasNextPage, fetching, onLoadMore]);

  const visibleKey = rows
    .slice(first, last + 1)
    .map((row) => row.id)
    .join(",");
  useEffect(() => {
    onVisibleChange(visibleKey === "" ? [] : visibleKey.split(","));
  }, [visibleKey, onVisibleChange]);

  if (rows.length === 0 && !fetching) {
    return <Empty description={t(emptyText)} />;
  }

  return (
    <div
      role="table"
      aria-label={t("registry.listLabel")}
      aria-rowcount={hasNextPage ? -1 : rows.length + 1}
      className="model-list"
    >
      <div role="rowgroup">
        <div role="row" className="model-row model-header" aria-rowindex={1}>
          <span role="columnheader">{t("registry.columns.name")}</span>
          <span role="columnheader">{t("registry.columns.task")}</span>
          <span role="columnheader">{t("registry.columns.versions")}</span>
          <span role="columnheader">{t("registry.columns.aliases")}</span>
          <span role="columnheader">{t("registry.columns.tags")}</span>
          <span role="columnheader">{t("registry.columns.owner")}</span>
          <span role="columnheader">{t("registry.columns.updated")}</span>
        </div>
      </div>
      <div ref={scroller} className="model-list-body" role="rowgroup" tabIndex={0}>
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {items.map((item) => {
            const model = rows[item.index];
            if (!model) {
              return null;
            }
            return (
              <div
                key={model.id}
                role="row"
                aria-rowindex={item.index + 2}
                className={["model-row", model.archived ? "archived" : "", rowClassName?.(model) ?? ""].filter(Boolean).join(" ")}
                style={{
                  position: "absolute",
                  top: 0,
                  left: 0,
                  right: 0,
                  height: ROW_HEIGHT,
                  transform: `translateY(${item.start}px)`,
                }}
              >
                <span role="cell" className="model-name">
                  <Link to={`/teams/${teamId}/models/${model.id}`}>{model.name}</Link>
                  {model.archived && <Tag className="archived-tag">{t("registry.archivedTag")}</Tag>}
                  <Typography.Text type="secondary" ellipsis className="model-description">
                    {model.description}
                  </Typography.Text>
                </span>
                <span role="cell">{t(`tasks.${model.task}`)}</span>
                <span role="cell">{format.number(model.versionCount)}</span>
                <span
                  role="cell"
                  className="cell-tags"
                  title={model.aliases
                    .map((alias) => t("registry.aliasAt", { alias: alias.alias, version: alias.versionNumber }))
                    .join(", ")}
                >
                  {model.aliases.map((alias) => (
                    <Tag key={alias.alias} color="blue">
                      {t("registry.aliasAt", { alias: alias.alias, version: alias.versionNumber })}
                    </Tag>
                  ))}
                </span>
                <span role="cell" className="cell-tags" title={model.tags.map((tag) => `${tag.key}=${tag.value}`).join(", ")}>
                  {model.tags.map((tag) => (
                    <Tag key={tag.key}>{`${tag.key}=${tag.value}`}</Tag>
                  ))}
                </span>
                <span role="cell">{nameOf(model.ownerId)}</span>
                <span role="cell">{format.dateTime(model.updatedAt)}</span>
              </div>
            );
          })}
        </div>
      </div>
      <div className="model-list-footer" aria-live="polite">
        {fetching ? t("registry.loadingMore") : t("registry.loaded", { count: rows.length })}
        {!fetching && hasNextPage ? ` ${t("registry.scrollForMore")}` : ""}
      </div>
    </div>
  );
}
