import { useMemo } from "react";

import { useConnectionPages } from "../common/useConnectionPages";
import type { ConnectionPages } from "../common/useConnectionPages";
import type { ModelRowFragment, ModelsQueryVariables } from "../gql/graphql";
import { ModelsQuery } from "./documents";
import { modelOrder } from "./modelSearch";

export const MODEL_PAGE = 100;

export type ModelSearchVariables = Omit<ModelsQueryVariables, "first" | "after">;

export type ModelPages = ConnectionPages<ModelRowFragment>;

function modelKey(model: ModelRowFragment): string {
  return model.id;
}

/**
 * Reads a model search page by page with cursors, keeping every loaded page, so a long list
 * grows as it is scrolled. A new search starts again from the first page. `upsert` keeps the
 * search's sort order, so a row whose sort key changed moves to its new place.
 */
export function useModelPages(search: ModelSearchVariables): ModelPages {
  const order = useMemo(() => modelOrder(search.orderBy, search.descending), [search.orderBy, search.descending]);
  return useConnectionPages(ModelsQuery, search, (data) => data.models, modelKey, MODEL_PAGE, order);
}
