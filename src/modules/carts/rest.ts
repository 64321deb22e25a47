import { createRoute, z } from "@hono/zod-openapi";
import { CartTokenHeader, IdempotencyKeyHeader } from "../../http/guest-headers";
import { idempotent } from "../protection/rest";
import { createRouter, json, jsonBody, optionalCustomerSecurity, problems } from "../../http/openapi";
import { AddLineInput, Cart, CreateCartInput, CreatedCart, UpdateCartInput, UpdateLineInput } from "./schemas";
import * as carts from "./service";

const tags = ["Carts"];
const CartParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example: "cart_01jd4x..." }) });
const LineParam = CartParam.extend({ lineId: z.string().min(1).max(64).openapi({ param: { name: "lineId", in: "path" }, example: "cli_01jd4x..." }) });
const guestHeaders = z.object({ "x-cart-token": CartTokenHeader });
const writeHeaders = guestHeaders.extend({ "idempotency-key": IdempotencyKeyHeader(false) });
const access =
  "Guests send the cart token as `X-Cart-Token`; signed-in customers reach their own carts with their bearer token. Anyone else gets a 404, also for guessed ids.";

export const cartRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/carts",
      operationId: "createCart",
      security: optionalCustomerSecurity,
      tags,
      summary: "Create a cart",
      description:
        "Creates a cart, optionally with lines, email and addresses. Anonymous callers get a guest cart and its secret `cartToken` (shown once); a signed-in customer's cart belongs to the customer and has no token.",
      middleware: [idempotent({ required: false })],
      request: { headers: z.object({ "idempotency-key": IdempotencyKeyHeader(false) }), ...jsonBody(CreateCartInput) },
      responses: {
        201: json(CreatedCart, "The new cart and, for guests, its token."),
        ...problems("VALIDATION_FAILED", "INSUFFICIENT_STOCK", "IDEMPOTENCY_KEY_REUSED", "UNSUPPORTED_MEDIA_TYPE"),
      },
    }),
    async (c) => c.json(await carts.createCart(c.get("services"), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/carts/{id}",
      operationId: "getCart",
      security: optionalCustomerSecurity,
      tags,
      summary: "Get a cart",
      description: `Lines, server-computed totals (subtotal, shipping, tax, total) and addresses. ${access}`,
      request: { params: CartParam, headers: guestHeaders },
      responses: { 200: json(Cart, "The cart."), ...problems("NOT_FOUND") },
    }),
    async (c) => c.json(await carts.getCart(c.get("services"), c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/carts/{id}",
      operationId: "updateCart",
      security: optionalCustomerSecurity,
      tags,
      summary: "Set email and addresses",
      description: `Only the fields sent change; null clears one. The shipping country decides shipping rate and tax. ${access}`,
      request: { params: CartParam, headers: guestHeaders, ...jsonBody(UpdateCartInput) },
      responses: { 200: json(Cart, "The updated cart."), ...problems("VALIDATION_FAILED", "NOT_FOUND", "CONFLICT", "UNSUPPORTED_MEDIA_TYPE") },
    }),
    async (c) => c.json(await carts.updateCart(c.get("services"), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/carts/{id}/lines",
      operationId: "addCartLine",
      security: optionalCustomerSecurity,
      tags,
      summary: "Add a line",
      description:
        "Adds a line for a variant and holds its stock for the cart (`holdMinutes`, default 15, after the last change of that SKU). Asking for more than is available is a 409 `insufficient-stock` problem whose `failures` say how many are available. Every add is a new line; lines of one SKU are held (and checked out) together.",
      middleware: [idempotent({ required: false })],
      request: { params: CartParam, headers: writeHeaders, ...jsonBody(AddLineInput) },
      responses: {
        201: json(Cart, "The cart with the new line."),
        ...problems("VALIDATION_FAILED", "NOT_FOUND", "INSUFFICIENT_STOCK", "CONFLICT", "IDEMPOTENCY_KEY_REUSED", "UNSUPPORTED_MEDIA_TYPE"),
      },
    }),
    async (c) => c.json(await carts.addLine(c.get("services"), c.req.valid("param").id, c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/carts/{id}/lines/{lineId}",
      operationId: "updateCartLine",
      security: optionalCustomerSecurity,
      tags,
      summary: "Change a line's quantity",
      description: "Re-holds the SKU for the new quantity; 409 `insufficient-stock` when not enough is available.",
      request: { params: LineParam, headers: guestHeaders, ...jsonBody(UpdateLineInput) },
      responses: { 200: json(Cart, "The updated cart."), ...problems("VALIDATION_FAILED", "NOT_FOUND", "INSUFFICIENT_STOCK", "CONFLICT") },
    }),
    async (c) => {
      const { id, lineId } = c.req.valid("param");
      return c.json(await carts.updateLine(c.get("services"), id, lineId, c.req.valid("json")), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/carts/{id}/lines/{lineId}",
      operationId: "removeCartLine",
      security: optionalCustomerSecurity,
      tags,
      summary: "Remove a line",
      description: "Removes the line and releases its stock.",
      request: { params: LineParam, headers: guestHeaders },
      responses: { 200: json(Cart, "The cart without the line."), ...problems("NOT_FOUND", "CONFLICT") },
    }),
    async (c) => {
      const { id, lineId } = c.req.valid("param");
      return c.json(await carts.removeLine(c.get("services"), id, lineId), 200);
    },
  );
