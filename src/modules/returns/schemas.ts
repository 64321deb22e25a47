import { z } from "@hono/zod-openapi";
import { Money, Timestamp } from "../../shared/schemas";
import { returnStatuses } from "./tables";

export const RequestReturnInput = z
  .object({
    lines: z.array(z.object({ lineId: z.string().min(1).max(64), quantity: z.number().int().positive().max(10_000) }).strict()).min(1).max(100),
    reason: z.string().trim().min(1).max(500).optional().openapi({ example: "Too small" }),
  })
  .strict()
  .openapi("RequestReturnInput");

export const ReceiveReturnInput = z
  .object({ refund: z.boolean().optional().openapi({ description: "Refund the returned lines (price and tax share) on receipt. Default false." }) })
  .strict()
  .openapi("ReceiveReturnInput");

export const OrderReturn = z
  .object({
    id: z.string().openapi({ example: "ret_01jd4x..." }),
    orderId: z.string(),
    status: z.enum(returnStatuses).openapi({ description: "requested -> approved -> received, or requested -> rejected." }),
    reason: z.string().nullable(),
    requestedBy: z.string(),
    lines: z.array(z.object({ id: z.string(), orderLineId: z.string(), sku: z.string(), quantity: z.number().int(), restockedAt: Timestamp.nullable() })),
    refund: z.union([Money, z.null()]).openapi({ description: "The refund made on receipt, if any." }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Return");
export type OrderReturn = z.infer<typeof OrderReturn>;
