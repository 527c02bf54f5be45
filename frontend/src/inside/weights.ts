import type { WeightStatisticsFieldsFragment } from "../gql/graphql";

/**
 * Groups weight tensors by the layer they belong to. A tensor is named `<layer>/<variable>`,
 * and a layer name may itself contain a slash, so the longest layer name that prefixes the
 * tensor's name wins. A tensor that no layer prefixes goes under its name up to the last slash.
 */
export function weightsByLayer(
  layerNames: readonly string[],
  weights: readonly WeightStatisticsFieldsFragment[],
): Map<string, WeightStatisticsFieldsFragment[]> {
  const longestFirst = [...layerNames].sort((left, right) => right.length - left.length);
  const groups = new Map<string, WeightStatisticsFieldsFragment[]>();
  for (const weight of weights) {
    const layer =
      longestFirst.find((name) => weight.name.startsWith(`${name}/`)) ??
      (weight.name.includes("/") ? weight.name.slice(0, weight.name.lastIndexOf("/")) : weight.name);
    const group = groups.get(layer) ?? [];
    group.push(weight);
    groups.set(layer, group);
  }
  return groups;
}
