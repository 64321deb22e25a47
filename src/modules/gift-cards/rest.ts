import { createRoute, z } from "@hono/zod-openapi";
import { CartTokenHeader } from "../../http/guest-headers";
import { adminSecurity, createRouter, customerSecurity, optionalCustomerSecurity, publicSecurity, json, jsonBody, listOf, problems } from "../../http/openapi";
import { applyGiftCard, Cart, removeGiftCard } from "../carts";
import { AdjustBalanceInput, ApplyGiftCardInput, BalanceQuery, GiftCard, GiftCardBalance, GiftCardTransaction, IssuedGiftCard, IssueGiftCardInput, ListGiftCardsInput, ListTransactionsInput, UpdateGiftCardInput } from "./schemas";
import * as giftCards from "./service";

const tags = ["Gift cards"];
const IdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example: "gc_01jd4x..." }) });
const CartParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example: "cart_01jd4x..." }) });
const CartCardParam = CartParam.extend({ giftCardId: z.string().min(1).max(64).openapi({ param: { name: "giftCardId", in: "path" }, example: "gc_01jd4x..." }) });
const cartHeaders = z.object({ "x-cart-token": CartTokenHeader });
const cartAccess = "Guests send the cart token as `X-Cart-Token`; signed-in customers reach their own carts. Anyone else gets a 404.";
const GiftCardList = listOf(GiftCard, "GiftCardList");
const TransactionList = listOf(GiftCardTransaction, "GiftCardTransactionList");
const Adjusted = z.object({ giftCard: GiftCard, transaction: GiftCardTransaction }).openapi("AdjustedGiftCard");
const MyGiftCards = z.object({ data: z.array(GiftCard) }).openapi("MyGiftCards");
const scope = "Scope `gift_cards:write`.";
const writeProblems = problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "UNSUPPORTED_MEDIA_TYPE");

