import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** People who run the shop through the admin. Passwords are hashed like customers' (src/shared/password.ts). */
export const staff = sqliteTable(
  "staff",
  {
    id: text("id").primaryKey(),
    /** Normalised (trimmed, lowercased); unique, so two concurrent creations make one account. */
    email: text("email").notNull().unique(),
    name: text("name").notNull(),
    role: text("role", { enum: ["owner", "catalog", "orders", "support", "read_only"] }).notNull(),
    passwordAlgorithm: text("password_algorithm", { enum: ["pbkdf2-sha256"] }).notNull(),
    passwordIterations: integer("password_iterations").notNull(),
    passwordSalt: text("password_salt").notNull(),
    passwordHash: text("password_hash").notNull(),
    disabled: integer("disabled", { mode: "boolean" }).notNull().default(false),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    lastSignInAt: text("last_sign_in_at"),
  },
  (t) => [index("staff_created_idx").on(t.createdAt, t.id)],
);

/**
 * Signed-in staff sessions, one per sign-in. The browser holds the token in an HttpOnly cookie;
 * only its SHA-256 is stored. Revoking sets `revoked_at` (sign-out, sign-out everywhere, disabling).
 */
export const staffSessions = sqliteTable(
  "staff_sessions",
  {
    id: text("id").primaryKey(),
    staffId: text("staff_id")
      .notNull()
      .references(() => staff.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull().unique(),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    lastSeenAt: text("last_seen_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [index("staff_sessions_staff_idx").on(t.staffId)],
);
