import { and, asc, eq, isNull, lt, lte, or, sql } from "drizzle-orm";
import { createDb, type Database } from "../../db/client";
import type { Env } from "../../env";
import { newId } from "../../shared/ids";
import { loadEvents, type EventMessage } from "../events";
import { webhookConfig } from "./config";
import { parseRetryAfter, retryDelayMs } from "./schedule";
import { signingSecrets } from "./secrets";
import { signatureHeaders } from "./signing";
import { checkWebhookUrl } from "./url-policy";
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from "./tables";

const EXCERPT_BYTES = 1024;
const USER_AGENT = "Edgeshop-Webhooks/1.0 (+https://www.standardwebhooks.com)";

export type AttemptResult = "succeeded" | "retry" | "failed" | "skipped";

/**
 * One HTTP attempt of one delivery, if it is due and nobody else holds it. The claim is a single
 * conditional UPDATE (lease), so the queue consumer and the cron sweeper can race safely.
 * Receiver trouble (network, timeout, 4xx/5xx) is recorded, never thrown; only storage errors throw.
 */
export async function attemptDelivery(env: Env, deliveryId: string, now = new Date()): Promise<AttemptResult> {
  const db = createDb(env.DB);
  const config = webhookConfig(env);
  const delivery = await claimDelivery(db, deliveryId, now, config.timeoutMs + 30_000);
  if (!delivery) return "skipped";
  const endpoint = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, delivery.endpointId)).get();
  if (!endpoint || endpoint.status !== "enabled") {
    // Kept pending: re-enabling the endpoint resumes it.
    await db.update(webhookDeliveries).set({ leaseUntil: null }).where(eq(webhookDeliveries.id, deliveryId));
    return "skipped";
  }
  const event = (await loadEvents(db, [delivery.eventId])).get(delivery.eventId);
  const requestId = `req_${crypto.randomUUID().replaceAll("-", "")}`;
  const verdict = checkWebhookUrl(endpoint.url, { allowPrivate: config.allowPrivateUrls });
  const started = Date.now();
  const sent = !event
    ? unsent("The event no longer exists.")
    : !verdict.ok
      ? unsent(`URL refused by the outbound policy: ${verdict.reason}`)
      : await send(verdict.url, await signingSecrets(env, endpoint, now), event, requestId, now, config.timeoutMs);
  const latencyMs = Date.now() - started;
  const outcome = classify(sent, event !== undefined && verdict.ok, delivery.retryStep);
  await recordAttempt(db, delivery, endpoint, { requestId, sent, outcome, latencyMs, now, disableAfterMs: config.disableAfterMs });
  return outcome.outcome;
}

type DeliveryRow = typeof webhookDeliveries.$inferSelect;
type EndpointRow = typeof webhookEndpoints.$inferSelect;

/** Take the delivery's lease if it is pending, due and not held; undefined otherwise. */
async function claimDelivery(db: Database, deliveryId: string, now: Date, leaseMs: number): Promise<DeliveryRow | undefined> {
  const at = now.toISOString();
  const [delivery] = await db
    .update(webhookDeliveries)
    .set({ leaseUntil: new Date(now.getTime() + leaseMs).toISOString() })
    .where(
      and(
        eq(webhookDeliveries.id, deliveryId),
        eq(webhookDeliveries.status, "pending"),
        lte(webhookDeliveries.nextAttemptAt, at),
        or(isNull(webhookDeliveries.leaseUntil), lt(webhookDeliveries.leaseUntil, at)),
      ),
    )
    .returning();
  return delivery;
}

/** What one POST to the receiver gave: a status (null when none came back) or an error. */
export interface SendResult {
  statusCode: number | null;
  excerpt: string | null;
  retryAfter: number | null;
  error: string | null;
}

/** An attempt that never reached the receiver. */
const unsent = (error: string): SendResult => ({ statusCode: null, excerpt: null, retryAfter: null, error });

