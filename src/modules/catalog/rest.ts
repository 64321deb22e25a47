import { createRoute, z } from "@hono/zod-openapi";
import { adminSecurity, createRouter, json, jsonBody, jsonText, listOf, optionalAdminSecurity, problems, publicSecurity } from "../../http/openapi";
import type { Context } from "hono";
import { errorToResponse } from "../../http/problem";
import type { AppEnv } from "../../http/types";
import { deleteProductImage, deliverImage, IMAGE_TYPES, IMAGE_WIDTHS, IMMUTABLE, MAX_IMAGE_BYTES, MAX_IMAGES_PER_PRODUCT, uploadProductImage } from "./images";
import * as catalog from "./service";
import {
  Category,
  CategoryNode,
  CreateCategoryInput,
  CreateProductInput,
  CreateVariantInput,
  ListProductsInput,
  Product,
  ProductQuery,
  ProductImage,
  SearchHit,
  SearchInput,
  UpdateCategoryInput,
  UpdateProductInput,
  UpdateVariantInput,
  Variant,
} from "./schemas";

const tags = ["Catalog"];
const adminTags = ["Catalog admin"];
const IdOrSlugParam = (example: string) =>
  z.object({ idOrSlug: z.string().min(1).max(120).openapi({ param: { name: "idOrSlug", in: "path" }, example }) });
const IdParam = (example: string) => z.object({ id: z.string().min(1).max(120).openapi({ param: { name: "id", in: "path" }, example }) });

const ProductList = listOf(Product, "ProductList");
const SearchResults = listOf(SearchHit, "SearchResults");
/** `X-Market` on catalog reads: the market's handle or id, for every read that names no `market`. */
const MarketHeaders = z.object({
  "x-market": z
    .string()
    .max(64)
    .optional()
    .openapi({ param: { name: "x-market", in: "header" }, description: "Price catalog reads in this market (handle or id) unless `market` says otherwise.", example: "us" }),
});

const CategoryTree = z.object({ data: z.array(CategoryNode) }).openapi("CategoryTree");

