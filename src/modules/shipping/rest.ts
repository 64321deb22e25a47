import { createRoute, z } from "@hono/zod-openapi";
import { adminSecurity, createRouter, json, jsonBody, listOf, problems } from "../../http/openapi";
import {
  CreateShippingMethodInput,
  CreateShippingZoneInput,
  ListShippingMethodsInput,
  ShippingMethod,
  ShippingZone,
  UpdateShippingMethodInput,
  UpdateShippingZoneInput,
} from "./schemas";
import * as shipping from "./service";

const tags = ["Shipping"];
const IdParam = (example: string) => z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example }) });
const ZoneList = z.object({ data: z.array(ShippingZone) }).openapi("ShippingZoneList");
const MethodList = listOf(ShippingMethod, "ShippingMethodList");
const readProblems = problems("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND");
const writeProblems = problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "UNSUPPORTED_MEDIA_TYPE");
const deleted = { 204: { description: "Deleted." } };
const read = "Scope `pricing:read` or `pricing:write`.";
const write = "Scope `pricing:write`.";

export const shippingRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/shipping-zones",
      operationId: "listShippingZones",
      tags,
      security: adminSecurity,
      summary: "List shipping zones",
      description: read,
      responses: { 200: json(ZoneList, "Every zone."), ...problems("UNAUTHENTICATED", "FORBIDDEN") },
    }),
    async (c) => c.json({ data: await shipping.listShippingZones(c.get("services")) }, 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/shipping-zones",
      operationId: "createShippingZone",
      tags,
      security: adminSecurity,
      summary: "Create a shipping zone",
      description: `A list of countries; \`*\` stands for every country no other zone lists. ${write}`,
      request: jsonBody(CreateShippingZoneInput),
      responses: { 201: json(ShippingZone, "The new zone."), ...writeProblems },
    }),
    async (c) => c.json(await shipping.createShippingZone(c.get("services"), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/shipping-zones/{id}",
      operationId: "getShippingZone",
      tags,
      security: adminSecurity,
      summary: "Get a shipping zone",
      request: { params: IdParam("shz_01jd4x...") },
      responses: { 200: json(ShippingZone, "The zone."), ...readProblems },
    }),
    async (c) => c.json(await shipping.getShippingZone(c.get("services"), c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/shipping-zones/{id}",
      operationId: "updateShippingZone",
      tags,
      security: adminSecurity,
      summary: "Update a shipping zone",
      description: `\`countries\` replaces the list. ${write}`,
      request: { params: IdParam("shz_01jd4x..."), ...jsonBody(UpdateShippingZoneInput) },
      responses: { 200: json(ShippingZone, "The zone."), ...writeProblems },
    }),
    async (c) => c.json(await shipping.updateShippingZone(c.get("services"), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/shipping-zones/{id}",
      operationId: "deleteShippingZone",
      tags,
      security: adminSecurity,
      summary: "Delete a shipping zone and its methods",
      request: { params: IdParam("shz_01jd4x...") },
      responses: { ...deleted, ...readProblems },
    }),
    async (c) => {
      await shipping.deleteShippingZone(c.get("services"), c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/shipping-methods",
      operationId: "listShippingMethods",
      tags,
      security: adminSecurity,
      summary: "List shipping methods",
      description: read,
      request: { query: ListShippingMethodsInput },
      responses: { 200: json(MethodList, "A page of methods."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN") },
    }),
    async (c) => {
      const page = await shipping.listShippingMethods(c.get("services"), c.req.valid("query"));
      return c.json({ data: page.items, next_cursor: page.nextCursor }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/shipping-methods",
      operationId: "createShippingMethod",
      tags,
      security: adminSecurity,
      summary: "Create a shipping method",
      description:
        `A way to ship to a zone in one currency (and optionally one market): \`flat\` (an amount), \`weight\` (bands of the cart's weight in grams) or \`subtotal\` (bands of the merchandise subtotal); \`freeOver\` makes it free from a subtotal on. ${write}`,
      request: jsonBody(CreateShippingMethodInput),
      responses: { 201: json(ShippingMethod, "The new method."), ...writeProblems },
    }),
    async (c) => c.json(await shipping.createShippingMethod(c.get("services"), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/shipping-methods/{id}",
      operationId: "getShippingMethod",
      tags,
      security: adminSecurity,
      summary: "Get a shipping method",
      request: { params: IdParam("shm_01jd4x...") },
      responses: { 200: json(ShippingMethod, "The method."), ...readProblems },
    }),
    async (c) => c.json(await shipping.getShippingMethod(c.get("services"), c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/shipping-methods/{id}",
      operationId: "updateShippingMethod",
      tags,
      security: adminSecurity,
      summary: "Update a shipping method",
      description: `Only the fields sent change; the result must still hold together (a flat method has an amount, band methods ascending bands). ${write}`,
      request: { params: IdParam("shm_01jd4x..."), ...jsonBody(UpdateShippingMethodInput) },
      responses: { 200: json(ShippingMethod, "The method."), ...writeProblems },
    }),
    async (c) => c.json(await shipping.updateShippingMethod(c.get("services"), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/shipping-methods/{id}",
      operationId: "deleteShippingMethod",
      tags,
      security: adminSecurity,
      summary: "Delete a shipping method",
      request: { params: IdParam("shm_01jd4x...") },
      responses: { ...deleted, ...readProblems },
    }),
    async (c) => {
      await shipping.deleteShippingMethod(c.get("services"), c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
