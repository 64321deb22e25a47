/**
 * The risk features: what checkout knows at decision time, turned into numbers. Pure, and the ONE
 * place they are computed: the Worker (signals.ts, with RiskCounterObject summaries) and the
 * offline training and evaluation (eval/risk, with MemoryVelocity over a labelled file) call the
 * same `velocityEvents` and `deriveFeatures`, so a model is trained on exactly what it is served.
 * Change what a feature means => bump FEATURE_SPEC (a model file names the spec it was trained on
 * and the Worker refuses one that does not match).
 */
import { z } from "@hono/zod-openapi";
import { sha256Hex } from "../../shared/crypto";
import { isDisposableEmail } from "./disposable-domains";
import { DAY, HOUR, type VelocityEvent, type VelocitySummary } from "./velocity";

export const FEATURE_SPEC = "risk-features/2";

export const featureNames = [
  "accountUnder2m",
  "accountUnder1h",
  "accountUnder1d",
  "accountUnder7d",
  "deviceAccounts",
  "deviceVelocity",
  "guestCheckout",
  "valueJump",
  "highValueWithoutHistory",
  "ipVelocity",
  "ipDistinctEmails",
  "emailVelocity",
  "customerVelocity",
  "newShippingAddress",
  "addressChanges",
  "paymentChanges",
  "sharedShippingAddress",
  "disposableEmail",
  "billingShippingMismatch",
  "ipCountryMismatch",
  "anonymisingNetwork",
  "unusualQuantity",
  "smallAmountBurst",
] as const;
export type RiskFeatureName = (typeof featureNames)[number];
export type RiskFeatures = Record<RiskFeatureName, number>;

/** How each feature reads in a reason (shoppers see these names and texts, admins also the numbers). */
export const featureDescriptions: Record<RiskFeatureName, string> = {
  accountUnder2m: "Account created less than 2 minutes before checkout",
  accountUnder1h: "Account created less than an hour before checkout",
  accountUnder1d: "Account created less than a day before checkout",
  accountUnder7d: "Account created less than a week before checkout",
  deviceAccounts: "Device used by other accounts recently",
  deviceVelocity: "Several checkouts from this device in the last hour",
  guestCheckout: "Guest checkout",
  valueJump: "Order value far above this customer's usual",
  highValueWithoutHistory: "High-value order without purchase history",
  ipVelocity: "Many checkouts from this IP address in the last hour",
  ipDistinctEmails: "Many different emails from this IP address",
  emailVelocity: "Many checkouts for this email in the last hour",
  customerVelocity: "Many checkouts by this customer today",
  newShippingAddress: "Returning customer shipping to a new address",
  addressChanges: "Several shipping addresses recently",
  paymentChanges: "Several payment methods recently",
  sharedShippingAddress: "Shipping address used by several customers",
  disposableEmail: "Disposable email domain",
  billingShippingMismatch: "Billing and shipping countries differ",
  ipCountryMismatch: "Request country differs from shipping country",
  anonymisingNetwork: "Request from a hosting, VPN or Tor network",
  unusualQuantity: "Unusually large quantity",
  smallAmountBurst: "Small order in a burst of checkouts (card testing)",
};

/** Constants of the feature definitions (part of FEATURE_SPEC). Minor units. */
export const featureSettings = {
  highValueAmount: 30_000,
  cardTestingAmount: 1_000,
  usualQuantity: 3,
  /** ASNs of large hosting providers (datacenter traffic is rare for real shoppers). */
  hostingAsns: [16509, 14618, 15169, 396982, 8075, 14061, 24940, 16276, 63949, 20473, 45102, 132203, 9009, 60068, 212238] as readonly number[],
};

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
  /** The storefront's stable id of the shopper's device or browser, when it passes one. */
  deviceId: z.string().min(1).max(200).nullish(),
  /** `request.cf` (country, asn) when present. */
  cf: z.object({ country: z.string().nullish(), asn: z.number().nullish() }).passthrough().nullish(),
  shippingAddress: z.union([Address, z.null()]),
  billingAddress: z.union([Address, z.null()]),
  lines: z.array(z.object({ sku: z.string(), productId: z.string().nullish(), quantity: z.number().int().min(1), unitPrice: Money })).min(1),
  total: Money,
  /** The customer account's creation time, when checkout knows it (customers module). */
  accountCreatedAt: z.string().nullish(),
  /** A stable, non-secret fingerprint of the payment method (e.g. the PSP's card fingerprint). */
  paymentFingerprint: z.string().max(200).nullish(),
});
export type CheckoutRiskInput = z.input<typeof CheckoutRiskInput>;
export type CheckoutRiskFacts = z.output<typeof CheckoutRiskInput>;

