import { useMemo } from "react";
import { useQuery } from "urql";
import type { CombinedError } from "urql";

import type { TeamCatalogQuery } from "../gql/graphql";
import { TeamCatalogQuery as TeamCatalogDocument } from "./documents";

export type CatalogModel = TeamCatalogQuery["models"]["nodes"][number];
export type CatalogDataset = TeamCatalogQuery["datasets"]["nodes"][number];
export type CatalogDatasetVersion = CatalogDataset["versions"]["nodes"][number];

export interface TeamCatalog {
  models: CatalogModel[];
  datasets: CatalogDataset[];
  modelName: (id: string | null | undefined) => string | null;
  /** The dataset version and its dataset, or null when it is not among the versions read. */
  datasetVersion: (id: string | null | undefined) => { dataset: CatalogDataset; version: CatalogDatasetVersion } | null;
  fetching: boolean;
  error: CombinedError | undefined;
}

/**
 * Reads the names of the team's models and datasets with their versions, which runs and
 * evaluations refer to only by id. NOTE: it reads at most 500 models, 100 datasets and 100
 * versions of each; ids beyond those are shown as ids.
 */
export function useTeamCatalog(teamId: string): TeamCatalog {
  const [{ data, fetching, error }] = useQuery({ query: TeamCatalogDocument, variables: { teamId } });

  return useMemo(() => {
    const models = data?.models.nodes ?? [];
    const datasets = data?.datasets.nodes ?? [];
    const modelsById = new Map(models.map((model) => [model.id, model]));
    const versionsById = new Map(
      datasets.flatMap((dataset) => dataset.versions.nodes.map((version) => [version.id, { dataset, version }] as const)),
    );
    return {
      models,
      datasets,
      modelName: (id) => (id ? (modelsById.get(id)?.name ?? null) : null),
      datasetVersion: (id) => (id ? (versionsById.get(id) ?? null) : null),
      fetching,
      error,
    };
  }, [data, fetching, error]);
}
