/**
 * When to try a failed delivery again, counted from the failed attempt (the Standard Webhooks /
 * Svix schedule): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. With the first attempt that is 8
 * attempts over about 27.6 hours. Each delay gets ±20 % jitter so that an endpoint recovering
 * from an outage is not hit by every delivery in the same second. The cron sweeper runs every
 * minute, so the shortest delays round up to the next minute.
 */
export const RETRY_DELAYS_SECONDS = [5, 300, 1800, 7200, 18000, 36000, 36000] as const;
export const JITTER = 0.2;
/** Retry-After above this is treated as this (a misbehaving receiver must not park us for days). */
export const MAX_RETRY_AFTER_SECONDS = 12 * 3600;

/** Delay before retry number `step` (0-based), or null when the schedule is exhausted. */
export function retryDelayMs(step: number, retryAfterSeconds: number | null, random = Math.random): number | null {
  const base = RETRY_DELAYS_SECONDS[step];
  if (base === undefined) return null;
  const jittered = base * (1 - JITTER + 2 * JITTER * random());
  const floor = retryAfterSeconds === null ? 0 : Math.min(retryAfterSeconds, MAX_RETRY_AFTER_SECONDS);
  return Math.round(Math.max(jittered, floor) * 1000);
}

/** `Retry-After` as seconds from `now`: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, Math.round((date - now.getTime()) / 1000));
}
