import { z } from "@hono/zod-openapi";
import { Money, PageCursor, PageLimit, Timestamp } from "../../shared/schemas";
import { rejectionReasons } from "./engine";
import { MoneyPerCurrency, PromotionRule } from "./rules";

export { DiscountValue, LineMatch, PromotionRule } from "./rules";

/** Codes are case-insensitive: stored and compared upper-case. */
export const DiscountCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,31}$/, "3 to 32 letters, digits, dashes or underscores.")
  .transform((c) => c.toUpperCase())
  .openapi({ example: "SUMMER15", description: "Case-insensitive; stored upper-case." });

const Id = z.string().trim().min(1).max(64);
const Limit = z.number().int().min(1).max(100_000_000);
const Instant = z.iso.datetime({ offset: true }).transform((t) => new Date(t).toISOString());

const promotionFields = {
  title: z.string().trim().min(1).max(200).openapi({ example: "Summer sale: 15 % off apparel" }),
  description: z.string().max(2000).optional(),
  status: z.enum(["active", "disabled"]).optional().openapi({ description: "Default `active`. A disabled promotion applies to nothing and its codes are refused." }),
  rule: PromotionRule,
  minimumSubtotal: MoneyPerCurrency.optional().openapi({
    description: "Minimum cart subtotal (before discounts) per currency. When given, carts in a currency without an entry are not eligible.",
  }),
  customerGroupIds: z.array(Id).max(50).optional().openapi({ description: "Only customers in one of these groups; anyone if empty." }),
  marketIds: z.array(Id).max(50).optional().openapi({ description: "Only carts in one of these markets; every market if empty." }),
  startsAt: Instant.nullable().optional().openapi({ description: "RFC 3339; applies from then on (null: already)." }),
  endsAt: Instant.nullable().optional().openapi({ description: "RFC 3339; applies until just before then (null: no end)." }),
  combinable: z.boolean().optional().openapi({ description: "Default true. false: applies only alone, when it beats every combination (docs/pricing.md)." }),
  priority: z.number().int().min(0).max(1000).optional().openapi({ description: "Default 100. Lower applies first within its phase." }),
  usageLimit: Limit.nullable().optional().openapi({ description: "Redemptions in total (across all its codes); null for no limit." }),
  usageLimitPerCustomer: Limit.nullable().optional().openapi({ description: "Redemptions per customer (per email for guests); null for no limit." }),
};

const windowIsOrdered = (p: { startsAt?: string | null | undefined; endsAt?: string | null | undefined }) => !p.startsAt || !p.endsAt || p.startsAt < p.endsAt;
const windowIssue = { message: "endsAt must be after startsAt.", path: ["endsAt"] };

export const CreatePromotionInput = z
  .object({
    ...promotionFields,
    trigger: z.enum(["automatic", "code"]).openapi({ description: "`automatic`: applies to every eligible cart. `code`: only to carts that entered one of its codes." }),
    codes: z.array(DiscountCode).max(100).optional().openapi({ description: "Required for `code` promotions (at least one); none for automatic ones." }),
  })
  .strict()
  .refine(windowIsOrdered, windowIssue)
  .refine((p) => (p.trigger === "code" ? (p.codes?.length ?? 0) > 0 : (p.codes?.length ?? 0) === 0), {
    message: "A code promotion needs at least one code; an automatic one takes none.",
    path: ["codes"],
  })
  .openapi("CreatePromotionInput");
export type CreatePromotionInput = z.input<typeof CreatePromotionInput>;

export const UpdatePromotionInput = z
  .object(promotionFields)
  .partial()
  .strict()
  .refine(windowIsOrdered, windowIssue)
  .openapi("UpdatePromotionInput", { description: "Only the fields sent change; null clears a time or a limit." });
export type UpdatePromotionInput = z.input<typeof UpdatePromotionInput>;

export const AddCodesInput = z
  .object({ codes: z.array(DiscountCode).min(1).max(100) })
  .strict()
  .openapi("AddDiscountCodesInput");

