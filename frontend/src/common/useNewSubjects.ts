import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useClient } from "urql";
import type { CombinedError, TypedDocumentNode } from "urql";

import { SubjectEventsSubscription } from "./documents";

/** The class of a row put into a list live; newRows.css highlights it briefly. */
export const NEW_ROW_CLASS = "new-row";

export interface NewSubjectsOptions<Row extends { id: string }, Data> {
  teamId: string;
  /** The audit actions that create a subject of this list, such as "Deployment.Requested". */
  actions: readonly string[];
  /** Reads one subject by id with the fields of a list row. */
  query: TypedDocumentNode<Data, { id: string }>;
  /** Picks the row out of the query's data. */
  select: (data: Data) => Row | null | undefined;
  /** The rows listed now. */
  rows: readonly Row[];
  /** Whether the row belongs in the list under its current filters; null when the page cannot tell. */
  matches: (row: Row) => boolean | null;
  /** Puts the row into the list, replacing the listed row with the same id. */
  upsert: (row: Row) => void;
  /** Changes whenever the list is read again for other filters; the highlights and counts then start over. */
  listKey: string;
}

export interface NewSubjects {
  /** Ids of the rows put into the list live since it was read. */
  added: ReadonlySet<string>;
  /** How many of the listed rows were put in live, for the screen-reader announcement. */
  addedCount: number;
  /** New subjects left out because the page cannot check its filters on them or could not read them. */
  notShownCount: number;
  /** Returns NEW_ROW_CLASS for a row put in live, otherwise an empty string. */
  rowClassName: (row: { id: string }) => string;
  /** Forgets the highlights and counts, as when the list is read again. */
  reset: () => void;
}

interface Tally {
  listKey: string;
  added: ReadonlySet<string>;
  notShownCount: number;
}

/**
 * Delays in ms before reading a new subject again while it is NOT_FOUND. The audit log is projected
 * before the other read models, so the `events` message can arrive a moment before the row exists.
 */
export const NOT_FOUND_RETRY_MS = [100, 400, 1600] as const;

function isNotFound(error: CombinedError | undefined): boolean {
  return error?.graphQLErrors.some((graphQLError) => graphQLError.extensions?.code === "NOT_FOUND") ?? false;
}

function emptyTally(listKey: string): Tally {
  return { listKey, added: new Set(), notShownCount: 0 };
}

/**
 * Puts subjects created elsewhere into a list as they are created. It follows the team's
 * `events` for the given actions, reads each new subject with `query` and upserts it when it
 * matches the page's filters. Rows already listed are replaced, not repeated. A subject that
 * cannot be read, or whose match the page cannot tell, is counted in `notShownCount` for a reload
 * notice instead.
 */
export function useNewSubjects<Row extends { id: string }, Data>(options: NewSubjectsOptions<Row, Data>): NewSubjects {
  const { teamId, actions, rows, listKey } = options;
  const client = useClient();
  const [tally, setTally] = useState<Tally>(() => emptyTally(listKey));
  const latest = useRef(options);
  latest.current = options;
  const actionsKey = actions.join(",");

  useEffect(() => {
    const update = (keyAtRequest: string, change: (tally: Tally) => Tally) =>
      setTally((previous) => change(previous.listKey === keyAtRequest ? previous : emptyTally(keyAtRequest)));

    const place = async (subjectId: string) => {
      const keyAtRequest = latest.current.listKey;
      const read = () => client.query(latest.current.query, { id: subjectId }, { requestPolicy: "network-only" }).toPromise();
      let result = await read();
      for (const delay of NOT_FOUND_RETRY_MS) {
        if (!isNotFound(result.error) || latest.current.listKey !== keyAtRequest) {
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        result = await read();
      }
      const now = latest.current;
      if (now.listKey !== keyAtRequest) {
        return;
      }
      const row = result.data ? now.select(result.data) : null;
      const fits = row ? now.matches(row) : null;
      if (!row || fits === null) {
        update(keyAtRequest, (previous) => ({ ...previous, notShownCount: previous.notShownCount + 1 }));
        return;
      }
      if (!fits) {
        return;
      }
      const listed = now.rows.some((candidate) => candidate.id === row.id);
      now.upsert(row);
      if (!listed) {
        update(keyAtRequest, (previous) => ({ ...previous, added: new Set([...previous.added, row.id]) }));
      }
    };

    const subscriptions = actionsKey
      .split(",")
      .filter((action) => action !== "")
      .map((action) =>
        client.subscription(SubjectEventsSubscription, { filter: { teamId, action } }).subscribe((result) => {
          const entry = result.data?.events;
          if (entry?.action === action) {
            void place(entry.subjectId);
          }
        }),
      );
    return () => subscriptions.forEach((subscription) => subscription.unsubscribe());
  }, [client, teamId, actionsKey]);

  const current = useMemo(() => (tally.listKey === listKey ? tally : emptyTally(listKey)), [tally, listKey]);
  const { added } = current;
  const addedCount = useMemo(() => rows.filter((row) => added.has(row.id)).length, [rows, added]);
  const rowClassName = useCallback((row: { id: string }) => (added.has(row.id) ? NEW_ROW_CLASS : ""), [added]);
  const reset = useCallback(() => setTally(emptyTally(listKey)), [listKey]);

  return { added, addedCount, notShownCount: current.notShownCount, rowClassName, reset };
}
