import { createRoute, z } from "@hono/zod-openapi";
import { CartTokenHeader } from "../../http/guest-headers";
import { createRouter, customerOrAdminSecurity, json, optionalCustomerSecurity, problems } from "../../http/openapi";
import { recommendationModel } from "./model/config";
import { CustomerRecommendationsQuery, ProductSetQuery, RecommendationList, RecommendationsQuery } from "./schemas";
import * as recommendations from "./service";

const tags = ["Recommendations"];

const toBody = (list: recommendations.Recommendation[]) => ({
  data: list.map((r) => ({
    product: { id: r.product.id, slug: r.product.slug, title: r.product.title, images: r.product.images, priceRange: r.product.priceRange },
    score: r.score,
    reason: r.reason,
  })),
  modelVersion: recommendationModel.version,
});

export const recommendationRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/products/{idOrSlug}/recommendations",
      operationId: "listProductRecommendations",
      security: optionalCustomerSecurity,
      tags,
      summary: "Frequently bought together",
      description:
        "Products bought in the same orders as this one (item-to-item co-purchase, normalised so best-sellers do not drown everything), then similar products (shared category, attributes, title words) for products with few orders, then popular ones. Archived, out-of-stock and, for a signed-in customer, already-purchased products are left out. Each result says why it was chosen.",
      request: {
        params: z.object({ idOrSlug: z.string().min(1).max(120).openapi({ param: { name: "idOrSlug", in: "path" }, example: "classic-cotton-tee" }) }),
        query: RecommendationsQuery,
      },
      responses: { 200: json(RecommendationList, "Recommendations, best first."), ...problems("VALIDATION_FAILED", "NOT_FOUND") },
    }),
    async (c) => c.json(toBody(await recommendations.productRecommendations(c.get("services"), c.req.valid("param").idOrSlug, c.req.valid("query"))), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/recommendations",
      operationId: "listRecommendationsForProducts",
      security: optionalCustomerSecurity,
      tags,
      summary: "Complete the cart",
      description: "What is bought with this set of products (e.g. a cart's lines), excluding them. `GET /v1/carts/{id}/recommendations` answers the same for a stored cart.",
      request: { query: ProductSetQuery },
      responses: { 200: json(RecommendationList, "Recommendations, best first."), ...problems("VALIDATION_FAILED") },
    }),
    async (c) => c.json(toBody(await recommendations.completeTheCart(c.get("services"), c.req.valid("query"))), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/carts/{id}/recommendations",
      operationId: "listCartRecommendations",
      security: optionalCustomerSecurity,
      tags,
      summary: "Complete your cart",
      description:
        "What is bought with this cart's products (excluding them and, for a signed-in customer, what they already bought); popular products for an empty cart. Same access as the cart: guests send `X-Cart-Token`, customers reach their own carts, anyone else gets a 404.",
      request: {
        params: z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example: "cart_01jd4x..." }) }),
        headers: z.object({ "x-cart-token": CartTokenHeader }),
        query: RecommendationsQuery,
      },
      responses: { 200: json(RecommendationList, "Recommendations, best first."), ...problems("VALIDATION_FAILED", "NOT_FOUND") },
    }),
    async (c) => c.json(toBody(await recommendations.cartRecommendations(c.get("services"), c.req.valid("param").id, c.req.valid("query"))), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/carts/{id}/frequently-bought-together",
      operationId: "listCartFrequentlyBoughtTogether",
      security: optionalCustomerSecurity,
      tags,
      summary: "Frequently bought together with this cart",
      description:
        "Association rules read straight from the order counts, so every placed order counts at once: products bought in at least 2 orders with one of the cart's products, ranked by confidence (how often buyers of that cart product also bought it, damped for pairs seen in few orders), never the cart's own products, active and in stock only. Each result names the cart product it goes with and in how many orders (reason kind `bought_together`). An empty list when nothing qualifies. Same access as the cart: guests send `X-Cart-Token`, customers reach their own carts, anyone else gets a 404.",
      request: {
        params: z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example: "cart_01jd4x..." }) }),
        headers: z.object({ "x-cart-token": CartTokenHeader }),
        query: RecommendationsQuery,
      },
      responses: { 200: json(RecommendationList, "Products, best first."), ...problems("VALIDATION_FAILED", "NOT_FOUND") },
    }),
    async (c) => c.json(toBody(await recommendations.cartFrequentlyBoughtTogether(c.get("services"), c.req.valid("param").id, c.req.valid("query"))), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/me/recommendations",
      operationId: "listMyRecommendations",
      security: customerOrAdminSecurity,
      tags,
      summary: "Recommended for you",
      description: "From the signed-in customer's purchase history; never something they already bought. Admins pass `customerId`.",
      request: { query: CustomerRecommendationsQuery },
      responses: { 200: json(RecommendationList, "Recommendations, best first."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN") },
    }),
    async (c) => c.json(toBody(await recommendations.recommendedForCustomer(c.get("services"), c.req.valid("query"))), 200),
  );