export const catalogRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/products",
      operationId: "listProducts",
      security: optionalAdminSecurity,
      tags,
      summary: "List products",
      description:
        "Active products, newest first by default, priced in a market (`market`, else the `X-Market` header, else the default market). Filter by category (its descendants included) and by the lowest variant price in the market, sort by it; page with `cursor`. Admins may pass `status`.",
      request: { query: ListProductsInput, headers: MarketHeaders },
      responses: { 200: json(ProductList, "A page of products."), ...problems("VALIDATION_FAILED", "FORBIDDEN", "NOT_FOUND") },
    }),
    async (c) => {
      // The products arrive as JSON text (listProductsJson): the body is written, not re-serialised.
      const page = await catalog.listProductsJson(c.get("services"), c.req.valid("query"));
      return jsonText<z.infer<typeof ProductList>>(c, `{"data":[${page.items.join(",")}],"next_cursor":${JSON.stringify(page.nextCursor)}}`);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/products/{idOrSlug}",
      operationId: "getProduct",
      security: optionalAdminSecurity,
      tags,
      summary: "Get a product by id or slug",
      description: "Priced in a market: `market`, else the `X-Market` header, else the default market.",
      request: { params: IdOrSlugParam("classic-cotton-tee"), query: ProductQuery, headers: MarketHeaders },
      responses: { 200: json(Product, "The product with its variants."), ...problems("VALIDATION_FAILED", "NOT_FOUND") },
    }),
    async (c) => c.json(await catalog.getProduct(c.get("services"), c.req.valid("param").idOrSlug, c.req.valid("query").market), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/categories",
      operationId: "listCategories",
      security: publicSecurity,
      tags,
      summary: "The category tree",
      responses: { 200: json(CategoryTree, "Root categories with nested children."), ...problems("THROTTLED") },
    }),
    async (c) => c.json({ data: await catalog.categoryTree(c.get("services")) }, 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/categories/{idOrSlug}",
      operationId: "getCategory",
      security: publicSecurity,
      tags,
      summary: "Get a category by id or slug",
      request: { params: IdOrSlugParam("menswear") },
      responses: { 200: json(Category, "The category."), ...problems("NOT_FOUND") },
    }),
    async (c) => c.json(await catalog.getCategory(c.get("services"), c.req.valid("param").idOrSlug), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/search",
      operationId: "searchProducts",
      security: publicSecurity,
      tags,
      summary: "Full-text search",
      description:
        "Searches title, description and SKUs of active products (every word must match, as a prefix), ranked by bm25 with highlighted snippets. Prices in a market like GET /v1/products.",
      request: { query: SearchInput, headers: MarketHeaders },
      responses: { 200: json(SearchResults, "Ranked hits."), ...problems("VALIDATION_FAILED") },
    }),
    async (c) => {
      const page = await catalog.searchProducts(c.get("services"), c.req.valid("query"));
      return c.json({ data: page.items, next_cursor: page.nextCursor }, 200);
    },
  )
  // ---------------------------------------------------------------- admin
  .openapi(
    createRoute({
      method: "post",
      path: "/products",
      operationId: "createProduct",
      tags: adminTags,
      security: adminSecurity,
      summary: "Create a product",
      description: "Creates a product (draft unless `status` says otherwise) with its variants in one atomic write.",
      request: jsonBody(CreateProductInput),
      responses: {
        201: json(Product, "The created product."),
        ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "CONFLICT", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE"),
      },
    }),
    async (c) => c.json(await catalog.createProduct(c.get("services"), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/products/{idOrSlug}",
      operationId: "updateProduct",
      tags: adminTags,
      security: adminSecurity,
      summary: "Update a product",
      description: "Partial update: only the fields sent change. `categoryIds` replaces the whole set.",
      request: { params: IdOrSlugParam("prod_..."), ...jsonBody(UpdateProductInput) },
      responses: {
        200: json(Product, "The updated product."),
        ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "UNSUPPORTED_MEDIA_TYPE"),
      },
    }),
    async (c) => c.json(await catalog.updateProduct(c.get("services"), c.req.valid("param").idOrSlug, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/products/{idOrSlug}/archive",
      operationId: "archiveProduct",
      tags: adminTags,
      security: adminSecurity,
      summary: "Archive a product",
      description: "Hides the product from the public without deleting it.",
      request: { params: IdOrSlugParam("prod_...") },
      responses: { 200: json(Product, "The archived product."), ...problems("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
    }),
    async (c) => c.json(await catalog.archiveProduct(c.get("services"), c.req.valid("param").idOrSlug), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/products/{idOrSlug}",
      operationId: "deleteProduct",
      tags: adminTags,
      security: adminSecurity,
      summary: "Delete a product",
      description: "Deletes the product with its variants and category links.",
      request: { params: IdOrSlugParam("prod_...") },
      responses: { 204: { description: "Deleted." }, ...problems("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
    }),
    async (c) => {
      await catalog.deleteProduct(c.get("services"), c.req.valid("param").idOrSlug);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/products/{idOrSlug}/variants",
      operationId: "createVariant",
      tags: adminTags,
      security: adminSecurity,
      summary: "Add a variant",
      request: { params: IdOrSlugParam("prod_..."), ...jsonBody(CreateVariantInput) },
      responses: {
        201: json(Variant, "The created variant."),
        ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "UNSUPPORTED_MEDIA_TYPE"),
      },
    }),
    async (c) => c.json(await catalog.createVariant(c.get("services"), c.req.valid("param").idOrSlug, c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/variants/{id}",
      operationId: "updateVariant",
      tags: adminTags,
      security: adminSecurity,
      summary: "Update a variant",
      description:
        "Partial update. A SKU whose stock has ever changed (set, held or sold) cannot be renamed: its stock, holds, sales and ledger live under the SKU, so renaming is a 409 with a pointer at `/sku`. Add a variant with the new SKU instead.",
      request: { params: IdParam("var_..."), ...jsonBody(UpdateVariantInput) },
      responses: {
        200: json(Variant, "The updated variant."),
        ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "UNSUPPORTED_MEDIA_TYPE"),
      },
    }),
    async (c) => c.json(await catalog.updateVariant(c.get("services"), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/variants/{id}",
      operationId: "deleteVariant",
      tags: adminTags,
      security: adminSecurity,
      summary: "Delete a variant",
      request: { params: IdParam("var_...") },
      responses: { 204: { description: "Deleted." }, ...problems("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
    }),
    async (c) => {
      await catalog.deleteVariant(c.get("services"), c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/categories",
      operationId: "createCategory",
      tags: adminTags,
      security: adminSecurity,
      summary: "Create a category",
      request: jsonBody(CreateCategoryInput),
      responses: {
        201: json(Category, "The created category."),
        ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "CONFLICT", "UNSUPPORTED_MEDIA_TYPE"),
      },
    }),
    async (c) => c.json(await catalog.createCategory(c.get("services"), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/categories/{idOrSlug}",
      operationId: "updateCategory",
      tags: adminTags,
      security: adminSecurity,
      summary: "Update or move a category",
      description: "Changing `parentId` moves the whole subtree; moving a category under its own descendant is a 409.",
      request: { params: IdOrSlugParam("cat_..."), ...jsonBody(UpdateCategoryInput) },
      responses: {
        200: json(Category, "The updated category."),
        ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "UNSUPPORTED_MEDIA_TYPE"),
      },
    }),
    async (c) => c.json(await catalog.updateCategory(c.get("services"), c.req.valid("param").idOrSlug, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/categories/{idOrSlug}",
      operationId: "deleteCategory",
      tags: adminTags,
      security: adminSecurity,
      summary: "Delete a category",
      description: "Only a category without subcategories can be deleted (409 otherwise); its product links go with it.",
      request: { params: IdOrSlugParam("cat_...") },
      responses: { 204: { description: "Deleted." }, ...problems("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
    }),
    async (c) => {
      await catalog.deleteCategory(c.get("services"), c.req.valid("param").idOrSlug);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/products/{idOrSlug}/images",
      operationId: "uploadProductImage",
      tags: adminTags,
      security: adminSecurity,
      summary: "Upload a product image",
      description: `The body is the image itself (\`content-type: image/png\`, \`image/jpeg\` or \`image/webp\`, at most ${MAX_IMAGE_BYTES / 1024 / 1024} MiB); \`?alt=\` is its alternative text. Bytes that are not an image of the declared type are a 400; another content type a 415. Stored in R2 and appended to the product's \`images\` (at most ${MAX_IMAGES_PER_PRODUCT} per product, 409 beyond). The image is served at its \`url\` (\`/images/…\`) with \`Cache-Control: ${IMMUTABLE}\` and an ETag; add \`?w=\` one of ${IMAGE_WIDTHS.join(", ")} for a sized variant (never upscaled). Needs \`catalog:write\`.`,
      request: {
        params: IdOrSlugParam("prod_..."),
        query: z.object({ alt: z.string().max(300).optional().openapi({ description: "Alternative text: what the image shows." }) }),
        body: {
          required: true,
          description: "The image bytes.",
          content: Object.fromEntries(Object.keys(IMAGE_TYPES).map((type) => [type, { schema: z.string().openapi({ format: "binary" }) }])),
        },
      },
      responses: {
        201: json(z.object({ image: ProductImage }).openapi("UploadedProductImage"), "The stored image."),
        ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE"),
      },
    }),
    async (c) => {
      const image = await uploadProductImage(c.get("services"), c.req.valid("param").idOrSlug, { contentType: c.req.header("content-type"), body: await c.req.arrayBuffer(), alt: c.req.valid("query").alt });
      return c.json({ image }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/products/{idOrSlug}/images/{imageId}",
      operationId: "deleteProductImage",
      tags: adminTags,
      security: adminSecurity,
      summary: "Delete a product image",
      description: "Removes an uploaded image from the product, then its stored object and variants. Images linked by URL are changed with `PATCH /v1/products/{id}` (`images`). Needs `catalog:write`.",
      request: { params: IdOrSlugParam("prod_...").extend({ imageId: z.string().min(1).max(64).openapi({ param: { name: "imageId", in: "path" }, example: "img_..." }) }) },
      responses: { 204: { description: "Deleted." }, ...problems("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
    }),
    async (c) => {
      const { idOrSlug, imageId } = c.req.valid("param");
      await deleteProductImage(c.get("services"), idOrSlug, imageId);
      return c.body(null, 204);
    },
  );

export { MAX_IMAGE_BYTES };

/**
 * Requests that carry an image (up to MAX_IMAGE_BYTES, not JSON): POST /v1/products/{id}/images, and
 * GraphQL multipart requests (`uploadProductImage`; Yoga's CSRF prevention asks them for a header).
 */
export const isImageUpload = (c: Context<AppEnv>) =>
  c.req.method === "POST" &&
  (/^\/v1\/products\/[^/]+\/images$/.test(c.req.path) || (c.req.path === "/graphql" && /^multipart\/form-data\b/i.test(c.req.header("content-type") ?? "")));

/** GET /images/{key}?w=: the image or its sized variant, with a year of caching and an ETag (304 on a match). */
export const deliverImageRoute = async (c: Context<AppEnv>) => {
  try {
    const key = decodeURIComponent(c.req.path.slice("/images/".length));
    const delivery = await deliverImage({ env: c.env, waitUntil: (p) => c.executionCtx.waitUntil(p) }, key, c.req.query("w"), c.req.header("if-none-match"));
    return delivery.status === 304 ? c.body(null, 304, delivery.headers) : c.body(delivery.body, 200, delivery.headers);
  } catch (error) {
    return errorToResponse(c, error);
  }
};
