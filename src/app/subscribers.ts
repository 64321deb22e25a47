import { registerEventHandler, type EventHandler } from "../modules/events";
import { notificationsEmail } from "../modules/notifications";
import { orderLiveFeed } from "../modules/orders";
import { pricingForgetDeletedVariants } from "../modules/pricing";
import { catalogCachePurge } from "../modules/protection";
import { recommendationsLearn } from "../modules/recommendations";
import { webhookFanOut } from "../modules/webhooks";

/**
 * Which module reacts to which events: the subscriber table. Each module exports its handlers
 * (`EventHandler`: a stable name, the event types, an idempotent effect); events knows them only
 * through this registration. Add a module's handler here.
 */
export const subscribers: readonly EventHandler[] = [
  webhookFanOut, // webhooks: one delivery row per matching endpoint
  recommendationsLearn, // recommendations: co-purchase counts from order.placed
  catalogCachePurge, // protection: a new catalog cache generation on product.*
  orderLiveFeed, // orders: push order events to connected admins and customers
  pricingForgetDeletedVariants, // pricing: drop prices of deleted variants
  notificationsEmail, // notifications: order confirmation, shipment, refund and password reset emails
];

for (const handler of subscribers) registerEventHandler(handler);
