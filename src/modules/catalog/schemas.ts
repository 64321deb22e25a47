import { z } from "@hono/zod-openapi";
import { decimalInt, Money, PageCursor, PageLimit, Slug, Timestamp } from "../../shared/schemas";

export const ProductStatus = z.enum(["draft", "active", "archived"]).openapi("ProductStatus", {
  description: "Only `active` products are visible to the public.",
});
export type ProductStatus = z.infer<typeof ProductStatus>;

const Options = z
  .record(z.string().min(1).max(40), z.string().min(1).max(100))
  .refine((o) => Object.keys(o).length <= 10, "At most 10 options.")
  .openapi({ example: { size: "M", colour: "Navy" } });
const Attributes = z
  .record(z.string().min(1).max(60), z.string().max(500))
  .refine((o) => Object.keys(o).length <= 50, "At most 50 attributes.")
  .openapi({ example: { material: "organic cotton" } });
const ImageUrl = z.url({ protocol: /^https?$/ }).max(2048);
const Sku = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "Letters, digits, dot, dash and underscore only.")
  .openapi({ example: "TEE-NAVY-M" });

export const VariantAvailability = z
  .object({
    available: z.number().int().openapi({ description: "Units that can still be put in a cart." }),
    inStock: z.boolean().openapi({ description: "available > 0." }),
  })
  .openapi("VariantAvailability", { description: "From the availability projection, refreshed after every stock change." });