/** Sign and POST the event to the endpoint; network trouble and timeouts come back as `error`. */
async function send(url: URL, secrets: string[], event: EventMessage, requestId: string, now: Date, timeoutMs: number): Promise<SendResult> {
  const body = JSON.stringify(event.payload);
  const headers = {
    ...(await signatureHeaders(secrets, event.id, Math.floor(now.getTime() / 1000), body)),
    "content-type": "application/json",
    "user-agent": USER_AGENT,
    "x-request-id": requestId,
  };
  try {
    // redirect: manual, so a public URL cannot bounce us to a private one.
    const response = await fetch(url.toString(), { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    return { statusCode: response.status, retryAfter: parseRetryAfter(response.headers.get("retry-after"), now), excerpt: await readExcerpt(response), error: null };
  } catch (e) {
    const name = e instanceof Error ? e.name : "";
    return unsent(name === "TimeoutError" || name === "AbortError" ? `Timed out after ${timeoutMs} ms.` : `Network error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** How an attempt ended and what follows from it. */
export interface AttemptVerdict {
  outcome: Exclude<AttemptResult, "skipped">;
  succeeded: boolean;
  /** 410 Gone: the receiver asks never to be called again. */
  gone: boolean;
  /** Milliseconds until the next attempt, when the outcome is "retry". */
  delayMs: number | null;
  /** A retryable failure with no retry left: the delivery gives up. */
  exhausted: boolean;
  /** What the delivery row shows: the error or status, or "Retries exhausted; …". */
  summary: string | null;
  lastError: string | null;
}

/**
 * Pure: 2xx succeeds; 410 fails for good; no answer, 408, 429 and 5xx are retried on the schedule
 * (Retry-After honoured) until it runs out; everything else fails. An attempt that could not be
 * sent (event gone, URL refused) is never retried.
 */
export function classify(sent: SendResult, sendable: boolean, retryStep: number): AttemptVerdict {
  const { statusCode } = sent;
  const succeeded = statusCode !== null && statusCode >= 200 && statusCode < 300;
  const gone = statusCode === 410;
  const retryable = !succeeded && !gone && sendable && (statusCode === null || statusCode === 408 || statusCode === 429 || statusCode >= 500);
  const delayMs = retryable ? retryDelayMs(retryStep, sent.retryAfter) : null;
  const outcome = succeeded ? "succeeded" : delayMs !== null ? "retry" : "failed";
  const summary = sent.error ?? (statusCode !== null ? `HTTP ${statusCode}` : null);
  const lastError = succeeded ? null : retryable && delayMs === null ? `Retries exhausted; last: ${summary}` : summary;
  return { outcome, succeeded, gone, delayMs, summary, lastError, exhausted: retryable && delayMs === null };
}

/** One batch: the attempt row, the delivery's new state, and the endpoint's health. */
async function recordAttempt(
  db: Database,
  delivery: DeliveryRow,
  endpoint: EndpointRow,
  r: { requestId: string; sent: SendResult; outcome: AttemptVerdict; latencyMs: number; now: Date; disableAfterMs: number },
): Promise<void> {
  const { outcome: verdict, sent, now } = r;
  const at = now.toISOString();
  const retry = verdict.outcome === "retry";
  await db.batch([
    db.insert(webhookAttempts).values({
      id: newId("webhookAttempt"),
      deliveryId: delivery.id,
      endpointId: endpoint.id,
      requestId: r.requestId,
      url: endpoint.url,
      statusCode: sent.statusCode,
      latencyMs: r.latencyMs,
      responseExcerpt: sent.excerpt,
      error: sent.error,
      outcome: verdict.outcome,
      createdAt: at,
    }),
    db
      .update(webhookDeliveries)
      .set({
        status: verdict.outcome === "retry" ? "pending" : verdict.outcome,
        attempts: sql`${webhookDeliveries.attempts} + 1`,
        retryStep: retry ? delivery.retryStep + 1 : delivery.retryStep,
        nextAttemptAt: retry ? new Date(now.getTime() + verdict.delayMs!).toISOString() : null,
        leaseUntil: null,
        lastStatusCode: sent.statusCode,
        lastError: verdict.lastError,
        updatedAt: at,
        ...(verdict.succeeded && { succeededAt: at }),
      })
      .where(eq(webhookDeliveries.id, delivery.id)),
    ...endpointHealth(db, endpoint.id, {
      succeeded: verdict.succeeded,
      gone: verdict.gone,
      statusCode: sent.statusCode,
      summary: verdict.summary,
      at,
      windowStart: new Date(now.getTime() - r.disableAfterMs).toISOString(),
      exhaustedDelivery: verdict.exhausted ? delivery.id : null,
    }),
  ] as const);
}

/**
 * Success resets the failure streak; 410 disables at once; a streak older than the window disables, and
 * so does a delivery that ran out of retries while the streak covered its whole life (the streak began
 * no later than its first attempt): the schedule's ±20 % jitter can end it a little before the window.
 */
function endpointHealth(
  db: Database,
  endpointId: string,
  r: { succeeded: boolean; gone: boolean; statusCode: number | null; summary: string | null; at: string; windowStart: string; exhaustedDelivery: string | null },
) {
  if (r.succeeded) {
    return [db.update(webhookEndpoints).set({ failingSince: null, consecutiveFailures: 0 }).where(eq(webhookEndpoints.id, endpointId))];
  }
  const failed = db
    .update(webhookEndpoints)
    .set({ failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${r.at})`, consecutiveFailures: sql`${webhookEndpoints.consecutiveFailures} + 1` })
    .where(eq(webhookEndpoints.id, endpointId));
  if (r.gone) {
    return [failed, disable(db, endpointId, r.at, "The endpoint answered 410 Gone.", sql`1 = 1`)];
  }
  const reason = sql`'Every attempt failed since ' || ${webhookEndpoints.failingSince} || ' (' || ${webhookEndpoints.consecutiveFailures} || ' attempts; last: ' || ${r.summary ?? "unknown"} || ').'`;
  const streakLongEnough = lte(webhookEndpoints.failingSince, r.windowStart);
  const firstAttempt = sql`(SELECT min(${webhookAttempts.createdAt}) FROM ${webhookAttempts} WHERE ${webhookAttempts.deliveryId} = ${r.exhaustedDelivery})`;
  return [failed, disable(db, endpointId, r.at, reason, r.exhaustedDelivery ? or(streakLongEnough, lte(webhookEndpoints.failingSince, firstAttempt)) : streakLongEnough)];
}

function disable(db: Database, endpointId: string, at: string, reason: string | ReturnType<typeof sql>, condition: ReturnType<typeof sql> | undefined) {
  return db
    .update(webhookEndpoints)
    .set({ status: "disabled", disabledReason: reason, disabledAt: at, updatedAt: at })
    .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.status, "enabled"), condition));
}

async function readExcerpt(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < EXCERPT_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes.slice(0, EXCERPT_BYTES));
}

/** Cron: attempt every due delivery of an enabled endpoint (a few at a time). */
export async function sweepDueDeliveries(env: Env, now = new Date(), limit = 50): Promise<Record<AttemptResult, number>> {
  const db = createDb(env.DB);
  const at = now.toISOString();
  const due = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(
      and(
        eq(webhookDeliveries.status, "pending"),
        lte(webhookDeliveries.nextAttemptAt, at),
        or(isNull(webhookDeliveries.leaseUntil), lt(webhookDeliveries.leaseUntil, at)),
        eq(webhookEndpoints.status, "enabled"),
      ),
    )
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(limit);
  const counts: Record<AttemptResult, number> = { succeeded: 0, retry: 0, failed: 0, skipped: 0 };
  for (let i = 0; i < due.length; i += 10) {
    const results = await Promise.all(due.slice(i, i + 10).map((d) => attemptDelivery(env, d.id, now)));
    for (const r of results) counts[r] += 1;
  }
  return counts;
}
