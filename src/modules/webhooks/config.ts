import type { Env } from "../../env";

/** Webhook settings from [vars]; every one has a production-safe default. */
export function webhookConfig(env: Env) {
  const number = (value: string | undefined, fallback: number) => {
    const parsed = Number(value);
    return value !== undefined && value !== "" && Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
  };
  return {
    /** Development only: allow http and private/loopback targets (e.g. a receiver on 127.0.0.1). */
    allowPrivateUrls: env.WEBHOOKS_ALLOW_PRIVATE_URLS === "true" || env.WEBHOOKS_ALLOW_PRIVATE_URLS === "1",
    timeoutMs: number(env.WEBHOOK_TIMEOUT_MS, 10_000),
    /** An endpoint that has failed every attempt for this long is disabled. */
    disableAfterMs: number(env.WEBHOOK_DISABLE_AFTER_HOURS, 24) * 3600_000,
  };
}
