import { z } from "@hono/zod-openapi";

/** Headers that carry guest credentials and idempotency keys, for the OpenAPI document. */
export const CartTokenHeader = z
  .string()
  .optional()
  .openapi({ param: { name: "x-cart-token", in: "header" }, description: "Guest carts: the `cartToken` returned when the cart was created." });

export const OrderTokenHeader = z
  .string()
  .optional()
  .openapi({ param: { name: "x-order-token", in: "header" }, description: "Guests: the `orderToken` returned by checkout." });

export const IdempotencyKeyHeader = (required: boolean) =>
  z
    .string()
    .optional()
    .openapi({
      param: { name: "idempotency-key", in: "header", required },
      description: required
        ? "Required. A unique value per operation (e.g. a UUID): a retry with the same key and payload replays the first response (header `idempotent-replayed: true`); the same key with another payload is a 422; while the first request runs, a duplicate waits for it or gets a 409. Keys are scoped to the caller and kept 24 hours."
        : "Optional. Makes a retry safe: same key and payload replays the first response. Scoped to the caller, kept 24 hours.",
      example: "7b0c4f9e-1f8a-4c55-9f0e-2d6b1b0d6a11",
    });
