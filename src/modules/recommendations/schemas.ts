import { z } from "@hono/zod-openapi";
import { Product } from "../catalog";
import { decimalInt } from "../../shared/schemas";

export const RecommendationLimit = decimalInt(1, 20).default(4).openapi({ description: "How many to return (1-20).", example: 4 });

export const RecommendationsQuery = z.object({ limit: RecommendationLimit });
export type RecommendationsQuery = z.input<typeof RecommendationsQuery>;

export const ProductSetQuery = z.object({
  productIds: z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : v.split(",")).map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.string().min(1).max(64)).min(1, "Give at least one product id.").max(50))
    .openapi({ description: "Comma-separated product ids (e.g. the lines of a cart).", example: "prod_a,prod_b" }),
  limit: RecommendationLimit,
});
export type ProductSetQuery = z.input<typeof ProductSetQuery>;

export const CustomerRecommendationsQuery = z.object({
  limit: RecommendationLimit,
  customerId: z.string().min(1).max(64).optional().openapi({ description: "Admins only: whose recommendations to show." }),
});
export type CustomerRecommendationsQuery = z.input<typeof CustomerRecommendationsQuery>;

export const ReasonKind = z.enum(["bought_together", "similar", "popular"]).openapi("RecommendationReasonKind");

export const RecommendationReason = z
  .object({
    kind: ReasonKind,
    text: z.string().openapi({ example: "Bought together with Classic Tee in 12 orders" }),
    relatedProductId: z.string().nullable().openapi({ description: "The product this one was chosen for (bought with, or similar to)." }),
    orders: z.number().int().nullable().openapi({ description: "Orders behind the reason: bought together, or containing this product when popular." }),
  })
  .openapi("RecommendationReason");
export type RecommendationReason = z.infer<typeof RecommendationReason>;

export const RecommendedProduct = Product.pick({ id: true, slug: true, title: true, images: true, priceRange: true }).openapi("RecommendedProduct");

export const Recommendation = z
  .object({
    product: RecommendedProduct,
    score: z.number().openapi({ description: "Ranking score; comparable within one response only." }),
    reason: RecommendationReason,
  })
  .openapi("Recommendation");

export const RecommendationList = z.object({ data: z.array(Recommendation), modelVersion: z.string() }).openapi("RecommendationList");
