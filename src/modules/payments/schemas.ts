import { z } from "@hono/zod-openapi";
import { Money, Timestamp } from "../../shared/schemas";
import { paymentAttemptStatuses, paymentOperationKinds } from "./tables";

const Amount = z.number().int().positive().max(1_000_000_000_00);

export const CaptureInput = z
  .object({ amount: Amount.optional().openapi({ description: "Minor units to capture; default: all that is authorised. Less captures partially and releases the rest." }) })
  .strict()
  .openapi("CaptureInput");
export type CaptureInput = z.input<typeof CaptureInput>;

export const RefundInput = z
  .object({
    amount: Amount.optional().openapi({ description: "Minor units to refund. Give `amount` or `lines`, not both; neither refunds everything captured and not yet refunded." }),
    lines: z
      .array(z.object({ lineId: z.string().min(1).max(64), quantity: z.number().int().positive().max(10_000) }).strict())
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: "Refund these order lines: unit price x quantity plus the line's share of the order's tax." }),
    reason: z.string().trim().min(1).max(500).optional(),
    reference: z.string().trim().min(1).max(200).optional().openapi({ description: "Manual payments: your reference for the money sent back." }),
  })
  .strict()
  .refine((v) => !(v.amount !== undefined && v.lines !== undefined), { message: "Give amount or lines, not both.", path: ["lines"] })
  .openapi("RefundInput");
export type RefundInput = z.input<typeof RefundInput>;

export const PaymentOperation = z
  .object({
    id: z.string(),
    kind: z.enum(paymentOperationKinds),
    amount: Money,
    reference: z.string().openapi({ description: "The provider's id (Stripe `re_…`, `pi_…`, `dp_…`) or the manual reference." }),
    actor: z.string().openapi({ description: "`admin:<key id>`, `provider:stripe`, `system`." }),
    reason: z.string().nullable(),
    lines: z.array(z.object({ lineId: z.string(), quantity: z.number().int(), amount: z.number().int() })).nullable(),
    createdAt: Timestamp,
  })
  .openapi("PaymentOperation");
export type PaymentOperation = z.infer<typeof PaymentOperation>;

export const PaymentAttempt = z
  .object({
    id: z.string().openapi({ example: "pay_01jd4x..." }),
    provider: z.string().openapi({ example: "stripe" }),
    providerReference: z.string().nullable().openapi({ description: "Stripe: the PaymentIntent id (`pi_…`)." }),
    status: z.enum(paymentAttemptStatuses).openapi({
      description:
        "pending (awaiting the customer), requires_action (3-D Secure: finish it with Stripe.js `handleNextAction(clientSecret)`), authorized (to capture), succeeded (captured), canceled (voided), failed (declined; start a new attempt).",
    }),
    captureMethod: z.enum(["automatic", "manual"]),
    amount: Money,
    authorized: Money.openapi({ description: "Authorised and not captured yet." }),
    captured: Money,
    refunded: Money,
    clientSecret: z.string().nullable().openapi({ description: "For the storefront (Stripe.js `confirmPayment`): shown to the order's customer or guest while the attempt awaits them; null for admins and afterwards." }),
    nextAction: z.string().nullable().openapi({ description: "Stripe's `next_action.type` while `requires_action`." }),
    lastError: z.string().nullable(),
    disputed: z.boolean(),
    operations: z.array(PaymentOperation),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("PaymentAttempt");
export type PaymentAttempt = z.infer<typeof PaymentAttempt>;

export const RefundResult = z.object({ refund: z.object({ id: z.string(), amount: Money, reference: z.string() }) }).openapi("RefundResult");

export const WebhookReceipt = z
  .object({ received: z.literal(true), outcome: z.enum(["processed", "duplicate", "ignored"]) })
  .openapi("StripeWebhookReceipt");
