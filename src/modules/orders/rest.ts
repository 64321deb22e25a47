import { createRoute, z } from "@hono/zod-openapi";
import { CartTokenHeader, IdempotencyKeyHeader, OrderTokenHeader } from "../../http/guest-headers";
import { idempotent } from "../protection/rest";
import { adminSecurity, createRouter, customerOrAdminSecurity, guestCustomerOrAdminSecurity, json, jsonBody, listOf, optionalCustomerSecurity, problems } from "../../http/openapi";
import { CheckoutInput } from "../carts";
import { checkout } from "./checkout";
import { isReplay } from "./checkout-replay";
import { orderFeedRoutes } from "./feed-rest";
import { ListOrdersInput, MarkPaidInput, Order, OrderNote, OrderNoteInput, PlacedOrder, TimelineEntry } from "./schemas";
import * as orders from "./service";

const tags = ["Orders"];
const adminTags = ["Orders admin"];
const IdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example: "ord_01jd4x..." }) });
const CartParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example: "cart_01jd4x..." }) });
const OrderList = listOf(Order, "OrderList");
const keyRequired = z.object({ "idempotency-key": IdempotencyKeyHeader(true) });

type Transition = (ctx: Parameters<typeof orders.approveOrder>[0], id: string, key: string | undefined) => Promise<Order>;

