import { sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Admin API keys beyond the bootstrap secret. Only the SHA-256 of a key is stored. */
export const adminApiKeys = sqliteTable("admin_api_keys", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  keyHash: text("key_hash").notNull().unique(),
  scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
  createdAt: text("created_at").notNull(),
  revokedAt: text("revoked_at"),
});
