import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createServiceContext } from "../../src/context";
import { CheckoutRiskInput, FEATURE_SPEC, deriveFeatures, featureNames, velocityEvents } from "../../src/modules/risk/features";
import { RiskModelFile, parseRiskModel, riskModel } from "../../src/modules/risk/model";
import bundled from "../../src/modules/risk/model.json";
import { assessRisk, noRiskFeatures } from "../../src/modules/risk/scorer";
import { riskRejected, scoreCheckout } from "../../src/modules/risk/service";
import { MemoryVelocity, summarize } from "../../src/modules/risk/velocity";
import { rocAuc } from "../../eval/risk/metrics";
import { evaluateRisk, simulateCheckouts } from "../../eval/risk/simulation";
import { errorCodes, problemType } from "../../src/shared/errors";
import { unique } from "../support/helpers";

const home = { line1: "1 Main Street", city: "Berlin", postalCode: "10115", country: "DE" };
const checkout = (over: Partial<CheckoutRiskInput> = {}): CheckoutRiskInput => ({
  customerId: null,
  email: `${unique("shopper")}@gmail.com`,
  ip: `198.51.100.${Math.floor(Math.random() * 250)}`,
  cf: { country: "DE", asn: 3320 },
  shippingAddress: { ...home, line1: unique("street") },
  billingAddress: home,
  lines: [{ sku: "TEE-M", quantity: 1, unitPrice: { amount: 2500, currency: "EUR" } }],
  total: { amount: 2500, currency: "EUR" },
  ...over,
});
const ctx = () => createServiceContext({ env, actor: { kind: "anonymous" }, requestId: "test" });

describe("assessRisk with the bundled model file (pure, transparent)", () => {
  const model = riskModel();
  const p = (z: number) => 1 / (1 + Math.exp(-z));

  it("approves a quiet checkout and explains nothing it did not use", () => {
    const a = assessRisk(noRiskFeatures());
    expect(a).toMatchObject({ decision: "approve", level: "low", reasons: [], modelVersion: model.version });
    expect(a.probability).toBeCloseTo(p(model.intercept), 12);
    expect(a.score).toBe(Math.round(100 * p(model.intercept)));
  });

  it("adds weight x value per signal, lists the largest contributions first and applies the model's thresholds", () => {
    const f = { ...noRiskFeatures(), disposableEmail: 1, billingShippingMismatch: 1, ipDistinctEmails: 2 };
    const a = assessRisk(f);
    const z = model.intercept + model.weights.disposableEmail + model.weights.billingShippingMismatch + 2 * model.weights.ipDistinctEmails;
    expect(a.probability).toBeCloseTo(p(z), 12);
    expect(a.reasons.map((r) => r.feature)).toEqual(["ipDistinctEmails", "disposableEmail", "billingShippingMismatch"]);
    expect(a.reasons[0]).toMatchObject({ value: 2, description: "Many different emails from this IP address" });
    expect(a.reasons[0]!.contribution).toBeCloseTo(2 * model.weights.ipDistinctEmails, 3);
    expect(a.decision).toBe(a.probability >= model.thresholds.reject ? "reject" : a.probability >= model.thresholds.review ? "review" : "approve");
    // Moving the thresholds moves the decision, nothing else.
    const strict = assessRisk(f, { ...model, version: "strict", thresholds: { review: 0.001, reject: 0.002 } });
    expect(strict).toMatchObject({ decision: "reject", level: "high", score: a.score, modelVersion: "strict" });
    expect(assessRisk(f, { ...model, thresholds: { review: 0.999, reject: 0.9999 } }).decision).toBe("approve");
  });

  it("rejects a checkout seconds after sign-up from a device other accounts used: what the labelled data taught", () => {
    const a = assessRisk({ ...noRiskFeatures(), accountUnder2m: 1, accountUnder1h: 1, accountUnder1d: 1, accountUnder7d: 1, deviceAccounts: 1 });
    expect(model.sources.accountUnder2m).toBe("learned");
    expect(a.decision).toBe("reject");
    expect(a.reasons[0]).toMatchObject({ feature: "accountUnder2m", description: "Account created less than 2 minutes before checkout" });
    // A week-old account on its own device is the base rate.
    expect(assessRisk({ ...noRiskFeatures(), accountUnder7d: 1 }).decision).toBe("approve");
  });

  it("never rejects on one signal alone: an account seconds old, with nothing else, goes to review", () => {
    const fresh = { ...noRiskFeatures(), accountUnder2m: 1, accountUnder1h: 1, accountUnder1d: 1, accountUnder7d: 1 };
    const a = assessRisk(fresh);
    // The learned weight alone is past the reject threshold...
    expect(a.probability).toBeGreaterThanOrEqual(model.thresholds.reject);
    // ...but the age bands are one signal, so a shopper who signs up during checkout is reviewed, not refused.
    expect(a).toMatchObject({ decision: "review", level: "medium" });
    // A second, independent signal makes it a reject.
    expect(assessRisk({ ...fresh, disposableEmail: 1 }).decision).toBe("reject");
  });

  it("keeps at most five reasons", () => {
    const all = Object.fromEntries(Object.keys(model.weights).map((k) => [k, 1])) as ReturnType<typeof noRiskFeatures>;
    const a = assessRisk(all);
    expect(a.reasons).toHaveLength(5);
    expect(a).toMatchObject({ decision: "reject", level: "high" });
  });
});

