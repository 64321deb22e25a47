import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from "graphql";
import { orNull } from "../../graphql/errors";
import { builder, SHARED, DeletedRef, dropNulls, fromKeyValues, KeyValueInput, KeyValueRef, MoneyInput, MoneyRef, toKeyValues } from "../../graphql/builder";
import { forwardArgs, toConnection } from "../../graphql/connection";
import type { ServiceContext } from "../../context";
import { ServiceError } from "../../shared/errors";
import { deleteProductImage, uploadProductImage } from "./images";
import type { Category, ProductImage, ProductRecord, SearchHit, VariantRecord } from "./schemas";
import type { HydratedProduct, HydrationOptions } from "./products";
import { variantsKey } from "./loaders";
import * as catalog from "./service";

const ProductStatusEnum = builder.enumType("ProductStatus", {
  description: "Only ACTIVE products are visible to the public.",
  values: { DRAFT: { value: "draft" }, ACTIVE: { value: "active" }, ARCHIVED: { value: "archived" } } as const,
});

const ProductSortEnum = builder.enumType("ProductSort", {
  values: {
    NEWEST: { value: "newest", description: "Newest first." },
    PRICE_ASC: { value: "price_asc", description: "Lowest price first." },
    PRICE_DESC: { value: "price_desc", description: "Highest price first." },
    TITLE_ASC: { value: "title_asc", description: "Alphabetical." },
  } as const,
});

const ProductImageRef = builder.objectRef<ProductImage>("ProductImage").implement({
  description: "A product image. Uploaded images are served by this Worker under `/images/…`: add `?w=160|320|640|1280` for a sized variant.",
  extensions: SHARED,
  fields: (t) => ({
    id: t.exposeID("id", { nullable: true, description: "`img_…` for uploaded images; null for an image linked by URL." }),
    url: t.exposeString("url", { description: "Root-relative for uploaded images, absolute for linked ones." }),
    alt: t.exposeString("alt", { nullable: true }),
    width: t.exposeInt("width", { nullable: true, description: "Pixels (uploaded images)." }),
    height: t.exposeInt("height", { nullable: true }),
    contentType: t.exposeString("contentType", { nullable: true }),
    position: t.exposeInt("position", { description: "0 is the primary image." }),
  }),
});

export const ProductRef = builder.objectRef<ProductRecord>("Product");
const ProductMarketRef = builder.objectRef<NonNullable<ProductRecord["market"]>>("ProductMarket").implement({
  description: "The market a product's prices are for.",
  extensions: SHARED,
  fields: (t) => ({ handle: t.exposeString("handle"), currency: t.exposeString("currency"), pricesIncludeTax: t.exposeBoolean("pricesIncludeTax") }),
});
const CurrencyPriceRef = builder.objectRef<VariantRecord["prices"][number]>("CurrencyPrice").implement({
  description: "A base price in one currency.",
  extensions: SHARED,
  fields: (t) => ({ currency: t.exposeString("currency"), amount: t.exposeInt("amount"), compareAtAmount: t.exposeInt("compareAtAmount", { nullable: true }) }),
});
const MARKET_ARG = "Prices for this market (handle or id); default: the X-Market header, then the default market.";
export const VariantRef = builder.objectRef<VariantRecord>("Variant");
export const CategoryRef = builder.objectRef<Category>("Category");
const SearchHitRef = builder.objectRef<SearchHit>("SearchHit");

