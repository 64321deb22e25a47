import { createRoute, z } from "@hono/zod-openapi";
import { CartTokenHeader, IdempotencyKeyHeader, OrderTokenHeader } from "../../http/guest-headers";
import { adminSecurity, createRouter, guestCustomerOrAdminSecurity, json, problems, publicSecurity } from "../../http/openapi";
import { getOrder, OrderSchema } from "../orders";
import { idempotent } from "../protection/rest";
import { CaptureInput, RefundInput, RefundResult, WebhookReceipt } from "./schemas";
import { capturePayment, handleStripeWebhook, refreshPayment, refundPayment, retryPayment, voidPayment } from "./service";

const adminTags = ["Payments admin"];
const tags = ["Payments"];
const IdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example: "ord_01jd4x..." }) });
const keyRequired = z.object({ "idempotency-key": IdempotencyKeyHeader(true) });
const guestHeaders = z.object({ "x-order-token": OrderTokenHeader, "x-cart-token": CartTokenHeader, "idempotency-key": IdempotencyKeyHeader(false) });
const optionalJson = <T extends z.ZodType>(schema: T) => ({ body: { content: { "application/json": { schema } }, required: false } });
const PROVIDER_KEY =
  " The request's `Idempotency-Key` is passed on to the payment provider (Stripe's own `Idempotency-Key`, prefixed with the operation and order id because Stripe keys are account-wide), so a retry moves money once even if our answer was lost.";

const RefundCreated = RefundResult.extend({ order: OrderSchema }).openapi("OrderRefundCreated");

