import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { vi } from "vitest";
import { createDb } from "../../src/db/client";
import worker from "../../src/index";
import { eventInsert, type EventType } from "../../src/modules/events/outbox";
import { toMessage, type EventMessage } from "../../src/modules/events/relay";
import { events } from "../../src/modules/events/tables";
import { adminApiKeys } from "../../src/modules/access/tables";
import { sha256Hex } from "../../src/shared/crypto";
import { newId } from "../../src/shared/ids";
import { unique } from "./helpers";

export const db = () => createDb(env.DB);

/** Record an event in the outbox exactly as a producer would (its own batch). */
export async function recordEvent(type: EventType, data: Record<string, unknown>, resource = { type: type.split(".")[0]!, id: unique("res") }): Promise<EventMessage> {
  const d = db();
  const [row] = await d.batch([eventInsert(d, { type, resource, data }).returning()]);
  return toMessage(row[0]!);
}

export async function eventRow(id: string) {
  return db().select().from(events).where(eq(events.id, id)).get();
}

/** Deliver messages to the Worker's queue() handler and collect acks/retries. */
export async function deliver(queue: string, messages: { id?: string; body: unknown; attempts?: number }[]) {
  const batch = createMessageBatch(
    queue,
    messages.map((m, i) => ({ id: m.id ?? `msg-${i}-${unique("m")}`, timestamp: new Date(), attempts: m.attempts ?? 1, body: m.body })),
  );
  // getQueueResult (vitest-plugin 1.5.0) reports which messages were retried but drops their
  // delaySeconds, so the retry options are also observed on each message.
  const delays = new Map<string, number | undefined>();
  for (const message of batch.messages) {
    const original = message.retry.bind(message);
    message.retry = (options?: QueueRetryOptions) => {
      delays.set(message.id, options?.delaySeconds);
      original(options);
    };
  }
  const ctx = createExecutionContext();
  await worker.queue!(batch as MessageBatch<unknown>, env, ctx);
  const result = await getQueueResult(batch, ctx);
  return { ...result, retryMessages: result.retryMessages.map((m) => ({ msgId: m.msgId, delaySeconds: m.delaySeconds ?? delays.get(m.msgId) })) };
}

export interface Received {
  url: string;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal | null;
}

/**
 * Stands in for every webhook receiver: the Worker's outbound fetch (same isolate as the tests)
 * is replaced; `reply` decides each answer (a Response, or a thrown error for network failures).
 */
export function mockReceivers(reply: (request: Received) => Response | Promise<Response> = () => new Response("ok")) {
  const received: Received[] = [];
  let current = reply;
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const entry = { url: request.url, headers: Object.fromEntries(request.headers), body: await request.text(), signal: init?.signal ?? null };
    received.push(entry);
    return current(entry);
  });
  return {
    received,
    reply(next: typeof reply) {
      current = next;
    },
    restore: () => spy.mockRestore(),
  };
}

/** An admin API key with exactly these scopes. */
export async function adminKeyWith(scopes: string[]): Promise<string> {
  const key = `esk_admin_${crypto.randomUUID().replaceAll("-", "")}`;
  await db().insert(adminApiKeys).values({ id: newId("apiKey"), name: unique("key"), keyHash: await sha256Hex(key), scopes, createdAt: new Date().toISOString() });
  return key;
}

/** A queue producer that records what it is given (or fails, like an outage). It delivers nothing: a lost queue. */
export function recordingQueue(options: { fail?: boolean } = {}) {
  const sent: EventMessage[] = [];
  const queue = {
    async send(body: EventMessage) {
      if (options.fail) throw new Error("Queue send failed: 503");
      sent.push(body);
    },
    async sendBatch(messages: Iterable<{ body: EventMessage }>) {
      if (options.fail) throw new Error("Queue send failed: 503");
      for (const m of messages) sent.push(m.body);
    },
  } as unknown as Queue;
  return { queue, sent };
}
