import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import { readScope, requireAdmin, type ServiceContext } from "../../context";
import { conflict, notFound, ServiceError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { decodeCursor, type Page, pageOf } from "../../shared/pagination";
import { parseInput } from "../../shared/validation";
import { webhookConfig } from "./config";
import { attemptDelivery } from "./delivery";
import {
  CreateWebhookEndpointInput,
  ListDeliveriesInput,
  ListEndpointsInput,
  ReplayToEndpointInput,
  RotateSecretInput,
  UpdateWebhookEndpointInput,
  type WebhookAttempt,
  type WebhookDelivery,
  type WebhookEndpoint,
} from "./schemas";
import { sealSecret } from "./secrets";
import { generateWebhookSecret } from "./signing";
import { checkWebhookUrl } from "./url-policy";
import { loadEvents } from "../events";
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from "./tables";

type EndpointRow = typeof webhookEndpoints.$inferSelect;

function toEndpoint(row: EndpointRow, now = new Date().toISOString()): WebhookEndpoint {
  const { secret: _secret, previousSecret: _previous, previousSecretExpiresAt, ...rest } = row;
  return { ...rest, previousSecretExpiresAt: previousSecretExpiresAt && previousSecretExpiresAt > now ? previousSecretExpiresAt : null };
}

function toDelivery(row: typeof webhookDeliveries.$inferSelect): WebhookDelivery {
  const { leaseUntil: _lease, retryStep: _step, ...rest } = row;
  return rest;
}

function assertAllowedUrl(ctx: ServiceContext, url: string): void {
  const verdict = checkWebhookUrl(url, { allowPrivate: webhookConfig(ctx.env).allowPrivateUrls });
  if (!verdict.ok) throw new ServiceError("VALIDATION_FAILED", `The webhook URL is not allowed: ${verdict.reason}`, { errors: [{ pointer: "/url", detail: verdict.reason }] });
}

/** `["*"]` swallows everything else; duplicates go. */
function normaliseTypes(types: string[]): string[] {
  return types.includes("*") ? ["*"] : [...new Set(types)].sort();
}

/** Keyset page over ULID ids, newest first. */
async function pageById<R extends { id: string }>(rows: (cursorId: string | null, limit: number) => Promise<R[]>, input: { limit: number; cursor?: string | undefined }): Promise<Page<R>> {
  const after = input.cursor ? decodeCursor(input.cursor).id : null;
  const fetched = await rows(after, input.limit + 1);
  return pageOf(fetched, input.limit, (r) => ({ v: null, id: r.id }), after !== null);
}

function mapPage<A, B>(page: Page<A>, f: (a: A) => B): Page<B> {
  return { ...page, items: page.items.map(f) };
}

async function endpointRow(ctx: ServiceContext, id: string): Promise<EndpointRow> {
  const row = await ctx.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).get();
  if (!row) throw notFound("Webhook endpoint", id);
  return row;
}

export async function createWebhookEndpoint(ctx: ServiceContext, rawInput: unknown): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  requireAdmin(ctx.actor, "webhooks:write");
  const input = parseInput(CreateWebhookEndpointInput, rawInput);
  assertAllowedUrl(ctx, input.url);
  const at = new Date().toISOString();
  const id = newId("webhookEndpoint");
  const secret = generateWebhookSecret();
  const [row] = await ctx.db
    .insert(webhookEndpoints)
    .values({
      id,
      url: input.url,
      description: input.description ?? "",
      eventTypes: normaliseTypes(input.eventTypes),
      secret: await sealSecret(ctx.env, id, secret),
      status: "enabled",
      createdAt: at,
      updatedAt: at,
    })
    .returning();
  return { endpoint: toEndpoint(row!), secret };
}

