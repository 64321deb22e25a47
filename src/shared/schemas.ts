import { z } from "@hono/zod-openapi";
import { isCurrencyCode } from "./currencies";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./pagination";

/** A currency in circulation: ISO 4217 List One without funds, metals and test codes (src/shared/currencies.ts). */
export const CurrencyCode = z
  .string()
  .refine(isCurrencyCode, "Must be an ISO 4217 code such as EUR.")
  .openapi({ pattern: "^[A-Z]{3}$", example: "EUR", description: "ISO 4217 currency code of a currency in circulation." });

/** Money in integer minor units plus ISO 4217 currency. Never floats. */
export const Money = z
  .object({
    amount: z.number().int().min(0).max(100_000_000_00).openapi({ example: 1999, description: "Amount in minor units (cents)." }),
    currency: CurrencyCode,
  })
  .openapi("Money");
export type Money = z.infer<typeof Money>;

export const Timestamp = z.string().openapi({ example: "2026-11-26T09:30:00.000Z", description: "RFC 3339 UTC timestamp." });

/**
 * An integer from a query string or path: plain decimal digits only. `z.coerce.number()` uses `Number()`, which
 * also reads "1e1", "0x10", " 5", "5.0" and "" (as 0); those are 400s. GraphQL and RPC pass real numbers, which
 * go through unchanged.
 */
export function decimalInt(min: number, max: number) {
  return z
    .preprocess(
      (value) => (typeof value === "string" && /^-?\d{1,15}$/.test(value) ? Number(value) : value),
      z.number({ error: "Use a plain decimal integer such as 20." }).int().min(min).max(max),
    )
    .openapi({ type: "integer", minimum: min, maximum: max });
}

/** `?limit=` shared by every list endpoint; the cap is hard. */
export const PageLimit = decimalInt(1, MAX_PAGE_SIZE)
  .default(DEFAULT_PAGE_SIZE)
  .openapi({ description: `Page size, 1 to ${MAX_PAGE_SIZE}.`, example: 20 });

export const PageCursor = z.string().min(1).max(512).optional().openapi({ description: "`next_cursor` from the previous page." });

/** An email address of a customer or staff member: trimmed and lowercased before it is validated, stored or compared. */
export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .email("Enter a valid email address.")
  .openapi({ example: "ada@example.com", description: "Compared case-insensitively: trimmed and lowercased." });

export const Slug = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "Use lowercase letters, digits and single dashes.");

export const ProblemFieldError = z.object({ pointer: z.string(), detail: z.string() }).openapi("ProblemFieldError");

export const Problem = z
  .object({
    type: z.string().openapi({ example: "https://edgeshop.dev/problems/validation-failed" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().openapi({ description: "The request path.", example: "/v1/products" }),
    request_id: z.string().openapi({ description: "The request's `x-request-id`: quote it when reporting a problem.", example: "req_0f6c…" }),
    errors: z.array(ProblemFieldError).optional(),
  })
  .openapi("Problem", { description: "RFC 9457 problem details, served as application/problem+json." });

export function slugify(text: string): string {
  return (
    text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 120) || "item"
  );
}