export const PromotionState = z.enum(["scheduled", "active", "expired", "disabled", "used_up"]).openapi("PromotionState", {
  description: "Derived now: `disabled` by an admin, `scheduled` before startsAt, `expired` from endsAt, `used_up` at its usage limit, else `active`.",
});

export const Promotion = z
  .object({
    id: z.string().openapi({ example: "promo_01jd4x..." }),
    title: z.string(),
    description: z.string(),
    trigger: z.enum(["automatic", "code"]),
    codes: z.array(z.string()),
    status: z.enum(["active", "disabled"]),
    state: PromotionState,
    rule: PromotionRule,
    minimumSubtotal: z.array(Money),
    customerGroupIds: z.array(z.string()),
    marketIds: z.array(z.string()),
    startsAt: Timestamp.nullable(),
    endsAt: Timestamp.nullable(),
    combinable: z.boolean(),
    priority: z.number().int(),
    usageLimit: z.number().int().nullable(),
    usageLimitPerCustomer: z.number().int().nullable(),
    timesRedeemed: z.number().int().openapi({ description: "Redemptions by placed orders; a cancelled order gives its redemption back." }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Promotion");
export type Promotion = z.infer<typeof Promotion>;

export const ListPromotionsInput = z
  .object({
    limit: PageLimit,
    cursor: PageCursor,
    trigger: z.enum(["automatic", "code"]).optional(),
    status: z.enum(["active", "disabled"]).optional(),
    code: z.string().trim().min(1).max(32).optional().openapi({ description: "The promotion a code belongs to." }),
  })
  .strict();
export type ListPromotionsInput = z.input<typeof ListPromotionsInput>;

export const Redemption = z
  .object({
    id: z.string().openapi({ example: "rdm_01jd4x..." }),
    promotionId: z.string(),
    code: z.string().nullable(),
    orderId: z.string(),
    customerKey: z.string().openapi({ description: "`customer:<id>`, or `email:<address>` for guests." }),
    amount: Money,
    status: z.enum(["redeemed", "returned"]).openapi({ description: "`returned` once the order was cancelled (the use counts again)." }),
    redeemedAt: Timestamp,
    returnedAt: Timestamp.nullable(),
  })
  .openapi("PromotionRedemption");
export type Redemption = z.infer<typeof Redemption>;

export const ListRedemptionsInput = z.object({ limit: PageLimit, cursor: PageCursor }).strict();

export const RejectionReason = z.enum(rejectionReasons).openapi("DiscountRejectionReason", {
  description:
    "Why an entered code gives nothing now: unknown_code, inactive, not_started, expired, market_not_eligible, customer_group_not_eligible, currency_not_eligible, usage_limit_reached, customer_usage_limit_reached, minimum_subtotal_not_met, nothing_to_discount, not_combinable (an exclusive promotion won, or this one is exclusive and lost), already_applied (another code of the same promotion is on the cart).",
});

/** A discount's share of one line or of shipping, as carts and orders show it. */
export const DiscountAllocation = z
  .object({
    promotionId: z.string(),
    code: z.string().nullable(),
    title: z.string(),
    amount: Money,
  })
  .openapi("DiscountAllocation");
export type DiscountAllocation = z.infer<typeof DiscountAllocation>;

export const AppliedPromotion = DiscountAllocation.openapi("AppliedPromotion", { description: "A promotion that discounts the cart, with its whole amount." });

export const CartDiscountCode = z
  .object({
    code: z.string(),
    applicable: z.boolean().openapi({ description: "True when the code discounts the cart as it is now." }),
    reason: RejectionReason.nullable(),
  })
  .openapi("CartDiscountCode", { description: "A code entered on the cart. It stays on the cart while it does not apply (e.g. below its minimum), and applies when it does." });
export type CartDiscountCode = z.infer<typeof CartDiscountCode>;

export const ApplyCodeInput = z.object({ code: DiscountCode }).strict().openapi("ApplyDiscountCodeInput");
