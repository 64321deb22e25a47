// Offline evaluation of the recommender: `npm run eval:recs -- <baskets file> [--seed N]`.
import { readFileSync } from "node:fs";
import { evaluateRecommender, parseBaskets } from "./recommendations/evaluation";

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith("--"));
if (!file) {
  console.error("usage: npm run eval:recs -- <baskets file> [--seed N]");
  process.exit(2);
}
const seedArg = args.indexOf("--seed");
const seed = seedArg >= 0 ? Number(args[seedArg + 1]) : 42;

const started = Date.now();
const report = evaluateRecommender(parseBaskets(readFileSync(file, "utf8")), { seed });
const pct = (x: number) => (100 * x).toFixed(2) + "%";
const f = (x: number) => x.toFixed(4);

console.log(`baskets ${report.baskets} (train ${report.trainBaskets}, test ${report.testBaskets}), items ${report.items}, seed ${report.seed}, k ${report.k}`);
console.log(`validation (carved from train): ${report.validation.candidates} configurations; best per measure:`);
for (const m of report.validation.byMeasure) console.log(`  ${m.measure.padEnd(46)} HR@${report.k} ${pct(m.metrics.hitRate)}  MRR@${report.k} ${f(m.metrics.mrr)}`);
console.log(`  ${"most-popular".padEnd(46)} HR@${report.k} ${pct(report.validation.popularity.hitRate)}  MRR@${report.k} ${f(report.validation.popularity.mrr)}`);
console.log(`chosen on validation: ${report.chosenDescription}`);
console.log(`test (${report.test.model.cases} held-out items):`);
console.log(`  model         HR@${report.k} ${pct(report.test.model.hitRate)}  MRR@${report.k} ${f(report.test.model.mrr)}`);
console.log(`  most-popular  HR@${report.k} ${pct(report.test.popularity.hitRate)}  MRR@${report.k} ${f(report.test.popularity.mrr)}`);
const p = report.test.paired;
console.log(`  paired: only the model hits ${p.onlyModel}, only popularity hits ${p.onlyPopularity}, sign test z = ${p.signTestZ.toFixed(2)}`);
console.log(
  `  gain          HR ${pct(report.test.model.hitRate / report.test.popularity.hitRate - 1)}  MRR ${pct(report.test.model.mrr / report.test.popularity.mrr - 1)}  (${((Date.now() - started) / 1000).toFixed(1)}s)`,
);
