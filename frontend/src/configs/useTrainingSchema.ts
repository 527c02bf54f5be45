import { useQuery } from "urql";
import type { CombinedError } from "urql";

import { TrainingConfigSchemaQuery } from "./documents";
import { isObject } from "./jsonSchema";
import type { JsonSchema } from "./jsonSchema";

export interface TrainingSchema {
  schema: JsonSchema | null;
  fetching: boolean;
  error: CombinedError | undefined;
  retry: () => void;
}

/** Reads the JSON Schema of configuration documents once; the cache keeps it for the session. */
export function useTrainingSchema(): TrainingSchema {
  const [{ data, fetching, error }, reexecute] = useQuery({ query: TrainingConfigSchemaQuery, requestPolicy: "cache-first" });
  const schema = isObject(data?.trainingConfigSchema) ? (data.trainingConfigSchema as JsonSchema) : null;
  return { schema, fetching, error, retry: () => reexecute({ requestPolicy: "network-only" }) };
}
