import type { ProductImage } from "./schemas";
import type { StoredImage } from "./tables";

/** Where the Worker serves uploaded images (src/modules/catalog/images.ts). */
export const IMAGE_PATH_PREFIX = "/images/";

export const imageUrl = (image: Pick<StoredImage, "key">) => `${IMAGE_PATH_PREFIX}${image.key}`;

/** A product's images as the API shows them: uploaded first, in order, then those linked by URL. */
export function productImages(row: { images: readonly string[]; uploadedImages: readonly StoredImage[] }): ProductImage[] {
  const uploaded = row.uploadedImages.map((image, position) => ({
    id: image.id,
    url: imageUrl(image),
    alt: image.alt,
    width: image.width,
    height: image.height,
    contentType: image.contentType,
    position,
  }));
  const linked = row.images.map((url, i) => ({ id: null, url, alt: null, width: null, height: null, contentType: null, position: uploaded.length + i }));
  return [...uploaded, ...linked];
}
