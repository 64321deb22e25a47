import { z } from "@hono/zod-openapi";
import { Money, PageCursor, PageLimit, Timestamp } from "../../shared/schemas";

/** Codes are compared without case, spaces or dashes: `abcd efgh-…` is `ABCDEFGH…`. */
export const normaliseGiftCardCode = (code: string) => code.toUpperCase().replace(/[\s-]/g, "");

export const GiftCardCode = z
  .string()
  .trim()
  .min(8)
  .max(40)
  .refine((c) => /^[A-Z0-9]{8,32}$/.test(normaliseGiftCardCode(c)), "8 to 32 letters or digits (spaces and dashes are ignored).")
  .openapi({ example: "GC7K-3M9Q-PX2A-84TD" });

const Instant = z.iso.datetime({ offset: true }).transform((t) => new Date(t).toISOString());
const Reference = z.string().trim().min(1).max(120);

export const IssueGiftCardInput = z
  .object({
    kind: z.enum(["gift_card", "store_credit"]).default("gift_card").openapi({ description: "`store_credit` belongs to `customerId` and has no code; the customer applies it from their account." }),
    amount: Money.refine((m) => m.amount > 0, { message: "Must be above 0.", path: ["amount"] }).openapi({ description: "The initial balance and its currency." }),
    customerId: z.string().trim().min(1).max(64).optional().openapi({ description: "The owner: required for store credit; optional for gift cards (it then shows in the customer's account)." }),
    code: GiftCardCode.optional().openapi({ description: "Gift cards: your own code (e.g. printed on a physical card). Default: 16 random characters (80 bits)." }),
    expiresAt: Instant.optional().openapi({ description: "RFC 3339; unusable from then on." }),
    note: z.string().max(500).optional(),
  })
  .strict()
  .refine((i) => i.kind !== "store_credit" || i.customerId, { message: "Store credit needs a customerId.", path: ["customerId"] })
  .refine((i) => i.kind !== "store_credit" || !i.code, { message: "Store credit has no code.", path: ["code"] })
  .refine((i) => !i.expiresAt || i.expiresAt > new Date().toISOString(), { message: "Must be in the future.", path: ["expiresAt"] })
  .openapi("IssueGiftCardInput");
export type IssueGiftCardInput = z.input<typeof IssueGiftCardInput>;

export const UpdateGiftCardInput = z
  .object({
    status: z.enum(["active", "disabled"]).optional().openapi({ description: "A disabled card can be neither applied nor charged." }),
    expiresAt: Instant.nullable().optional(),
    note: z.string().max(500).optional(),
  })
  .strict()
  .openapi("UpdateGiftCardInput");

export const AdjustBalanceInput = z
  .object({
    amount: z
      .number()
      .int()
      .min(-100_000_000_00)
      .max(100_000_000_00)
      .refine((n) => n !== 0, "Must not be 0.")
      .openapi({ description: "Minor units to add (positive) or remove (negative); the balance never goes below 0 (409)." }),
    reference: Reference.openapi({ description: "Your reference for this change (e.g. a refund id). Once per card: a repeat with the same reference and amount changes nothing and returns the same entry." }),
    orderId: z.string().trim().min(1).max(64).optional().openapi({ description: "A refund of this order to the card (with a positive amount)." }),
    note: z.string().max(500).optional(),
  })
  .strict()
  .openapi("AdjustGiftCardBalanceInput");
export type AdjustBalanceInput = z.input<typeof AdjustBalanceInput>;

export const GiftCard = z
  .object({
    id: z.string().openapi({ example: "gc_01jd4x..." }),
    kind: z.enum(["gift_card", "store_credit"]),
    last4: z.string().openapi({ description: "The code's last four characters (store credit: of its id)." }),
    customerId: z.string().nullable(),
    balance: Money,
    initialAmount: Money,
    status: z.enum(["active", "disabled"]),
    expiresAt: Timestamp.nullable(),
    note: z.string(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("GiftCard");
export type GiftCard = z.infer<typeof GiftCard>;

export const IssuedGiftCard = z
  .object({
    giftCard: GiftCard,
    code: z.string().nullable().openapi({ description: "Gift cards: the code, shown only here (only its hash is stored). Null for store credit." }),
  })
  .openapi("IssuedGiftCard");
export type IssuedGiftCard = z.infer<typeof IssuedGiftCard>;

export const GiftCardTransaction = z
  .object({
    id: z.string(),
    kind: z.enum(["issue", "charge", "return", "refund", "adjustment"]).openapi({
      description: "issue; charge (an order spent it); return (the order was cancelled); refund (an order's refund credited to it); adjustment (an admin).",
    }),
    amount: z.number().int().openapi({ description: "Signed minor units." }),
    balanceAfter: z.number().int(),
    currency: z.string(),
    orderId: z.string().nullable(),
    reference: z.string(),
    note: z.string(),
    actor: z.string(),
    createdAt: Timestamp,
  })
  .openapi("GiftCardTransaction");
export type GiftCardTransaction = z.infer<typeof GiftCardTransaction>;

export const ListGiftCardsInput = z
  .object({
    limit: PageLimit,
    cursor: PageCursor,
    customerId: z.string().min(1).max(64).optional(),
    kind: z.enum(["gift_card", "store_credit"]).optional(),
    status: z.enum(["active", "disabled"]).optional(),
  })
  .strict();

export const ListTransactionsInput = z.object({ limit: PageLimit, cursor: PageCursor }).strict();

export const BalanceQuery = z.object({ code: GiftCardCode }).strict().openapi("GiftCardBalanceQuery");

export const GiftCardBalance = z
  .object({
    last4: z.string(),
    balance: Money,
    status: z.enum(["active", "disabled"]),
    expiresAt: Timestamp.nullable(),
    usable: z.boolean().openapi({ description: "Active, not expired and with a balance above 0." }),
  })
  .openapi("GiftCardBalance");
export type GiftCardBalance = z.infer<typeof GiftCardBalance>;

export const ApplyGiftCardInput = z
  .object({
    code: GiftCardCode.optional(),
    giftCardId: z.string().trim().min(1).max(64).optional().openapi({ description: "Signed-in customers: one of their own cards or store credit, by id." }),
  })
  .strict()
  .refine((i) => (i.code ? 1 : 0) + (i.giftCardId ? 1 : 0) === 1, { message: "Send either code or giftCardId.", path: ["code"] })
  .openapi("ApplyGiftCardInput");

export const giftCardRejections = ["currency_mismatch", "disabled", "expired", "empty"] as const;

/** One card's part of a cart, as step 6 computes it. Not an OpenAPI component: carts show their own AppliedGiftCard (without the balance). */
export const AppliedGiftCard = z
  .object({
    giftCardId: z.string(),
    kind: z.enum(["gift_card", "store_credit"]),
    last4: z.string(),
    amount: Money.openapi({ description: "What it pays of this cart (0 when it cannot be used: see `reason`)." }),
    balance: Money.openapi({ description: "Its balance now, before this cart." }),
    reason: z.enum(giftCardRejections).nullable().openapi({ description: "Why it pays nothing: currency_mismatch, disabled, expired, empty." }),
  });
export type AppliedGiftCard = z.infer<typeof AppliedGiftCard>;
