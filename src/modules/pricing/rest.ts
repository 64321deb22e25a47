import { createRoute, z } from "@hono/zod-openapi";
import { adminSecurity, createRouter, json, jsonBody, listOf, problems, publicSecurity } from "../../http/openapi";
import * as groups from "./groups";
import * as markets from "./markets";
import * as priceLists from "./price-lists";
import * as prices from "./prices";
import {
  CreateCustomerGroupInput,
  CreateMarketInput,
  CreatePriceListInput,
  CustomerGroup,
  CustomerGroupMember,
  ListPageInput,
  ListPriceListsInput,
  Market,
  PriceList,
  PriceListPrice,
  SetPriceListPricesInput,
  SetPricesInput,
  UpdateCustomerGroupInput,
  UpdateMarketInput,
  UpdatePriceListInput,
  VariantPrice,
} from "./schemas";

const path = (name: string, example: string) => z.string().min(1).max(64).openapi({ param: { name, in: "path" }, example });
const MarketParam = z.object({ idOrHandle: path("idOrHandle", "eu") });
const GroupParam = z.object({ idOrHandle: path("idOrHandle", "wholesale") });
const MemberParam = GroupParam.extend({ customerId: path("customerId", "cus_01jd4x...") });
const PriceListParam = z.object({ id: path("id", "prl_01jd4x...") });
const VariantParam = z.object({ id: path("id", "var_01jd4x...") });

const MarketList = z.object({ data: z.array(Market) }).openapi("MarketList");
const CustomerGroupList = z.object({ data: z.array(CustomerGroup) }).openapi("CustomerGroupList");
const MemberList = listOf(CustomerGroupMember, "CustomerGroupMemberList");
const PriceListList = listOf(PriceList, "PriceListList");
const PriceListPriceList = listOf(PriceListPrice, "PriceListPriceList");
const VariantPriceList = z.object({ data: z.array(VariantPrice) }).openapi("VariantPriceList");

const readProblems = problems("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND");
const writeProblems = problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "UNSUPPORTED_MEDIA_TYPE");
const deleted = { 204: { description: "Deleted." } };
const write = "Scope `pricing:write`.";

