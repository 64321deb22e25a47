import { createRoute, z } from "@hono/zod-openapi";
import { CartTokenHeader } from "../../http/guest-headers";
import { adminSecurity, createRouter, optionalCustomerSecurity, json, jsonBody, listOf, problems } from "../../http/openapi";
import { applyDiscountCode, Cart, removeDiscountCode } from "../carts";
import { AddCodesInput, ApplyCodeInput, CreatePromotionInput, ListPromotionsInput, ListRedemptionsInput, Promotion, Redemption, UpdatePromotionInput } from "./schemas";
import * as promotions from "./service";

const tags = ["Promotions"];
const IdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example: "promo_01jd4x..." }) });
const CodeParam = IdParam.extend({ code: z.string().min(1).max(32).openapi({ param: { name: "code", in: "path" }, example: "SUMMER15" }) });
const CartParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example: "cart_01jd4x..." }) });
const CartCodeParam = CartParam.extend({ code: z.string().min(1).max(32).openapi({ param: { name: "code", in: "path" }, example: "SUMMER15" }) });
const cartHeaders = z.object({ "x-cart-token": CartTokenHeader });
const cartAccess = "Guests send the cart token as `X-Cart-Token`; signed-in customers reach their own carts. Anyone else gets a 404.";
const PromotionList = listOf(Promotion, "PromotionList");
const RedemptionList = listOf(Redemption, "PromotionRedemptionList");
const scope = "Scope `promotions:write`.";
const readProblems = problems("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND");
const writeProblems = problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "UNSUPPORTED_MEDIA_TYPE");

export const promotionRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/promotions",
      operationId: "createPromotion",
      tags,
      security: adminSecurity,
      summary: "Create a promotion",
      description:
        "An automatic promotion (applies to every eligible cart) or a code promotion (applies to carts that entered one of its `codes`). The `rule` says what it takes off: a percentage or fixed amount off the order or off matching lines, free shipping, or buy X get Y; conditions narrow who gets it (minimum subtotal per currency, customer groups, markets, a time window), limits cap how often (in total and per customer). Order of application: docs/pricing.md. " +
        scope,
      request: jsonBody(CreatePromotionInput),
      responses: { 201: json(Promotion, "The promotion."), ...writeProblems },
    }),
    async (c) => c.json(await promotions.createPromotion(c.get("services"), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/promotions",
      operationId: "listPromotions",
      tags,
      security: adminSecurity,
      summary: "List promotions",
      description: `Newest first. Filter by trigger, status, or the promotion a code belongs to. ${scope}`,
      request: { query: ListPromotionsInput },
      responses: { 200: json(PromotionList, "A page of promotions."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN") },
    }),
    async (c) => {
      const page = await promotions.listPromotions(c.get("services"), c.req.valid("query"));
      return c.json({ data: page.items, next_cursor: page.nextCursor }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/promotions/{id}",
      operationId: "getPromotion",
      tags,
      security: adminSecurity,
      summary: "Get a promotion",
      description: `With its codes, its derived \`state\` (scheduled, active, expired, disabled, used_up) and \`timesRedeemed\`. ${scope}`,
      request: { params: IdParam },
      responses: { 200: json(Promotion, "The promotion."), ...readProblems },
    }),
    async (c) => c.json(await promotions.getPromotion(c.get("services"), c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/promotions/{id}",
      operationId: "updatePromotion",
      tags,
      security: adminSecurity,
      summary: "Update, schedule, disable or re-enable a promotion",
      description: `Only the fields sent change (null clears a time or a limit); the trigger and codes change through their own operations. A usage limit below the redemptions so far is refused. Emits promotion.updated with the changed fields. ${scope}`,
      request: { params: IdParam, ...jsonBody(UpdatePromotionInput) },
      responses: { 200: json(Promotion, "The updated promotion."), ...writeProblems },
    }),
    async (c) => c.json(await promotions.updatePromotion(c.get("services"), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/promotions/{id}",
      operationId: "deletePromotion",
      tags,
      security: adminSecurity,
      summary: "Delete a promotion that was never redeemed",
      description: `Deletes the promotion and its codes (carts that entered them lose them). A promotion with redemptions is kept for its orders: 409, disable it instead. ${scope}`,
      request: { params: IdParam },
      responses: { 204: { description: "Deleted." }, ...problems("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
    }),
    async (c) => {
      await promotions.deletePromotion(c.get("services"), c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/promotions/{id}/codes",
      operationId: "addDiscountCodes",
      tags,
      security: adminSecurity,
      summary: "Add discount codes to a code promotion",
      description: `Codes are case-insensitive and unique across promotions (409 naming any taken). They share the promotion's usage limits. ${scope}`,
      request: { params: IdParam, ...jsonBody(AddCodesInput) },
      responses: { 200: json(Promotion, "The promotion with its codes."), ...writeProblems },
    }),
    async (c) => c.json(await promotions.addDiscountCodes(c.get("services"), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/promotions/{id}/codes/{code}",
      operationId: "removeDiscountCode",
      tags,
      security: adminSecurity,
      summary: "Remove a discount code",
      description: `Carts that entered it lose it; orders that used it keep it in their redemptions. The last code cannot go (disable the promotion instead). ${scope}`,
      request: { params: CodeParam },
      responses: { 200: json(Promotion, "The promotion with its remaining codes."), ...problems("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
    }),
    async (c) => {
      const { id, code } = c.req.valid("param");
      return c.json(await promotions.removeDiscountCode(c.get("services"), id, code), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/promotions/{id}/redemptions",
      operationId: "listPromotionRedemptions",
      tags,
      security: adminSecurity,
      summary: "List a promotion's redemptions",
      description: `One per order that used it, newest first, with the amount it took off and whether the order's cancellation returned it. ${scope}`,
      request: { params: IdParam, query: ListRedemptionsInput },
      responses: { 200: json(RedemptionList, "A page of redemptions."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
    }),
    async (c) => {
      const page = await promotions.listRedemptions(c.get("services"), c.req.valid("param").id, c.req.valid("query"));
      return c.json({ data: page.items, next_cursor: page.nextCursor }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/carts/{id}/discount-codes",
      operationId: "applyCartDiscountCode",
      tags: ["Carts"],
      security: optionalCustomerSecurity,
      summary: "Enter a discount code on a cart",
      description: `An unknown code is a 400 (nothing stored). A known code stays on the cart (at most 5) and applies whenever the cart qualifies; until then the cart lists it under \`discounts.rejectedCodes\` with the reason. Entering it again changes nothing. ${cartAccess}`,
      request: { params: CartParam, headers: cartHeaders, ...jsonBody(ApplyCodeInput) },
      responses: { 200: json(Cart, "The cart, priced with the code."), ...problems("VALIDATION_FAILED", "NOT_FOUND", "CONFLICT", "UNSUPPORTED_MEDIA_TYPE") },
    }),
    async (c) => c.json(await applyDiscountCode(c.get("services"), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/carts/{id}/discount-codes/{code}",
      operationId: "removeCartDiscountCode",
      tags: ["Carts"],
      security: optionalCustomerSecurity,
      summary: "Remove a discount code from a cart",
      description: `${cartAccess}`,
      request: { params: CartCodeParam, headers: cartHeaders },
      responses: { 200: json(Cart, "The cart, priced without the code."), ...problems("NOT_FOUND", "CONFLICT") },
    }),
    async (c) => {
      const { id, code } = c.req.valid("param");
      return c.json(await removeDiscountCode(c.get("services"), id, code), 200);
    },
  );
