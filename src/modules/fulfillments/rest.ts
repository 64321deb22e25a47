import { createRoute, z } from "@hono/zod-openapi";
import { CartTokenHeader, IdempotencyKeyHeader, OrderTokenHeader } from "../../http/guest-headers";
import { adminSecurity, createRouter, guestCustomerOrAdminSecurity, json, problems } from "../../http/openapi";
import { getOrder, OrderSchema } from "../orders";
import { idempotent } from "../protection/rest";
import { CreateFulfillmentInput, Fulfillment } from "./schemas";
import { createFulfillment, fulfilOrder, listFulfillments } from "./service";

const adminTags = ["Fulfilments admin"];
const IdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example: "ord_01jd4x..." }) });
const keyOptional = z.object({ "idempotency-key": IdempotencyKeyHeader(false) });

export const fulfillmentRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/orders/{id}/fulfillments",
      operationId: "createFulfillment",
      tags: adminTags,
      security: adminSecurity,
      summary: "Ship some or all of an order's units",
      description:
        "Records a shipment: `lines` (order line ids and units; default every unit not shipped yet), `carrier`, `trackingNumber`, `trackingUrl` (https). The order must be paid, or placed with its payment authorised (capture on shipment). The order's `fulfillmentStatus` becomes `partially_fulfilled`, or `fulfilled` when every unit is (then a paid order becomes `fulfilled`: event `order.fulfilled`). Emits `fulfillment.created` (the customer gets a shipment email with the tracking). A line is never fulfilled beyond its quantity, also under concurrent requests (400 with a pointer). Scope `orders:write`.",
      middleware: [idempotent({ required: false })],
      request: { params: IdParam, headers: keyOptional, body: { content: { "application/json": { schema: CreateFulfillmentInput } }, required: false } },
      responses: { 201: json(Fulfillment, "The fulfilment."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "IDEMPOTENCY_KEY_REUSED") },
    }),
    async (c) => c.json(await createFulfillment(c.get("services"), c.req.valid("param").id, c.req.header("content-type") ? c.req.valid("json") : {}), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/orders/{id}/fulfillments",
      operationId: "listOrderFulfillments",
      tags: ["Orders"],
      security: guestCustomerOrAdminSecurity,
      summary: "An order's fulfilments (shipments with tracking)",
      description: "Whoever may read the order: admins, its customer, a guest with `X-Order-Token`.",
      request: { params: IdParam, headers: z.object({ "x-order-token": OrderTokenHeader, "x-cart-token": CartTokenHeader }) },
      responses: { 200: json(z.object({ data: z.array(Fulfillment) }).openapi("FulfillmentList"), "The fulfilments, oldest first."), ...problems("NOT_FOUND") },
    }),
    async (c) => c.json({ data: await listFulfillments(c.get("services"), c.req.valid("param").id) }, 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/orders/{id}/fulfil",
      operationId: "fulfilOrder",
      tags: ["Orders admin"],
      security: adminSecurity,
      summary: "Mark an order fulfilled",
      description: "paid -> fulfilled: one fulfilment of every unit not shipped yet, without tracking (use `POST /v1/orders/{id}/fulfillments` for partial shipments with tracking). Any other state is a 409.",
      middleware: [idempotent({ required: false })],
      request: { params: IdParam, headers: keyOptional },
      responses: { 200: json(OrderSchema, "The order after the transition."), ...problems("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "IDEMPOTENCY_KEY_REUSED") },
    }),
    async (c) => {
      const services = c.get("services");
      const id = c.req.valid("param").id;
      await fulfilOrder(services, id);
      return c.json(await getOrder(services, id), 200);
    },
  );
