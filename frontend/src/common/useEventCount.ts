import { useState } from "react";
import { useSubscription } from "urql";
import type { AnyVariables, TypedDocumentNode } from "urql";

export interface EventCount {
  count: number;
  /** Starts counting again from zero, as after the list was read again. */
  reset: () => void;
}

/** Counts the messages of an `events` subscription since the page was read or last reset. */
export function useEventCount<Data, Variables extends AnyVariables>(
  subscription: TypedDocumentNode<Data, Variables>,
  variables: Variables,
  pause = false,
): EventCount {
  const [offset, setOffset] = useState(0);
  const [{ data: total = 0 }] = useSubscription(
    { query: subscription, variables, pause },
    (count: number | undefined) => (count ?? 0) + 1,
  );
  return { count: total - offset, reset: () => setOffset(total) };
}
