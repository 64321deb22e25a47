import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const customers = sqliteTable(
  "customers",
  {
    id: text("id").primaryKey(),
    /** Normalised (trimmed, lowercased); the unique index is what makes concurrent sign-ups create one customer. */
    email: text("email").notNull().unique(),
    /**
     * PBKDF2 parameters live next to the hash so the work factor can be raised later: old hashes keep
     * verifying with their own count and are re-hashed at the current one on the next sign-in.
     */
    passwordAlgorithm: text("password_algorithm", { enum: ["pbkdf2-sha256"] }).notNull(),
    passwordIterations: integer("password_iterations").notNull(),
    passwordSalt: text("password_salt").notNull(),
    passwordHash: text("password_hash").notNull(),
    passwordChangedAt: text("password_changed_at").notNull(),
    name: text("name"),
    phone: text("phone"),
    marketingConsent: integer("marketing_consent", { mode: "boolean" }).notNull().default(false),
    /** When consent was last given or withdrawn: the record a consent audit asks for. */
    marketingConsentUpdatedAt: text("marketing_consent_updated_at"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("customers_created_idx").on(t.createdAt, t.id)],
);

/** Bearer tokens of signed-in customers. Only the SHA-256 of a token is stored. */
export const customerTokens = sqliteTable(
  "customer_tokens",
  {
    id: text("id").primaryKey(),
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull().unique(),
    createdAt: text("created_at").notNull(),
    lastUsedAt: text("last_used_at"),
    expiresAt: text("expires_at").notNull(),
    revokedAt: text("revoked_at"),
  },
  (t) => [index("customer_tokens_customer_idx").on(t.customerId, t.revokedAt)],
);

export const customerAddresses = sqliteTable(
  "customer_addresses",
  {
    id: text("id").primaryKey(),
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    company: text("company"),
    line1: text("line1").notNull(),
    line2: text("line2"),
    city: text("city").notNull(),
    region: text("region"),
    postalCode: text("postal_code"),
    /** ISO 3166-1 alpha-2. */
    country: text("country").notNull(),
    phone: text("phone"),
    isDefaultShipping: integer("is_default_shipping", { mode: "boolean" }).notNull().default(false),
    isDefaultBilling: integer("is_default_billing", { mode: "boolean" }).notNull().default(false),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("customer_addresses_customer_idx").on(t.customerId, t.createdAt),
    // At most one default of each kind per customer, whatever the interleaving of writes.
    uniqueIndex("customer_addresses_default_shipping_idx").on(t.customerId).where(sql`${t.isDefaultShipping} = 1`),
    uniqueIndex("customer_addresses_default_billing_idx").on(t.customerId).where(sql`${t.isDefaultBilling} = 1`),
  ],
);

/**
 * Password reset tokens: only the SHA-256 is stored; single-use (`used_at`), expiring. One per reset
 * request event (`request_event_id`): the email sender issues it, and a retried send replaces it.
 */
export const passwordResets = sqliteTable(
  "password_resets",
  {
    id: text("id").primaryKey(),
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    requestEventId: text("request_event_id").notNull().unique(),
    tokenHash: text("token_hash").notNull().unique(),
    expiresAt: text("expires_at").notNull(),
    usedAt: text("used_at"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("password_resets_customer_idx").on(t.customerId)],
);
