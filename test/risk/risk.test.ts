import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createServiceContext } from "../../src/context";
import { riskConfig } from "../../src/modules/risk/config";
import { assessRisk, noRiskFeatures } from "../../src/modules/risk/scorer";
import { riskRejected, scoreCheckout } from "../../src/modules/risk/service";
import type { CheckoutRiskInput } from "../../src/modules/risk/signals";
import { evaluateRisk, rocAuc, simulateCheckouts } from "../../eval/risk/simulation";
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

describe("assessRisk (pure, transparent)", () => {
  it("approves a quiet checkout and explains nothing it did not use", () => {
    const a = assessRisk(noRiskFeatures());
    expect(a).toMatchObject({ decision: "approve", level: "low", reasons: [], modelVersion: riskConfig.version });
    expect(a.score).toBe(Math.round(100 / (1 + Math.exp(-riskConfig.intercept))));
  });

  it("adds weight x value per signal, lists the largest contributions first and applies the configured thresholds", () => {
    const f = { ...noRiskFeatures(), disposableEmail: 1, billingShippingMismatch: 1, ipDistinctEmails: 2 };
    const a = assessRisk(f);
    const z = riskConfig.intercept + riskConfig.weights.disposableEmail + riskConfig.weights.billingShippingMismatch + 2 * riskConfig.weights.ipDistinctEmails;
    expect(a.score).toBe(Math.round(100 / (1 + Math.exp(-z))));
    expect(a.reasons.map((r) => r.feature)).toEqual(["ipDistinctEmails", "disposableEmail", "billingShippingMismatch"]);
    expect(a.reasons[0]).toMatchObject({ value: 2, contribution: 2 * riskConfig.weights.ipDistinctEmails, description: "Many different emails from this IP address" });
    expect(a.decision).toBe(a.score >= riskConfig.thresholds.reject ? "reject" : a.score >= riskConfig.thresholds.review ? "review" : "approve");
    // Moving the thresholds in configuration moves the decision, nothing else.
    const strict = assessRisk(f, { ...riskConfig, version: "strict", thresholds: { review: 1, reject: 2 } });
    expect(strict).toMatchObject({ decision: "reject", score: a.score, modelVersion: "strict" });
    const lenient = assessRisk(f, { ...riskConfig, thresholds: { review: 99, reject: 100 } });
    expect(lenient.decision).toBe("approve");
  });

  it("keeps at most five reasons", () => {
    const all = Object.fromEntries(Object.keys(riskConfig.weights).map((k) => [k, 1])) as ReturnType<typeof noRiskFeatures>;
    const a = assessRisk(all);
    expect(a.reasons).toHaveLength(5);
    expect(a).toMatchObject({ decision: "reject", level: "high" });
  });
});

describe("scoreCheckout (signals from Durable Object counters)", () => {
  it("approves an ordinary guest checkout", async () => {
    const a = await scoreCheckout(ctx(), checkout());
    expect(a.decision).toBe("approve");
    expect(a.reasons.map((r) => r.feature)).toEqual(["newAccount"]);
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
    expect(rocAuc([{ probability: 0.9, fraud: true }, { probability: 0.1, fraud: false }])).toBe(1);
    expect(rocAuc([{ probability: 0.1, fraud: true }, { probability: 0.9, fraud: false }])).toBe(0);
    expect(rocAuc([{ probability: 0.5, fraud: true }, { probability: 0.5, fraud: false }])).toBe(0.5);
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
