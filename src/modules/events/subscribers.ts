// Which module reacts to which events. Add a line per handler; each owns its idempotent effect.
import { orderLiveFeed } from "../orders/feed";
import { purgeCatalogCache } from "../protection";

import { onOrderPlaced } from "../recommendations/handlers";
import { webhookFanOut } from "../webhooks/fan-out";
import { registerEventHandler } from "./handlers";

registerEventHandler(webhookFanOut);
registerEventHandler({
  // Learns co-purchases; idempotent per order id (recordPurchase keeps a ledger of counted orders).
  name: "recommendations.learn",
  types: ["order.placed"],
  handle: (env, event) => onOrderPlaced(env, { id: event.id, type: event.type, data: event.payload.data }),
});
registerEventHandler({
  // The writer's own colo purges right after its batch; this reaches the colo that consumes the queue too.
  // Purging twice is harmless (it starts a new cache generation), so redelivery needs no extra guard.
  name: "catalog.cache-purge",
  types: ["product.created", "product.updated", "product.deleted"],
  handle: (env, event) => purgeCatalogCache(env, { productId: event.resource.id }),
});
// Pushes order events to connected admins and customers; the feed object drops redeliveries.
registerEventHandler(orderLiveFeed);