export const giftCardRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/gift-cards",
      operationId: "issueGiftCard",
      tags,
      security: adminSecurity,
      summary: "Issue a gift card or store credit",
      description: `A gift card gets a code (yours, or 16 random characters) shown only in this response; store credit belongs to a customer and has no code. ${scope}`,
      request: jsonBody(IssueGiftCardInput),
      responses: { 201: json(IssuedGiftCard, "The card and, for gift cards, its code."), ...writeProblems },
    }),
    async (c) => c.json(await giftCards.issueGiftCard(c.get("services"), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/gift-cards",
      operationId: "listGiftCards",
      tags,
      security: adminSecurity,
      summary: "List gift cards and store credit",
      description: `Newest first; filter by customer, kind or status. ${scope}`,
      request: { query: ListGiftCardsInput },
      responses: { 200: json(GiftCardList, "A page of cards."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN") },
    }),
    async (c) => {
      const page = await giftCards.listGiftCards(c.get("services"), c.req.valid("query"));
      return c.json({ data: page.items, next_cursor: page.nextCursor }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/gift-card-balance",
      operationId: "checkGiftCardBalance",
      tags,
      security: publicSecurity,
      summary: "Check a gift card's balance",
      description: "Anyone with the code may read its balance, status and expiry (a POST, so that the code stays out of URLs and logs). Unknown codes: 404.",
      request: jsonBody(BalanceQuery),
      responses: { 200: json(GiftCardBalance, "The balance."), ...problems("VALIDATION_FAILED", "NOT_FOUND", "UNSUPPORTED_MEDIA_TYPE") },
    }),
    async (c) => c.json(await giftCards.checkGiftCardBalance(c.get("services"), c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/gift-cards/{id}",
      operationId: "getGiftCard",
      tags,
      security: adminSecurity,
      summary: "Get a gift card",
      description: `Its balance, status and expiry; never its code. ${scope}`,
      request: { params: IdParam },
      responses: { 200: json(GiftCard, "The card."), ...problems("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
    }),
    async (c) => c.json(await giftCards.getGiftCard(c.get("services"), c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/gift-cards/{id}",
      operationId: "updateGiftCard",
      tags,
      security: adminSecurity,
      summary: "Disable, re-enable or re-date a gift card",
      description: `A disabled or expired card can be neither applied to a cart nor charged by a checkout. ${scope}`,
      request: { params: IdParam, ...jsonBody(UpdateGiftCardInput) },
      responses: { 200: json(GiftCard, "The card."), ...writeProblems },
    }),
    async (c) => c.json(await giftCards.updateGiftCard(c.get("services"), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/gift-cards/{id}/adjustments",
      operationId: "adjustGiftCardBalance",
      tags,
      security: adminSecurity,
      summary: "Add to or take from a balance (refunds to the card)",
      description: `A positive amount with an \`orderId\` is a refund of that order credited to the card; otherwise an adjustment. Once per \`reference\`: a repeat changes nothing and returns the first entry. The balance never goes below 0 (409). ${scope}`,
      request: { params: IdParam, ...jsonBody(AdjustBalanceInput) },
      responses: { 200: json(Adjusted, "The card and the ledger entry."), ...writeProblems },
    }),
    async (c) => c.json(await giftCards.adjustGiftCardBalance(c.get("services"), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/gift-cards/{id}/transactions",
      operationId: "listGiftCardTransactions",
      tags,
      security: adminSecurity,
      summary: "A gift card's ledger",
      description: `Every balance change, newest first: issue, charge (an order), return (a cancelled order), refund, adjustment; each with the balance after it. ${scope}`,
      request: { params: IdParam, query: ListTransactionsInput },
      responses: { 200: json(TransactionList, "A page of ledger entries."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
    }),
    async (c) => {
      const page = await giftCards.listGiftCardTransactions(c.get("services"), c.req.valid("param").id, c.req.valid("query"));
      return c.json({ data: page.items, next_cursor: page.nextCursor }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/me/gift-cards",
      operationId: "listMyGiftCards",
      tags,
      security: customerSecurity,
      summary: "My gift cards and store credit",
      description: "The signed-in customer's store credit and the gift cards issued to them (newest first, at most 100). Apply one to a cart with its id.",
      responses: { 200: json(MyGiftCards, "The customer's cards."), ...problems("UNAUTHENTICATED") },
    }),
    async (c) => c.json({ data: await giftCards.listMyGiftCards(c.get("services")) }, 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/carts/{id}/gift-cards",
      operationId: "applyCartGiftCard",
      tags: ["Carts"],
      security: optionalCustomerSecurity,
      summary: "Pay part of a cart with a gift card or store credit",
      description: `By \`code\` (anyone holding it), or by \`giftCardId\` for a signed-in customer's own card or store credit. Cards pay the total last, in the order applied, each up to its balance; \`totals.amountDue\` is what is left. Nothing is taken until checkout, which spends the balance in the order's own write. An unknown, disabled, expired or empty card, or one in another currency, is a 400. At most 5 cards per cart. ${cartAccess}`,
      request: { params: CartParam, headers: cartHeaders, ...jsonBody(ApplyGiftCardInput) },
      responses: { 200: json(Cart, "The cart with the card applied."), ...problems("VALIDATION_FAILED", "NOT_FOUND", "CONFLICT", "UNSUPPORTED_MEDIA_TYPE") },
    }),
    async (c) => c.json(await applyGiftCard(c.get("services"), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/carts/{id}/gift-cards/{giftCardId}",
      operationId: "removeCartGiftCard",
      tags: ["Carts"],
      security: optionalCustomerSecurity,
      summary: "Take a gift card off a cart",
      description: `${cartAccess}`,
      request: { params: CartCardParam, headers: cartHeaders },
      responses: { 200: json(Cart, "The cart without the card."), ...problems("NOT_FOUND", "CONFLICT") },
    }),
    async (c) => {
      const { id, giftCardId } = c.req.valid("param");
      return c.json(await removeGiftCard(c.get("services"), id, giftCardId), 200);
    },
  );
