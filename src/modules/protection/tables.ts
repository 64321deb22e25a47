import { sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Automatic persisted queries registered by clients (hash → document). Kept in D1 so that every
 * isolate, in every colo, knows a hash once any of them has seen it. Rows never change: a hash
 * names exactly one document.
 */
export const persistedQueries = sqliteTable("graphql_persisted_queries", {
  sha256Hash: text("sha256_hash").primaryKey(),
  query: text("query").notNull(),
  createdAt: text("created_at").notNull(),
});
