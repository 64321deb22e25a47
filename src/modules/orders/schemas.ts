import { z } from "@hono/zod-openapi";
import { Money, PageCursor, PageLimit, Timestamp } from "../../shared/schemas";
import { Address, Totals } from "../carts/schemas";
import { OrderRisk } from "../risk/schemas";
import { orderStatuses } from "./tables";

export const OrderStatus = z.enum(orderStatuses).openapi("OrderStatus", {
  description:
    "on_hold -> placed (an admin approves after risk review); placed -> paid -> fulfilled; on_hold, placed or paid -> cancelled; paid -> refunded. Checkout creates `placed` orders, or `on_hold` ones when the risk score asks for a review.",
});
export type OrderStatus = z.infer<typeof OrderStatus>;

export const OrderLine = z
  .object({
    id: z.string(),
    variantId: z.string(),
    productId: z.string(),
    sku: z.string(),
    title: z.string(),
    quantity: z.number().int(),
    unitPrice: Money.openapi({ description: "Price snapshot at checkout." }),
    lineTotal: Money,
  })
  .openapi("OrderLine");
export type OrderLine = z.infer<typeof OrderLine>;

export const Payment = z
  .object({
    id: z.string(),
    provider: z.string().openapi({ example: "manual" }),
    kind: z.enum(["capture", "refund"]),
    amount: Money,
    reference: z.string(),
    createdAt: Timestamp,
  })
  .openapi("Payment");
export type Payment = z.infer<typeof Payment>;

export const Order = z
  .object({
    id: z.string().openapi({ example: "ord_01jd4x..." }),
    number: z.string().openapi({ example: "ES-7K3M9QPX", description: "Human order number to quote to support." }),
    status: OrderStatus,
    cartId: z.string(),
    customerId: z.string().nullable(),
    email: z.string(),
    lines: z.array(OrderLine),
    totals: Totals,
    shippingAddress: Address,
    billingAddress: Address.nullable(),
    paymentProvider: z.string(),
    payments: z.array(Payment),
    risk: OrderRisk.nullable(),
    stockCommittedAt: Timestamp.nullable().openapi({
      description: "When the order's stock holds became sales. Null for a moment after checkout, or until the every-minute reconciliation finishes a commit that failed.",
    }),
    stockReturnedAt: Timestamp.nullable().openapi({ description: "Cancelled orders: when their stock went back. Null otherwise, or until reconciliation finishes." }),
    placedAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Order");
export type Order = z.infer<typeof Order>;

export const PlacedOrder = z
  .object({
    order: Order,
    orderToken: z
      .string()
      .openapi({ description: "Lets a guest read this order later as `X-Order-Token` (the cart token works too). Shown once." }),
  })
  .openapi("PlacedOrder");
export type PlacedOrder = z.infer<typeof PlacedOrder>;

export const ListOrdersInput = z
  .object({
    limit: PageLimit,
    cursor: PageCursor,
    status: OrderStatus.optional(),
    customerId: z.string().min(1).max(64).optional().openapi({ description: "Admin only." }),
    placedFrom: z.iso.datetime().optional().openapi({ description: "Placed at or after (RFC 3339)." }),
    placedTo: z.iso.datetime().optional().openapi({ description: "Placed before (RFC 3339)." }),
  })
  .strict();
export type ListOrdersInput = z.input<typeof ListOrdersInput>;

export const MarkPaidInput = z
  .object({ reference: z.string().trim().min(1).max(200).optional().openapi({ description: "e.g. the bank transfer reference." }) })
  .strict()
  .openapi("MarkPaidInput");
export type MarkPaidInput = z.input<typeof MarkPaidInput>;
