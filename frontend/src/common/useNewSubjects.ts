import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useClient } from "urql";
import type { CombinedError, TypedDocumentNode } from "urql";

import { SubjectEventsSubscription } from "./documents";

/** The class of a row put into a list live; newRows.css highlights it briefly. */
export const NEW_ROW_CLASS = "new-row";

export interface NewSubjectsOptions<Row extends { id: string }, Data> {
  teamId: string;
  /** The audit subject type of the list's rows, such as "Deployment"; the team's events of that type are followed. */
  subjectType: string;
  /** The audit actions that create a subject of this list, such as "Deployment.Requested". */
  createdActions: readonly string[];
  /** The audit actions after which a subject may meet the list's filters differently, such as "Deployment.BecameHealthy". */
  changedActions: readonly string[];
  /** Ids of listed rows that their own subscription keeps current, so a change to one of them is not read again. */
  followedIds: readonly string[];
  /** Reads one subject by id with the fields of a list row. */
  query: TypedDocumentNode<Data, { id: string }>;
  /** Picks the row out of the query's data. */
  select: (data: Data) => Row | null | undefined;
  /** The rows listed now. */
  rows: readonly Row[];
  /** Whether the row belongs in the list under its current filters; null when the page cannot tell. */
  matches: (row: Row) => boolean | null;
  /** Replaces the listed row with the same id; with `addIfMissing`, puts the row in when it is not listed. */
  upsert: (row: Row, addIfMissing: boolean) => void;
  /** Takes the row with this id out of the list. */
  remove: (id: string) => void;
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
  /** Changed subjects that could not be read again, so their rows may be missing, out of date or out of place. */
  unreadChangeCount: number;
  /** Returns NEW_ROW_CLASS for a row put in live, otherwise an empty string. */
  rowClassName: (row: { id: string }) => string;
  /** Forgets the highlights and counts, as when the list is read again. */
  reset: () => void;
}

export interface LiveSubjects<Row> extends NewSubjects {
  /**
   * Checks a row's new state against the filters: a row that matches is replaced or put in at its
   * place, and one that no longer matches is taken out. For rows that a subscription follows.
   */
  place: (row: Row) => void;
}

interface Tally {
  listKey: string;
  added: ReadonlySet<string>;
  notShownCount: number;
  unreadChangeCount: number;
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
  return { listKey, added: new Set(), notShownCount: 0, unreadChangeCount: 0 };
}

/**
 * Keeps a filtered list in step with subjects created or changed elsewhere. It follows the team's
 * `events` of one subject type and reads the subject with `query` after each creating or changing
 * action. A row that matches the page's filters goes in at its place in the list's order, and a
 * listed row that no longer matches goes out. Rows already listed are replaced, not repeated.
 * A new subject that cannot be read, or whose match the page cannot tell, is counted in
 * `notShownCount` for a reload notice, and a changed one that cannot be read in `unreadChangeCount`.
 */
export function useNewSubjects<Row extends { id: string }, Data>(options: NewSubjectsOptions<Row, Data>): LiveSubjects<Row> {
  const { teamId, subjectType, createdActions, changedActions, rows, listKey } = options;
  const client = useClient();
  const [tally, setTally] = useState<Tally>(() => emptyTally(listKey));
  const latest = useRef(options);
  latest.current = options;
  const createdKey = createdActions.join(",");
  const changedKey = changedActions.join(",");

  const update = useCallback(
    (keyAtRequest: string, change: (tally: Tally) => Tally) =>
      setTally((previous) => change(previous.listKey === keyAtRequest ? previous : emptyTally(keyAtRequest))),
    [],
  );

  // Puts a row in, replaces it or takes it out by the filters. An unknown match of a new subject is counted for the notice.
  const check = useCallback(
    (row: Row, created: boolean) => {
      const now = latest.current;
      const listed = now.rows.some((candidate) => candidate.id === row.id);
      const fits = now.matches(row);
      if (fits === null) {
        if (listed) {
          now.upsert(row, false);
        } else if (created) {
          update(now.listKey, (previous) => ({ ...previous, notShownCount: previous.notShownCount + 1 }));
        }
        return;
      }
      if (!fits) {
        // Also when not listed: while the first page is on its way, this keeps a stale copy out of it.
        now.remove(row.id);
        return;
      }
      now.upsert(row, true);
      if (!listed) {
        update(now.listKey, (previous) => ({ ...previous, added: new Set([...previous.added, row.id]) }));
      }
    },
    [update],
  );

  useEffect(() => {
    const created = new Set(createdKey.split(",").filter((action) => action !== ""));
    const changed = new Set(changedKey.split(",").filter((action) => action !== ""));
    // Subjects being read now. urql shares a read that is in flight with a second one of the same
    // subject, so a change recorded meanwhile is read once more after it instead.
    const reading = new Map<string, { again: boolean; created: boolean }>();

    const readOnce = async (subjectId: string, keyAtRequest: string) => {
      const query = () => client.query(latest.current.query, { id: subjectId }, { requestPolicy: "network-only" }).toPromise();
      let result = await query();
      for (const delay of NOT_FOUND_RETRY_MS) {
        if (!isNotFound(result.error) || latest.current.listKey !== keyAtRequest) {
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        result = await query();
      }
      return result;
    };

    const read = async (subjectId: string, isCreation: boolean) => {
      const running = reading.get(subjectId);
      if (running) {
        running.again = true;
        running.created ||= isCreation;
        return;
      }
      const state = { again: true, created: isCreation };
      reading.set(subjectId, state);
      const keyAtRequest = latest.current.listKey;
      let result = null;
      while (state.again && latest.current.listKey === keyAtRequest) {
        state.again = false;
        result = await readOnce(subjectId, keyAtRequest);
      }
      reading.delete(subjectId);
      if (result === null || latest.current.listKey !== keyAtRequest) {
        return;
      }

      const row = result.data ? latest.current.select(result.data) : null;
      if (row) {
        check(row, state.created);
      } else if (state.created) {
        update(keyAtRequest, (previous) => ({ ...previous, notShownCount: previous.notShownCount + 1 }));
      } else {
        update(keyAtRequest, (previous) => ({ ...previous, unreadChangeCount: previous.unreadChangeCount + 1 }));
      }
    };

    const subscription = client
      .subscription(SubjectEventsSubscription, { filter: { teamId, subjectType } })
      .subscribe((result) => {
        const entry = result.data?.events;
        if (!entry || entry.subjectType !== subjectType) {
          return;
        }
        if (created.has(entry.action)) {
          void read(entry.subjectId, true);
        } else if (changed.has(entry.action) && !latest.current.followedIds.includes(entry.subjectId)) {
          void read(entry.subjectId, false);
        }
      });
    return () => subscription.unsubscribe();
  }, [client, teamId, subjectType, createdKey, changedKey, check, update]);

  const current = useMemo(() => (tally.listKey === listKey ? tally : emptyTally(listKey)), [tally, listKey]);
  const { added } = current;
  const addedCount = useMemo(() => rows.filter((row) => added.has(row.id)).length, [rows, added]);
  const rowClassName = useCallback((row: { id: string }) => (added.has(row.id) ? NEW_ROW_CLASS : ""), [added]);
  const place = useCallback((row: Row) => check(row, false), [check]);
  const reset = useCallback(() => setTally(emptyTally(listKey)), [listKey]);

  return {
    added,
    addedCount,
    notShownCount: current.notShownCount,
    unreadChangeCount: current.unreadChangeCount,
    rowClassName,
    place,
    reset,
  };
}
