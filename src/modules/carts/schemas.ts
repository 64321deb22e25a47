import { z } from "@hono/zod-openapi";
import { Money, Timestamp } from "../../shared/schemas";
import { MarketSelector, PriceSource } from "../pricing";
import { ShippingOption } from "../shipping";

export const Address = z
  .object({
    name: z.string().trim().min(1).max(200),
    line1: z.string().trim().min(1).max(200),
    line2: z.string().trim().max(200).optional(),
    city: z.string().trim().min(1).max(100),
    postalCode: z.string().trim().min(1).max(20),
    region: z.string().trim().max(100).optional(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, "Use an ISO 3166-1 alpha-2 code such as DE.")
      .openapi({ example: "DE", description: "ISO 3166-1 alpha-2; decides the market (unless one is chosen), shipping methods and tax." }),
    phone: z.string().trim().max(40).optional(),
  })
  .strict()
  .openapi("Address");
export type Address = z.infer<typeof Address>;

const Email = z.email().max(254).openapi({ example: "ada@example.com" });
const Quantity = z.number().int().min(1).max(999).openapi({ example: 1 });

export const UnavailableReason = z
  .enum(["variant_deleted", "product_archived", "product_draft"])
  .openapi("CartLineUnavailableReason", { description: "Why a cart line can no longer be bought: its variant was deleted, or its product archived or unpublished." });
export const AppliedDiscount = z
  .object({ promotionId: z.string(), code: z.string().nullable(), amount: Money })
  .openapi("AppliedDiscount", { description: "A discount allocated to a line or to shipping, in the prices' tax mode." });
export type AppliedDiscount = z.infer<typeof AppliedDiscount>;

export const CartLine = z
  .object({
    id: z.string().openapi({ example: "cli_01jd4x..." }),
    variantId: z.string(),
    productId: z.string(),
    sku: z.string(),
    title: z.string(),
    quantity: z.number().int(),
    unitPrice: Money.openapi({ description: "The price that applies now in the cart's market (base price or a price list; see priceSource). Gross when the market's prices include tax." }),
    compareAtPrice: z.union([Money, z.null()]).openapi({ description: "The 'was' price to show next to it, if any." }),
    priceSource: PriceSource,
    discounts: z.array(AppliedDiscount).openapi({ description: "Discounts allocated to this line." }),
    lineTotal: Money.openapi({ description: "unitPrice x quantity minus the line's discounts." }),
    tax: Money.openapi({ description: "Tax of this line: included in lineTotal when the market's prices include tax, else added on top." }),
    taxRate: z.number().int().openapi({ description: "Basis points (1900 = 19%)." }),
    available: z.boolean().openapi({ description: "False when the line can no longer be bought (see `unavailableReason`): checkout refuses the cart until it is removed." }),
    unavailableReason: z.union([UnavailableReason, z.null()]),
  })
  .openapi("CartLine");
export type CartLine = z.infer<typeof CartLine>;

export const Totals = z
  .object({
    subtotal: Money.openapi({ description: "Sum of unitPrice x quantity." }),
    discount: Money.openapi({ description: "All discounts: lines and shipping." }),
    shipping: Money.openapi({ description: "The shipping method's price before shipping discounts; 0 for an empty cart." }),
    tax: Money.openapi({ description: "Tax of lines and shipping. Already part of subtotal and shipping when `taxIncluded`." }),
    taxIncluded: z.boolean().openapi({ description: "true: prices include tax (the market's setting, unless the shopper is tax exempt) and total does not add it again." }),
    total: Money.openapi({ description: "subtotal - discount + shipping (+ tax when not taxIncluded)." }),
    giftCards: Money.openapi({ description: "Paid by gift cards and store credit." }),
    amountDue: Money.openapi({ description: "total - giftCards: what the payment must cover." }),
  })
  .openapi("Totals");
export type Totals = z.infer<typeof Totals>;

export const CartMarket = z
  .object({ id: z.string(), handle: z.string(), name: z.string(), currency: z.string(), pricesIncludeTax: z.boolean() })
  .openapi("CartMarket", { description: "The market the cart is priced in: the chosen one, else the shipping country's, else the default." });

export const CartShipping = z
  .object({
    methodId: z.string(),
    name: z.string(),
    amount: Money,
    discount: Money,
    discounts: z.array(AppliedDiscount).openapi({ description: "The shipping discounts (free shipping) that make up `discount`." }),
    tax: Money,
    taxRate: z.number().int(),
  })
  .openapi("CartShipping", { description: "The shipping method the cart is priced with: the chosen one when it applies, else the cheapest." });

export const CartDiscounts = z
  .object({
    applied: z.array(z.object({ promotionId: z.string(), code: z.string().nullable(), title: z.string(), amount: Money })),
    rejectedCodes: z.array(z.object({ code: z.string(), reason: z.string() })),
  })
  .openapi("CartDiscounts");

