import { z } from "@hono/zod-openapi";
import { Timestamp } from "../../shared/schemas";

export const FulfillmentLineInput = z.object({ lineId: z.string().min(1).max(64), quantity: z.number().int().positive().max(10_000) }).strict();

export const CreateFulfillmentInput = z
  .object({
    lines: z.array(FulfillmentLineInput).min(1).max(100).optional().openapi({ description: "Order lines and units shipped; default: every unit not fulfilled yet." }),
    carrier: z.string().trim().min(1).max(100).optional().openapi({ example: "DHL" }),
    trackingNumber: z.string().trim().min(1).max(100).optional().openapi({ example: "00340434161094042557" }),
    trackingUrl: z.url({ protocol: /^https$/ }).max(500).optional().openapi({ example: "https://www.dhl.de/track?piececode=00340434161094042557" }),
  })
  .strict()
  .openapi("CreateFulfillmentInput");
export type CreateFulfillmentInput = z.input<typeof CreateFulfillmentInput>;

export const Fulfillment = z
  .object({
    id: z.string().openapi({ example: "ful_01jd4x..." }),
    orderId: z.string(),
    carrier: z.string().nullable(),
    trackingNumber: z.string().nullable(),
    trackingUrl: z.string().nullable(),
    lines: z.array(z.object({ orderLineId: z.string(), sku: z.string(), title: z.string(), quantity: z.number().int() })),
    createdAt: Timestamp,
  })
  .openapi("Fulfillment");
export type Fulfillment = z.infer<typeof Fulfillment>;
