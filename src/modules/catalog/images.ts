import { and, eq, or, sql } from "drizzle-orm";
import { requireAdmin, type ServiceContext } from "../../context";
import { notFound, ServiceError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { log } from "../../shared/log";
import { productEvent, commitCatalogChange } from "./commit";
import { imageUrl } from "./image-urls";
import { now } from "./records";
import type { ProductImage } from "./schemas";
import { products, type StoredImage } from "./tables";

/**
 * Product images: the bytes live in R2 (`IMAGES_BUCKET`), the list on the product row. Sized variants
 * are made by the Images binding (`IMAGES`) on first request for a width and stored in R2 beside the
 * original, so each (image, width) is transformed once. docs/back-office.md says why.
 */
export const IMAGE_TYPES = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp" } as const;
export type ImageType = keyof typeof IMAGE_TYPES;
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
export const MAX_IMAGES_PER_PRODUCT = 20;
/** The widths variants come in (`?w=`): enough for thumbnails, cards, product pages and 2x screens. */
export const IMAGE_WIDTHS = [160, 320, 640, 1280] as const;
const MAX_ALT_LENGTH = 300;

const isImageType = (type: string): type is ImageType => type in IMAGE_TYPES;

/**
 * Store an uploaded image: check its type and size, read its real format and dimensions with the
 * Images binding (bytes that are not the declared image type are refused), put it in R2, then append
 * it to the product in one conditional UPDATE (at most 20 images, so concurrent uploads cannot pass
 * the cap) together with a `product.updated` event.
 */
export async function uploadProductImage(ctx: ServiceContext, idOrSlug: string, upload: { contentType: string | undefined; body: ArrayBuffer; alt?: string | undefined }): Promise<ProductImage> {
  requireAdmin(ctx.actor, "catalog:write");
  const contentType = upload.contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  if (!isImageType(contentType)) throw new ServiceError("UNSUPPORTED_MEDIA_TYPE", "Send the image bytes as image/png, image/jpeg or image/webp.");
  if (upload.body.byteLength === 0) throw new ServiceError("VALIDATION_FAILED", "The image is empty.", { errors: [{ pointer: "/body", detail: "Empty." }] });
  if (upload.body.byteLength > MAX_IMAGE_BYTES) throw new ServiceError("PAYLOAD_TOO_LARGE", `Images are limited to ${MAX_IMAGE_BYTES} bytes.`);
  const alt = upload.alt?.trim() || null;
  if (alt !== null && alt.length > MAX_ALT_LENGTH) throw new ServiceError("VALIDATION_FAILED", "The alt text is too long.", { errors: [{ pointer: "/alt", detail: `At most ${MAX_ALT_LENGTH} characters.` }] });

  const product = await ctx.db.select({ id: products.id, slug: products.slug }).from(products).where(or(eq(products.id, idOrSlug), eq(products.slug, idOrSlug))).get();
  if (!product) throw notFound("Product", idOrSlug);

  const info = await imageInfo(ctx, upload.body);
  if (info.contentType !== contentType) {
    throw new ServiceError("VALIDATION_FAILED", `The bytes are not a ${contentType} image.`, { errors: [{ pointer: "/body", detail: `Not a ${contentType} image.` }] });
  }
  const at = now();
  const id = newId("image");
  const image: StoredImage = { id, key: `products/${product.id}/${id}.${IMAGE_TYPES[contentType]}`, alt, width: info.width, height: info.height, contentType, bytes: upload.body.byteLength, createdAt: at };
  await ctx.env.IMAGES_BUCKET.put(image.key, upload.body, {
    httpMetadata: { contentType, cacheControl: IMMUTABLE },
    customMetadata: { productId: product.id, width: String(info.width), height: String(info.height) },
  });

  const append = ctx.db
    .update(products)
    .set({ uploadedImages: sql`json_insert(${products.uploadedImages}, '$[#]', json(${JSON.stringify(image)}))`, updatedAt: at })
    .where(and(eq(products.id, product.id), sql`json_array_length(${products.uploadedImages}) + json_array_length(${products.images}) < ${MAX_IMAGES_PER_PRODUCT}`))
    .returning({ uploadedImages: products.uploadedImages });
  const [appended] = await ctx.db.batch([append, productEvent(ctx, "product.updated", { id: product.id, changed: ["images"] }, at)]);
  const position = appended[0]?.uploadedImages.findIndex((i) => i.id === id) ?? -1;
  if (position < 0) {
    // Refused by the cap (or the product went away): the event row is harmless; the object is not kept.
    await ctx.env.IMAGES_BUCKET.delete(image.key);
    throw new ServiceError("CONFLICT", `A product has at most ${MAX_IMAGES_PER_PRODUCT} images.`);
  }
  await commitCatalogChange(ctx, [], { productId: product.id, slug: product.slug });
  return { id, url: imageUrl(image), alt, width: image.width, height: image.height, contentType, position };
}

/** Remove an uploaded image from its product (one conditional UPDATE), then its R2 object and variants. */
export async function deleteProductImage(ctx: ServiceContext, idOrSlug: string, imageId: string): Promise<void> {
  requireAdmin(ctx.actor, "catalog:write");
  const before = await ctx.db.select({ id: products.id, uploadedImages: products.uploadedImages }).from(products).where(or(eq(products.id, idOrSlug), eq(products.slug, idOrSlug))).get();
  const image = before?.uploadedImages.find((i) => i.id === imageId);
  if (!before || !image) throw notFound("Image", imageId);
  const productId = before.id;
  const at = now();
  const hasImage = sql`EXISTS (SELECT 1 FROM json_each(${products.uploadedImages}) WHERE json_extract(value, '$.id') = ${imageId})`;
  const remove = ctx.db
    .update(products)
    .set({
      uploadedImages: sql`(SELECT json_group_array(json(value)) FROM json_each(${products.uploadedImages}) WHERE json_extract(value, '$.id') <> ${imageId})`,
      updatedAt: at,
    })
    .where(and(eq(products.id, productId), hasImage))
    .returning({ slug: products.slug });
  const [removed] = await ctx.db.batch([remove, productEvent(ctx, "product.updated", { id: productId, changed: ["images"] }, at)]);
  if (!removed[0]) throw notFound("Image", imageId);
  await commitCatalogChange(ctx, [], { productId, slug: removed[0].slug });
  ctx.waitUntil(deleteImageObjects(ctx.env.IMAGES_BUCKET, image.key));
}

/** The original and every variant of an image. */
export async function deleteImageObjects(bucket: R2Bucket, key: string): Promise<void> {
  await bucket.delete([key, ...IMAGE_WIDTHS.map((w) => variantKey(key, w))]);
}

/** Every R2 object of a product (when the product is deleted). */
export async function deleteProductImageObjects(bucket: R2Bucket, productId: string): Promise<void> {
  for (const prefix of [`products/${productId}/`, ...IMAGE_WIDTHS.map((w) => `variants/${w}/products/${productId}/`)]) {
    const listed = await bucket.list({ prefix });
    if (listed.objects.length) await bucket.delete(listed.objects.map((o) => o.key));
  }
}

async function imageInfo(ctx: ServiceContext, body: ArrayBuffer): Promise<{ contentType: string; width: number; height: number }> {
  let info: ImageInfoResponse;
  try {
    info = await ctx.env.IMAGES.info(new Blob([body]).stream());
  } catch (error) {
    // The binding's message names its internals: log it, answer in our words.
    log.warn("image info failed", { error: String(error) });
    throw new ServiceError("VALIDATION_FAILED", "The body is not an image we can read.", { errors: [{ pointer: "/body", detail: "Not a PNG, JPEG or WebP image." }] });
  }
  if (!("width" in info)) throw new ServiceError("VALIDATION_FAILED", "Vector images are not accepted.", { errors: [{ pointer: "/body", detail: "Not a raster image." }] });
  return { contentType: info.format, width: info.width, height: info.height };
}

// ---------------------------------------------------------------------------------------------
// Delivery: GET /images/{key}?w=

export const IMMUTABLE = "public, max-age=31536000, immutable";
/** An original served in place of a variant the Images binding could not make: cached briefly only. */
const FALLBACK_CACHE = "public, max-age=60";
const KEY_PATTERN = /^products\/prod_[0-9a-z]+\/img_[0-9a-z]+\.(png|jpg|webp)$/;

export const variantKey = (key: string, width: number) => `variants/${width}/${key}`;

export type ImageDelivery =
  | { status: 304; headers: Record<string, string> }
  | { status: 200; body: ReadableStream | ArrayBuffer; headers: Record<string, string> };

/**
 * An uploaded image, or its variant at one of IMAGE_WIDTHS. Names are immutable (a new upload is a new
 * id), so answers are cacheable for a year; the ETag is the stored object's. An image narrower than
 * the width asked for is served as it is (never upscaled).
 */
export async function deliverImage(ctx: Pick<ServiceContext, "env" | "waitUntil">, key: string, widthParam: string | undefined, ifNoneMatch: string | undefined): Promise<ImageDelivery> {
  if (!KEY_PATTERN.test(key)) throw notFound("Image", key);
  let width: number | undefined;
  if (widthParam !== undefined) {
    width = Number(widthParam);
    if (!(IMAGE_WIDTHS as readonly number[]).includes(width)) {
      throw new ServiceError("VALIDATION_FAILED", `w must be one of ${IMAGE_WIDTHS.join(", ")}.`, { errors: [{ pointer: "/w", detail: `One of ${IMAGE_WIDTHS.join(", ")}.` }] });
    }
  }
  const bucket = ctx.env.IMAGES_BUCKET;
  if (width !== undefined) {
    const variant = await bucket.get(variantKey(key, width), { onlyIf: ifNoneMatch ? { etagDoesNotMatch: ifNoneMatch.replaceAll('"', "") } : {} });
    if (variant) return served(variant, ifNoneMatch);
  }
  const original = await bucket.get(key);
  if (!original) throw notFound("Image", key);
  const contentType = original.httpMetadata?.contentType ?? "application/octet-stream";
  const storedWidth = Number(original.customMetadata?.width ?? 0);
  if (width === undefined || (storedWidth > 0 && storedWidth <= width)) return served(original, ifNoneMatch);

  const bytes = await original.arrayBuffer();
  let resized: ArrayBuffer;
  try {
    const result = await ctx.env.IMAGES.input(new Blob([bytes]).stream()).transform({ width, fit: "scale-down" }).output({ format: contentType as ImageType });
    resized = await new Response(result.image()).arrayBuffer();
  } catch (error) {
    // The binding is unavailable (e.g. no Sharp in local development): serve the original, cached briefly.
    log.warn("image variant failed; serving the original", { key, width, error: String(error) });
    return { status: 200, body: bytes, headers: { "content-type": contentType, "cache-control": FALLBACK_CACHE, "x-image-variant": "original" } };
  }
  const stored = await bucket.put(variantKey(key, width), resized, { httpMetadata: { contentType, cacheControl: IMMUTABLE } });
  return { status: 200, body: resized, headers: { "content-type": contentType, "cache-control": IMMUTABLE, etag: stored?.httpEtag ?? "", "x-image-variant": String(width) } };
}

function served(object: R2Object | R2ObjectBody, ifNoneMatch: string | undefined): ImageDelivery {
  const headers = { "content-type": object.httpMetadata?.contentType ?? "application/octet-stream", "cache-control": IMMUTABLE, etag: object.httpEtag };
  if (!("body" in object) || (ifNoneMatch !== undefined && ifNoneMatch.split(",").some((t) => t.trim().replace(/^W\//, "") === object.httpEtag))) return { status: 304, headers };
  return { status: 200, body: object.body, headers };
}