ProductRef.implement({
  description: "Something you sell, with its purchasable variants.",
  extensions: SHARED,
  fields: (t) => ({
    id: t.exposeID("id"),
    slug: t.exposeString("slug", { description: "URL-safe unique handle." }),
    title: t.exposeString("title"),
    description: t.exposeString("description"),
    status: t.field({ type: ProductStatusEnum, resolve: (p) => p.status }),
    images: t.field({ type: [ProductImageRef], description: "Uploaded images first (in upload order), then images linked by URL; the first is the primary image.", resolve: (p) => p.images }),
    attributes: t.field({ type: [KeyValueRef], resolve: (p) => toKeyValues(p.attributes) }),
    taxClass: t.exposeString("taxClass", { description: "Tax class handle: which rate applies at checkout." }),
    market: t.field({
      type: ProductMarketRef,
      nullable: true,
      description: "The market prices are for (the market argument, X-Market, or the default); null on products embedded in recommendations.",
      resolve: (p) => p.market,
    }),
    priceRange: t.field({
      type: builder.objectRef<NonNullable<ProductRecord["priceRange"]>>("PriceRange").implement({
        extensions: SHARED,
        fields: (f) => ({ min: f.field({ type: MoneyRef, resolve: (r) => r.min }), max: f.field({ type: MoneyRef, resolve: (r) => r.max }) }),
      }),
      nullable: true,
      description: "Lowest and highest variant price in the market; null when no variant has a price there.",
      resolve: (p) => p.priceRange,
    }),
    variants: t.field({
      type: [VariantRef],
      // Products read with their variants (listings and pages that ask for them, search hits) carry them,
      // priced in the same market: no second query. Each then carries its availability too.
      resolve: (p, _args, ctx) => ("variants" in p && Array.isArray(p.variants) ? (p.variants as VariantRecord[]) : ctx.loaders.catalog.variantsByProduct.load(variantsKey(p))),
    }),
    // Hydrated reads that were asked for categories carry them (readOptions): no loader query.
    categories: t.field({ type: [CategoryRef], resolve: (p, _args, ctx) => (p as HydratedProduct).categories ?? ctx.loaders.catalog.categoriesByProduct.load(p.id) }),
    createdAt: t.exposeString("createdAt", { description: "RFC 3339 UTC." }),
    updatedAt: t.exposeString("updatedAt", { description: "RFC 3339 UTC." }),
  }),
});

VariantRef.implement({
  description: "A purchasable version of a product, identified by its SKU.",
  extensions: SHARED,
  fields: (t) => ({
    id: t.exposeID("id"),
    sku: t.exposeString("sku"),
    title: t.exposeString("title"),
    options: t.field({ type: [KeyValueRef], resolve: (v) => toKeyValues(v.options) }),
    price: t.field({
      type: MoneyRef,
      nullable: true,
      description: "One unit in the market read for (base price, or a price list for everyone there now); null when the variant has no price in its currency.",
      resolve: (v) => v.price,
    }),
    compareAtPrice: t.field({ type: MoneyRef, nullable: true, description: "The 'was' price, if any.", resolve: (v) => v.compareAtPrice }),
    prices: t.field({ type: [CurrencyPriceRef], description: "Base prices in every currency, before price lists.", resolve: (v) => v.prices }),
    weightGrams: t.exposeInt("weightGrams", { nullable: true, description: "Shipping weight in grams." }),
    position: t.exposeInt("position"),
  }),
});

CategoryRef.implement({
  description: "A node of the category tree.",
  extensions: SHARED,
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    slug: t.exposeString("slug"),
    description: t.exposeString("description", { nullable: true }),
    depth: t.exposeInt("depth", { description: "0 for a root category." }),
    position: t.exposeInt("position"),
    parent: t.field({
      type: CategoryRef,
      nullable: true,
      resolve: (c, _args, ctx) => (c.parentId ? ctx.loaders.catalog.categoryById.load(c.parentId) : null),
    }),
    children: t.field({ type: [CategoryRef], resolve: (c, _args, ctx) => ctx.loaders.catalog.childrenByCategory.load(c.id) }),
    products: t.connection({
      type: ProductRef,
      description: "Active products in this category or its descendants.",
      args: {
        sort: t.arg({ type: ProductSortEnum }),
        inStock: t.arg.boolean({ description: "true: only products with a variant in stock; false: only products with none." }),
        market: t.arg.string({ description: MARKET_ARG }),
      },
      resolve: async (c, args, ctx, info) =>
        toConnection(
          await listIn(ctx.services, info, {
            ...forwardArgs(args),
            category: c.id,
            ...(args.sort && { sort: args.sort }),
            ...(args.inStock != null && { inStock: args.inStock }),
            ...(args.market && { market: args.market }),
          }),
        ),
    }),
  }),
});

