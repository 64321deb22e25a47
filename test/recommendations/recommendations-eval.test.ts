import { describe, expect, it } from "vitest";
import { configGrid, evaluateRecommender, parseBaskets } from "../../eval/recommendations/evaluation";
import { recommendationModel } from "../../src/modules/recommendations/model/config";
import { syntheticBaskets } from "../support/fixtures";

// The offline evaluator, run inside workerd on a CI-sized sample so that it cannot silently break.
describe("offline recommendation evaluation", () => {
  it("parses comma- and space-separated basket files", () => {
    expect(parseBaskets("whole milk,butter\n\nyogurt , whole milk,yogurt\r\n")).toEqual([["whole milk", "butter"], ["yogurt", "whole milk"]]);
    expect(parseBaskets("a b  c\nd\n")).toEqual([["a", "b", "c"], ["d"]]);
  });

  it("beats the most-popular baseline on held-out baskets, on both measures", () => {
    const grid = [recommendationModel, ...configGrid().filter((_, i) => i % 9 === 0)];
    const report = evaluateRecommender(syntheticBaskets(500), { seed: 11, grid });
    expect(report.trainBaskets + report.testBaskets).toBe(report.baskets);
    expect(report.test.model.cases).toBeGreaterThan(50);
    const { model, popularity } = report.test;
    for (const m of [model, popularity]) {
      expect(m.hitRate).toBeGreaterThanOrEqual(0);
      expect(m.hitRate).toBeLessThanOrEqual(1);
      expect(m.mrr).toBeLessThanOrEqual(m.hitRate);
    }
    expect(model.hitRate).toBeGreaterThan(popularity.hitRate * 1.2);
    expect(model.mrr).toBeGreaterThan(popularity.mrr * 1.2);
  });

  it("is reproducible for a seed", () => {
    const grid = [recommendationModel];
    const a = evaluateRecommender(syntheticBaskets(200), { seed: 3, grid });
    const b = evaluateRecommender(syntheticBaskets(200), { seed: 3, grid });
    expect(a.test).toEqual(b.test);
  });
});