export const AppliedGiftCard = z
  .object({
    giftCardId: z.string(),
    kind: z.enum(["gift_card", "store_credit"]),
    last4: z.string(),
    amount: Money.openapi({ description: "What it pays of this cart; 0 when it cannot pay (see `reason`)." }),
    reason: z.enum(["currency_mismatch", "disabled", "expired", "empty"]).nullable().openapi({ description: "Why it pays nothing now (checkout refuses a cart with such a card until it is removed)." }),
  })
  .openapi("AppliedGiftCard", { description: "A gift card or store credit paying part of the cart: last, after discounts, shipping and tax, in the order applied." });

export const CartStatus = z.enum(["open", "checking_out", "completed", "merged"]).openapi("CartStatus");

export const Cart = z
  .object({
    id: z.string().openapi({ example: "cart_01jd4x..." }),
    status: CartStatus,
    customerId: z.string().nullable(),
    email: z.string().nullable(),
    shippingAddress: z.union([Address, z.null()]),
    billingAddress: z.union([Address, z.null()]),
    market: CartMarket,
    taxExempt: z.boolean().openapi({ description: "The shopper is in a tax-exempt customer group: no tax, and prices without the tax they include." }),
    lines: z.array(CartLine),
    shippingMethodId: z.string().nullable().openapi({ description: "The shipping method the shopper chose, if any." }),
    shippingMethods: z.array(ShippingOption).openapi({ description: "Every method that can ship this cart to its destination in its market, cheapest first." }),
    shipping: z.union([CartShipping, z.null()]).openapi({ description: "Null for an empty cart or when no method ships there." }),
    discounts: CartDiscounts,
    giftCards: z.array(AppliedGiftCard),
    totals: z.union([Totals, z.null()]).openapi({ description: "Null while the cart is empty." }),
    orderId: z.string().nullable().openapi({ description: "The order this cart became, once checked out." }),
    holdMinutes: z.number().int().openapi({ description: "How long each line holds its stock after the last change." }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Cart");
export type Cart = z.infer<typeof Cart>;

export const CreatedCart = z
  .object({
    cart: Cart,
    cartToken: z
      .string()
      .nullable()
      .openapi({ description: "Guest carts only: the secret to send as `X-Cart-Token` on every later call. Shown once." }),
  })
  .openapi("CreatedCart");
export type CreatedCart = z.infer<typeof CreatedCart>;

export const UpdateCartInput = z
  .object({
    email: Email.nullable().optional(),
    shippingAddress: z.union([Address, z.null()]).optional(),
    billingAddress: z.union([Address, z.null()]).optional(),
    market: MarketSelector.nullable().optional().openapi({ description: "Price the cart in this market (handle or id); null: the shipping country's market, else the default." }),
    shippingMethodId: z.string().min(1).max(64).nullable().optional().openapi({ description: "Ship with this method (one of the cart's `shippingMethods`); null: the cheapest." }),
  })
  .strict()
  .openapi("UpdateCartInput");
export type UpdateCartInput = z.input<typeof UpdateCartInput>;

export const CreateCartInput = UpdateCartInput.extend({
  lines: z.array(z.object({ variantId: z.string().min(1).max(64), quantity: Quantity }).strict()).max(50).optional(),
})
  .strict()
  .openapi("CreateCartInput");
export type CreateCartInput = z.input<typeof CreateCartInput>;

export const AddLineInput = z
  .object({ variantId: z.string().min(1).max(64).openapi({ example: "var_01jd4x..." }), quantity: Quantity })
  .strict()
  .openapi("AddCartLineInput");
export type AddLineInput = z.input<typeof AddLineInput>;

export const UpdateLineInput = z.object({ quantity: Quantity }).strict().openapi("UpdateCartLineInput");
export type UpdateLineInput = z.input<typeof UpdateLineInput>;

/** A storefront's stable id for the shopper's device or browser (e.g. a first-party cookie or app install id). */
export const DeviceId = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .openapi({
    example: "dev_7f3a9c2e",
    description:
      "Optional: the storefront's stable id of the shopper's device or browser (a first-party cookie, an app install id; not a fingerprint of the person). The risk scorer counts the accounts and checkouts per device (hashed); it is not stored on the order.",
  });

export const CheckoutInput = z
  .object({
    email: Email.optional().openapi({ description: "Overrides the cart's email." }),
    shippingAddress: Address.optional().openapi({ description: "Overrides the cart's shipping address." }),
    billingAddress: Address.optional(),
    deviceId: DeviceId.optional(),
  })
  .strict()
  .openapi("CheckoutInput");
export type CheckoutInput = z.input<typeof CheckoutInput>;