export const pricingRoutes = createRouter()
  // ------------------------------------------------------------------ markets
  .openapi(
    createRoute({
      method: "get",
      path: "/markets",
      operationId: "listMarkets",
      tags: ["Markets"],
      security: publicSecurity,
      summary: "List markets",
      description: "Where the shop sells, in which currency, and whether prices include tax. The default market comes first. Public.",
      responses: { 200: json(MarketList, "Every market."), ...problems("THROTTLED") },
    }),
    async (c) => c.json({ data: await markets.listMarkets(c.get("services")) }, 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/markets/{idOrHandle}",
      operationId: "getMarket",
      tags: ["Markets"],
      security: publicSecurity,
      summary: "Get a market by handle or id",
      request: { params: MarketParam },
      responses: { 200: json(Market, "The market."), ...problems("NOT_FOUND") },
    }),
    async (c) => c.json(await markets.getMarket(c.get("services"), c.req.valid("param").idOrHandle), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/markets",
      operationId: "createMarket",
      tags: ["Markets"],
      security: adminSecurity,
      summary: "Create a market",
      description: `A country belongs to one market (409 otherwise). \`isDefault: true\` makes it the default market. ${write}`,
      request: jsonBody(CreateMarketInput),
      responses: { 201: json(Market, "The new market."), ...writeProblems },
    }),
    async (c) => c.json(await markets.createMarket(c.get("services"), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/markets/{idOrHandle}",
      operationId: "updateMarket",
      tags: ["Markets"],
      security: adminSecurity,
      summary: "Update a market",
      description: `Only the fields sent change; \`countries\` replaces the list. Open carts price in the new settings from their next read. ${write}`,
      request: { params: MarketParam, ...jsonBody(UpdateMarketInput) },
      responses: { 200: json(Market, "The market."), ...writeProblems },
    }),
    async (c) => c.json(await markets.updateMarket(c.get("services"), c.req.valid("param").idOrHandle, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/markets/{idOrHandle}",
      operationId: "deleteMarket",
      tags: ["Markets"],
      security: adminSecurity,
      summary: "Delete a market",
      description: `The default market cannot be deleted (409). Its price lists go with it; carts that chose it fall back to their shipping country's market. ${write}`,
      request: { params: MarketParam },
      responses: { ...deleted, ...problems("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
    }),
    async (c) => {
      await markets.deleteMarket(c.get("services"), c.req.valid("param").idOrHandle);
      return c.body(null, 204);
    },
  )
  // ------------------------------------------------------------------ customer groups
  .openapi(
    createRoute({
      method: "get",
      path: "/customer-groups",
      operationId: "listCustomerGroups",
      tags: ["Customer groups"],
      security: adminSecurity,
      summary: "List customer groups",
      description: "Scope `pricing:read` or `pricing:write`.",
      responses: { 200: json(CustomerGroupList, "Every group."), ...problems("UNAUTHENTICATED", "FORBIDDEN") },
    }),
    async (c) => c.json({ data: await groups.listCustomerGroups(c.get("services")) }, 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/customer-groups",
      operationId: "createCustomerGroup",
      tags: ["Customer groups"],
      security: adminSecurity,
      summary: "Create a customer group",
      description: `Price lists and promotions can target a group; a \`taxExempt\` group's members pay no tax. ${write}`,
      request: jsonBody(CreateCustomerGroupInput),
      responses: { 201: json(CustomerGroup, "The new group."), ...writeProblems },
    }),
    async (c) => c.json(await groups.createCustomerGroup(c.get("services"), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/customer-groups/{idOrHandle}",
      operationId: "getCustomerGroup",
      tags: ["Customer groups"],
      security: adminSecurity,
      summary: "Get a customer group",
      request: { params: GroupParam },
      responses: { 200: json(CustomerGroup, "The group."), ...readProblems },
    }),
    async (c) => c.json(await groups.getCustomerGroup(c.get("services"), c.req.valid("param").idOrHandle), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/customer-groups/{idOrHandle}",
      operationId: "updateCustomerGroup",
      tags: ["Customer groups"],
      security: adminSecurity,
      summary: "Update a customer group",
      request: { params: GroupParam, ...jsonBody(UpdateCustomerGroupInput) },
      responses: { 200: json(CustomerGroup, "The group."), ...writeProblems },
    }),
    async (c) => c.json(await groups.updateCustomerGroup(c.get("services"), c.req.valid("param").idOrHandle, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/customer-groups/{idOrHandle}",
      operationId: "deleteCustomerGroup",
      tags: ["Customer groups"],
      security: adminSecurity,
      summary: "Delete a customer group",
      description: `Its memberships and the price lists aimed at it go too. ${write}`,
      request: { params: GroupParam },
      responses: { ...deleted, ...readProblems },
    }),
    async (c) => {
      await groups.deleteCustomerGroup(c.get("services"), c.req.valid("param").idOrHandle);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/customer-groups/{idOrHandle}/members",
      operationId: "listCustomerGroupMembers",
      tags: ["Customer groups"],
      security: adminSecurity,
      summary: "List a group's members",
      request: { params: GroupParam, query: ListPageInput },
      responses: { 200: json(MemberList, "A page of members."), ...readProblems },
    }),
    async (c) => {
      const page = await groups.listCustomerGroupMembers(c.get("services"), c.req.valid("param").idOrHandle, c.req.valid("query"));
      return c.json({ data: page.items, next_cursor: page.nextCursor }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/customer-groups/{idOrHandle}/members/{customerId}",
      operationId: "addCustomerGroupMember",
      tags: ["Customer groups"],
      security: adminSecurity,
      summary: "Add a customer to a group",
      description: `Idempotent. The customer's carts price with the group from their next read. ${write}`,
      request: { params: MemberParam },
      responses: { 200: json(CustomerGroupMember, "The membership."), ...readProblems },
    }),
    async (c) => {
      const { idOrHandle, customerId } = c.req.valid("param");
      return c.json(await groups.addCustomerGroupMember(c.get("services"), idOrHandle, customerId), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/customer-groups/{idOrHandle}/members/{customerId}",
      operationId: "removeCustomerGroupMember",
      tags: ["Customer groups"],
      security: adminSecurity,
      summary: "Remove a customer from a group",
      request: { params: MemberParam },
      responses: { ...deleted, ...readProblems },
    }),
    async (c) => {
      const { idOrHandle, customerId } = c.req.valid("param");
      await groups.removeCustomerGroupMember(c.get("services"), idOrHandle, customerId);
      return c.body(null, 204);
    },
  )
  // ------------------------------------------------------------------ base prices
  .openapi(
    createRoute({
      method: "get",
      path: "/variants/{id}/prices",
      operationId: "listVariantPrices",
      tags: ["Prices"],
      security: publicSecurity,
      summary: "A variant's base prices, one per currency",
      description: "What the variant costs in each currency before price lists. Public.",
      request: { params: VariantParam },
      responses: { 200: json(VariantPriceList, "Its prices, by currency (empty for an unknown variant)."), ...problems("THROTTLED") },
    }),
    async (c) => c.json({ data: await prices.listVariantPrices(c.get("services"), c.req.valid("param").id) }, 200),
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/prices",
      operationId: "setPrices",
      tags: ["Prices"],
      security: adminSecurity,
      summary: "Set base prices",
      description: `Up to 100 variant/currency prices in one atomic write; \`amount: null\` removes one. Each change emits \`price.changed\`. A variant without a price in a market's currency is not sold there. ${write}`,
      request: jsonBody(SetPricesInput),
      responses: { 200: json(VariantPriceList, "The prices as stored now (removed ones are absent)."), ...writeProblems },
    }),
    async (c) => c.json({ data: await prices.setPrices(c.get("services"), c.req.valid("json")) }, 200),
  )
  // ------------------------------------------------------------------ price lists
  .openapi(
    createRoute({
      method: "get",
      path: "/price-lists",
      operationId: "listPriceLists",
      tags: ["Price lists"],
      security: adminSecurity,
      summary: "List price lists",
      description: "Newest first. Scope `pricing:read` or `pricing:write`.",
      request: { query: ListPriceListsInput },
      responses: { 200: json(PriceListList, "A page of price lists."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN") },
    }),
    async (c) => {
      const page = await priceLists.listPriceLists(c.get("services"), c.req.valid("query"));
      return c.json({ data: page.items, next_cursor: page.nextCursor }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/price-lists",
      operationId: "createPriceList",
      tags: ["Price lists"],
      security: adminSecurity,
      summary: "Create a price list",
      description:
        `Prices in one currency that override base prices for a market, a customer group, from a quantity, and in a time window (a sale). When several lists apply, the lowest price wins. Up to 100 prices here; more with PUT /v1/price-lists/{id}/prices. ${write}`,
      request: jsonBody(CreatePriceListInput),
      responses: { 201: json(PriceList, "The new list."), ...writeProblems },
    }),
    async (c) => c.json(await priceLists.createPriceList(c.get("services"), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/price-lists/{id}",
      operationId: "getPriceList",
      tags: ["Price lists"],
      security: adminSecurity,
      summary: "Get a price list",
      request: { params: PriceListParam },
      responses: { 200: json(PriceList, "The list."), ...readProblems },
    }),
    async (c) => c.json(await priceLists.getPriceList(c.get("services"), c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/price-lists/{id}",
      operationId: "updatePriceList",
      tags: ["Price lists"],
      security: adminSecurity,
      summary: "Update a price list",
      description: `Only the fields sent change; null clears market, group, start or end. The currency cannot change. ${write}`,
      request: { params: PriceListParam, ...jsonBody(UpdatePriceListInput) },
      responses: { 200: json(PriceList, "The list."), ...writeProblems },
    }),
    async (c) => c.json(await priceLists.updatePriceList(c.get("services"), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/price-lists/{id}",
      operationId: "deletePriceList",
      tags: ["Price lists"],
      security: adminSecurity,
      summary: "Delete a price list",
      request: { params: PriceListParam },
      responses: { ...deleted, ...readProblems },
    }),
    async (c) => {
      await priceLists.deletePriceList(c.get("services"), c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/price-lists/{id}/prices",
      operationId: "listPriceListPrices",
      tags: ["Price lists"],
      security: adminSecurity,
      summary: "A price list's prices",
      request: { params: PriceListParam, query: ListPageInput },
      responses: { 200: json(PriceListPriceList, "A page of prices, by variant and tier."), ...readProblems },
    }),
    async (c) => {
      const page = await priceLists.listPriceListPrices(c.get("services"), c.req.valid("param").id, c.req.valid("query"));
      return c.json({ data: page.items, next_cursor: page.nextCursor }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/price-lists/{id}/prices",
      operationId: "setPriceListPrices",
      tags: ["Price lists"],
      security: adminSecurity,
      summary: "Set a price list's prices",
      description: `Upserts up to 100 prices by variant and \`minQuantity\` (quantity tiers) in one atomic write; \`amount: null\` removes one. ${write}`,
      request: { params: PriceListParam, ...jsonBody(SetPriceListPricesInput) },
      responses: { 200: json(PriceList, "The list."), ...writeProblems },
    }),
    async (c) => c.json(await priceLists.setPriceListPrices(c.get("services"), c.req.valid("param").id, c.req.valid("json")), 200),
  );