/** The velocity entities of one checkout, each summarised by its counter (this checkout included). */
export interface Observations {
  ip: VelocitySummary | null;
  email: VelocitySummary;
  customer: VelocitySummary | null;
  address: VelocitySummary | null;
  device: VelocitySummary | null;
}
export type VelocityEntity = keyof Observations;

/** Same address, however it is typed: case, spacing and punctuation do not make a new address. */
export function normaliseAddress(a: RiskAddress): string {
  const norm = (s: string | null | undefined) => (s ?? "").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  return [a.line1, a.line2, a.city, a.postalCode, a.country].map(norm).join("|");
}

/**
 * The events to record per entity. Emails, addresses and device ids are hashed, never stored in
 * clear. `who` (the customer, or the email for guests) lets an IP or device count its accounts.
 */
export async function velocityEvents(input: CheckoutRiskFacts, at: number): Promise<Record<VelocityEntity, { key: string; event: VelocityEvent } | null>> {
  const emailHash = await sha256Hex(input.email.trim().toLowerCase());
  const addressHash = input.shippingAddress ? await sha256Hex(normaliseAddress(input.shippingAddress)) : null;
  const deviceHash = input.deviceId ? await sha256Hex(input.deviceId) : null;
  const who = input.customerId ?? `email:${emailHash}`;
  const base = { at, amount: input.total.amount };
  const tagged = (tags: Record<string, string | null | undefined>): VelocityEvent => ({
    ...base,
    tags: Object.fromEntries(Object.entries(tags).filter((e): e is [string, string] => typeof e[1] === "string")),
  });
  return {
    ip: input.ip ? { key: `ip:${input.ip}`, event: tagged({ email: emailHash, who }) } : null,
    email: { key: `email:${emailHash}`, event: tagged({ address: addressHash, payment: input.paymentFingerprint }) },
    customer: input.customerId ? { key: `customer:${input.customerId}`, event: tagged({ address: addressHash, payment: input.paymentFingerprint }) } : null,
    address: addressHash ? { key: `address:${addressHash}`, event: tagged({ who }) } : null,
    device: deviceHash ? { key: `device:${deviceHash}`, event: tagged({ who }) } : null,
  };
}

const over = (n: number | undefined, free: number) => Math.log2(1 + Math.max(0, (n ?? 0) - free));
const clip = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

export function noRiskFeatures(): RiskFeatures {
  return Object.fromEntries(featureNames.map((k) => [k, 0])) as RiskFeatures;
}

/** Pure: a checkout and its velocity observations at time `at` -> scaled features (1 = clearly present). */
export function deriveFeatures(input: CheckoutRiskFacts, obs: Observations, at: number): RiskFeatures {
  const s = featureSettings;
  const f = noRiskFeatures();
  const total = input.total.amount;
  // The customer's own history if signed in, else what this email has done before.
  const history = obs.customer ?? obs.email;
  const hasHistory = history.previous.events > 0;
  if (hasHistory && history.previous.meanAmount > 0) f.valueJump = clip(Math.log2(total / history.previous.meanAmount), 0, 4);
  if (!hasHistory && total >= s.highValueAmount) f.highValueWithoutHistory = 1;

  // Time since sign-up, as cumulative bands (a 30-second-old account is also under an hour old).
  if (!input.customerId) f.guestCheckout = 1;
  else if (input.accountCreatedAt) {
    const age = at - Date.parse(input.accountCreatedAt);
    if (age < 2 * 60_000) f.accountUnder2m = 1;
    if (age < HOUR) f.accountUnder1h = 1;
    if (age < DAY) f.accountUnder1d = 1;
    if (age < 7 * DAY) f.accountUnder7d = 1;
  }

  // Device reuse: other accounts on this device in 30 days; checkouts from it in the last hour beyond the first.
  f.deviceAccounts = over(obs.device?.distinct30d.who, 1);
  f.deviceVelocity = over(obs.device?.counts["1h"], 1);
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
  if (requestCountry === "T1" || (input.cf?.asn != null && s.hostingAsns.includes(input.cf.asn))) f.anonymisingNetwork = 1;

  f.unusualQuantity = clip(over(Math.max(...input.lines.map((l) => l.quantity)), s.usualQuantity), 0, 4);
  const burst = (obs.ip?.counts["1h"] ?? 0) >= 3 || (obs.email.counts["1h"] ?? 0) >= 3;
  if (total < s.cardTestingAmount && burst) f.smallAmountBurst = 1;
  return f;
}
