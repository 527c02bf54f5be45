import { describe, expect, it } from "vitest";

import { byCreatedNewestFirst, byNameThenId, compareTimes, foldCase, nameContains, placeRow } from "./listOrder";

interface Row {
  id: string;
  name: string;
}

const keyOf = (row: Row) => row.id;
const rows: Row[] = [
  { id: "1", name: "alpha" },
  { id: "2", name: "Delta" },
  { id: "3", name: "kilo" },
];

function names(list: Row[]): string[] {
  return list.map((row) => row.name);
}

describe("placeRow", () => {
  it("new row goes on top without order", () => {
    expect(names(placeRow(rows, { id: "9", name: "zulu" }, keyOf, { addIfMissing: true, hasNextPage: false }))).toEqual([
      "zulu",
      "alpha",
      "Delta",
      "kilo",
    ]);
  });

  it("listed row is replaced in place", () => {
    const placed = placeRow(rows, { id: "2", name: "Delta 2" }, keyOf, { addIfMissing: true, hasNextPage: false });
    expect(names(placed)).toEqual(["alpha", "Delta 2", "kilo"]);
  });

  it("missing row is ignored unless added", () => {
    expect(placeRow(rows, { id: "9", name: "zulu" }, keyOf, { addIfMissing: false, hasNextPage: false })).toBe(rows);
  });

  it("ordered row goes to its place", () => {
    const placed = placeRow(rows, { id: "9", name: "echo" }, keyOf, {
      addIfMissing: true,
      order: byNameThenId,
      hasNextPage: true,
    });
    expect(names(placed)).toEqual(["alpha", "Delta", "echo", "kilo"]);
  });

  it("changed sort key moves the row", () => {
    const placed = placeRow(rows, { id: "1", name: "lima" }, keyOf, {
      addIfMissing: false,
      order: byNameThenId,
      hasNextPage: false,
    });
    expect(names(placed)).toEqual(["Delta", "kilo", "lima"]);
  });

  it("row past the loaded pages is left for its page", () => {
    const options = { addIfMissing: true, order: byNameThenId, hasNextPage: true };
    expect(names(placeRow(rows, { id: "9", name: "zulu" }, keyOf, options))).toEqual(["alpha", "Delta", "kilo"]);
    expect(names(placeRow(rows, { id: "1", name: "zulu" }, keyOf, options))).toEqual(["Delta", "kilo"]);
  });

  it("row past the last page goes last", () => {
    const placed = placeRow(rows, { id: "9", name: "zulu" }, keyOf, {
      addIfMissing: true,
      order: byNameThenId,
      hasNextPage: false,
    });
    expect(names(placed)).toEqual(["alpha", "Delta", "kilo", "zulu"]);
  });
});

describe("name matching", () => {
  it("folds case like casefold", () => {
    expect(foldCase("Straße")).toBe("strasse");
    expect(nameContains("Breast-Cancer", "CANCER")).toBe(true);
    expect(nameContains("Breast-Cancer", "tumour")).toBe(false);
    expect(nameContains("anything", null)).toBe(true);
  });

  it("ties on name break by id", () => {
    expect(byNameThenId({ id: "b", name: "Same" }, { id: "a", name: "same" })).toBeGreaterThan(0);
  });

  it("times compare by moment", () => {
    expect(compareTimes("2026-12-05T10:00:00+01:00", "2026-12-05T09:30:00Z")).toBeLessThan(0);
    expect(compareTimes("2026-12-05T10:00:00.000002Z", "2026-12-05T10:00:00.000001Z")).toBeGreaterThan(0);
  });
});

describe("creation order", () => {
  const runs = [
    { id: "c", createdAt: "2026-12-05T12:00:00Z" },
    { id: "a", createdAt: "2026-12-05T10:00:00Z" },
  ];
  const runKey = (run: { id: string }) => run.id;

  it("newer row goes above", () => {
    const placed = placeRow(runs, { id: "d", createdAt: "2026-12-05T13:00:00Z" }, runKey, {
      addIfMissing: true,
      order: byCreatedNewestFirst,
      hasNextPage: false,
    });
    expect(placed.map(runKey)).toEqual(["d", "c", "a"]);
  });

  it("older row goes between", () => {
    const placed = placeRow(runs, { id: "b", createdAt: "2026-12-05T11:00:00Z" }, runKey, {
      addIfMissing: true,
      order: byCreatedNewestFirst,
      hasNextPage: false,
    });
    expect(placed.map(runKey)).toEqual(["c", "b", "a"]);
  });

  it("row older than a loaded page waits for it", () => {
    const placed = placeRow(runs, { id: "z", createdAt: "2026-12-01T00:00:00Z" }, runKey, {
      addIfMissing: true,
      order: byCreatedNewestFirst,
      hasNextPage: true,
    });
    expect(placed.map(runKey)).toEqual(["c", "a"]);
  });
});
