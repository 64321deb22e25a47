import { createRoute, z } from "@hono/zod-openapi";
import { adminSecurity, createRouter, json, jsonBody, listOf, problems } from "../../http/openapi";
import { AdjustStockInput, LedgerEntry, LedgerQuery, SetStockInput, SetStockLevelsInput, SetStockLevelsResult, SkuParam, StockLevel } from "./schemas";
import * as inventory from "./service";

const tags = ["Inventory admin"];
const SkuPath = z.object({ sku: SkuParam.openapi({ param: { name: "sku", in: "path" } }) });
const LedgerPage = listOf(LedgerEntry, "StockLedgerPage");
const writeProblems = problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "UNSUPPORTED_MEDIA_TYPE");

export const inventoryRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/inventory/{sku}",
      operationId: "getStockLevel",
      tags,
      security: adminSecurity,
      summary: "Get a SKU's stock level",
      description: "Authoritative levels from the SKU's inventory object (expired holds already released). Scope `inventory:write`.",
      request: { params: SkuPath },
      responses: { 200: json(StockLevel, "The SKU's stock level."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
    }),
    async (c) => c.json(await inventory.getStockLevel(c.get("services"), c.req.valid("param").sku), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/inventory/{sku}/ledger",
      operationId: "listStockLedger",
      tags,
      security: adminSecurity,
      summary: "A SKU's stock ledger",
      description:
        "Every change to the SKU's stock, newest first: restock, reservation, release, expiry, sale, cancellation, adjustment, each with its deltas and the levels right after. Append-only. Scope `inventory:write`.",
      request: { params: SkuPath, query: LedgerQuery },
      responses: { 200: json(LedgerPage, "A page of ledger entries."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
    }),
    async (c) => {
      const page = await inventory.listStockLedger(c.get("services"), c.req.valid("param").sku, c.req.valid("query"));
      return c.json({ data: page.items, next_cursor: page.nextCursor }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/inventory/{sku}",
      operationId: "setStock",
      tags,
      security: adminSecurity,
      summary: "Set a SKU's on-hand stock",
      description:
        "Sets on-hand to an absolute value (recorded in the ledger as the difference). Safe to repeat. With `expected`, the write only happens if on-hand is still that value; otherwise 409 with the current level in `current`. On-hand can never drop below the units held by carts (409). Scope `inventory:write`.",
      request: { params: SkuPath, ...jsonBody(SetStockInput) },
      responses: { 200: json(StockLevel, "The level after the write."), ...writeProblems },
    }),
    async (c) => c.json(await inventory.setStock(c.get("services"), c.req.valid("param").sku, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/inventory/{sku}/adjustments",
      operationId: "adjustStock",
      tags,
      security: adminSecurity,
      summary: "Adjust a SKU's on-hand stock",
      description:
        "Adds (positive `delta`) or removes (negative) units. Not idempotent by itself: send `expected` (the on-hand you last read) to make a retry safe, since a repeated request then gets 409 instead of applying twice. Scope `inventory:write`.",
      request: { params: SkuPath, ...jsonBody(AdjustStockInput) },
      responses: { 200: json(StockLevel, "The level after the write."), ...writeProblems },
    }),
    async (c) => c.json(await inventory.adjustStock(c.get("services"), c.req.valid("param").sku, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/inventory",
      operationId: "setStockLevels",
      tags,
      security: adminSecurity,
      summary: "Set on-hand for many SKUs",
      description:
        "Bulk form of `PUT /v1/inventory/{sku}` for seeding and stock imports (up to 100 SKUs). Every SKU must belong to a variant or nothing is written (400 with a pointer per unknown SKU). Each SKU is its own write: a conflict on one is reported in its result and does not undo the others. Scope `inventory:write`.",
      request: jsonBody(SetStockLevelsInput),
      responses: { 200: json(SetStockLevelsResult, "One result per SKU, in request order."), ...writeProblems },
    }),
    async (c) => c.json({ data: await inventory.setStockLevels(c.get("services"), c.req.valid("json")) }, 200),
  );
