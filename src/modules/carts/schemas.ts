import { z } from "@hono/zod-openapi";
import { Money, Timestamp } from "../../shared/schemas";

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
      .openapi({ example: "DE", description: "ISO 3166-1 alpha-2; decides shipping rate and tax." }),
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

export const CartLine = z
  .object({
    id: z.string().openapi({ example: "cli_01jd4x..." }),
    variantId: z.string(),
    productId: z.string(),
    sku: z.string(),
    title: z.string(),
    quantity: z.number().int(),
    unitPrice: Money.openapi({ description: "Price when the line was added." }),
    lineTotal: Money,
    available: z.boolean().openapi({ description: "False when the line can no longer be bought (see `unavailableReason`): checkout refuses the cart until it is removed." }),
    unavailableReason: UnavailableReason.nullable(),
  })
  .openapi("CartLine");
export type CartLine = z.infer<typeof CartLine>;

export const Totals = z
  .object({
    subtotal: Money,
    shipping: Money.openapi({ description: "Flat rate for the shipping country (the default rate without an address); 0 for an empty cart." }),
    tax: Money.openapi({ description: "Tax rate of the shipping country applied to subtotal + shipping, rounded half up." }),
    total: Money,
  })
  .openapi("Totals");
export type Totals = z.infer<typeof Totals>;

export const CartStatus = z.enum(["open", "checking_out", "completed", "merged"]).openapi("CartStatus");

export const Cart = z
  .object({
    id: z.string().openapi({ example: "cart_01jd4x..." }),
    status: CartStatus,
    customerId: z.string().nullable(),
    email: z.string().nullable(),
    shippingAddress: Address.nullable(),
    billingAddress: Address.nullable(),
    lines: z.array(CartLine),
    totals: Totals.nullable().openapi({ description: "Null while the cart is empty (no currency yet)." }),
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
    shippingAddress: Address.nullable().optional(),
    billingAddress: Address.nullable().optional(),
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
