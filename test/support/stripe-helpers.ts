import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import Stripe from "stripe";
import { vi } from "vitest";
import worker from "../../src/index";
import { ADMIN_KEY, BASE } from "./helpers";
import { FakeStripe, type FakeEvent } from "./fake-stripe";

export const STRIPE_BASE = "http://stripe.fake.test";
/** A Stripe that cannot be reached: every request fails like a lost connection. */
export const STRIPE_DOWN = "http://stripe.down.test";
export const WEBHOOK_SECRET = "whsec_test_edgeshop_fake_0123456789";

/** The Worker's bindings with Stripe as the payment provider, pointed at the fake. */
export function stripeEnv(overrides: Record<string, string> = {}) {
  return {
    ...env,
    PAYMENT_PROVIDER: "stripe",
    STRIPE_CAPTURE_METHOD: "manual",
    STRIPE_SECRET_KEY: "sk_test_fake",
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_API_BASE: STRIPE_BASE,
    ...overrides,
  };
}

/**
 * Route the Worker's outbound requests to STRIPE_BASE into the fake (the Worker and the tests share
 * one isolate, so its `fetch` is ours); everything else goes out as before.
 */
export function installFakeStripe(fake = new FakeStripe()) {
  const original = globalThis.fetch;
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (request.url.startsWith(STRIPE_BASE)) return fake.handle(request);
    if (request.url.startsWith(STRIPE_DOWN)) throw new TypeError("Network connection lost.");
    return original(request);
  });
  return { fake, restore: () => spy.mockRestore() };
}

/** Call the Worker's fetch handler with other bindings (e.g. stripeEnv()). */
export async function callWith(
  bindings: object,
  method: string,
  path: string,
  options: { body?: unknown; admin?: boolean; token?: string; headers?: Record<string, string>; raw?: string } = {},
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const headers = new Headers(options.headers);
  if (options.admin) headers.set("authorization", `Bearer ${ADMIN_KEY}`);
  if (options.token) headers.set("authorization", `Bearer ${options.token}`);
  let body: string | undefined = options.raw;
  if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
  const ctx = createExecutionContext();
  const res = await worker.fetch!(new Request(BASE + path, { method, headers, body }) as Request<unknown, IncomingRequestCfProperties>, bindings as never, ctx);
  await waitOnExecutionContext(ctx);
  const text = await res.text();
  let parsed: any;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** Sign a payload the way Stripe does, with the library's own test helper. */
export async function signedHeader(payload: string, options: { secret?: string; timestamp?: number } = {}): Promise<string> {
  return Stripe.webhooks.generateTestHeaderStringAsync({
    payload,
    secret: options.secret ?? WEBHOOK_SECRET,
    ...(options.timestamp !== undefined && { timestamp: options.timestamp }),
    cryptoProvider: Stripe.createSubtleCryptoProvider(),
  });
}

/** Deliver one Stripe event to the webhook endpoint, signed (or with the given header). */
export async function deliverStripeEvent(bindings: object, event: FakeEvent, options: { signature?: string; timestamp?: number; secret?: string } = {}) {
  const payload = JSON.stringify(event, null, 2);
  const signature = options.signature ?? (await signedHeader(payload, options));
  return callWith(bindings, "POST", "/v1/payments/stripe/webhook", { raw: payload, headers: { "stripe-signature": signature, "content-type": "application/json; charset=utf-8" } });
}
