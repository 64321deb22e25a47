import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Admin API keys beyond the bootstrap secret. Only the SHA-256 of a key is stored. */
export const adminApiKeys = sqliteTable(
  "admin_api_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    keyHash: text("key_hash").notNull().unique(),
    /** The first characters of the secret, so people can tell their keys apart; not enough to use one. */
    prefix: text("prefix"),
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
    createdAt: text("created_at").notNull(),
    /** Who created it: `bootstrap`, a `key_…` id or a `stf_…` id (null for keys from before this column). */
    createdBy: text("created_by"),
    expiresAt: text("expires_at"),
    revokedAt: text("revoked_at"),
    /** Updated at most once a minute per key, after the response: authenticated reads stay reads. */
    lastUsedAt: text("last_used_at"),
  },
  (t) => [index("admin_api_keys_created_idx").on(t.createdAt, t.id)],
);
