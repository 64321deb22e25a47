import { seededRandom } from "../shared/random";
import { CheckoutRiskInput, deriveFeatures, velocityEvents, type RiskAddress } from "../../src/modules/risk/features";
import { riskModel, type RiskModel } from "../../src/modules/risk/model";
import { assessRisk, type RiskAssessment } from "../../src/modules/risk/scorer";
import { atThreshold, rocAuc } from "./metrics";
import { DAY, HOUR, MemoryVelocity } from "../../src/modules/risk/velocity";

/**
 * A seeded, labelled stream of checkouts for `npm run eval:risk`: realistic legitimate behaviour
 * with its honest noise, mixed with the fraud patterns below. Synthetic: it shows that the scorer
 * reacts to the patterns it is built for and how often honest quirks trip it, not real-world rates.
 *
 * Legitimate customers: a home address and residential network in one of five countries, a
 * personal spend level, repeat orders over 30 days; some sign up during the month and order at
 * once; guests. Noise: gifts to other addresses (sometimes abroad), travel (request country
 * differs), VPNs on hosting networks, an occasional big purchase, privacy-minded disposable emails,
 * office IPs shared by colleagues, a few bulk buyers.
 *
 * Fraud patterns:
 * - card-testing: one IP (often a hosting ASN) fires 8-30 small guest checkouts in ~20 minutes,
 *   each with a fresh email (half disposable) and billing country.
 * - account-takeover: an existing customer's account suddenly orders 4-12x their usual value to a
 *   new address, from a foreign network, with a new payment method.
 * - disposable-new-account: a brand-new account on a throwaway email places a high-value order,
 *   often billed in another country.
 * - stolen-card-mismatch: guest checkout, billing country != shipping country != request country,
 *   half of them through hosting networks.
 * - reshipper: several fresh accounts within days ship many units of one item to the same
 *   forwarding address.
 */
export type Pattern = "legit" | "card-testing" | "account-takeover" | "disposable-new-account" | "stolen-card-mismatch" | "reshipper";

export interface LabelledCheckout {
  at: number;
  pattern: Pattern;
  fraud: boolean;
  input: CheckoutRiskInput;
}

const COUNTRIES = ["DE", "FR", "NL", "US", "GB"] as const;
const RESIDENTIAL_ASNS = [3320, 3215, 1136, 7922, 2856];
const HOSTING_ASNS = [16509, 14061, 24940, 16276, 63949];
const FREE_MAIL = ["gmail.com", "outlook.com", "yahoo.com", "web.de", "icloud.com", "proton.me"];
const DISPOSABLE = ["mailinator.com", "yopmail.com", "guerrillamail.com", "10minutemail.com", "temp-mail.org"];

