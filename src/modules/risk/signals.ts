import { z } from "@hono/zod-openapi";
import type { Env } from "../../env";
import { sha256Hex } from "../../shared/crypto";
import { riskConfig, type RiskConfig } from "./config";
import { isDisposableEmail } from "./disposable-domains";
import { noRiskFeatures, type RiskFeatures } from "./scorer";
import { DAY, type VelocityEvent, type VelocitySummary } from "./velocity";

const Money = z.object({ amount: z.number().int().min(0), currency: z.string().length(3) });
const Address = z.object({
  line1: z.string().max(200),
  line2: z.string().max(200).nullish(),
  city: z.string().max(100),
  postalCode: z.string().max(20).nullish(),
  region: z.string().max(100).nullish(),
  country: z.string().length(2),
});
export type RiskAddress = z.infer<typeof Address>;

/** What checkout knows when it asks for a decision (before anything is written). */
export const CheckoutRiskInput = z.object({
  customerId: z.string().nullable(),
  email: z.string().min(3).max(320),
  ip: z.string().max(64).nullable(),
  /** `request.cf` (country, asn) when present. */
  cf: z.object({ country: z.string().nullish(), asn: z.number().nullish() }).passthrough().nullish(),
  shippingAddress: Address.nullable(),
  billingAddress: Address.nullable(),
  lines: z.array(z.object({ sku: z.string(), productId: z.string().nullish(), quantity: z.number().int().min(1), unitPrice: Money })).min(1),
  total: Money,
  /** The customer account's creation time, when checkout knows it (customers module). */
  accountCreatedAt: z.string().nullish(),
  /** A stable, non-secret fingerprint of the payment method (e.g. the PSP's card fingerprint). */
  paymentFingerprint: z.string().max(200).nullish(),
});
export type CheckoutRiskInput = z.input<typeof CheckoutRiskInput>;

/** The velocity entities of one checkout: what is counted, and under which key. */
export interface Observations {
  ip: VelocitySummary | null;
  email: VelocitySummary;
  customer: VelocitySummary | null;
  address: VelocitySummary | null;
}

/** Same address, however it is typed: case, spacing and punctuation do not make a new address. */
export function normaliseAddress(a: RiskAddress): string {
  const norm = (s: string | null | undefined) => (s ?? "").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  return [a.line1, a.line2, a.city, a.postalCode, a.country].map(norm).join("|");
}

/** The events to record per entity; emails and addresses are hashed, never stored in clear. */
export async function velocityEvents(input: z.output<typeof CheckoutRiskInput>, at: number) {
  const emailHash = await sha256Hex(input.email.trim().toLowerCase());
  const addressHash = input.shippingAddress ? await sha256Hex(normaliseAddress(input.shippingAddress)) : null;
  const who = input.customerId ?? `email:${emailHash}`;
  const base = { at, amount: input.total.amount };
  const tagged = (tags: Record<string, string | null | undefined>): VelocityEvent => ({
    ...base,
    tags: Object.fromEntries(Object.entries(tags).filter((e): e is [string, string] => typeof e[1] === "string")),
  });
  return {
    ip: input.ip ? { key: `ip:${input.ip}`, event: tagged({ email: emailHash }) } : null,
    email: { key: `email:${emailHash}`, event: tagged({ address: addressHash, payment: input.paymentFingerprint }) },
    customer: input.customerId ? { key: `customer:${input.customerId}`, event: tagged({ address: addressHash, payment: input.paymentFingerprint }) } : null,
    address: addressHash ? { key: `address:${addressHash}`, event: tagged({ who }) } : null,
  };
}

const over = (n: number | undefined, free: number) => Math.log2(1 + Math.max(0, (n ?? 0) - free));
const clip = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** Pure: turn a checkout and its velocity observations into scaled features (see config.ts). */
export function deriveFeatures(input: z.output<typeof CheckoutRiskInput>, obs: Observations, at: number, config: RiskConfig = riskConfig): RiskFeatures {
  const f = noRiskFeatures();
  const total = input.total.amount;
  // The customer's own history if signed in, else what this email has done before.
  const history = obs.customer ?? obs.email;
  const hasHistory = history.previous.events > 0;

  if (hasHistory && history.previous.meanAmount > 0) f.valueJump = clip(Math.log2(total / history.previous.meanAmount), 0, 4);
  if (!hasHistory && total >= config.highValueAmount) f.highValueWithoutHistory = 1;

  if (!input.customerId) f.newAccount = 1;
  else if (input.accountCreatedAt) {
    const age = at - Date.parse(input.accountCreatedAt);
    f.newAccount = age < DAY ? 1 : age < 7 * DAY ? 0.5 : 0;
  } else if (!hasHistory) f.newAccount = 0.5;

  f.ipVelocity = over(obs.ip?.counts["1h"], 2);
  f.ipDistinctEmails = over(obs.ip?.distinct24h.email, 1);
  f.emailVelocity = over(obs.email.counts["1h"], 2);
  f.customerVelocity = over(obs.customer?.counts["24h"], 3);

  if (obs.customer && obs.customer.previous.events > 0 && input.shippingAddress && obs.customer.seenBefore.address === false) f.newShippingAddress = 1;
  f.addressChanges = over(history.distinct30d.address, 2);
  if (input.paymentFingerprint) f.paymentChanges = over(history.distinct30d.payment, 1);
  f.sharedShippingAddress = over(obs.address?.distinct30d.who, 2);

  if (isDisposableEmail(input.email)) f.disposableEmail = 1;
  if (input.billingAddress && input.shippingAddress && input.billingAddress.country.toUpperCase() !== input.shippingAddress.country.toUpperCase()) {
    f.billingShippingMismatch = 1;
  }
  const requestCountry = input.cf?.country?.toUpperCase();
  if (requestCountry && requestCountry !== "XX" && requestCountry !== "T1" && input.shippingAddress && requestCountry !== input.shippingAddress.country.toUpperCase()) {
    f.ipCountryMismatch = 1;
  }
  if (requestCountry === "T1" || (input.cf?.asn != null && config.hostingAsns.includes(input.cf?.asn))) f.anonymisingNetwork = 1;

  f.unusualQuantity = clip(over(Math.max(...input.lines.map((l) => l.quantity)), config.usualQuantity), 0, 4);
  const burst = (obs.ip?.counts["1h"] ?? 0) >= 3 || (obs.email.counts["1h"] ?? 0) >= 3;
  if (total < config.cardTestingAmount && burst) f.smallAmountBurst = 1;
  return f;
}

/** Record this checkout with every velocity counter (Durable Objects, in parallel) and derive its features. */
export async function collectRiskSignals(env: Pick<Env, "RISK_COUNTER">, rawInput: CheckoutRiskInput, at = Date.now()): Promise<{ features: RiskFeatures; observations: Observations }> {
  const input = CheckoutRiskInput.parse(rawInput);
  const events = await velocityEvents(input, at);
  const record = (e: { key: string; event: VelocityEvent } | null) =>
    e ? env.RISK_COUNTER.get(env.RISK_COUNTER.idFromName(e.key)).record(e.event) : Promise.resolve(null);
  const [ip, email, customer, address] = await Promise.all([record(events.ip), record(events.email), record(events.customer), record(events.address)]);
  const observations: Observations = { ip, email: email!, customer, address };
  return { features: deriveFeatures(input, observations, at), observations };
}
