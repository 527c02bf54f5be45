import { Client, makeResult } from "urql";
import type { Exchange, Operation, OperationResult } from "urql";
import { GraphQLError } from "graphql";
import { filter, fromPromise, fromValue, makeSubject, merge, mergeMap, never, pipe, share } from "wonka";
import type { Source } from "wonka";

/** The response a test gives to one operation: data, GraphQL errors, or nothing yet (a subscription that waits). */
export type Answer = { data: unknown } | { errors: { message: string; extensions: Record<string, unknown> }[] } | null;

export interface MockServer {
  /** The exchange that responds; put it in front of a client's other exchanges. */
  exchange: Exchange;
  client: Client;
  /** Every query, mutation and subscription the client sent, in order. */
  operations: Operation[];
  /** Sends a subscription message to every open subscription of that operation name. */
  push: (operationName: string, data: Record<string, unknown>) => void;
}

function nameOf(operation: Operation): string {
  const definition = operation.query.definitions.find((node) => node.kind === "OperationDefinition");
  return definition && "name" in definition && definition.name ? definition.name.value : "";
}

function resultOf(operation: Operation, answer: Answer): OperationResult {
  if (answer !== null && "errors" in answer) {
    const errors = answer.errors.map((error) => new GraphQLError(error.message, { extensions: error.extensions }));
    return makeResult(operation, { data: null, errors });
  }
  const data = (answer?.data ?? null) as Record<string, unknown> | null;
  return makeResult(operation, { data });
}

/**
 * Builds an urql client whose only exchange responds to each operation with `answer`, so components run
 * their real hooks and documents without a server. A promise delays the response until it resolves,
 * as a slow server would.
 */
export function mockServer(answer: (name: string, variables: Record<string, unknown>) => Answer | Promise<Answer>): MockServer {
  const operations: Operation[] = [];
  const pushed = makeSubject<{ name: string; data: Record<string, unknown> }>();

  const exchange: Exchange = () => (operations$) => {
    const shared = pipe(operations$, share);
    return pipe(
      shared,
      filter((operation) => operation.kind !== "teardown"),
      mergeMap((operation): Source<OperationResult> => {
        operations.push(operation);
        const name = nameOf(operation);
        const first = answer(name, operation.variables as Record<string, unknown>);
        // A subscription whose first response is null waits for pushed messages. A query or mutation always gets a result.
        const respond = (response: Answer): Source<OperationResult> =>
          operation.kind === "subscription" && response === null ? never : fromValue(resultOf(operation, response));
        const initial = first instanceof Promise ? pipe(fromPromise(first), mergeMap(respond)) : respond(first);
        if (operation.kind !== "subscription") {
          return initial;
        }
        const later = pipe(
          pushed.source,
          filter((message) => message.name === name),
          mergeMap((message) => fromValue(makeResult(operation, { data: message.data }))),
        );
        return merge([initial, later]);
      }),
    );
  };

  const client = new Client({ url: "/graphql", exchanges: [exchange] });
  return { exchange, client, operations, push: (name, data) => pushed.next({ name, data }) };
}
