import { describe, expect, it } from "vitest";
import { decodeCursor, pageOf } from "../../src/shared/pagination";

describe("pageOf: one page from rows fetched with limit + 1", () => {
  const rows = [1, 2, 3, 4].map((n) => ({ id: `row_${n}`, at: n * 10 }));

  it("keeps the first `limit` rows, a cursor per row, and a next cursor when a row was left over", () => {
    const page = pageOf(rows, 3, (r) => ({ v: r.at, id: r.id }), false);
    expect(page.items.map((r) => r.id)).toEqual(["row_1", "row_2", "row_3"]);
    expect(page.cursors.map((c) => decodeCursor(c))).toEqual([{ v: 10, id: "row_1" }, { v: 20, id: "row_2" }, { v: 30, id: "row_3" }]);
    expect(page.nextCursor).toBe(page.cursors[2]);
    expect(page.hasPreviousPage).toBe(false);
  });

  it("has no next cursor on the last page, and passes the row's index to the cursor", () => {
    const page = pageOf(rows, 4, (r, i) => ({ v: 100 + i, id: r.id }), true);
    expect(page.nextCursor).toBeNull();
    expect(decodeCursor(page.cursors[3]!)).toEqual({ v: 103, id: "row_4" });
    expect(page.hasPreviousPage).toBe(true);
    expect(pageOf([], 20, (r: { id: string }) => ({ v: null, id: r.id }), false)).toEqual({ items: [], cursors: [], nextCursor: null, hasPreviousPage: false });
  });
});
