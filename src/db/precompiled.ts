import { sql, type SQL } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";

let dialect: SQLiteAsyncDialect | undefined;

/**
 * A constant SQL fragment rendered to text once per isolate, on first use, and reused as one raw chunk.
 *
 * Drizzle renders a query by walking every chunk of every nested `sql` template on each execution. The
 * catalog's hydrated reads nest the same parameter-free subqueries (market prices, variants as JSON,
 * availability) dozens of times, and rendering them was ~18% of the CPU of a REST listing read
 * (docs/performance.md, "Where an origin read's CPU goes"). A fragment given here must be constant:
 * it may reference tables, columns and aliases, never a bound value (that would freeze the first
 * request's value into every later one), which is checked when it is rendered.
 */
export function precompiled<T>(build: () => SQL<T>): () => SQL<T> {
  let raw: SQL<T> | undefined;
  return () => {
    if (raw) return raw;
    const query = (dialect ??= new SQLiteAsyncDialect()).sqlToQuery(build());
    if (query.params.length > 0) throw new Error(`precompiled SQL binds ${query.params.length} parameter(s): ${query.sql.slice(0, 120)}`);
    raw = sql.raw(query.sql) as SQL<T>;
    return raw;
  };
}