SearchHitRef.implement({
  extensions: SHARED,
  fields: (t) => ({
    product: t.field({ type: ProductRef, resolve: (h) => h.product }),
    score: t.exposeFloat("score", { description: "bm25 relevance; lower is more relevant." }),
    titleHighlight: t.string({ description: "Title with matches wrapped in <mark> (HTML-escaped).", resolve: (h) => h.highlights.title }),
    descriptionSnippet: t.string({ description: "Description snippet around the matches, <mark>ed.", resolve: (h) => h.highlights.description }),
  }),
});


/**
 * Whether the selection below this field asks for a field called `name` at any depth (fragments
 * followed): then reading the products hydrated, in one statement, beats resolving relations later.
 */
function asksFor(info: GraphQLResolveInfo, name: string): boolean {
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode | undefined): boolean =>
    !!set &&
    set.selections.some((s) => {
      if (s.kind === Kind.FIELD) return s.name.value === name || walk(s.selectionSet);
      if (s.kind === Kind.INLINE_FRAGMENT) return walk(s.selectionSet);
      if (seen.has(s.name.value)) return false;
      seen.add(s.name.value);
      return walk(info.fragments[s.name.value]?.selectionSet);
    });
  return info.fieldNodes.some((node) => walk(node.selectionSet));
}

/**
 * How to read products for this field: hydrated (one statement) when the selection asks for variants or
 * categories, with the categories in the same statement when it asks for them, and the variants' base
 * prices in every currency only when it asks for `prices`; null: records only.
 */
function readOptions(info: GraphQLResolveInfo): HydrationOptions | null {
  const categories = asksFor(info, "categories");
  return categories || asksFor(info, "variants") ? hydrationFor(info, categories) : null;
}

function hydrationFor(info: GraphQLResolveInfo, categories = asksFor(info, "categories")): HydrationOptions {
  return { categories, basePrices: asksFor(info, "prices") };
}

function listIn(services: ServiceContext, info: GraphQLResolveInfo, input: Record<string, unknown>) {
  const options = readOptions(info);
  return options ? catalog.listProducts(services, input, options) : catalog.listProductRecords(services, input);
}

function byIdOrSlug(args: { id?: string | null; slug?: string | null }): string {
  const key = args.id ?? args.slug;
  if (!key || (args.id && args.slug)) {
    throw new ServiceError("VALIDATION_FAILED", "Pass exactly one of id or slug.", { errors: [{ pointer: "/id", detail: "Pass id or slug." }] });
  }
  return key;
}

builder.queryFields((t) => ({
  products: t.connection({
    type: ProductRef,
    extensions: SHARED,
    description: "Active products (admins may ask for any status), filtered and sorted like GET /v1/products.",
    args: {
      category: t.arg.string({ description: "Category id or slug; includes descendants." }),
      market: t.arg.string({ description: MARKET_ARG }),
      minPrice: t.arg.int({ description: "Lowest variant price in the market at least this (minor units)." }),
      maxPrice: t.arg.int({ description: "Lowest variant price in the market at most this (minor units)." }),
      inStock: t.arg.boolean({ description: "true: only products with a variant that can be bought now (from the availability projection); false: only products with none." }),
      sort: t.arg({ type: ProductSortEnum }),
      status: t.arg({ type: ProductStatusEnum, description: "Admin only." }),
    },
    resolve: async (_root, args, ctx, info) => {
      const { first, after, last, before, ...filters } = args;
      const input = { ...forwardArgs({ first, after, last, before }), ...dropNulls(filters) };
      // Asked for variants: one statement brings them (with availability) instead of two loader queries.
      return toConnection(await listIn(ctx.services, info, input));
    },
  }),
  product: t.field({
    type: ProductRef,
    extensions: SHARED,
    nullable: true,
    description: "A product by id or slug; null when it does not exist or is not visible to you.",
    args: { id: t.arg.id(), slug: t.arg.string(), market: t.arg.string({ description: MARKET_ARG }) },
    resolve: (_root, args, ctx, info) =>
      orNull(() => {
        const options = readOptions(info);
        return options ? catalog.getProduct(ctx.services, byIdOrSlug(args), args.market, options) : catalog.getProductRecord(ctx.services, byIdOrSlug(args), args.market);
      }),
  }),
  categories: t.field({
    type: [CategoryRef],
    extensions: SHARED,
    description: "Root categories; walk `children` for the tree.",
    resolve: async (_root, _args, ctx) => (await catalog.categoryTree(ctx.services)).map(({ children: _children, ...c }) => c),
  }),
  category: t.field({
    type: CategoryRef,
    extensions: SHARED,
    nullable: true,
    args: { id: t.arg.id(), slug: t.arg.string() },
    resolve: (_root, args, ctx) => orNull(() => catalog.getCategory(ctx.services, byIdOrSlug(args))),
  }),
  search: t.connection({
    type: SearchHitRef,
    extensions: SHARED,
    description: "Full-text search over active products, ranked by bm25.",
    args: { query: t.arg.string({ required: true }), market: t.arg.string({ description: MARKET_ARG }) },
    resolve: async (_root, args, ctx, info) =>
      toConnection(await catalog.searchProducts(ctx.services, { q: args.query, ...forwardArgs(args), ...(args.market && { market: args.market }) }, hydrationFor(info))),
  }),
}));

