import { useEffect, useRef, useState } from "react";
import { useClient } from "urql";

import type { ModelRunNamesQuery as ModelRunNamesData } from "../gql/graphql";
import { ModelRunNamesQuery } from "./documents";

/** Runs read per page. The server allows up to 500. */
export const RUN_NAME_PAGE = 200;
/**
 * Pages read at most for one set of runs. NOTE: a version whose run is older than the model's
 * newest 2,000 runs keeps the generic link text.
 */
export const MAX_RUN_NAME_PAGES = 10;

/**
 * Returns the names of the given training runs of a model, by run id. It reads the model's runs,
 * newest first, until every id is named or the runs end. Ids not found yet are missing from the map.
 */
export function useRunNames(teamId: string, modelId: string, runIds: readonly string[]): ReadonlyMap<string, string> {
  const client = useClient();
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  const known = useRef(names);
  known.current = names;
  const requestedKey = [...new Set(runIds)].sort().join(",");

  useEffect(() => {
    const missing = requestedKey.split(",").filter((id) => id !== "" && !known.current.has(id));
    if (missing.length === 0) {
      return;
    }
    let cancelled = false;

    const readNames = async () => {
      const found = new Map<string, string>();
      let after: string | null = null;
      for (let page = 0; page < MAX_RUN_NAME_PAGES; page += 1) {
        const result: { data?: ModelRunNamesData } = await client
          .query(ModelRunNamesQuery, { teamId, modelId, first: RUN_NAME_PAGE, after }, { requestPolicy: "network-only" })
          .toPromise();
        const connection: ModelRunNamesData["trainingRuns"] | undefined = result.data?.trainingRuns;
        if (!connection) {
          break;
        }
        for (const run of connection.nodes) {
          found.set(run.id, run.name);
        }
        if (missing.every((id) => found.has(id)) || !connection.pageInfo.hasNextPage) {
          break;
        }
        after = connection.pageInfo.endCursor ?? null;
      }
      if (!cancelled && found.size > 0) {
        setNames((previous) => new Map([...previous, ...found]));
      }
    };

    void readNames();
    return () => {
      cancelled = true;
    };
  }, [client, teamId, modelId, requestedKey]);

  return names;
}
