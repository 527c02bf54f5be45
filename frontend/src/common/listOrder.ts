/** The order of a list's rows: negative when `a` comes before `b`, positive when after. */
export type RowOrder<Row> = (a: Row, b: Row) => number;

export interface PlaceOptions<Row> {
  /** Whether a row that is not in the list yet goes in; otherwise only a listed row is replaced. */
  addIfMissing: boolean;
  /** The list's order; without one, a replaced row keeps its place and a new row goes on top. */
  order?: RowOrder<Row>;
  /** Whether the server has rows after the last loaded one. */
  hasNextPage: boolean;
}

/**
 * Puts `row` into `rows`, replacing the row with the same key, and returns the new list. With
 * an order, the row goes where the order places it among the loaded rows, so a row whose sort
 * key changed moves. A row that sorts after the last loaded row while more pages remain is left
 * out, because the server sends it with a later page. An unchanged list is returned as is.
 */
export function placeRow<Row>(rows: Row[], row: Row, keyOf: (row: Row) => string, options: PlaceOptions<Row>): Row[] {
  const key = keyOf(row);
  const index = rows.findIndex((candidate) => keyOf(candidate) === key);
  if (index < 0 && !options.addIfMissing) {
    return rows;
  }

  const { order } = options;
  if (order === undefined) {
    if (index < 0) {
      return [row, ...rows];
    }
    const replaced = [...rows];
    replaced[index] = row;
    return replaced;
  }

  const others = index < 0 ? [...rows] : rows.filter((_, position) => position !== index);
  const before = others.findIndex((candidate) => order(row, candidate) < 0);
  if (before < 0) {
    return options.hasNextPage ? others : [...others, row];
  }
  others.splice(before, 0, row);
  return others;
}

/**
 * Folds case the way the server's name keys do (Python's `str.casefold`), for name search and
 * name order. NOTE: upper- then lower-casing matches casefold for Latin, Greek and Cyrillic
 * text, ß and final sigma included, but not for every script (Cherokee folds to upper case).
 */
export function foldCase(text: string): string {
  return text.toUpperCase().toLowerCase();
}

/** Returns whether `name` contains `part` ignoring case, as the server's `nameContains` filters match. */
export function nameContains(name: string, part: string | null | undefined): boolean {
  return !part || foldCase(name).includes(foldCase(part));
}

/**
 * Compares two strings by UTF-16 code units. NOTE: the database compares UTF-8 bytes, which
 * orders the same except for characters above U+FFFF against those from U+E000 to U+FFFF.
 */
export function compareText(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}

/** Compares two ISO 8601 times by the moment they name, then by their text (which keeps microseconds). */
export function compareTimes(a: string, b: string): number {
  const difference = Date.parse(a) - Date.parse(b);
  return difference !== 0 && !Number.isNaN(difference) ? Math.sign(difference) : compareText(a, b);
}

/** Orders rows by case-folded name, then id, as the server pages its name-ordered lists. */
export function byNameThenId<Row extends { id: string; name: string }>(a: Row, b: Row): number {
  return compareText(foldCase(a.name), foldCase(b.name)) || compareText(a.id, b.id);
}

/**
 * Orders rows newest first by `createdAt`, as the server pages runs, evaluations and deployments.
 * NOTE: the server orders by the log position of the creating event, and `createdAt` is that
 * event's time. The two agree unless two rows were created in the same microsecond, or by
 * processes whose clocks differ. A row with an equal time goes after the listed ones.
 */
export function byCreatedNewestFirst<Row extends { createdAt: string }>(a: Row, b: Row): number {
  return compareTimes(b.createdAt, a.createdAt);
}