export function simulateCheckouts(options: { seed?: number; customers?: number; start?: number } = {}): LabelledCheckout[] {
  const random = seededRandom(options.seed ?? 2025);
  const start = options.start ?? Date.UTC(2025, 0, 1);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const between = (lo: number, hi: number) => lo + random() * (hi - lo);
  const int = (lo: number, hi: number) => Math.floor(between(lo, hi + 1));
  const chance = (p: number) => random() < p;
  let serial = 0;
  const id = (p: string) => `${p}${(serial++).toString(36)}`;
  const address = (country: string): RiskAddress => ({ line1: `${int(1, 200)} ${id("Street ")}`, city: id("City "), postalCode: String(int(10000, 99999)), country });
  const ip = () => `${int(1, 223)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`;
  const money = (amount: number) => ({ amount: Math.max(50, Math.round(amount)), currency: "EUR" });
  const line = (amount: number, quantity = 1) => ({ sku: id("SKU-"), quantity, unitPrice: money(amount / quantity) });
  const out: LabelledCheckout[] = [];
  const push = (at: number, pattern: Pattern, input: CheckoutRiskInput) => out.push({ at, pattern, fraud: pattern !== "legit", input });

  // Legitimate customers.
  const customers = Array.from({ length: options.customers ?? 1200 }, () => {
    const country = pick(COUNTRIES);
    const joinsDuringMonth = chance(0.2);
    return {
      id: id("cus_"),
      email: `${id("shopper")}@${chance(0.01) ? pick(DISPOSABLE) : pick(FREE_MAIL)}`,
      country,
      home: address(country),
      ip: chance(0.1) ? `10.0.0.${int(1, 5)}` : ip(), // some share an office NAT
      asn: pick(RESIDENTIAL_ASNS),
      spend: Math.exp(between(Math.log(1500), Math.log(15000))),
      createdAt: joinsDuringMonth ? start + between(0, 28 * DAY) : start - between(7 * DAY, 700 * DAY),
      orders: int(1, 5),
      card: id("card_"),
      bulkBuyer: chance(0.02),
    };
  });
  for (const c of customers) {
    for (let k = 0; k < c.orders; k++) {
      const at = Math.max(c.createdAt + between(10 * 60_000, 2 * HOUR), start) + between(0, 29 * DAY);
      const gift = chance(0.05);
      const shipTo = gift ? address(chance(0.3) ? pick(COUNTRIES) : c.country) : c.home;
      const travelling = chance(0.03);
      const vpn = chance(0.03);
      const amount = c.spend * (chance(0.05) ? between(3, 6) : between(0.5, 1.6));
      push(at, "legit", {
        customerId: c.id,
        email: c.email,
        ip: c.ip,
        cf: { country: travelling ? pick(COUNTRIES) : c.country, asn: vpn ? pick(HOSTING_ASNS) : c.asn },
        shippingAddress: shipTo,
        billingAddress: c.home,
        lines: [line(amount, c.bulkBuyer ? int(5, 12) : int(1, 2))],
        total: money(amount),
        accountCreatedAt: new Date(c.createdAt).toISOString(),
        paymentFingerprint: chance(0.05) ? id("card_") : c.card,
      });
    }
  }
  // Guests.
  for (let g = 0; g < (options.customers ?? 1200) / 3; g++) {
    const country = pick(COUNTRIES);
    const home = address(country);
    const amount = Math.exp(between(Math.log(1000), Math.log(12000)));
    push(start + between(0, 30 * DAY), "legit", {
      customerId: null,
      email: `${id("guest")}@${chance(0.02) ? pick(DISPOSABLE) : pick(FREE_MAIL)}`,
      ip: ip(),
      cf: { country: chance(0.04) ? pick(COUNTRIES) : country, asn: chance(0.04) ? pick(HOSTING_ASNS) : pick(RESIDENTIAL_ASNS) },
      shippingAddress: home,
      billingAddress: chance(0.04) ? address(pick(COUNTRIES)) : home,
      lines: [line(amount, int(1, 3))],
      total: money(amount),
      accountCreatedAt: null,
      paymentFingerprint: id("card_"),
    });
  }

  const attacks = Math.max(1, Math.round((options.customers ?? 1200) / 100));
  // Card testing bursts.
  for (let a = 0; a < attacks; a++) {
    const t0 = start + between(0, 29 * DAY);
    const attackerIp = ip();
    const asn = chance(0.6) ? pick(HOSTING_ASNS) : pick(RESIDENTIAL_ASNS);
    const shipCountry = pick(COUNTRIES);
    for (let k = 0, n = int(8, 30); k < n; k++) {
      const amount = between(100, 900);
      push(t0 + between(0, 20 * 60_000), "card-testing", {
        customerId: null,
        email: `${id("x")}@${chance(0.5) ? pick(DISPOSABLE) : pick(FREE_MAIL)}`,
        ip: attackerIp,
        cf: { country: chance(0.5) ? shipCountry : pick(COUNTRIES), asn },
        shippingAddress: address(shipCountry),
        billingAddress: address(pick(COUNTRIES)),
        lines: [line(amount)],
        total: money(amount),
        accountCreatedAt: null,
        paymentFingerprint: id("card_"),
      });
    }
  }
  // Account takeover: victims are established customers; the takeover comes after their own orders.
  const established = customers.filter((c) => c.createdAt < start && c.orders >= 2);
  for (let a = 0; a < attacks * 2 && established.length > 0; a++) {
    const victim = pick(established);
    const foreign = pick(COUNTRIES.filter((x) => x !== victim.country));
    const newAddress = address(chance(0.5) ? victim.country : foreign);
    const at = start + between(29 * DAY, 30 * DAY);
    for (let k = 0, n = int(1, 2); k < n; k++) {
      const amount = victim.spend * between(4, 12);
      push(at + k * between(5, 60) * 60_000, "account-takeover", {
        customerId: victim.id,
        email: victim.email,
        ip: ip(),
        cf: { country: foreign, asn: chance(0.5) ? pick(HOSTING_ASNS) : pick(RESIDENTIAL_ASNS) },
        shippingAddress: newAddress,
        billingAddress: victim.home,
        lines: [line(amount, int(1, 2))],
        total: money(amount),
        accountCreatedAt: new Date(victim.createdAt).toISOString(),
        paymentFingerprint: id("card_"),
      });
    }
  }
  // Disposable email, brand-new account, high value.
  for (let a = 0; a < attacks * 2; a++) {
    const at = start + between(0, 30 * DAY);
    const country = pick(COUNTRIES);
    const amount = between(15_000, 90_000);
    push(at, "disposable-new-account", {
      customerId: id("cus_"),
      email: `${id("new")}@${pick(DISPOSABLE)}`,
      ip: ip(),
      cf: { country: chance(0.7) ? country : pick(COUNTRIES), asn: chance(0.3) ? pick(HOSTING_ASNS) : pick(RESIDENTIAL_ASNS) },
      shippingAddress: address(country),
      billingAddress: address(chance(0.5) ? pick(COUNTRIES) : country),
      lines: [line(amount, int(1, 4))],
      total: money(amount),
      accountCreatedAt: new Date(at - between(60_000, 6 * HOUR)).toISOString(),
      paymentFingerprint: id("card_"),
    });
  }
  // Stolen card, countries that do not line up.
  for (let a = 0; a < attacks * 3; a++) {
    const ship = pick(COUNTRIES);
    const bill = pick(COUNTRIES.filter((x) => x !== ship));
    const amount = between(5_000, 60_000);
    push(start + between(0, 30 * DAY), "stolen-card-mismatch", {
      customerId: null,
      email: `${id("buyer")}@${pick(FREE_MAIL)}`,
      ip: ip(),
      cf: { country: chance(0.7) ? pick(COUNTRIES.filter((x) => x !== ship)) : ship, asn: chance(0.5) ? pick(HOSTING_ASNS) : pick(RESIDENTIAL_ASNS) },
      shippingAddress: address(ship),
      billingAddress: address(bill),
      lines: [line(amount, int(1, 3))],
      total: money(amount),
      accountCreatedAt: null,
      paymentFingerprint: id("card_"),
    });
  }
  // Reshippers: fresh accounts funnelling units of one item to one forwarding address.
  for (let a = 0; a < attacks; a++) {
    const forwarder = address(pick(COUNTRIES));
    const t0 = start + between(0, 25 * DAY);
    for (let k = 0, n = int(4, 9); k < n; k++) {
      const at = t0 + between(0, 4 * DAY);
      const quantity = int(4, 10);
      const amount = quantity * between(2_000, 8_000);
      push(at, "reshipper", {
        customerId: id("cus_"),
        email: `${id("rs")}@${pick(FREE_MAIL)}`,
        ip: ip(),
        cf: { country: pick(COUNTRIES), asn: chance(0.4) ? pick(HOSTING_ASNS) : pick(RESIDENTIAL_ASNS) },
        shippingAddress: forwarder,
        billingAddress: address(pick(COUNTRIES)),
        lines: [line(amount, quantity)],
        total: money(amount),
        accountCreatedAt: new Date(at - between(HOUR, 3 * DAY)).toISOString(),
        paymentFingerprint: id("card_"),
      });
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

export interface ThresholdMetrics {
  threshold: number;
  flagged: number;
  precision: number;
  recall: number;
  falsePositiveRate: number;
}

export interface RiskEvaluation {
  modelVersion: string;
  checkouts: number;
  fraud: number;
  rocAuc: number;
  review: ThresholdMetrics;
  reject: ThresholdMetrics;
  recallByPattern: Record<string, { count: number; flaggedForReview: number; rejected: number }>;
}

/** Replay the stream in time order through the real signal derivation and scorer. */
export async function evaluateRisk(stream: readonly LabelledCheckout[], model: RiskModel = riskModel()): Promise<RiskEvaluation> {
  const velocity = new MemoryVelocity();
  const scored: (RiskAssessment & { fraud: boolean; pattern: Pattern })[] = [];
  for (const checkout of stream) {
    const input = CheckoutRiskInput.parse(checkout.input);
    const events = await velocityEvents(input, checkout.at);
    const record = (e: { key: string; event: Parameters<MemoryVelocity["record"]>[1] } | null) => (e ? velocity.record(e.key, e.event) : null);
    const observations = { ip: record(events.ip), email: record(events.email)!, customer: record(events.customer), address: record(events.address), device: record(events.device) };
    const assessment = assessRisk(deriveFeatures(input, observations, checkout.at), model);
    scored.push({ ...assessment, fraud: checkout.fraud, pattern: checkout.pattern });
  }
  const recallByPattern: RiskEvaluation["recallByPattern"] = {};
  for (const s of scored) {
    const entry = (recallByPattern[s.pattern] ??= { count: 0, flaggedForReview: 0, rejected: 0 });
    entry.count += 1;
    if (s.decision !== "approve") entry.flaggedForReview += 1;
    if (s.decision === "reject") entry.rejected += 1;
  }
  return {
    modelVersion: model.version,
    checkouts: scored.length,
    fraud: scored.filter((s) => s.fraud).length,
    rocAuc: rocAuc(scored.map((s) => ({ p: s.probability, fraud: s.fraud }))),
    review: atThreshold(scored.map((s) => ({ p: s.probability, fraud: s.fraud })), model.thresholds.review),
    reject: atThreshold(scored.map((s) => ({ p: s.probability, fraud: s.fraud })), model.thresholds.reject),
    recallByPattern,
  };
}
