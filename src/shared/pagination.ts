import { fromBase64Url, toBase64Url } from "./crypto";
import { ServiceError } from "./errors";

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** A keyset position: the sort value of the last row seen and its id as tie-breaker. */
export interface Cursor {
  v: string | number | null;
  id: string;
}

/** base64url of the UTF-8 JSON: sort values such as titles may hold any character. */
export function encodeCursor(cursor: Cursor): string {
  return toBase64Url(new TextEncoder().encode(JSON.stringify([cursor.v, cursor.id])));
}

export function decodeCursor(raw: string, pointer = "/cursor"): Cursor {
  try {
    const json = new TextDecoder("utf-8", { fatal: true }).decode(fromBase64Url(raw));
    const parsed: unknown = JSON.parse(json);
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[1] === "string") {
      const [v, id] = parsed as [unknown, string];
      if (v === null || typeof v === "string" || typeof v === "number") return { v, id };
    }
  } catch {
    // fall through to the validation error below
  }
  throw new ServiceError("VALIDATION_FAILED", "The cursor is not valid.", {
    errors: [{ pointer, detail: "Not a cursor returned by this API." }],
  });
}

export interface Page<T> {
  items: T[];
  /** Cursor of each item, in order, for Relay edges. */
  cursors: string[];
  nextCursor: string | null;
  hasPreviousPage: boolean;
}

/**
 * One page from rows fetched with `limit + 1`: the first `limit` rows and a next cursor when a row was
 * left over. Each item's cursor (`cursors`, for Relay edges) is encoded on first use: REST pages only
 * need the next one. Map `items` afterwards with `withItems` (a spread would encode them all).
 */
export function pageOf<R>(rows: readonly R[], limit: number, cursorOf: (row: R, index: number) => Cursor, hasPreviousPage: boolean): Page<R> {
  const items = rows.slice(0, limit);
  let cursors: string[] | undefined;
  return {
    items,
    get cursors() {
      return (cursors ??= items.map((row, index) => encodeCursor(cursorOf(row, index))));
    },
    nextCursor: rows.length > limit && items.length > 0 ? encodeCursor(cursorOf(items.at(-1)!, items.length - 1)) : null,
    hasPreviousPage,
  };
}

/** The same page with other items (one per item, in order), keeping the cursors lazy. */
export function withItems<R, T>(page: Page<R>, items: T[]): Page<T> {
  return {
    items,
    get cursors() {
      return page.cursors;
    },
    nextCursor: page.nextCursor,
    hasPreviousPage: page.hasPreviousPage,
  };
}
