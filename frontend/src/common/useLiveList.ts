import { useCallback } from "react";
import type { AnyVariables, CombinedError, TypedDocumentNode } from "urql";

import type { RowOrder } from "./listOrder";
import { useConnectionPages } from "./useConnectionPages";
import type { Connection } from "./useConnectionPages";
import { MAX_LIVE_SUBJECTS, useLiveSubjects } from "./useLiveSubjects";
import { useNewSubjects } from "./useNewSubjects";
import type { NewSubjects } from "./useNewSubjects";

/** The subscription that keeps one listed row current, such as `deploymentUpdated(id)`. */
export interface RowUpdates<Row, Data> {
  subscription: TypedDocumentNode<Data, { id: string }>;
  /** Picks the row's new state out of a message. */
  selectRow: (data: Data) => Row;
  /** The ids among the listed rows to follow, such as the active runs; at most MAX_LIVE_SUBJECTS are followed. */
  follow: (rows: readonly Row[]) => readonly string[];
}

export interface LiveListOptions<ListData, ListVariables extends AnyVariables, Row extends { id: string }, RowData, UpdateData> {
  teamId: string;
  /** The connection query of the list, read page by page. */
  query: TypedDocumentNode<ListData, ListVariables>;
  variables: Omit<ListVariables, "first" | "after">;
  selectConnection: (data: ListData) => Connection<Row> | null | undefined;
  pageSize: number;
  /** The order the server lists the rows in; without one, rows put in live go on top. */
  order?: RowOrder<Row>;
  /** Whether a row meets the list's filters, as the server checks them; null when the page cannot tell. */
  matches: (row: Row) => boolean | null;
  /** The audit subject type of the rows, such as "Deployment". */
  subjectType: string;
  /** The audit actions that create a subject of this list. */
  createdActions: readonly string[];
  /** The audit actions after which a subject may meet the filters differently. */
  changedActions: readonly string[];
  /** Reads one subject by id with the fields of a row. */
  rowQuery: TypedDocumentNode<RowData, { id: string }>;
  selectRow: (data: RowData) => Row | null | undefined;
  /** The per-row subscription; lists whose rows have none leave it out. */
  updates?: RowUpdates<Row, UpdateData>;
}

export interface LiveList<Row> {
  rows: Row[];
  hasNextPage: boolean;
  fetching: boolean;
  error: CombinedError | undefined;
  loadMore: () => void;
  reload: () => void;
  /** Puts a row in that this page created, such as a just requested evaluation, when it meets the filters. */
  add: (row: Row) => void;
  /** The rows put in live, for highlighting and the reload notice. */
  newRows: NewSubjects;
}

function rowKey(row: { id: string }): string {
  return row.id;
}

/**
 * Reads a filtered list page by page and keeps it live. Followed rows take each message of their
 * subscription, and subjects created or changed elsewhere are read again from the team's
 * `events`. Either way the new state is checked against the filters: a row that stops matching
 * leaves the list, and one that starts matching goes in at its place in `order`.
 */
export function useLiveList<ListData, ListVariables extends AnyVariables, Row extends { id: string }, RowData, UpdateData>(
  options: LiveListOptions<ListData, ListVariables, Row, RowData, UpdateData>,
): LiveList<Row> {
  const { teamId, variables, updates } = options;
  const pages = useConnectionPages(options.query, variables, options.selectConnection, rowKey, options.pageSize, options.order);
  const followedIds = updates ? updates.follow(pages.rows).slice(0, MAX_LIVE_SUBJECTS) : [];

  const live = useNewSubjects({
    teamId,
    subjectType: options.subjectType,
    createdActions: options.createdActions,
    changedActions: options.changedActions,
    followedIds,
    query: options.rowQuery,
    select: options.selectRow,
    rows: pages.rows,
    matches: options.matches,
    upsert: pages.upsert,
    remove: pages.remove,
    listKey: JSON.stringify(variables),
  });

  const { place } = live;
  const selectUpdate = updates?.selectRow;
  useLiveSubjects(
    followedIds,
    updates?.subscription ?? null,
    idVariables,
    useCallback(
      (data: UpdateData) => {
        if (selectUpdate) {
          place(selectUpdate(data));
        }
      },
      [place, selectUpdate],
    ),
  );

  return {
    rows: pages.rows,
    hasNextPage: pages.hasNextPage,
    fetching: pages.fetching,
    error: pages.error,
    loadMore: pages.loadMore,
    reload: pages.reload,
    add: place,
    newRows: live,
  };
}

function idVariables(id: string): { id: string } {
  return { id };
}
