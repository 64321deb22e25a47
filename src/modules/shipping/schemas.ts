import { z } from "@hono/zod-openapi";
import { Money, PageCursor, PageLimit, Timestamp } from "../../shared/schemas";

const Countries = z
  .array(z.string().regex(/^([A-Z]{2}|\*)$/, "ISO 3166-1 alpha-2 codes such as DE, or * for every country no other zone lists."))
  .min(1)
  .max(250)
  .refine((list) => new Set(list).size === list.length, "Each country once.")
  .openapi({ example: ["DE", "AT"] });

export const ShippingZone = z
  .object({
    id: z.string().openapi({ example: "shz_01jd4x..." }),
    name: z.string(),
    countries: z.array(z.string()).openapi({ description: "ISO 3166-1 alpha-2; `*` means every country no other zone lists." }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("ShippingZone");
export type ShippingZone = z.infer<typeof ShippingZone>;

export const CreateShippingZoneInput = z.object({ name: z.string().trim().min(1).max(100), countries: Countries }).strict().openapi("CreateShippingZoneInput");
export const UpdateShippingZoneInput = z
  .object({ name: z.string().trim().min(1).max(100).optional(), countries: Countries.optional() })
  .strict()
  .refine((v) => Object.keys(v).length > 0, "Provide at least one field to change.")
  .openapi("UpdateShippingZoneInput");

const Amount = z.number().int().min(0).max(100_000_000_00);
const Band = z
  .object({
    upTo: z.number().int().min(0).max(100_000_000_00).nullable().openapi({ description: "Inclusive upper bound (grams for weight bands, minor units for subtotal bands); null on the last band: no limit." }),
    amount: Amount.openapi({ description: "Price of this band, minor units." }),
  })
  .strict()
  .openapi("ShippingRateBand");

export const ShippingMethodKind = z.enum(["flat", "weight", "subtotal"]).openapi("ShippingMethodKind", {
  description: "flat: one amount; weight: by bands of the cart's total weight (grams); subtotal: by bands of the merchandise subtotal.",
});

export const ShippingMethod = z
  .object({
    id: z.string().openapi({ example: "shm_01jd4x..." }),
    zoneId: z.string(),
    marketId: z.string().nullable().openapi({ description: "Only carts of this market; null: every market in `currency`." }),
    currency: z.string(),
    name: z.string().openapi({ example: "Standard" }),
    description: z.string().nullable(),
    kind: ShippingMethodKind,
    amount: Amount.nullable().openapi({ description: "flat: the price in minor units." }),
    bands: z.array(Band).nullable().openapi({ description: "weight / subtotal: ascending bands; a cart beyond the last band cannot use this method." }),
    freeOver: Amount.nullable().openapi({ description: "Free when the merchandise subtotal (before discounts) is at least this." }),
    taxClass: z.string().openapi({ description: "Shipping is taxed at this class's rate at the destination (default standard)." }),
    active: z.boolean(),
    position: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("ShippingMethod");
export type ShippingMethod = z.infer<typeof ShippingMethod>;

const methodFields = {
  zoneId: z.string().min(1).max(64),
  marketId: z.string().min(1).max(64).nullable().optional(),
  currency: Money.shape.currency,
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(500).nullable().optional(),
  kind: ShippingMethodKind,
  amount: Amount.nullable().optional(),
  bands: z.array(Band).min(1).max(20).nullable().optional(),
  freeOver: Amount.nullable().optional(),
  taxClass: z.string().min(1).max(40).optional(),
  active: z.boolean().optional(),
  position: z.number().int().min(0).max(10_000).optional(),
};

export const CreateShippingMethodInput = z.object(methodFields).strict().openapi("CreateShippingMethodInput");
export type CreateShippingMethodInput = z.input<typeof CreateShippingMethodInput>;

export const UpdateShippingMethodInput = z
  .object({ ...methodFields, zoneId: methodFields.zoneId.optional(), currency: methodFields.currency.optional(), name: methodFields.name.optional(), kind: methodFields.kind.optional() })
  .strict()
  .refine((v) => Object.keys(v).length > 0, "Provide at least one field to change.")
  .openapi("UpdateShippingMethodInput");

export const ListShippingMethodsInput = z.object({
  limit: PageLimit,
  cursor: PageCursor,
  zoneId: z.string().min(1).max(64).optional(),
  marketId: z.string().min(1).max(64).optional(),
});

/** One way to ship this cart, with its price for this cart. */
export const ShippingOption = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    amount: Money.openapi({ description: "Price for this cart before shipping discounts." }),
    free: z.boolean().openapi({ description: "True when the free-over threshold made it free." }),
  })
  .openapi("ShippingOption");
export type ShippingOption = z.infer<typeof ShippingOption>;
