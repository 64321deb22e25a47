import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { resealWebhookSecrets } from "../../src/modules/webhooks/secrets";
import { webhookEndpoints } from "../../src/modules/webhooks/tables";
import { keyring, open, seal } from "../../src/shared/secret-box";
import { call, unique } from "../support/helpers";
import { db, mockReceivers, recordEvent } from "../support/events-helpers";

const NEW_KEY = btoa("edgeshop-rotated-secrets-key-000");
const row = async (id: string) => (await db().select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).get())!;

async function createEndpoint() {
  const url = `https://hooks.example.com/${unique("sealed")}`;
  const res = await call("POST", "/v1/webhook-endpoints", { admin: true, body: { url, eventTypes: ["product.updated"] } });
  expect(res.status).toBe(201);
  return { id: res.body.endpoint.id as string, secret: res.body.secret as string, url };
}

/** Send a product.updated to the endpoint and verify the signature with the official library. */
async function verifiesWith(endpoint: { url: string }, secret: string, environment = env) {
  const receivers = mockReceivers();
  try {
    const event = await recordEvent("product.updated", { id: unique("prod"), changed: ["title"] });
    const { default: worker } = await import("../../src/index");
    const { createExecutionContext, createMessageBatch, getQueueResult } = await import("cloudflare:test");
    const batch = createMessageBatch("edgeshop-events", [{ id: unique("m"), timestamp: new Date(), attempts: 1, body: event }]);
    const ctx = createExecutionContext();
    await worker.queue!(batch as MessageBatch<unknown>, environment, ctx);
    await getQueueResult(batch, ctx);
    const request = receivers.received.find((r) => r.url === endpoint.url)!;
    expect(request).toBeDefined();
    return new Webhook(secret).verify(request.body, request.headers);
  } finally {
    receivers.restore();
  }
}

afterEach(async () => {
  await db().update(webhookEndpoints).set({ status: "disabled" });
});

describe("webhook secrets at rest", () => {
  it("stores the signing secret sealed (AES-GCM), never in plaintext, and still signs with it", async () => {
    const endpoint = await createEndpoint();
    const stored = await row(endpoint.id);
    expect(stored.secret).toMatch(/^sealed:v1:[0-9a-f]{8}:/);
    expect(stored.secret).not.toContain(endpoint.secret.slice(6, 20));
    expect(await verifiesWith(endpoint, endpoint.secret)).toBeTruthy();

    const rotated = await call("POST", `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, { admin: true, body: { overlapSeconds: 600 } });
    const after = await row(endpoint.id);
    expect(after.secret).toMatch(/^sealed:v1:/);
    expect(after.previousSecret).toBe(stored.secret);
    // Both secrets sign during the overlap.
    expect(await verifiesWith(endpoint, endpoint.secret)).toBeTruthy();
    expect(await verifiesWith(endpoint, rotated.body.secret)).toBeTruthy();
  });

  it("binds a sealed secret to its endpoint: copied into another row it does not open", async () => {
    const a = await createEndpoint();
    const b = await createEndpoint();
    const ring = await keyring(env);
    const sealedA = (await row(a.id)).secret;
    expect(await open(ring, sealedA, `webhook-endpoint:${a.id}`)).toBe(a.secret);
    await expect(open(ring, sealedA, `webhook-endpoint:${b.id}`)).rejects.toThrow();
  });

  it("migrates rows stored in plaintext, and re-seals everything after a key rotation", async () => {
    // A row from before sealing existed.
    const legacy = await createEndpoint();
    await db().update(webhookEndpoints).set({ secret: legacy.secret }).where(eq(webhookEndpoints.id, legacy.id));
    // It keeps working while still in plaintext…
    expect(await verifiesWith(legacy, legacy.secret)).toBeTruthy();
    // …and the cron seals it.
    while ((await resealWebhookSecrets(env)).resealed > 0);
    expect((await row(legacy.id)).secret).toMatch(/^sealed:v1:/);
    expect(await verifiesWith(legacy, legacy.secret)).toBeTruthy();

    // Key rotation: SECRETS_KEY is the new key, SECRETS_KEY_PREVIOUS the old one.
    const rotatedEnv = { ...env, SECRETS_KEY: NEW_KEY, SECRETS_KEY_PREVIOUS: env.SECRETS_KEY };
    const newId = (await keyring(rotatedEnv)).current.id;
    expect(await verifiesWith(legacy, legacy.secret, rotatedEnv)).toBeTruthy();
    while ((await resealWebhookSecrets(rotatedEnv)).resealed > 0);
    expect((await row(legacy.id)).secret.startsWith(`sealed:v1:${newId}:`)).toBe(true);
    // Once everything is resealed the old key can go.
    expect(await verifiesWith(legacy, legacy.secret, { ...env, SECRETS_KEY: NEW_KEY })).toBeTruthy();
    // Put the test key back for the other tests.
    const back = { ...env, SECRETS_KEY_PREVIOUS: NEW_KEY };
    while ((await resealWebhookSecrets(back)).resealed > 0);
  });

  it("refuses a missing or malformed key with a message that says what to set", async () => {
    await expect(keyring({})).rejects.toThrow(/SECRETS_KEY is not set/);
    await expect(keyring({ SECRETS_KEY: btoa("too short") })).rejects.toThrow(/32 bytes/);
    const ring = await keyring(env);
    const sealed = await seal(ring, "whsec_x", "c");
    await expect(open(await keyring({ SECRETS_KEY: NEW_KEY }), sealed, "c")).rejects.toThrow(/neither SECRETS_KEY nor SECRETS_KEY_PREVIOUS/);
  });
});
