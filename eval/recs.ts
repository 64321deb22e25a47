// Offline evaluation of the recommender on real basket files, several seeds each:
//   npm run eval:recs -- <baskets file> [<file> ...] [--seeds 42,7,2024] [--ease-items 1000] [--knn-only]
// Files: one basket per line (groceries.csv) or invoice lines (UCI Online Retail, a bakery's
// Transaction/Item export), read as they are (eval/recommendations/baskets.ts).
import { readFileSync } from "node:fs";
import { recommendationModel } from "../src/modules/recommendations/model/config";
import { readBasketFile } from "./recommendations/baskets";
import { configGrid, evaluateRecommender } from "./recommendations/evaluation";

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const files = args.filter((a, i) => !a.startsWith("--") && !["--seeds", "--seed", "--ease-items"].includes(args[i - 1] ?? ""));
if (files.length === 0) {
  console.error("usage: npm run eval:recs -- <baskets file> [<file> ...] [--seeds 42,7,2024] [--ease-items 1000] [--knn-only]");
  process.exit(2);
}
const seeds = (option("--seeds") ?? option("--seed") ?? "42,7,2024").split(",").map(Number);
const grid = configGrid({ ease: !args.includes("--knn-only"), maxItems: Number(option("--ease-items") ?? recommendationModel.ease?.maxItems ?? 1000) });
const pct = (x: number) => (100 * x).toFixed(2) + "%";
const f4 = (x: number) => x.toFixed(4);
const x = (a: number, b: number) => (b > 0 ? (a / b).toFixed(3) + "x" : "n/a");

const summary: string[] = ["| data set | seed | test cases | model HR@10 | popularity HR@10 | HR ratio | model MRR@10 | popularity MRR@10 | MRR ratio | served config HR / MRR | coverage model / pop. | diversity | novelty (bits) | chosen on validation |", "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"];
for (const file of files) {
  const { baskets, layout, skipped } = readBasketFile(readFileSync(file, "utf8"));
  const items = new Set(baskets.flat()).size;
  console.log(`\n${file}: ${layout}; ${baskets.length} baskets, ${items} items` + (Object.keys(skipped).length ? `; skipped lines ${JSON.stringify(skipped)}` : ""));
  for (const seed of seeds) {
    const started = Date.now();
    const r = evaluateRecommender(baskets, { seed, grid, served: recommendationModel });
    const { model: m, popularity: p, served, beyond, paired } = r.test;
    console.log(`  seed ${seed}: train ${r.trainBaskets}, test ${r.testBaskets} baskets (${m.cases} held-out items); ${r.validation.candidates} configurations on validation`);
    for (const b of r.validation.byMeasure.slice(0, 3)) console.log(`    validation ${b.measure.padEnd(44)} HR ${pct(b.metrics.hitRate)}  MRR ${f4(b.metrics.mrr)}`);
    console.log(`    validation ${"most-popular".padEnd(44)} HR ${pct(r.validation.popularity.hitRate)}  MRR ${f4(r.validation.popularity.mrr)}`);
    console.log(`    chosen: ${r.chosenDescription}`);
    console.log(`    test: model HR@10 ${pct(m.hitRate)} MRR@10 ${f4(m.mrr)} | most-popular ${pct(p.hitRate)} ${f4(p.mrr)} | ratio HR ${x(m.hitRate, p.hitRate)} MRR ${x(m.mrr, p.mrr)}`);
    if (served) console.log(`    test: served configuration (${recommendationModel.version}) HR@10 ${pct(served.hitRate)} MRR@10 ${f4(served.mrr)} (ratio HR ${x(served.hitRate, p.hitRate)} MRR ${x(served.mrr, p.mrr)})`);
    console.log(`    paired: only the model hits ${paired.onlyModel}, only popularity ${paired.onlyPopularity}, sign test z = ${paired.signTestZ.toFixed(2)}`);
    console.log(`    beyond accuracy: coverage ${pct(beyond.model.coverage)} (popularity ${pct(beyond.popularity.coverage)}), diversity ${beyond.model.diversity.toFixed(3)} (${beyond.popularity.diversity.toFixed(3)}), novelty ${beyond.model.novelty.toFixed(2)} bits (${beyond.popularity.novelty.toFixed(2)})  [${((Date.now() - started) / 1000).toFixed(0)}s]`);
    summary.push(`| ${file.split("/").at(-1)} | ${seed} | ${m.cases} | ${pct(m.hitRate)} | ${pct(p.hitRate)} | ${x(m.hitRate, p.hitRate)} | ${f4(m.mrr)} | ${f4(p.mrr)} | ${x(m.mrr, p.mrr)} | ${served ? `${pct(served.hitRate)} / ${f4(served.mrr)}` : ""} | ${pct(beyond.model.coverage)} / ${pct(beyond.popularity.coverage)} | ${beyond.model.diversity.toFixed(3)} / ${beyond.popularity.diversity.toFixed(3)} | ${beyond.model.novelty.toFixed(2)} / ${beyond.popularity.novelty.toFixed(2)} | ${r.chosenDescription} |`);
  }
}
console.log("\n" + summary.join("\n"));
