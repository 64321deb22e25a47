import { z } from "@hono/zod-openapi";
import { PageCursor, PageLimit, Timestamp } from "../../shared/schemas";

export const TaxClassHandle = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9]+(?:[-_][a-z0-9]+)*$/, "Lowercase letters, digits, dashes and underscores.")
  .openapi({ example: "reduced", description: "A tax class handle: `standard`, `reduced`, `zero` or one you created." });

export const BUILT_IN_TAX_CLASSES = ["standard", "reduced", "zero"] as const;

export const TaxClass = z
  .object({
    handle: TaxClassHandle,
    name: z.string(),
    builtIn: z.boolean().openapi({ description: "standard, reduced and zero always exist and cannot be deleted." }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("TaxClass");
export type TaxClass = z.infer<typeof TaxClass>;

export const CreateTaxClassInput = z
  .object({ handle: TaxClassHandle, name: z.string().trim().min(1).max(100) })
  .strict()
  .openapi("CreateTaxClassInput");

export const UpdateTaxClassInput = z.object({ name: z.string().trim().min(1).max(100) }).strict().openapi("UpdateTaxClassInput");

const Country = z
  .string()
  .regex(/^([A-Z]{2}|\*)$/, "An ISO 3166-1 alpha-2 code such as DE, or * for anywhere else.")
  .openapi({ example: "DE", description: "ISO 3166-1 alpha-2, or `*` for every country without a rate of its own." });

export const TaxRate = z
  .object({
    id: z.string().openapi({ example: "txr_01jd4x..." }),
    country: z.string(),
    region: z.string().nullable().openapi({ description: "Only addresses in this region (compared case-insensitively with the address's `region`)." }),
    postalPrefix: z.string().nullable().openapi({ description: "Only postal codes starting with this (spaces ignored, case-insensitive)." }),
    taxClass: z.string(),
    rate: z.number().int().openapi({ description: "Basis points: 1900 is 19%.", example: 1900 }),
    name: z.string().openapi({ example: "VAT" }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("TaxRate");
export type TaxRate = z.infer<typeof TaxRate>;

const RateBp = z.number().int().min(0).max(10_000).openapi({ description: "Basis points, 0 to 10000 (100%): 1900 is 19%.", example: 1900 });
const Region = z.string().trim().min(1).max(100);
const PostalPrefix = z
  .string()
  .trim()
  .min(1)
  .max(12)
  .regex(/^[A-Za-z0-9 -]+$/, "Letters, digits, spaces and dashes.");

export const CreateTaxRateInput = z
  .object({
    country: Country,
    region: Region.nullable().optional(),
    postalPrefix: PostalPrefix.nullable().optional(),
    taxClass: TaxClassHandle.default("standard"),
    rate: RateBp,
    name: z.string().trim().min(1).max(100).default("Tax"),
  })
  .strict()
  .refine((r) => r.country !== "*" || (!r.region && !r.postalPrefix), { message: "Regions and postal prefixes need a country.", path: ["country"] })
  .openapi("CreateTaxRateInput");
export type CreateTaxRateInput = z.input<typeof CreateTaxRateInput>;

export const UpdateTaxRateInput = z
  .object({ rate: RateBp.optional(), name: z.string().trim().min(1).max(100).optional() })
  .strict()
  .refine((v) => Object.keys(v).length > 0, "Provide at least one field to change.")
  .openapi("UpdateTaxRateInput");

export const ListTaxRatesInput = z.object({
  limit: PageLimit,
  cursor: PageCursor,
  country: Country.optional().openapi({ description: "Only rates of this country (`*` for the fallback rates)." }),
  taxClass: TaxClassHandle.optional(),
});
export type ListTaxRatesInput = z.input<typeof ListTaxRatesInput>;
