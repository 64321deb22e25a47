import { describe, expect, it } from "vitest";
import { readBasketFile } from "../../eval/recommendations/baskets";
import { configGrid, evaluateRecommender, parseBaskets } from "../../eval/recommendations/evaluation";
import { easeNeighbourLists, easeWeights, gramOf, invertSpd } from "../../src/modules/recommendations/model/ease";
import { recommendationModel } from "../../src/modules/recommendations/model/config";
import { syntheticBaskets } from "../support/fixtures";

// The offline evaluator, run inside workerd on a CI-sized sample so that it cannot silently break.
describe("offline recommendation evaluation", () => {
  it("parses comma- and space-separated basket files", () => {
    expect(parseBaskets("whole milk,butter\n\nyogurt , whole milk,yogurt\r\n")).toEqual([["whole milk", "butter"], ["yogurt", "whole milk"]]);
    expect(parseBaskets("a b  c\nd\n")).toEqual([["a", "b", "c"], ["d"]]);
  });

  it("reads invoice-line files as they are: UCI Online Retail and a bakery's Transaction/Item export", () => {
    const uci = [
      '"InvoiceNo","StockCode","Description","Quantity","InvoiceDate","UnitPrice","CustomerID","Country"',
      '"536365","85123A","WHITE HANGING HEART T-LIGHT HOLDER",6,"2010-12-01 08:26:00",2.55,17850,"United Kingdom"',
      '"536365","71053","WHITE METAL LANTERN",6,"2010-12-01 08:26:00",3.39,17850,"United Kingdom"',
      '"536365","POST","POSTAGE",1,"2010-12-01 08:26:00",18,17850,"United Kingdom"',
      '"536366","22633","HAND WARMER UNION JACK",6,"2010-12-01 08:28:00",1.85,17850,"United Kingdom"',
      '"536366","85123a","WHITE HANGING HEART T-LIGHT HOLDER",2,"2010-12-01 08:28:00",2.55,17850,"United Kingdom"',
      '"C536379","22633","HAND WARMER UNION JACK",-1,"2010-12-01 09:41:00",1.85,14527,"United Kingdom"',
      '"536380","22139","RETROSPOT TEA SET",0,"2010-12-01 09:41:00",4.95,14527,"United Kingdom"',
    ].join("\n");
    expect(readBasketFile(uci)).toEqual({
      baskets: [["85123A", "71053"], ["22633", "85123A"]],
      layout: "invoice lines grouped by invoiceno (items: stockcode)",
      skipped: { "not a product code": 1, cancellation: 1, "quantity <= 0": 1 },
    });
    const bakery = "Date,Time,Transaction,Item\n2016-10-30,09:58:11,1,Bread\n2016-10-30,10:05:34,2,Scandinavian\n2016-10-30,10:05:34,2,Scandinavian\n2016-10-30,10:07:57,2,NONE\n2016-10-30,10:08:41,3,Coffee\n2016-10-30,10:08:41,3,Muffin\n";
    expect(readBasketFile(bakery).baskets).toEqual([["Bread"], ["Scandinavian"], ["Coffee", "Muffin"]]);
    expect(readBasketFile("whole milk,butter\nyogurt\n").layout).toBe("one basket per line");
  });

  it("EASE: inverts exactly and learns what a basket predicts, with zero self-weight", () => {
    const A = new Float64Array([4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2]);
    const inv = invertSpd(A, 3);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let v = 0;
        for (let k = 0; k < 3; k++) v += A[i * 3 + k]! * inv[k * 3 + j]!;
        expect(v).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    expect(() => invertSpd(new Float64Array([1, 2, 2, 1]), 2)).toThrow(/positive definite/);
    // tea goes with cups, bread with butter; nothing crosses.
    const baskets = [["tea", "cups"], ["tea", "cups"], ["tea", "cups", "sugar"], ["bread", "butter"], ["bread", "butter"], ["sugar"]];
    const gram = gramOf(baskets, ["tea", "cups", "bread", "butter", "sugar"]);
    expect(gram.counts[0]).toBe(3); // tea in 3 baskets
    expect(gram.counts[1]).toBe(3); // tea with cups 3 times
    const B = easeWeights(gram, 1);
    for (let i = 0; i < 5; i++) expect(B[i * 5 + i]).toBe(0);
    const lists = easeNeighbourLists(gram, 1, 10);
    expect(lists.get("tea")![0]).toMatchObject({ itemId: "cups", together: 3 });
    expect(lists.get("bread")!.map((n) => n.itemId)).toEqual(["butter"]);
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
