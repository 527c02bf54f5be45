import { compareText, compareTimes, foldCase, nameContains } from "../common/listOrder";
import type { RowOrder } from "../common/listOrder";
import type { ModelOrder, ModelRowFragment, ModelSearch, ModelTask } from "../gql/graphql";

export const MODEL_TASKS: ModelTask[] = ["CLASSIFICATION", "REGRESSION", "TEXT", "OTHER"];
export const MODEL_ORDERS: ModelOrder[] = ["NAME", "UPDATED", "CREATED"];
export const ARCHIVED_CHOICES = ["active", "archived", "all"] as const;
export type ArchivedChoice = (typeof ARCHIVED_CHOICES)[number];

/** The registry list's search, as kept in the page's URL query. */
export interface RegistrySearch {
  nameContains: string;
  task: ModelTask | null;
  tagKey: string;
  tagValue: string;
  alias: string;
  archived: ArchivedChoice;
  orderBy: ModelOrder;
  descending: boolean;
}

function oneOf<T extends string>(choices: readonly T[], value: string | null, fallback: T): T {
  return choices.find((choice) => choice === value) ?? fallback;
}

export function searchFromParams(params: URLSearchParams): RegistrySearch {
  return {
    nameContains: params.get("q") ?? "",
    task: MODEL_TASKS.find((task) => task === params.get("task")) ?? null,
    tagKey: params.get("tagKey") ?? "",
    tagValue: params.get("tagValue") ?? "",
    alias: params.get("alias") ?? "",
    archived: oneOf(ARCHIVED_CHOICES, params.get("archived"), "active"),
    orderBy: oneOf(MODEL_ORDERS, params.get("sort"), "NAME"),
    descending: params.get("order") === "desc",
  };
}

/** Writes only the values that differ from the defaults, so a plain list has a plain URL. */
export function paramsFromSearch(search: RegistrySearch): URLSearchParams {
  const params = new URLSearchParams();
  const texts: [string, string][] = [
    ["q", search.nameContains.trim()],
    ["tagKey", search.tagKey.trim()],
    ["tagValue", search.tagValue.trim()],
    ["alias", search.alias.trim()],
  ];
  for (const [key, value] of texts) {
    if (value !== "") {
      params.set(key, value);
    }
  }
  if (search.task) {
    params.set("task", search.task);
  }
  if (search.archived !== "active") {
    params.set("archived", search.archived);
  }
  if (search.orderBy !== "NAME") {
    params.set("sort", search.orderBy);
  }
  if (search.descending) {
    params.set("order", "desc");
  }
  return params;
}

/** Returns whether the search narrows the list: a name, tag, alias, task or archived choice (sorting does not). */
export function narrowsList(search: RegistrySearch): boolean {
  const narrowing = paramsFromSearch(search);
  narrowing.delete("sort");
  narrowing.delete("order");
  return narrowing.toString() !== "";
}

/** Builds the GraphQL filter of a search; a tag value counts only with a tag key, as the server requires. */
export function filterOf(search: RegistrySearch): ModelSearch {
  const text = (value: string) => (value.trim() === "" ? null : value.trim());
  const tagKey = text(search.tagKey);
  const archived = { active: false, archived: true, all: null }[search.archived];
  return {
    nameContains: text(search.nameContains),
    task: search.task,
    tagKey,
    tagValue: tagKey ? text(search.tagValue) : null,
    alias: text(search.alias),
    archived,
  };
}

/** Orders model rows as the server's `models` query does for `orderBy` and `descending`, ties broken by id. */
export function modelOrder(orderBy: ModelOrder, descending: boolean): RowOrder<ModelRowFragment> {
  const byKey: RowOrder<ModelRowFragment> = {
    NAME: (a: ModelRowFragment, b: ModelRowFragment) => compareText(foldCase(a.name), foldCase(b.name)),
    CREATED: (a: ModelRowFragment, b: ModelRowFragment) => compareTimes(a.createdAt, b.createdAt),
    UPDATED: (a: ModelRowFragment, b: ModelRowFragment) => compareTimes(a.updatedAt, b.updatedAt),
  }[orderBy];
  const direction = descending ? -1 : 1;
  return (a, b) => direction * (byKey(a, b) || compareText(a.id, b.id));
}

/** Returns whether a model row meets every condition of a registry search, as the server checks them. */
export function matchesModelSearch(model: ModelRowFragment, filter: ModelSearch): boolean {
  const tagMatches =
    !filter.tagKey ||
    model.tags.some((tag) => tag.key === filter.tagKey && (filter.tagValue == null || tag.value === filter.tagValue));
  const createdAt = Date.parse(model.createdAt);
  // Like the server, an absent `archived` means active models only and null means any.
  const archived = filter.archived === undefined ? false : filter.archived;
  return (
    nameContains(model.name, filter.nameContains) &&
    tagMatches &&
    (!filter.task || model.task === filter.task) &&
    (!filter.alias || model.aliases.some((alias) => alias.alias === filter.alias)) &&
    (archived === null || model.archived === archived) &&
    (!filter.ownerId || model.ownerId === filter.ownerId) &&
    (!filter.createdAfter || createdAt >= Date.parse(filter.createdAfter)) &&
    (!filter.createdBefore || createdAt < Date.parse(filter.createdBefore))
  );
}
