import { createRoute, z } from "@hono/zod-openapi";
import { CartTokenHeader, IdempotencyKeyHeader, OrderTokenHeader } from "../../http/guest-headers";
import { adminSecurity, createRouter, guestCustomerOrAdminSecurity, json, jsonBody, problems } from "../../http/openapi";
import { idempotent } from "../protection/rest";
import { OrderReturn, ReceiveReturnInput, RequestReturnInput } from "./schemas";
import { approveReturn, getReturn, listReturns, receiveReturn, rejectReturn, requestReturn } from "./service";

const adminTags = ["Returns admin"];
const OrderParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example: "ord_01jd4x..." }) });
const ReturnParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example: "ret_01jd4x..." }) });
const guestHeaders = z.object({ "x-order-token": OrderTokenHeader, "x-cart-token": CartTokenHeader });

function move(path: "approve" | "reject", operationId: string, summary: string, run: typeof approveReturn) {
  return [
    createRoute({
      method: "post",
      path: `/returns/{id}/${path}`,
      operationId,
      tags: adminTags,
      security: adminSecurity,
      summary,
      description: `requested -> ${path === "approve" ? "approved" : "rejected"} (event \`return.${path === "approve" ? "approved" : "rejected"}\`). Any other state is a 409. Scope \`orders:write\`.`,
      request: { params: ReturnParam },
      responses: { 200: json(OrderReturn, "The return."), ...problems("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
    }),
    run,
  ] as const;
}
const approve = move("approve", "approveReturn", "Approve a return", approveReturn);
const reject = move("reject", "rejectReturn", "Reject a return", rejectReturn);

export const returnRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/orders/{id}/returns",
      operationId: "requestReturn",
      tags: ["Returns"],
      security: guestCustomerOrAdminSecurity,
      summary: "Ask to return units of an order",
      description:
        "The order's customer, a guest with `X-Order-Token`, or an admin: `lines` (order line ids and units) and a `reason`. Only fulfilled units that no other open or received return claims (400 with a pointer). Event `return.requested`.",
      request: { params: OrderParam, headers: guestHeaders, ...jsonBody(RequestReturnInput) },
      responses: { 201: json(OrderReturn, "The return request."), ...problems("VALIDATION_FAILED", "NOT_FOUND", "CONFLICT", "UNSUPPORTED_MEDIA_TYPE") },
    }),
    async (c) => c.json(await requestReturn(c.get("services"), c.req.valid("param").id, c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/orders/{id}/returns",
      operationId: "listOrderReturns",
      tags: ["Returns"],
      security: guestCustomerOrAdminSecurity,
      summary: "An order's returns",
      request: { params: OrderParam, headers: guestHeaders },
      responses: { 200: json(z.object({ data: z.array(OrderReturn) }).openapi("ReturnList"), "The returns, oldest first."), ...problems("NOT_FOUND") },
    }),
    async (c) => c.json({ data: await listReturns(c.get("services"), c.req.valid("param").id) }, 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/returns/{id}",
      operationId: "getReturn",
      tags: ["Returns"],
      security: guestCustomerOrAdminSecurity,
      summary: "A return",
      request: { params: ReturnParam, headers: guestHeaders },
      responses: { 200: json(OrderReturn, "The return."), ...problems("NOT_FOUND") },
    }),
    async (c) => c.json(await getReturn(c.get("services"), c.req.valid("param").id), 200),
  )
  .openapi(approve[0], async (c) => c.json(await approve[1](c.get("services"), c.req.valid("param").id), 200))
  .openapi(reject[0], async (c) => c.json(await reject[1](c.get("services"), c.req.valid("param").id), 200))
  .openapi(
    createRoute({
      method: "post",
      path: "/returns/{id}/receive",
      operationId: "receiveReturn",
      tags: adminTags,
      security: adminSecurity,
      summary: "Receive a return: units back to stock, optional refund",
      description:
        "approved -> received (event `return.received`). Each line's units go back on hand through the SKU's inventory object exactly once (keyed by the return line), whatever the retries. With `refund: true` the returned lines are refunded (price and tax share) through the payment provider, passing on the `Idempotency-Key`. Calling it again on a received return finishes a restock that failed half-way and does nothing else. Scope `orders:write`.",
      middleware: [idempotent({ required: false })],
      request: { params: ReturnParam, headers: z.object({ "idempotency-key": IdempotencyKeyHeader(false) }), body: { content: { "application/json": { schema: ReceiveReturnInput } }, required: false } },
      responses: { 200: json(OrderReturn, "The received return."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "PAYMENT_PROVIDER_ERROR") },
    }),
    async (c) => c.json(await receiveReturn(c.get("services"), c.req.valid("param").id, c.req.header("content-type") ? c.req.valid("json") : {}, c.req.header("idempotency-key")), 200),
  );
