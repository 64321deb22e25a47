import { createDb } from "../../db/client";
import type { Env } from "../../env";
import type { EventHandler } from "../events";
import { recordPurchase } from "./learning";

/** An outbox event as the queue consumer delivers it (the `order.placed` payload in events/schemas.ts). */
export interface DeliveredEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

interface OrderPlacedData {
  id: string;
  customerId?: string | null;
  lines?: { productId?: string | null }[];
}

/**
 * Queue handler for `order.placed`: the recommender learns from every placed order. Safe to
 * deliver twice (recordPurchase is idempotent per order id); other event types are ignored.
 */
export async function onOrderPlaced(env: Env, event: DeliveredEvent): Promise<void> {
  if (event.type !== "order.placed") return;
  const data = event.data as unknown as OrderPlacedData;
  if (typeof data.id !== "string") throw new Error(`order.placed event ${event.id} has no order id`);
  const productIds = (data.lines ?? []).map((l) => l.productId).filter((id): id is string => typeof id === "string" && id.length > 0);
  await recordPurchase(createDb(env.DB), { orderId: data.id, customerId: data.customerId ?? null, productIds });
}

/** Learns co-purchases; idempotent per order id (recordPurchase keeps a ledger of counted orders). */
export const recommendationsLearn: EventHandler = {
  name: "recommendations.learn",
  types: ["order.placed"],
  handle: (env, event) => onOrderPlaced(env, { id: event.id, type: event.type, data: event.payload.data }),
};