describe("the risk model file", () => {
  const good = () => structuredClone(bundled) as Record<string, unknown> & { weights: Record<string, unknown>; thresholds: Record<string, number> };

  it("ships a model trained on labelled data, with its provenance, thresholds and learned and prior weights", () => {
    const file = RiskModelFile.parse(bundled);
    expect(file.featureSpec).toBe(FEATURE_SPEC);
    expect(Object.keys(file.weights).sort()).toEqual([...featureNames].sort());
    expect(Object.values(file.weights).filter((w) => w.source === "learned").length).toBeGreaterThan(0);
    expect(file.thresholds.review).toBeLessThanOrEqual(file.thresholds.reject);
    expect(file.training).toMatchObject({ data: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }, split: expect.any(String) });
  });

  it("refuses a file trained on another feature spec, with a missing or unknown weight, or with reject below review", () => {
    expect(() => parseRiskModel({ ...good(), featureSpec: "risk-features/1" })).toThrow(/featureSpec/);
    const missing = good();
    delete missing.weights.deviceAccounts;
    expect(() => parseRiskModel(missing)).toThrow(/deviceAccounts/);
    const unknown = good();
    unknown.weights.shoeSize = { weight: 1, source: "prior" };
    expect(() => parseRiskModel(unknown)).toThrow(/shoeSize/);
    expect(() => parseRiskModel({ ...good(), thresholds: { review: 0.9, reject: 0.3 } })).toThrow(/reject/);
    expect(() => parseRiskModel({ ...good(), format: "something-else" })).toThrow();
  });

  it("loads any file that fits: the scorer uses its weights and thresholds", () => {
    const custom = good();
    custom.version = "custom-1";
    custom.intercept = -1;
    custom.weights.guestCheckout = { weight: 3, source: "prior" };
    const m = parseRiskModel(custom);
    const a = assessRisk({ ...noRiskFeatures(), guestCheckout: 1 }, m);
    expect(a).toMatchObject({ modelVersion: "custom-1", reasons: [{ feature: "guestCheckout", contribution: 3 }] });
    expect(a.probability).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
  });
});

