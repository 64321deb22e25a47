import { createRoute, z } from "@hono/zod-openapi";
import { adminSecurity, createRouter, json, jsonBody, listOf, problems, publicSecurity } from "../../http/openapi";
import { CreateTaxClassInput, CreateTaxRateInput, ListTaxRatesInput, TaxClass, TaxRate, UpdateTaxClassInput, UpdateTaxRateInput } from "./schemas";
import * as tax from "./service";

const tags = ["Tax"];
const HandleParam = z.object({ handle: z.string().min(1).max(64).openapi({ param: { name: "handle", in: "path" }, example: "reduced" }) });
const IdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example: "txr_01jd4x..." }) });
const TaxClassList = z.object({ data: z.array(TaxClass) }).openapi("TaxClassList");
const TaxRateList = listOf(TaxRate, "TaxRateList");
const readProblems = problems("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND");
const writeProblems = problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "UNSUPPORTED_MEDIA_TYPE");
const deleted = { 204: { description: "Deleted." } };

export const taxRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/tax-classes",
      operationId: "listTaxClasses",
      tags,
      security: publicSecurity,
      summary: "List tax classes",
      description: "Products name one of these (`taxClass`); rates are per class. `standard`, `reduced` and `zero` always exist.",
      responses: { 200: json(TaxClassList, "Every tax class."), ...problems("THROTTLED") },
    }),
    async (c) => c.json({ data: await tax.listTaxClasses(c.get("services")) }, 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/tax-classes",
      operationId: "createTaxClass",
      tags,
      security: adminSecurity,
      summary: "Create a tax class",
      description: "Scope `pricing:write`.",
      request: jsonBody(CreateTaxClassInput),
      responses: { 201: json(TaxClass, "The new class."), ...writeProblems },
    }),
    async (c) => c.json(await tax.createTaxClass(c.get("services"), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/tax-classes/{handle}",
      operationId: "updateTaxClass",
      tags,
      security: adminSecurity,
      summary: "Rename a tax class",
      request: { params: HandleParam, ...jsonBody(UpdateTaxClassInput) },
      responses: { 200: json(TaxClass, "The class."), ...writeProblems },
    }),
    async (c) => c.json(await tax.updateTaxClass(c.get("services"), c.req.valid("param").handle, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/tax-classes/{handle}",
      operationId: "deleteTaxClass",
      tags,
      security: adminSecurity,
      summary: "Delete a tax class",
      description: "Built-in classes cannot be deleted; a class with rates is a 409 until they are gone. Products still naming it are taxed as `standard`.",
      request: { params: HandleParam },
      responses: { ...deleted, ...problems("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
    }),
    async (c) => {
      await tax.deleteTaxClass(c.get("services"), c.req.valid("param").handle);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/tax-rates",
      operationId: "listTaxRates",
      tags,
      security: adminSecurity,
      summary: "List tax rates",
      description: "Scope `pricing:read` or `pricing:write`. Filter by country (`*` for the fallback rates) and class.",
      request: { query: ListTaxRatesInput },
      responses: { 200: json(TaxRateList, "A page of rates."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN") },
    }),
    async (c) => {
      const page = await tax.listTaxRates(c.get("services"), c.req.valid("query"));
      return c.json({ data: page.items, next_cursor: page.nextCursor }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/tax-rates",
      operationId: "createTaxRate",
      tags,
      security: adminSecurity,
      summary: "Create a tax rate",
      description:
        "A rate for one tax class in a country (`*`: anywhere without a rate of its own), optionally only in a region or for postal codes with a prefix. The most specific match wins. Scope `pricing:write`.",
      request: jsonBody(CreateTaxRateInput),
      responses: { 201: json(TaxRate, "The new rate."), ...writeProblems },
    }),
    async (c) => c.json(await tax.createTaxRate(c.get("services"), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/tax-rates/{id}",
      operationId: "getTaxRate",
      tags,
      security: adminSecurity,
      summary: "Get a tax rate",
      request: { params: IdParam },
      responses: { 200: json(TaxRate, "The rate."), ...readProblems },
    }),
    async (c) => c.json(await tax.getTaxRate(c.get("services"), c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/tax-rates/{id}",
      operationId: "updateTaxRate",
      tags,
      security: adminSecurity,
      summary: "Change a tax rate",
      description: "Carts price with the new rate from their next read; placed orders keep the tax they were charged.",
      request: { params: IdParam, ...jsonBody(UpdateTaxRateInput) },
      responses: { 200: json(TaxRate, "The rate."), ...writeProblems },
    }),
    async (c) => c.json(await tax.updateTaxRate(c.get("services"), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/tax-rates/{id}",
      operationId: "deleteTaxRate",
      tags,
      security: adminSecurity,
      summary: "Delete a tax rate",
      request: { params: IdParam },
      responses: { ...deleted, ...readProblems },
    }),
    async (c) => {
      await tax.deleteTaxRate(c.get("services"), c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
