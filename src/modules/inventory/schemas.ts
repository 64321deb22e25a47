import { z } from "@hono/zod-openapi";
import { PageCursor, PageLimit, Timestamp } from "../../shared/schemas";
import { ledgerReasons } from "./stock-book";

const Count = z.number().int().min(0).max(1_000_000_000);

export const SkuParam = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "Letters, digits, dot, dash and underscore only.")
  .openapi({ example: "TEE-NAVY-M" });

const Owner = z.string().min(1).max(200);
const OrderId = z.string().min(1).max(200);
const TtlMs = z.number().int().min(1).max(30 * 24 * 3600 * 1000).nullable();

// ---------------------------------------------------------------------------------- contract

/** `absorb`: owners whose holds this one takes over in the same transaction (see StockBook.setHold). */
const Absorb = z.array(Owner).max(4).default([]);
export const HoldStockInput = z.object({ sku: SkuParam, owner: Owner, quantity: Count, ttlMs: TtlMs, absorb: Absorb });
export const ReleaseStockInput = z.object({ sku: SkuParam, owner: Owner });
export const HoldAllInput = z.object({
  owner: Owner,
  lines: z.array(z.object({ sku: SkuParam, quantity: Count })).max(250),
  ttlMs: TtlMs,
  absorb: Absorb,
});
export const CommitHoldsInput = z.object({
  owner: Owner,
  orderId: OrderId,
  skus: z.array(SkuParam).max(250),
  quantities: z.record(z.string(), z.number().int().min(1)).optional(),
});
export const ReturnSaleInput = z.object({ sku: SkuParam, orderId: OrderId });
export const RestockReturnInput = z.object({ sku: SkuParam, orderId: OrderId, key: z.string().min(1).max(100), quantity: z.number().int().positive().max(1_000_000) });

// ---------------------------------------------------------------------------------- admin

export const AdminReason = z.enum(["restock", "adjustment"]).openapi("StockAdminReason", {
  description: "Why on-hand changed: `restock` (goods received) or `adjustment` (count, damage, loss…). Default `adjustment`.",
});
const Note = z.string().trim().min(1).max(500).optional().openapi({ description: "Free text kept in the ledger entry.", example: "Cycle count, aisle 4" });
const Expected = Count.optional().openapi({
  description: "Compare-and-set: the on-hand you last saw. If it is no longer the current on-hand the write is refused with 409 and the current value.",
  example: 12,
});

export const SetStockInput = z
  .object({
    onHand: Count.openapi({ description: "The new on-hand quantity (units in stock, held ones included).", example: 40 }),
    expected: Expected,
    reason: AdminReason.optional(),
    note: Note,
  })
  .strict()
  .openapi("SetStockInput");
export type SetStockInput = z.input<typeof SetStockInput>;

export const AdjustStockInput = z
  .object({
    delta: z
      .number()
      .int()
      .min(-1_000_000_000)
      .max(1_000_000_000)
      .refine((d) => d !== 0, "Must not be 0.")
      .openapi({ description: "Units to add (positive) or remove (negative).", example: 10 }),
    expected: Expected,
    reason: AdminReason.optional(),
    note: Note,
  })
  .strict()
  .openapi("AdjustStockInput");
export type AdjustStockInput = z.input<typeof AdjustStockInput>;

export const SetStockLevelsInput = z
  .object({
    levels: z
      .array(z.object({ sku: SkuParam, onHand: Count, expected: Expected }).strict())
      .min(1)
      .max(100)
      .refine((l) => new Set(l.map((x) => x.sku)).size === l.length, "Each SKU at most once."),
    reason: AdminReason.optional(),
    note: Note,
  })
  .strict()
  .openapi("SetStockLevelsInput");
export type SetStockLevelsInput = z.input<typeof SetStockLevelsInput>;

export const LedgerQuery = z.object({ limit: PageLimit, cursor: PageCursor });

export const StockLevel = z
  .object({
    sku: z.string(),
    onHand: z.number().int().openapi({ description: "Units in stock and not yet sold, held ones included." }),
    reserved: z.number().int().openapi({ description: "Units held by carts and checkouts." }),
    available: z.number().int().openapi({ description: "onHand - reserved: what can still be bought. Never negative." }),
    sold: z.number().int().openapi({ description: "Units sold and not returned." }),
    version: z.number().int().openapi({ description: "Sequence of the latest ledger entry; 0 before any change." }),
    updatedAt: Timestamp.nullable(),
  })
  .openapi("StockLevel");
export type StockLevelView = z.infer<typeof StockLevel>;

export const LedgerReason = z.enum(ledgerReasons).openapi("StockLedgerReason");

export const LedgerEntry = z
  .object({
    sequence: z.number().int().openapi({ description: "1, 2, 3… per SKU; the ledger is append-only." }),
    reason: LedgerReason,
    quantity: z.number().int().openapi({ description: "The signed change: on-hand for restock/adjustment/sale/cancellation, reserved for reservation/release/expiry." }),
    onHandDelta: z.number().int(),
    reservedDelta: z.number().int(),
    soldDelta: z.number().int(),
    owner: z.string().nullable().openapi({ description: "Hold owner, e.g. `cart:<id>`." }),
    orderId: z.string().nullable(),
    note: z.string().nullable(),
    actor: z.string().nullable().openapi({ description: "Admin key id for admin writes." }),
    onHand: z.number().int().openapi({ description: "On-hand right after this entry." }),
    reserved: z.number().int(),
    available: z.number().int(),
    sold: z.number().int(),
    at: Timestamp,
  })
  .openapi("StockLedgerEntry");

export const SetStockLevelsResult = z
  .object({
    data: z.array(
      z.object({
        sku: z.string(),
        status: z.enum(["updated", "conflict"]).openapi({ description: "`conflict`: `expected` did not match, or on-hand would drop below reserved; nothing changed for this SKU." }),
        detail: z.string().nullable(),
        level: StockLevel,
      }),
    ),
  })
  .openapi("SetStockLevelsResult");
