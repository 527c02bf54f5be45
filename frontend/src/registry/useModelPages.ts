import { useMemo } from "react";

import { useLiveList } from "../common/useLiveList";
import type { LiveList } from "../common/useLiveList";
import type { ModelRowFragment, ModelsQueryVariables } from "../gql/graphql";
import { ModelRowQuery, ModelRowUpdatedSubscription, ModelsQuery } from "./documents";
import { matchesModelSearch, modelOrder } from "./modelSearch";

export const MODEL_PAGE = 100;
const MODEL_REGISTERED = "RegisteredModel.Registered";
const CREATING_ACTIONS = [MODEL_REGISTERED];
/** Every other action of a model: each can change a filtered field (tags, aliases, archived) or the update time. */
const CHANGING_ACTIONS = [
  "RegisteredModel.Updated",
  "RegisteredModel.VersionAdded",
  "RegisteredModel.AliasMoved",
  "RegisteredModel.AliasRemoved",
  "RegisteredModel.RetentionPolicySet",
  "RegisteredModel.Archived",
  "RegisteredModel.Restored",
];

export type ModelSearchVariables = Omit<ModelsQueryVariables, "first" | "after"> & { teamId: string };

export type ModelPages = LiveList<ModelRowFragment>;

/**
 * Reads a model search page by page with cursors, keeping every loaded page, so a long list
 * grows as it is scrolled. A new search starts again from the first page. Rows on screen
 * (`visibleIds`) follow `modelUpdated`; a model that changes moves to its place in the sort
 * order, or leaves the list when it no longer meets the search, and one that starts to meet it
 * goes in.
 */
export function useModelPages(search: ModelSearchVariables, visibleIds: readonly string[]): ModelPages {
  const order = useMemo(() => modelOrder(search.orderBy, search.descending), [search.orderBy, search.descending]);
  const filter = search.filter ?? {};
  return useLiveList({
    teamId: search.teamId,
    query: ModelsQuery,
    variables: search,
    selectConnection: (data) => data.models,
    pageSize: MODEL_PAGE,
    order,
    matches: (model) => matchesModelSearch(model, filter),
    subjectType: "RegisteredModel",
    createdActions: CREATING_ACTIONS,
    changedActions: CHANGING_ACTIONS,
    rowQuery: ModelRowQuery,
    selectRow: (data) => data.model,
    updates: {
      subscription: ModelRowUpdatedSubscription,
      selectRow: (data) => data.modelUpdated.model,
      follow: () => visibleIds,
    },
  });
}