describe("risk features (the code shared by the Worker and training)", () => {
  const at = Date.parse("2026-01-01T12:00:00.000Z");
  const facts = (over: Partial<CheckoutRiskInput> = {}) => CheckoutRiskInput.parse(checkout(over));
  const none = { ip: null, email: summarize([], { at, amount: 2500, tags: {} }), customer: null, address: null, device: null };

  it("bands the account's age: cumulative, from the customer record; guests are guests", () => {
    const age = (ms: number) => deriveFeatures(facts({ customerId: "cus_1", accountCreatedAt: new Date(at - ms).toISOString() }), none, at);
    expect(age(30_000)).toMatchObject({ accountUnder2m: 1, accountUnder1h: 1, accountUnder1d: 1, accountUnder7d: 1, guestCheckout: 0 });
    expect(age(10 * 60_000)).toMatchObject({ accountUnder2m: 0, accountUnder1h: 1, accountUnder1d: 1, accountUnder7d: 1 });
    expect(age(3 * 86_400_000)).toMatchObject({ accountUnder2m: 0, accountUnder1h: 0, accountUnder1d: 0, accountUnder7d: 1 });
    expect(age(30 * 86_400_000)).toMatchObject({ accountUnder7d: 0 });
    expect(deriveFeatures(facts(), none, at)).toMatchObject({ guestCheckout: 1, accountUnder2m: 0 });
  });

  it("counts other accounts and recent checkouts per device, from earlier checkouts only", async () => {
    const velocity = new MemoryVelocity();
    const seen = async (customerId: string, t: number) => {
      const input = facts({ customerId, deviceId: "device-A", accountCreatedAt: "2025-01-01T00:00:00.000Z" });
      const ev = await velocityEvents(input, t);
      expect(ev.device!.key).toMatch(/^device:[0-9a-f]{64}$/); // hashed, never in clear
      const device = velocity.record(ev.device!.key, ev.device!.event);
      return deriveFeatures(input, { ...none, device }, t);
    };
    expect(await seen("cus_a", at)).toMatchObject({ deviceAccounts: 0, deviceVelocity: 0 });
    expect(await seen("cus_a", at + 60_000)).toMatchObject({ deviceAccounts: 0, deviceVelocity: 1 });
    const third = await seen("cus_b", at + 120_000);
    expect(third.deviceAccounts).toBe(1); // log2(2 accounts)
    expect(third.deviceVelocity).toBeCloseTo(Math.log2(3), 12);
    expect((await seen("cus_c", at + 2 * 3_600_000)).deviceVelocity).toBe(0); // an hour later
  });
});

