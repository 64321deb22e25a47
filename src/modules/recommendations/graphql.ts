import { builder, NOT_SHARED } from "../../graphql/builder";
import { parseInput } from "../../shared/validation";
import { CartRef } from "../carts/graphql";
import { ProductRef } from "../catalog/graphql";
import { RecommendationLimit, type RecommendationReason } from "./schemas";
import * as recommendations from "./service";

const ReasonKindEnum = builder.enumType("RecommendationReasonKind", {
  values: {
    BOUGHT_TOGETHER: { value: "bought_together", description: "Bought in the same orders as the related product." },
    SIMILAR: { value: "similar", description: "Shares category, attributes or title words with the related product." },
    POPULAR: { value: "popular", description: "Sells well overall (cold start)." },
  } as const,
});

const ReasonRef = builder.objectRef<RecommendationReason>("RecommendationReason").implement({
  description: "Why a product was recommended.",
  fields: (t) => ({
    kind: t.field({ type: ReasonKindEnum, resolve: (r) => r.kind }),
    text: t.exposeString("text", { description: "Human-readable, e.g. 'Bought together with Classic Tee in 12 orders'." }),
    relatedProductId: t.exposeID("relatedProductId", { nullable: true, description: "The product it was chosen for." }),
    orders: t.exposeInt("orders", { nullable: true, description: "Orders behind the reason." }),
  }),
});

const RecommendationRef = builder.objectRef<recommendations.Recommendation>("Recommendation").implement({
  description: "A recommended product with the reason it was chosen.",
  fields: (t) => ({
    product: t.field({ type: ProductRef, resolve: (r) => r.product }),
    score: t.exposeFloat("score", { description: "Ranking score; comparable within one list only." }),
    reason: t.field({ type: ReasonRef, resolve: (r) => r.reason }),
  }),
});

const limitOf = (value: number | null | undefined) => parseInput(RecommendationLimit, value ?? undefined);

builder.objectFields(ProductRef, (t) => ({
  recommendations: t.field({
    type: [RecommendationRef],
    // Learned from orders and filtered by stock and the caller's purchases: not catalog data.
    extensions: NOT_SHARED,
    description: "Frequently bought together, then similar, then popular; archived, out-of-stock and already-purchased products left out. Batched across a page of products.",
    args: { limit: t.arg.int({ description: "How many (1-20, default 4)." }) },
    resolve: (product, args, ctx) => ctx.loaders.recommendations.forProduct(limitOf(args.limit)).load(product.id),
  }),
}));

builder.objectFields(CartRef, (t) => ({
  recommendations: t.field({
    type: [RecommendationRef],
    description: "Complete your cart: what is bought with these lines' products, excluding them (and what a signed-in customer already bought); popular products for an empty cart.",
    args: { limit: t.arg.int({ description: "How many (1-20, default 4)." }) },
    resolve: (cart, args, ctx) => recommendations.recommendationsForCart(ctx.services, cart, limitOf(args.limit)),
  }),
  frequentlyBoughtTogether: t.field({
    type: [RecommendationRef],
    description:
      "Frequently bought together with this cart: products bought in at least 2 orders with one of its products, by confidence, straight from the order counts (every placed order counts at once); never the cart's own products; active and in stock only; empty when nothing qualifies.",
    args: { limit: t.arg.int({ description: "How many (1-20, default 4)." }) },
    resolve: (cart, args, ctx) => recommendations.frequentlyBoughtTogetherForCart(ctx.services, cart, limitOf(args.limit)),
  }),
}));

builder.queryFields((t) => ({
  recommendationsForProducts: t.field({
    type: [RecommendationRef],
    description: "Complete the cart: what is bought with these products, excluding them.",
    args: { productIds: t.arg.idList({ required: true }), limit: t.arg.int({ description: "How many (1-20, default 4)." }) },
    resolve: (_root, args, ctx) => recommendations.completeTheCart(ctx.services, { productIds: args.productIds, limit: args.limit ?? undefined }),
  }),
  recommendedForMe: t.field({
    type: [RecommendationRef],
    description: "From the signed-in customer's purchase history; never something they already bought.",
    args: { limit: t.arg.int({ description: "How many (1-20, default 4)." }), customerId: t.arg.id({ description: "Admins only." }) },
    resolve: (_root, args, ctx) =>
      recommendations.recommendedForCustomer(ctx.services, { limit: args.limit ?? undefined, customerId: args.customerId ?? undefined }),
  }),
}));

