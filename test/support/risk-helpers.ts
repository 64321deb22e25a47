import { env, exports } from "cloudflare:workers";
import { sha256Hex } from "../../src/shared/crypto";
import { riskModel } from "../../src/modules/risk";
import type { RiskFeatures } from "../../src/modules/risk";
import { expect } from "vitest";
import { ADMIN_KEY, BASE, unique } from "./helpers";
import { address, createVariant } from "./fixtures";

/** Where a request comes from, as Cloudflare's edge tells the Worker: CF-Connecting-IP and request.cf. */
export interface Origin {
  ip?: string;
  country?: string;
  asn?: number;
}


/** Call the Worker as a request from `origin` would arrive (request.cf country/ASN, CF-Connecting-IP). */
export async function callFrom(origin: Origin, method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; admin?: boolean } = {}) {
  const headers = new Headers(options.headers);
  if (origin.ip) headers.set("cf-connecting-ip", origin.ip);
  if (options.admin) headers.set("authorization", `Bearer ${ADMIN_KEY}`);
  if (options.body !== undefined) headers.set("content-type", "application/json");
  const cf = { ...(origin.country && { country: origin.country }), ...(origin.asn !== undefined && { asn: origin.asn }) };
  const init = { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), cf } as RequestInit;
  const res = await exports.default.fetch(new Request(BASE + path, init));
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined, text };
}

/** A guest cart shaped like the shopper in `profile`; returns its id, token and variant. */
export async function shopperCart(profile: { email: string; billingCountry?: string; price?: number; stock?: number; quantity?: number }) {
  const variant = await createVariant(profile.price ?? 2500, profile.stock ?? 10);
  const shippingAddress = address("DE");
  const body = {
    email: profile.email,
    shippingAddress,
    ...(profile.billingCountry && { billingAddress: { ...shippingAddress, country: profile.billingCountry } }),
    lines: [{ variantId: variant.id, quantity: profile.quantity ?? 1 }],
  };
  const res = await callFrom({}, "POST", "/v1/carts", { body });
  expect(res.status, res.text).toBe(201);
  return { id: res.body.cart.id as string, token: res.body.cartToken as string, variant };
}

/**
 * Shoppers the REAL scorer (the bundled model file, src/modules/risk/model.json) decides about,
 * from what they send:
 * - honest: a guest -> approve.
 * - suspicious: guest + disposable email + billing country FR vs shipping DE + request from FR ->
 *   review.
 * - fraudulent: suspicious + hosting ASN 16509 + 350.00 EUR without history, from a device
 *   (`deviceId`) two other shoppers used minutes ago -> reject. Tests compute the exact scores
 *   from the model's weights (`expectedScore`).
 */
export const shoppers = {
  honest: () => ({ cart: { email: `${unique("honest")}@gmail.com` }, origin: { ip: randomIp(), country: "DE", asn: 3320 } }),
  suspicious: () => ({ cart: { email: `${unique("burner")}@mailinator.com`, billingCountry: "FR" }, origin: { ip: randomIp(), country: "FR", asn: 3215 } }),
  fraudulent: () => ({
    cart: { email: `${unique("burner")}@mailinator.com`, billingCountry: "FR", price: 35_000 },
    origin: { ip: randomIp(), country: "FR", asn: 16509 },
    deviceId: unique("device"),
  }),
};

export function randomIp(): string {
  const b = crypto.getRandomValues(new Uint8Array(3));
  return `10.${b[0]}.${b[1]}.${b[2]}`;
}

export function checkoutFrom(origin: Origin, cart: { id: string; token: string }, key: string = crypto.randomUUID(), body: Record<string, unknown> = {}) {
  return callFrom(origin, "POST", `/v1/carts/${cart.id}/checkout`, { body, headers: { "x-cart-token": cart.token, "idempotency-key": key } });
}

/** Earlier checkouts by `accounts` other shoppers from this device, a few minutes ago (as the counter object saw them). */
export async function deviceUsedBy(deviceId: string, accounts: number) {
  const key = `device:${await sha256Hex(deviceId)}`;
  const stub = env.RISK_COUNTER.get(env.RISK_COUNTER.idFromName(key));
  for (let i = 0; i < accounts; i++) await stub.record({ at: Date.now() - (10 - i) * 60_000, amount: 1000, tags: { who: `email:${unique("other")}` } });
}

export async function gqlFrom(origin: Origin, query: string, variables: Record<string, unknown> = {}, options: { headers?: Record<string, string>; admin?: boolean } = {}) {
  const res = await callFrom(origin, "POST", "/graphql", { body: { query, variables }, ...options });
  return res.body as { data?: any; errors?: { message: string; extensions: Record<string, any> }[] };
}

/** round(100 * sigmoid(intercept + sum of weight x value)) under the bundled model. */
export function expectedScore(features: Partial<RiskFeatures>): number {
  const m = riskModel();
  let z = m.intercept;
  for (const [name, value] of Object.entries(features)) z += m.weights[name as keyof RiskFeatures] * value!;
  return Math.round(100 / (1 + Math.exp(-z)));
}

export const suspiciousFeatures = { guestCheckout: 1, disposableEmail: 1, billingShippingMismatch: 1, ipCountryMismatch: 1 };
/** The fraudulent shopper after deviceUsedBy(deviceId, 2): three accounts on the device, three checkouts in the hour. */
export const fraudulentFeatures = { ...suspiciousFeatures, anonymisingNetwork: 1, highValueWithoutHistory: 1, deviceAccounts: Math.log2(3), deviceVelocity: Math.log2(3) };