function adminTransition(path: string, operationId: string, summary: string, description: string, run: Transition, requireKey: boolean) {
  return [
    createRoute({
      method: "post",
      path: `/orders/{id}/${path}`,
      operationId,
      tags: adminTags,
      security: adminSecurity,
      summary,
      description,
      middleware: [idempotent({ required: requireKey })],
      request: { params: IdParam, headers: z.object({ "idempotency-key": IdempotencyKeyHeader(requireKey) }) },
      responses: {
        200: json(Order, "The order after the transition."),
        ...problems("IDEMPOTENCY_KEY_REQUIRED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "IDEMPOTENCY_KEY_REUSED"),
      },
    }),
    run,
  ] as const;
}

const cancel = adminTransition(
  "cancel",
  "cancelOrder",
  "Cancel an order",
  "on_hold, placed or paid -> cancelled. Its stock returns exactly once; a paid order is refunded through its payment provider. Cancelling a held order records the risk review (`risk.review`: cancelled, by this API key, now). Requires `Idempotency-Key`.",
  (ctx, id, key) => orders.cancelOrder(ctx, id, { idempotencyKey: key ?? null }),
  true,
);
const approve = adminTransition(
  "approve",
  "approveOrder",
  "Approve an order held for risk review",
  "on_hold -> placed: the order goes ahead and `order.placed` is emitted (once; held orders emitted `order.held` at checkout). The review is recorded on the order's `risk.review` (approved, by this API key, now). List held orders with `GET /v1/orders?status=on_hold`. Any other state is a 409. Scope `orders:write`.",
  (ctx, id) => orders.approveOrder(ctx, id),
  false,
);
const refund = adminTransition(
  "refund",
  "refundOrder",
  "Refund an order in full",
  "paid -> refunded: everything captured goes back through the payment provider (the `Idempotency-Key` is passed on to it). Partial refunds, by amount or by lines, and refunds of fulfilled orders: `POST /v1/orders/{id}/refunds`. Requires `Idempotency-Key`.",
  (ctx, id, key) => orders.refundOrder(ctx, id, { idempotencyKey: key ?? null }),
  true,
);

export const orderRoutes = createRouter()
  // First: /orders/feed must match before /orders/{id}.
  .route("/", orderFeedRoutes)
  .openapi(
    createRoute({
      method: "post",
      path: "/carts/{id}/checkout",
      operationId: "checkoutCart",
      security: optionalCustomerSecurity,
      tags,
      summary: "Check out a cart",
      description:
        "Turns the cart into an order: every SKU is re-held all-or-nothing (quantities of one SKU summed) while the checkout is scored for fraud risk (signals include the client IP, `request.cf` country and ASN, email, addresses and velocity). Risk decides: approve -> the order is `placed` (event `order.placed`); review -> it is placed `on_hold` for an admin (event `order.held`); reject -> a 422 `risk-rejected` problem (`riskScore`, `riskModelVersion`, `riskReasons`) and nothing is written. The order, its lines, its risk assessment and its first event are written in one atomic batch and the holds become sales. At most one order per cart. Requires `Idempotency-Key`; a retry with the same key answers with the same order (`idempotent-replayed: true`), also when the first attempt crashed after writing it, and gives a guest its `orderToken` then too. A line whose variant was deleted or whose product was archived or unpublished is a 409 `lines-unavailable` problem with a pointer per line and `unavailableLines` (the cart shows them with `available: false`). A 409 `insufficient-stock` problem lists each short SKU with its available quantity in `failures`. The response's `orderToken` lets a guest read the order later.",
      middleware: [idempotent({ required: true })],
      request: { params: CartParam, headers: keyRequired.extend({ "x-cart-token": CartTokenHeader }), ...jsonBody(CheckoutInput) },
      responses: {
        201: json(PlacedOrder, "The placed order and its guest token."),
        ...problems(
          "VALIDATION_FAILED",
          "IDEMPOTENCY_KEY_REQUIRED",
          "NOT_FOUND",
          "INSUFFICIENT_STOCK",
          "LINES_UNAVAILABLE",
          "CONFLICT",
          "RISK_REJECTED",
          "IDEMPOTENCY_KEY_IN_USE",
          "IDEMPOTENCY_KEY_REUSED",
          "UNSUPPORTED_MEDIA_TYPE",
        ),
      },
    }),
    async (c) => {
      const placed = await checkout(c.get("services"), c.req.valid("param").id, c.req.valid("json"), { idempotencyKey: c.req.header("idempotency-key") });
      return c.json(placed, 201, isReplay(placed) ? { "idempotent-replayed": "true" } : {});
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/orders",
      operationId: "listOrders",
      security: customerOrAdminSecurity,
      tags,
      summary: "List orders",
      description:
        "Admins (scope `orders:read`): every order, filtered by status, customer and placement time, newest first; `status=on_hold` is the queue of orders awaiting risk review. Customers: their own orders. Page with `cursor`. Each order's `risk` (the checkout's fraud assessment) is shown to admins only.",
      request: { query: ListOrdersInput },
      responses: { 200: json(OrderList, "A page of orders."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN") },
    }),
    async (c) => {
      const page = await orders.listOrders(c.get("services"), c.req.valid("query"));
      return c.json({ data: page.items, next_cursor: page.nextCursor }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/orders/{id}",
      operationId: "getOrder",
      security: guestCustomerOrAdminSecurity,
      tags,
      summary: "Get an order",
      description:
        "Admins read any order; customers their own; guests with the `X-Order-Token` from checkout or the cart's `X-Cart-Token`. Anyone else gets a 404, also for guessed ids. `risk` (score, level, decision, reasons, model version, review) is filled for admins only; customers and guests get null.",
      request: { params: IdParam, headers: z.object({ "x-order-token": OrderTokenHeader, "x-cart-token": CartTokenHeader }) },
      responses: { 200: json(Order, "The order."), ...problems("NOT_FOUND") },
    }),
    async (c) => c.json(await orders.getOrder(c.get("services"), c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/orders/{id}/mark-paid",
      operationId: "markOrderPaid",
      tags: adminTags,
      security: adminSecurity,
      summary: "Record a manual payment",
      description:
        "placed -> paid: the manual payment provider records the capture (optionally with your `reference`, e.g. the bank transfer's). Requires `Idempotency-Key`.",
      middleware: [idempotent({ required: true })],
      request: { params: IdParam, headers: keyRequired, body: { content: { "application/json": { schema: MarkPaidInput } }, required: false } },
      responses: {
        200: json(Order, "The paid order."),
        ...problems("VALIDATION_FAILED", "IDEMPOTENCY_KEY_REQUIRED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "IDEMPOTENCY_KEY_REUSED"),
      },
    }),
    async (c) => {
      const body = c.req.header("content-type") ? c.req.valid("json") : {};
      return c.json(await orders.markPaid(c.get("services"), c.req.valid("param").id, body), 200);
    },
  )
  .openapi(cancel[0], async (c) => c.json(await cancel[1](c.get("services"), c.req.valid("param").id, c.req.header("idempotency-key")), 200))
  .openapi(approve[0], async (c) => c.json(await approve[1](c.get("services"), c.req.valid("param").id, undefined), 200))
  .openapi(refund[0], async (c) => c.json(await refund[1](c.get("services"), c.req.valid("param").id, c.req.header("idempotency-key")), 200))
  .openapi(
    createRoute({
      method: "post",
      path: "/orders/{id}/notes",
      operationId: "addOrderNote",
      tags: adminTags,
      security: adminSecurity,
      summary: "Add a note to an order",
      description: "A staff note, shown on the order's timeline with its author (the API key). Scope `orders:write`.",
      request: { params: IdParam, ...jsonBody(OrderNoteInput) },
      responses: { 201: json(OrderNote, "The note."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "UNSUPPORTED_MEDIA_TYPE") },
    }),
    async (c) => c.json(await orders.addOrderNote(c.get("services"), c.req.valid("param").id, c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/orders/{id}/timeline",
      operationId: "getOrderTimeline",
      tags: adminTags,
      security: adminSecurity,
      summary: "An order's admin timeline",
      description:
        "Everything that happened to the order, oldest first: placement, every transition (lifecycle, payment: authorisations, captures, refunds, voids, failures, disputes; fulfilments with tracking; returns) with who made it (`admin:<key id>`, `provider:stripe`, `system`, the customer) and notes. Scope `orders:read`.",
      request: { params: IdParam },
      responses: { 200: json(z.object({ data: z.array(TimelineEntry) }).openapi("OrderTimeline"), "The timeline."), ...problems("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
    }),
    async (c) => c.json({ data: await orders.orderTimeline(c.get("services"), c.req.valid("param").id) }, 200),
  );