export async function listWebhookEndpoints(ctx: ServiceContext, rawInput: unknown = {}): Promise<Page<WebhookEndpoint>> {
  requireAdmin(ctx.actor, readScope("webhooks"));
  const input = parseInput(ListEndpointsInput, rawInput);
  const page = await pageById(
    (after, limit) =>
      ctx.db
        .select()
        .from(webhookEndpoints)
        .where(after ? lt(webhookEndpoints.id, after) : undefined)
        .orderBy(desc(webhookEndpoints.id))
        .limit(limit),
    input,
  );
  return mapPage(page, (r) => toEndpoint(r));
}

export async function getWebhookEndpoint(ctx: ServiceContext, id: string): Promise<WebhookEndpoint> {
  requireAdmin(ctx.actor, readScope("webhooks"));
  return toEndpoint(await endpointRow(ctx, id));
}

export async function updateWebhookEndpoint(ctx: ServiceContext, id: string, rawInput: unknown): Promise<WebhookEndpoint> {
  requireAdmin(ctx.actor, "webhooks:write");
  const input = parseInput(UpdateWebhookEndpointInput, rawInput);
  const existing = await endpointRow(ctx, id);
  if (input.url !== undefined) assertAllowedUrl(ctx, input.url);
  const at = new Date().toISOString();
  const [row] = await ctx.db
    .update(webhookEndpoints)
    .set({
      ...(input.url !== undefined && { url: input.url }),
      ...(input.description !== undefined && { description: input.description }),
      ...(input.eventTypes !== undefined && { eventTypes: normaliseTypes(input.eventTypes) }),
      ...(input.enabled === true && existing.status === "disabled" && { status: "enabled" as const, disabledReason: null, disabledAt: null, failingSince: null, consecutiveFailures: 0 }),
      ...(input.enabled === false && existing.status === "enabled" && { status: "disabled" as const, disabledReason: "Disabled by an admin.", disabledAt: at }),
      updatedAt: at,
    })
    .where(eq(webhookEndpoints.id, id))
    .returning();
  return toEndpoint(row!);
}

export async function deleteWebhookEndpoint(ctx: ServiceContext, id: string): Promise<void> {
  requireAdmin(ctx.actor, "webhooks:write");
  await endpointRow(ctx, id);
  await ctx.db.batch([
    ctx.db.delete(webhookAttempts).where(eq(webhookAttempts.endpointId, id)),
    ctx.db.delete(webhookDeliveries).where(eq(webhookDeliveries.endpointId, id)),
    ctx.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)),
  ]);
}

/** New secret now; the current one keeps signing (second signature) for `overlapSeconds`. */
export async function rotateWebhookSecret(ctx: ServiceContext, id: string, rawInput: unknown = {}): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  requireAdmin(ctx.actor, "webhooks:write");
  const input = parseInput(RotateSecretInput, rawInput ?? {});
  const existing = await endpointRow(ctx, id);
  const now = new Date();
  const secret = generateWebhookSecret();
  const [row] = await ctx.db
    .update(webhookEndpoints)
    .set({
      secret: await sealSecret(ctx.env, id, secret),
      previousSecret: input.overlapSeconds > 0 ? existing.secret : null,
      previousSecretExpiresAt: input.overlapSeconds > 0 ? new Date(now.getTime() + input.overlapSeconds * 1000).toISOString() : null,
      updatedAt: now.toISOString(),
    })
    // Compare-and-set on the secret: of two concurrent rotations one wins, the other is a 409.
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.secret, existing.secret)))
    .returning();
  if (!row) throw conflict("The secret was rotated concurrently; fetch the endpoint and try again.");
  return { endpoint: toEndpoint(row, now.toISOString()), secret };
}

export async function listWebhookDeliveries(ctx: ServiceContext, rawInput: unknown = {}): Promise<Page<WebhookDelivery>> {
  requireAdmin(ctx.actor, readScope("webhooks"));
  const input = parseInput(ListDeliveriesInput, rawInput);
  const filters: (SQL | undefined)[] = [
    input.endpointId ? eq(webhookDeliveries.endpointId, input.endpointId) : undefined,
    input.eventId ? eq(webhookDeliveries.eventId, input.eventId) : undefined,
    input.status ? eq(webhookDeliveries.status, input.status) : undefined,
  ];
  const page = await pageById(
    (after, limit) =>
      ctx.db
        .select()
        .from(webhookDeliveries)
        .where(and(...filters, after ? lt(webhookDeliveries.id, after) : undefined))
        .orderBy(desc(webhookDeliveries.id))
        .limit(limit),
    input,
  );
  return mapPage(page, toDelivery);
}

