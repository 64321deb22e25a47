import { sql, type AnyColumn, type SQL } from "drizzle-orm";
import { decodeCursor } from "../shared/pagination";

/** The rows after a cursor of a newest-first list ordered by (sort DESC, id DESC); undefined without a cursor. */
export function olderThanCursor(raw: string | undefined, sort: AnyColumn, id: AnyColumn): SQL | undefined {
  if (!raw) return undefined;
  const c = decodeCursor(raw);
  return sql`(${sort} < ${c.v} OR (${sort} = ${c.v} AND ${id} < ${c.id}))`;
}