const CurrencyPriceInput = builder.inputType("CurrencyPriceInput", {
  fields: (t) => ({ currency: t.string({ required: true }), amount: t.int({ required: true }), compareAtAmount: t.int() }),
});

const CreateVariantInputRef = builder.inputType("CreateVariantInput", {
  fields: (t) => ({
    sku: t.string({ required: true }),
    title: t.string(),
    options: t.field({ type: [KeyValueInput] }),
    price: t.field({ type: MoneyInput, required: true }),
    compareAtPrice: t.field({ type: MoneyInput }),
    prices: t.field({ type: [CurrencyPriceInput], description: "Base prices in more currencies." }),
    weightGrams: t.int({ description: "Shipping weight in grams." }),
    position: t.int(),
  }),
});

const UpdateVariantInputRef = builder.inputType("UpdateVariantInput", {
  description: "Only the fields you send change; compareAtPrice: null clears it.",
  fields: (t) => ({
    sku: t.string(),
    title: t.string(),
    options: t.field({ type: [KeyValueInput] }),
    price: t.field({ type: MoneyInput }),
    compareAtPrice: t.field({ type: MoneyInput }),
    prices: t.field({ type: [CurrencyPriceInput], description: "Set base prices in these currencies." }),
    weightGrams: t.int({ description: "Shipping weight in grams; null clears it." }),
    position: t.int(),
  }),
});

const CreateProductInputRef = builder.inputType("CreateProductInput", {
  fields: (t) => ({
    title: t.string({ required: true }),
    slug: t.string({ description: "Derived from the title when omitted." }),
    description: t.string(),
    status: t.field({ type: ProductStatusEnum, description: "DRAFT when omitted." }),
    images: t.stringList(),
    attributes: t.field({ type: [KeyValueInput] }),
    categoryIds: t.idList(),
    taxClass: t.string({ description: "Tax class handle; default standard." }),
    variants: t.field({ type: [CreateVariantInputRef] }),
  }),
});

const UpdateProductInputRef = builder.inputType("UpdateProductInput", {
  description: "Only the fields you send change; categoryIds replaces the whole set.",
  fields: (t) => ({
    title: t.string(),
    slug: t.string(),
    description: t.string(),
    status: t.field({ type: ProductStatusEnum }),
    images: t.stringList(),
    attributes: t.field({ type: [KeyValueInput] }),
    categoryIds: t.idList(),
    taxClass: t.string({ description: "Tax class handle." }),
  }),
});

const CreateCategoryInputRef = builder.inputType("CreateCategoryInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    slug: t.string(),
    parentId: t.id({ description: "Omit or null for a root category." }),
    description: t.string(),
    position: t.int(),
  }),
});

const UpdateCategoryInputRef = builder.inputType("UpdateCategoryInput", {
  description: "Changing parentId moves the whole subtree; parentId: null makes it a root.",
  fields: (t) => ({
    name: t.string(),
    slug: t.string(),
    parentId: t.id(),
    description: t.string(),
    position: t.int(),
  }),
});

type KV = { name: string; value: string }[] | null | undefined;
const variantInput = (v: { options?: KV } & Record<string, unknown>, keep: string[] = []) =>
  dropNulls({ ...v, options: fromKeyValues(v.options) }, keep);
