// The webhooks module's surface: the fan-out event handler and the delivery sweeper (cron).
export { webhookFanOut } from "./fan-out";
export { sweepDueDeliveries } from "./delivery";
export { resealWebhookSecrets } from "./secrets";