export const Variant = z
  .object({
    id: z.string().openapi({ example: "var_01jd4x..." }),
    productId: z.string(),
    sku: z.string(),
    title: z.string(),
    options: z.record(z.string(), z.string()),
    price: z.union([Money, z.null()]).openapi({ description: "What one unit costs in the market read for (base price or a price list for everyone); null when the variant has no price in the market's currency (not sold there)." }),
    compareAtPrice: z.union([Money, z.null()]).openapi({ description: "The 'was' price to show next to it, if any." }),
    prices: z
      .array(z.object({ currency: z.string(), amount: z.number().int(), compareAtAmount: z.number().int().nullable() }))
      .openapi({ description: "Base prices in every currency, before price lists." }),
    weightGrams: z.number().int().nullable().openapi({ description: "Shipping weight in grams; null counts as 0." }),
    position: z.number().int(),
    availability: VariantAvailability,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Variant");
export type Variant = z.infer<typeof Variant>;
/** A variant row before its availability is attached (what GraphQL resolves lazily). */
export type VariantRecord = Omit<Variant, "availability">;

export const Category = z
  .object({
    id: z.string().openapi({ example: "cat_01jd4x..." }),
    parentId: z.string().nullable(),
    name: z.string(),
    slug: z.string(),
    description: z.string().nullable(),
    depth: z.number().int().openapi({ description: "0 for a root category." }),
    position: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Category");
export type Category = z.infer<typeof Category>;

export type CategoryNode = Category & { children: CategoryNode[] };
export const CategoryNode: z.ZodType<CategoryNode> = Category.extend({
  children: z.array(z.lazy(() => CategoryNode)),
}).openapi("CategoryNode");

export const PriceRange = z.object({ min: Money, max: Money }).openapi("PriceRange");

export const ProductMarket = z
  .object({ handle: z.string(), currency: z.string(), pricesIncludeTax: z.boolean() })
  .openapi("ProductMarket", { description: "The market the prices are for: `?market=`, `X-Market`, or the default market." });
export const ProductImage = z
  .object({
    id: z.string().nullable().openapi({ description: "`img_…` for uploaded images; null for an image linked by URL.", example: "img_01jd4x..." }),
    url: z.string().openapi({
      description: "Uploaded images: root-relative `/images/…`, served by this Worker; add `?w=160|320|640|1280` for a sized variant. Linked images: their absolute URL.",
      example: "/images/products/prod_01jd4x.../img_01jd4y....png",
    }),
    alt: z.string().nullable(),
    width: z.number().int().nullable().openapi({ description: "Pixels (uploaded images)." }),
    height: z.number().int().nullable(),
    contentType: z.string().nullable().openapi({ example: "image/png" }),
    position: z.number().int().openapi({ description: "0 is the primary image." }),
  })
  .openapi("ProductImage");
export type ProductImage = z.infer<typeof ProductImage>;

export const Product = z
  .object({
    id: z.string().openapi({ example: "prod_01jd4x..." }),
    slug: z.string(),
    title: z.string(),
    description: z.string(),
    status: ProductStatus,
    images: z.array(ProductImage).openapi({ description: "Uploaded images first (in upload order), then images linked by URL." }),
    attributes: z.record(z.string(), z.string()),
    taxClass: z.string().openapi({ description: "Tax class handle (`standard`, `reduced`, `zero` or your own): which rate applies at checkout." }),
    categoryIds: z.array(z.string()),
    variants: z.array(Variant),
    priceRange: z.union([PriceRange, z.null()]).openapi({ description: "Lowest and highest variant price in the market; null without variants priced there." }),
    market: z.union([ProductMarket, z.null()]).openapi({ description: "Null only on products embedded in recommendations, whose priceRange is the variants' own prices." }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Product");
export type Product = z.infer<typeof Product>;

/** A product row before variants and categories are attached (what GraphQL resolves lazily). */
export type ProductRecord = Omit<Product, "variants" | "categoryIds">;

export const ProductSort = z.enum(["newest", "price_asc", "price_desc", "title_asc"]).openapi("ProductSort");
export type ProductSort = z.infer<typeof ProductSort>;

/** `?market=` on catalog reads: a market's handle or id (`X-Market` does the same for every read). */
const MarketQuery = z
  .string()
  .min(1)
  .max(64)
  .optional()
  .openapi({ description: "Prices for this market (handle or id); defaults to the `X-Market` header, then the default market.", example: "eu" });

export const ProductQuery = z.object({ market: MarketQuery });

export const ListProductsInput = z
  .object({
    limit: PageLimit,
    market: MarketQuery,
    cursor: PageCursor,
    category: z.string().min(1).max(120).optional().openapi({ description: "Category id or slug; includes its descendants." }),
    minPrice: decimalInt(0, 100_000_000_00).optional().openapi({ description: "Lowest variant price in the market at least this (minor units of its currency)." }),
    maxPrice: decimalInt(0, 100_000_000_00).optional().openapi({ description: "Lowest variant price in the market at most this (minor units of its currency)." }),
    sort: ProductSort.default("newest"),
    inStock: z
      .preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean())
      .optional()
      .openapi({ type: "boolean", description: "`true`: only products with a variant that can be bought now; `false`: only products with none." }),
    status: ProductStatus.optional().openapi({ description: "Admin only; the public always sees `active`." }),
  })
  .refine((q) => q.minPrice === undefined || q.maxPrice === undefined || q.minPrice <= q.maxPrice, {
    message: "minPrice must not exceed maxPrice.",
    path: ["minPrice"],
  });
export type ListProductsInput = z.input<typeof ListProductsInput>;

export const SearchInput = z.object({
  market: MarketQuery,
  q: z.string().trim().min(1).max(200).openapi({ description: "Words to find in title, description or SKU.", example: "cotton tee" }),
  limit: PageLimit,
  cursor: PageCursor,
});
export type SearchInput = z.input<typeof SearchInput>;

export const SearchHit = z
  .object({
    product: Product,
    score: z.number().openapi({ description: "bm25 relevance; lower is better, as SQLite reports it." }),
    highlights: z.object({
      title: z.string().openapi({ description: "Title with matches wrapped in <mark>." }),
      description: z.string().openapi({ description: "Snippet of the description around the matches." }),
    }),
  })
  .openapi("SearchHit");
export type SearchHit = z.infer<typeof SearchHit>;

const variantFields = z
  .object({
    sku: Sku,
    title: z.string().trim().min(1).max(200).optional(),
    options: Options.optional(),
    price: Money.openapi({ description: "The price in its currency (the variant's base price there)." }),
    compareAtPrice: Money.nullable().optional(),
    prices: z
      .array(z.object({ amount: Money.shape.amount, currency: Money.shape.currency, compareAtAmount: Money.shape.amount.nullable().optional() }).strict())
      .max(20)
      .optional()
      .openapi({ description: "Base prices in more currencies (one per currency), for markets that sell in them. Manage them later with PUT /v1/prices." }),
    weightGrams: z.number().int().min(0).max(1_000_000_000).nullable().optional().openapi({ description: "Shipping weight in grams." }),
    position: z.number().int().min(0).max(10_000).optional(),
  })
  .strict();

/** One price per currency, `price` included. */
function oneCurrencyEach(v: { price?: { currency: string } | undefined; prices?: { currency: string }[] | undefined }, ctx: z.RefinementCtx): void {
  const seen = new Set(v.price ? [v.price.currency] : []);
  v.prices?.forEach((p, i) => {
    if (seen.has(p.currency)) ctx.addIssue({ code: "custom", path: ["prices", i, "currency"], message: "One price per currency (price counts too)." });
    seen.add(p.currency);
  });
}

export const CreateVariantInput = variantFields.superRefine(oneCurrencyEach).openapi("CreateVariantInput");
export type CreateVariantInput = z.input<typeof CreateVariantInput>;

export const UpdateVariantInput = variantFields
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, "Provide at least one field to change.")
  .superRefine(oneCurrencyEach)
  .openapi("UpdateVariantInput");
export type UpdateVariantInput = z.input<typeof UpdateVariantInput>;

const productFields = {
  title: z.string().trim().min(1).max(200),
  slug: Slug.optional().openapi({ description: "Derived from the title when omitted." }),
  description: z.string().max(20_000).optional(),
  status: ProductStatus.optional(),
  images: z.array(ImageUrl).max(20).optional().openapi({ description: "Images hosted elsewhere, by URL; replaces the linked ones (uploaded images stay). Upload with `POST /v1/products/{id}/images`." }),
  attributes: Attributes.optional(),
  categoryIds: z.array(z.string().min(1).max(64)).max(20).optional(),
  taxClass: z.string().min(1).max(40).optional().openapi({ description: "Tax class handle; default `standard`." }),
};

export const CreateProductInput = z
  .object({ ...productFields, variants: z.array(CreateVariantInput).max(100).optional() })
  .strict()
  .openapi("CreateProductInput");
export type CreateProductInput = z.input<typeof CreateProductInput>;

export const UpdateProductInput = z
  .object({ ...productFields, title: productFields.title.optional(), slug: Slug.optional() })
  .strict()
  .refine((v) => Object.keys(v).length > 0, "Provide at least one field to change.")
  .openapi("UpdateProductInput");
export type UpdateProductInput = z.input<typeof UpdateProductInput>;

export const CreateCategoryInput = z
  .object({
    name: z.string().trim().min(1).max(120),
    slug: Slug.optional(),
    parentId: z.string().min(1).max(64).nullable().optional(),
    description: z.string().max(5_000).nullable().optional(),
    position: z.number().int().min(0).max(10_000).optional(),
  })
  .strict()
  .openapi("CreateCategoryInput");
export type CreateCategoryInput = z.input<typeof CreateCategoryInput>;

export const UpdateCategoryInput = CreateCategoryInput.partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, "Provide at least one field to change.")
  .openapi("UpdateCategoryInput");
export type UpdateCategoryInput = z.input<typeof UpdateCategoryInput>;