export async function getWebhookDelivery(ctx: ServiceContext, id: string): Promise<WebhookDelivery> {
  requireAdmin(ctx.actor, readScope("webhooks"));
  const row = await ctx.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)).get();
  if (!row) throw notFound("Webhook delivery", id);
  return toDelivery(row);
}

/** Attempts of a delivery, oldest first. */
export async function listDeliveryAttempts(ctx: ServiceContext, deliveryId: string): Promise<WebhookAttempt[]> {
  requireAdmin(ctx.actor, readScope("webhooks"));
  const rows = await ctx.db.select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, deliveryId)).orderBy(webhookAttempts.createdAt, webhookAttempts.id);
  return rows.map(({ deliveryId: _d, endpointId: _e, ...rest }) => rest);
}

/**
 * Send a delivery again now (whatever its status), with a fresh retry schedule. The
 * `webhook-id` stays the event id, so a receiver that already processed it can tell.
 */
export async function redeliverWebhook(ctx: ServiceContext, id: string): Promise<WebhookDelivery> {
  requireAdmin(ctx.actor, "webhooks:write");
  const delivery = await getWebhookDelivery(ctx, id);
  const endpoint = await endpointRow(ctx, delivery.endpointId);
  if (endpoint.status !== "enabled") throw conflict("The endpoint is disabled; enable it before redelivering.", { endpointId: endpoint.id });
  const at = new Date().toISOString();
  const [row] = await ctx.db
    .update(webhookDeliveries)
    .set({ status: "pending", retryStep: 0, nextAttemptAt: at, updatedAt: at })
    .where(eq(webhookDeliveries.id, id))
    .returning();
  ctx.waitUntil(attemptDelivery(ctx.env, id));
  return toDelivery(row!);
}

/**
 * Send one event to one endpoint now, whether or not a delivery exists: the admin's "replay this event" for
 * receivers (a lost queue message leaves no delivery row to redeliver). An existing delivery of the event to the
 * endpoint is re-armed with a fresh retry schedule, as a redelivery; otherwise one is created. Endpoints receive
 * it even if they do not subscribe to its type: the admin asked for it. `webhook-id` stays the event id.
 */
export async function replayEventToEndpoint(ctx: ServiceContext, endpointId: string, rawInput: unknown): Promise<WebhookDelivery> {
  requireAdmin(ctx.actor, "webhooks:write");
  const input = parseInput(ReplayToEndpointInput, rawInput);
  const endpoint = await endpointRow(ctx, endpointId);
  if (endpoint.status !== "enabled") throw conflict("The endpoint is disabled; enable it before replaying to it.", { endpointId });
  const event = (await loadEvents(ctx.db, [input.eventId])).get(input.eventId);
  if (!event) throw new ServiceError("VALIDATION_FAILED", `Event '${input.eventId}' does not exist.`, { errors: [{ pointer: "/eventId", detail: "Unknown event." }] });
  const at = new Date().toISOString();
  const [row] = await ctx.db
    .insert(webhookDeliveries)
    .values({ id: newId("webhookDelivery"), endpointId, eventId: event.id, eventType: event.type, status: "pending", nextAttemptAt: at, createdAt: at, updatedAt: at })
    .onConflictDoUpdate({ target: [webhookDeliveries.endpointId, webhookDeliveries.eventId], set: { status: "pending", retryStep: 0, nextAttemptAt: at, updatedAt: at } })
    .returning();
  ctx.waitUntil(attemptDelivery(ctx.env, row!.id));
  return toDelivery(row!);
}