describe("scoreCheckout (signals from Durable Object counters)", () => {
  it("approves an ordinary guest checkout", async () => {
    const a = await scoreCheckout(ctx(), checkout());
    expect(a.decision).toBe("approve");
    expect(a.reasons.map((r) => r.feature)).toEqual(["guestCheckout"]);
  });

  it("rejects a card-testing burst: one IP, many emails, small amounts", async () => {
    const ip = `203.0.113.${Math.floor(Math.random() * 250)}`;
    const decisions = [];
    for (let i = 0; i < 8; i++) {
      const a = await scoreCheckout(ctx(), checkout({ ip, email: `${unique("t")}@mailinator.com`, cf: { country: "DE", asn: 14061 }, total: { amount: 300, currency: "EUR" }, lines: [{ sku: "X", quantity: 1, unitPrice: { amount: 300, currency: "EUR" } }] }));
      decisions.push(a.decision);
      if (i === 7) expect(a.reasons.map((r) => r.feature)).toContain("ipDistinctEmails");
    }
    expect(decisions[0]).not.toBe("reject");
    expect(decisions.at(-1)).toBe("reject");
  });

  it("holds an account takeover for review: history, then a new address, foreign network and a 10x order", async () => {
    const customerId = `cus_${unique("ato")}`;
    const base = { customerId, email: `${unique("loyal")}@gmail.com`, ip: "198.51.100.7", shippingAddress: home, accountCreatedAt: "2023-01-01T00:00:00.000Z", paymentFingerprint: "card_1" };
    for (let i = 0; i < 3; i++) expect((await scoreCheckout(ctx(), checkout({ ...base }))).decision).toBe("approve");
    const a = await scoreCheckout(
      ctx(),
      checkout({
        ...base,
        ip: "192.0.2.55",
        cf: { country: "NL", asn: 16276 },
        shippingAddress: { line1: "9 Elsewhere", city: "Rotterdam", postalCode: "3011", country: "NL" },
        paymentFingerprint: "card_2",
        total: { amount: 25_000, currency: "EUR" },
        lines: [{ sku: "LAPTOP", quantity: 1, unitPrice: { amount: 25_000, currency: "EUR" } }],
      }),
    );
    expect(a.decision).not.toBe("approve");
    const features = a.reasons.map((r) => r.feature);
    expect(features).toContain("valueJump");
    expect(features).toContain("newShippingAddress");
  });

  it("loses no count when many checkouts from one IP are scored at once", async () => {
    // A fresh IPv6 documentation address, so no earlier checkout in this file shares the counter.
    const ip = `2001:db8::${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}`;
    await Promise.all(Array.from({ length: 20 }, () => scoreCheckout(ctx(), checkout({ ip }))));
    const stub = env.RISK_COUNTER.get(env.RISK_COUNTER.idFromName(`ip:${ip}`));
    const next = await stub.record({ at: Date.now(), amount: 1, tags: { email: "probe" } });
    expect(next.counts["1h"]).toBe(21);
    expect(next.distinct24h.email).toBe(21);
  });

  it("validates its input", async () => {
    await expect(scoreCheckout(ctx(), checkout({ lines: [] }))).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it("renders a reject as the RISK_REJECTED problem with the signals but not their weights", () => {
    const error = riskRejected(assessRisk({ ...noRiskFeatures(), disposableEmail: 3 }));
    expect(error.code).toBe("RISK_REJECTED");
    expect(errorCodes.RISK_REJECTED.status).toBe(422);
    expect(problemType("RISK_REJECTED")).toBe("https://edgeshop.dev/problems/risk-rejected");
    expect(Object.keys(error.extra ?? {})).toEqual(["riskScore", "riskModelVersion", "riskReasons"]);
    expect(error.extra!.riskReasons).toEqual([{ feature: "disposableEmail", description: "Disposable email domain" }]);
  });
});

describe("RiskCounterObject", () => {
  it("counts concurrent checkouts exactly: each sees a distinct count, none is lost", async () => {
    const stub = env.RISK_COUNTER.get(env.RISK_COUNTER.idFromName(`ip:${unique("c")}`));
    const at = Date.now();
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => stub.record({ at, amount: 100, tags: { email: `e${i % 7}` } })));
    expect(results.map((r) => r.counts["1h"]).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const last = await stub.record({ at: at + 1, amount: 100, tags: { email: "e0" } });
    expect(last.counts["1h"]).toBe(41);
    expect(last.distinct24h.email).toBe(7);
    expect(last.seenBefore.email).toBe(true);
    expect(last.previous.events).toBe(40);
  });

  it("forgets by window: an hour later the hourly count starts again", async () => {
    const stub = env.RISK_COUNTER.get(env.RISK_COUNTER.idFromName(`email:${unique("w")}`));
    const t0 = Date.now();
    await stub.record({ at: t0, amount: 1000, tags: {} });
    await stub.record({ at: t0 + 1000, amount: 3000, tags: {} });
    const later = await stub.record({ at: t0 + 2 * 3_600_000, amount: 500, tags: {} });
    expect(later.counts).toEqual({ "1h": 1, "24h": 3 });
    expect(later.previous).toEqual({ events: 2, meanAmount: 2000, firstSeenAt: t0 });
  });
});

describe("offline risk evaluation (CI-sized)", () => {
  it("computes ROC AUC correctly on known cases", () => {
    expect(rocAuc([{ p: 0.9, fraud: true }, { p: 0.1, fraud: false }])).toBe(1);
    expect(rocAuc([{ p: 0.1, fraud: true }, { p: 0.9, fraud: false }])).toBe(0);
    expect(rocAuc([{ p: 0.5, fraud: true }, { p: 0.5, fraud: false }])).toBe(0.5);
  });

  it("separates the simulated fraud patterns from legitimate checkouts", async () => {
    const r = await evaluateRisk(simulateCheckouts({ seed: 99, customers: 300 }));
    expect(r.fraud).toBeGreaterThan(20);
    expect(r.checkouts - r.fraud).toBeGreaterThan(500);
    expect(r.rocAuc).toBeGreaterThan(0.9);
    expect(r.review.recall).toBeGreaterThan(0.6);
    expect(r.review.precision).toBeGreaterThan(0.5);
    expect(r.reject.precision).toBeGreaterThan(r.review.precision);
    expect(r.review.falsePositiveRate).toBeLessThan(0.05);
  });
});
