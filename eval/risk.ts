// Offline evaluation of the risk scorer: `npm run eval:risk -- [--seed N] [--customers N]`.
import { evaluateRisk, simulateCheckouts } from "./risk/simulation";

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const seed = arg("--seed", 2025);
const customers = arg("--customers", 1200);

const stream = simulateCheckouts({ seed, customers });
const r = await evaluateRisk(stream);
const pct = (x: number) => (100 * x).toFixed(1) + "%";
console.log(`model ${r.modelVersion}; seed ${seed}; ${r.checkouts} checkouts, ${r.fraud} fraudulent (${pct(r.fraud / r.checkouts)})`);
console.log(`ROC AUC ${r.rocAuc.toFixed(4)}`);
for (const [name, m] of [["review", r.review], ["reject", r.reject]] as const) {
  console.log(`at ${name} (score >= ${m.threshold}): flagged ${m.flagged}, precision ${pct(m.precision)}, recall ${pct(m.recall)}, false-positive rate ${pct(m.falsePositiveRate)}`);
}
console.log("by pattern (share sent to review or worse / rejected):");
for (const [pattern, p] of Object.entries(r.recallByPattern)) {
  console.log(`  ${pattern.padEnd(24)} ${String(p.count).padStart(5)}  review+ ${pct(p.flaggedForReview / p.count).padStart(6)}  reject ${pct(p.rejected / p.count).padStart(6)}`);
}
