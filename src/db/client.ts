import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";

/**
 * Query builders only, no relational query API (`db.query.*`): passing the schema to drizzle() makes it
 * extract the relational config of every table each time, and a database handle is made per request
 * (docs/performance.md). Tables are imported where they are queried.
 */
export type Database = DrizzleD1Database;

export function createDb(d1: D1Database): Database {
  return drizzle(d1);
}
