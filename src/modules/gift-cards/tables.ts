import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * Gift cards and store credit. A gift card is found by its code, of which only the SHA-256 is
 * stored (and the last four characters, to show); store credit belongs to a customer and has no
 * code. Both carry one balance in one currency.
 *
 * The balance has one writer: this row, through conditional writes. Every change is an UPDATE
 * of `balance` under the CHECK (`balance >= 0`) in the same D1 batch as its ledger entry, and
 * checkout's charge is in the order's own batch: D1 runs batches one at a time, so two checkouts
 * spending the same balance cannot both pass; the second one's whole batch (its order included)
 * is refused. A charge against a disabled or expired card is turned into a negative balance on
 * purpose, so the same CHECK refuses it.
 */
export const giftCards = sqliteTable(
  "gift_cards",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: ["gift_card", "store_credit"] }).notNull(),
    codeHash: text("code_hash").unique(),
    last4: text("last4").notNull(),
    customerId: text("customer_id"),
    currency: text("currency").notNull(),
    initialAmount: integer("initial_amount").notNull(),
    balance: integer("balance").notNull(),
    status: text("status", { enum: ["active", "disabled"] }).notNull(),
    expiresAt: text("expires_at"),
    note: text("note").notNull().default(""),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [check("gift_cards_balance_not_negative", sql`${t.balance} >= 0`), index("gift_cards_customer_idx").on(t.customerId, t.id)],
);

/**
 * The append-only ledger of every balance change, each with the balance right after it.
 * `reference` makes each change happen once per card: `issue`, `charge:<order>`, `return:<order>`
 * (a cancelled order's charge coming back), or the caller's reference for refunds and
 * adjustments. A repeat with the same reference changes nothing.
 */
export const giftCardTransactions = sqliteTable(
  "gift_card_transactions",
  {
    id: text("id").primaryKey(),
    giftCardId: text("gift_card_id")
      .notNull()
      .references(() => giftCards.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["issue", "charge", "return", "refund", "adjustment"] }).notNull(),
    /** Signed: negative for charges and reductions. */
    amount: integer("amount").notNull(),
    balanceAfter: integer("balance_after").notNull(),
    orderId: text("order_id"),
    reference: text("reference").notNull(),
    note: text("note").notNull().default(""),
    actor: text("actor").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [uniqueIndex("gift_card_transactions_reference_idx").on(t.giftCardId, t.reference), index("gift_card_transactions_order_idx").on(t.orderId)],
);

/** Gift cards (and store credit) a shopper applied to a cart, in the order applied. */
export const cartGiftCards = sqliteTable(
  "cart_gift_cards",
  {
    cartId: text("cart_id").notNull(),
    giftCardId: text("gift_card_id")
      .notNull()
      .references(() => giftCards.id, { onDelete: "cascade" }),
    addedAt: text("added_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.cartId, t.giftCardId] })],
);