const productInput = (p: { attributes?: KV; variants?: ({ options?: KV } & Record<string, unknown>)[] | null } & Record<string, unknown>) =>
  dropNulls({ ...p, attributes: fromKeyValues(p.attributes), variants: p.variants?.map((v) => variantInput(v)) });

builder.mutationFields((t) => ({
  createProduct: t.field({
    type: ProductRef,
    description: "Create a product with its variants in one atomic write. Admin.",
    args: { input: t.arg({ type: CreateProductInputRef, required: true }) },
    resolve: (_root, args, ctx) => catalog.createProduct(ctx.services, productInput(args.input)),
  }),
  updateProduct: t.field({
    type: ProductRef,
    description: "Partially update a product. Admin.",
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateProductInputRef, required: true }) },
    resolve: (_root, args, ctx) => catalog.updateProduct(ctx.services, args.id, productInput(args.input)),
  }),
  archiveProduct: t.field({
    type: ProductRef,
    description: "Hide a product from the public without deleting it. Admin.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => catalog.archiveProduct(ctx.services, args.id),
  }),
  deleteProduct: t.field({
    type: DeletedRef,
    description: "Delete a product with its variants. Admin.",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      await catalog.deleteProduct(ctx.services, args.id);
      return { deletedId: args.id };
    },
  }),
  uploadProductImage: t.field({
    type: ProductImageRef,
    description:
      "Upload a product image (PNG, JPEG or WebP, at most 10 MiB) in a GraphQL multipart request (the multipart request spec: `operations`, `map` and the file; send `x-graphql-csrf: 1`). The same rules as `POST /v1/products/{id}/images`. Needs catalog:write.",
    args: { productId: t.arg.id({ required: true }), file: t.arg({ type: "File", required: true }), alt: t.arg.string() },
    resolve: async (_root, args, ctx) =>
      uploadProductImage(ctx.services, args.productId, { contentType: args.file.type, body: await args.file.arrayBuffer(), alt: args.alt ?? undefined }),
  }),
  deleteProductImage: t.field({
    type: DeletedRef,
    description: "Remove an uploaded image from a product (upload with `POST /v1/products/{id}/images`). Needs catalog:write.",
    args: { productId: t.arg.id({ required: true }), imageId: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      await deleteProductImage(ctx.services, args.productId, args.imageId);
      return { deletedId: args.imageId };
    },
  }),
  createVariant: t.field({
    type: VariantRef,
    description: "Add a variant to a product. Admin.",
    args: { productId: t.arg.id({ required: true }), input: t.arg({ type: CreateVariantInputRef, required: true }) },
    resolve: (_root, args, ctx) => catalog.createVariant(ctx.services, args.productId, variantInput(args.input)),
  }),
  updateVariant: t.field({
    type: VariantRef,
    description: "Partially update a variant. Admin.",
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateVariantInputRef, required: true }) },
    resolve: (_root, args, ctx) => catalog.updateVariant(ctx.services, args.id, variantInput(args.input, ["compareAtPrice", "weightGrams"])),
  }),
  deleteVariant: t.field({
    type: DeletedRef,
    description: "Delete a variant. Admin.",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      await catalog.deleteVariant(ctx.services, args.id);
      return { deletedId: args.id };
    },
  }),
  createCategory: t.field({
    type: CategoryRef,
    description: "Create a category. Admin.",
    args: { input: t.arg({ type: CreateCategoryInputRef, required: true }) },
    resolve: (_root, args, ctx) => catalog.createCategory(ctx.services, dropNulls(args.input)),
  }),
  updateCategory: t.field({
    type: CategoryRef,
    description: "Update or move a category. Admin.",
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateCategoryInputRef, required: true }) },
    resolve: (_root, args, ctx) => catalog.updateCategory(ctx.services, args.id, dropNulls(args.input, ["parentId", "description"])),
  }),
  deleteCategory: t.field({
    type: DeletedRef,
    description: "Delete a category without subcategories. Admin.",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      await catalog.deleteCategory(ctx.services, args.id);
      return { deletedId: args.id };
    },
  }),
}));