export const paymentRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/orders/{id}/capture",
      operationId: "captureOrderPayment",
      tags: adminTags,
      security: adminSecurity,
      summary: "Capture an authorised payment (full or partial)",
      description:
        "For payments authorised with `capture_method: manual` (`STRIPE_CAPTURE_METHOD=manual`). Without `amount`, everything authorised is captured; with a smaller `amount`, that much is captured and the rest released (the order's `paymentStatus` becomes `partially_paid`). Never more than authorised (400). Scope `orders:write`." +
        PROVIDER_KEY,
      middleware: [idempotent({ required: true })],
      request: { params: IdParam, headers: keyRequired, ...optionalJson(CaptureInput) },
      responses: {
        200: json(OrderSchema, "The order after the capture."),
        ...problems("VALIDATION_FAILED", "IDEMPOTENCY_KEY_REQUIRED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "IDEMPOTENCY_KEY_REUSED", "PAYMENT_PROVIDER_ERROR"),
      },
    }),
    async (c) => {
      const services = c.get("services");
      const id = c.req.valid("param").id;
      await capturePayment(services, id, c.req.header("content-type") ? c.req.valid("json") : {}, c.req.header("idempotency-key"));
      return c.json(await getOrder(services, id), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/orders/{id}/void",
      operationId: "voidOrderPayment",
      tags: adminTags,
      security: adminSecurity,
      summary: "Release an authorisation",
      description: "Cancels the order's open PaymentIntents (authorised, or still awaiting the customer): `paymentStatus` becomes `voided`. Captured money goes back by refund instead. Scope `orders:write`." + PROVIDER_KEY,
      middleware: [idempotent({ required: true })],
      request: { params: IdParam, headers: keyRequired },
      responses: { 200: json(OrderSchema, "The order after the void."), ...problems("IDEMPOTENCY_KEY_REQUIRED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "PAYMENT_PROVIDER_ERROR") },
    }),
    async (c) => {
      const services = c.get("services");
      const id = c.req.valid("param").id;
      await voidPayment(services, id, c.req.header("idempotency-key"));
      return c.json(await getOrder(services, id), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/orders/{id}/refunds",
      operationId: "createOrderRefund",
      tags: adminTags,
      security: adminSecurity,
      summary: "Refund (full or partial, by amount or by lines)",
      description:
        "Gives captured money back: `amount` (minor units), or `lines` (each line's unit price x quantity plus its share of the tax), or, with neither, everything captured and not yet refunded. Never more than captured minus refunded: the amount is reserved on the payment by one conditional write before the provider is called, so two concurrent refunds that together exceed it cannot both pass (the second is a 409 `conflict` with `refundable`). Works on paid and fulfilled orders (returns); the order becomes `refunded` when everything went back. Scope `orders:write`." +
        PROVIDER_KEY,
      middleware: [idempotent({ required: true })],
      request: { params: IdParam, headers: keyRequired, ...optionalJson(RefundInput) },
      responses: {
        201: json(RefundCreated, "The refund and the order after it."),
        ...problems("VALIDATION_FAILED", "IDEMPOTENCY_KEY_REQUIRED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "IDEMPOTENCY_KEY_REUSED", "PAYMENT_PROVIDER_ERROR"),
      },
    }),
    async (c) => {
      const services = c.get("services");
      const id = c.req.valid("param").id;
      const refund = await refundPayment(services, id, c.req.header("content-type") ? c.req.valid("json") : {}, c.req.header("idempotency-key"));
      return c.json({ refund: { id: refund.id, amount: { amount: refund.amount, currency: refund.currency }, reference: refund.reference }, order: await getOrder(services, id) }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/orders/{id}/payment",
      operationId: "retryOrderPayment",
      tags,
      security: guestCustomerOrAdminSecurity,
      summary: "Start a new payment attempt",
      description:
        "The storefront, after a declined or cancelled payment (`paymentStatus` failed or voided) or when checkout could not reach the provider: a new PaymentIntent for the amount due; its `clientSecret` is on the newest `paymentAttempts` entry. The order's customer, a guest with `X-Order-Token`, or an admin. Does nothing while an attempt is still open.",
      middleware: [idempotent({ required: false })],
      request: { params: IdParam, headers: guestHeaders },
      responses: { 200: json(OrderSchema, "The order with its payment attempts."), ...problems("NOT_FOUND", "CONFLICT", "PAYMENT_PROVIDER_ERROR") },
    }),
    async (c) => {
      const services = c.get("services");
      const id = c.req.valid("param").id;
      await retryPayment(services, id);
      return c.json(await getOrder(services, id), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/orders/{id}/payment/refresh",
      operationId: "refreshOrderPayment",
      tags,
      security: guestCustomerOrAdminSecurity,
      summary: "Read the payment's state from the provider now",
      description:
        "The storefront after `confirmPayment` or after finishing 3-D Secure (`requires_action`): reads the PaymentIntent from Stripe and records what changed, without waiting for the webhook (which records the same thing once). The order's customer, a guest with `X-Order-Token`, or an admin.",
      request: { params: IdParam, headers: guestHeaders },
      responses: { 200: json(OrderSchema, "The order with its payment status."), ...problems("NOT_FOUND", "PAYMENT_PROVIDER_ERROR") },
    }),
    async (c) => {
      const services = c.get("services");
      const id = c.req.valid("param").id;
      await refreshPayment(services, id);
      return c.json(await getOrder(services, id), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/payments/stripe/webhook",
      operationId: "receiveStripeWebhook",
      tags,
      security: publicSecurity,
      summary: "Stripe webhook endpoint",
      description:
        "Point a Stripe webhook endpoint here (events `payment_intent.succeeded`, `payment_intent.payment_failed`, `payment_intent.amount_capturable_updated`, `payment_intent.requires_action`, `payment_intent.canceled`, `charge.refunded`, `charge.dispute.created`). The raw body is verified with Stripe's library against `STRIPE_WEBHOOK_SECRET` and the `Stripe-Signature` header, with a tolerance of `STRIPE_WEBHOOK_TOLERANCE_SECONDS` (default 300): a bad or old signature is a 400 and changes nothing. Each Stripe event id is claimed in D1 with its effect, so a replayed or redelivered event changes nothing (200, `duplicate`). Transitions it makes are recorded as made by `provider:stripe`.",
      request: { headers: z.object({ "stripe-signature": z.string().optional().openapi({ param: { name: "stripe-signature", in: "header" } }) }) },
      responses: { 200: json(WebhookReceipt, "Received (processed, duplicate, or ignored)."), ...problems("BAD_REQUEST", "PAYMENT_PROVIDER_ERROR") },
    }),
    async (c) => c.json(await handleStripeWebhook(c.get("services"), await c.req.text(), c.req.header("stripe-signature")), 200),
  );
