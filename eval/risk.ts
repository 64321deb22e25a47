// Offline evaluation of the risk model.
//   npm run eval:risk -- <Fraud_Data.csv> [<file> ...]   labelled first purchases (docs/intelligence.md)
//   npm run eval:risk -- --synthetic [--seed N] [--customers N]   the synthetic regression stream
import { parseRiskModel } from "../src/modules/risk/model";
import bundled from "../src/modules/risk/model.json";
import { readFraudData } from "./risk/fraud-data";
import { featureStream, partReport, scoreWith, split, splitDescriptions, train, type PartReport, type SplitName } from "./risk/pipeline";
import { evaluateRisk, simulateCheckouts } from "./risk/simulation";

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const files = args.filter((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--"));
const pct = (x: number) => (100 * x).toFixed(1) + "%";

if (files.length === 0 || args.includes("--synthetic")) {
  const seed = arg("--seed", 2025);
  const customers = arg("--customers", 1200);
  const r = await evaluateRisk(simulateCheckouts({ seed, customers }));
  console.log(`SYNTHETIC regression stream (written alongside the scorer; not evidence of real-world quality)`);
  console.log(`model ${r.modelVersion}; seed ${seed}; ${r.checkouts} checkouts, ${r.fraud} fraudulent (${pct(r.fraud / r.checkouts)})`);
  console.log(`ROC AUC ${r.rocAuc.toFixed(4)}`);
  for (const [name, m] of [["review", r.review], ["reject", r.reject]] as const) {
    console.log(`at ${name} (p >= ${m.threshold}): flagged ${m.flagged}, precision ${pct(m.precision)}, recall ${pct(m.recall)}, false-positive rate ${pct(m.falsePositiveRate)}`);
  }
  console.log("by pattern (share sent to review or worse / rejected):");
  for (const [pattern, p] of Object.entries(r.recallByPattern)) {
    console.log(`  ${pattern.padEnd(24)} ${String(p.count).padStart(5)}  review+ ${pct(p.flaggedForReview / p.count).padStart(6)}  reject ${pct(p.rejected / p.count).padStart(6)}`);
  }
  if (files.length === 0) process.exit(0);
}

const shipped = parseRiskModel(bundled);
const line = (name: string, r: PartReport) =>
  `  ${name.padEnd(10)} ${String(r.rows).padStart(6)} rows, fraud ${pct(r.fraud / Math.max(1, r.rows)).padStart(6)}  ROC AUC ${r.rocAuc.toFixed(4)}  PR-AUC ${r.prAuc.toFixed(4)}  Brier ${r.brier.toFixed(4)}` +
  (["review", "reject"] as const)
    .map((k) => (r[k] ? `  ${k} p>=${r[k].threshold}: ${r[k].flagged} flagged, precision ${pct(r[k].precision)}, recall ${pct(r[k].recall)}` : `  ${k}: no threshold reaches the target on validation`))
    .join("");

for (const file of files) {
  const started = Date.now();
  const data = readFraudData(file);
  const examples = await featureStream(data.rows);
  const fraud = examples.filter((e) => e.fraud).length;
  console.log(`\n${file}: ${examples.length} checkouts (${data.skipped} unreadable rows skipped), ${fraud} fraudulent (${pct(fraud / examples.length)}); ip_address ${data.hasIp ? "yes" : "no"}, device_id ${data.hasDevice ? "yes" : "no"}`);
  for (const name of ["forward", "day-blocks"] as SplitName[]) {
    const t = train(examples, name);
    console.log(`${splitDescriptions[name]}`);
    console.log(`  fitted: lambda ${t.lambda}, intercept ${t.intercept.toFixed(3)}; ` + Object.entries(t.weights).filter(([, w]) => w !== 0).map(([f, w]) => `${f} ${w.toFixed(3)}`).join(", ") + (t.dropped.length ? `; dropped (negative): ${t.dropped.join(", ")}` : ""));
    console.log(`  thresholds chosen on validation: review ${t.thresholds.review ?? "none"}, reject ${t.thresholds.reject ?? "none"} (targets: precision 30% / 90%)`);
    console.log(line("validation", t.validation));
    console.log(line("test", t.test));
    console.log(`  calibration (test): ` + t.reliability.map((b) => `[${b.from}, ${b.to}) ${b.count}: predicted ${pct(b.meanPredicted)}, observed ${pct(b.observed)}`).join("; "));
    const testIdx = split(examples, name).test;
    console.log(`  the shipped model (${shipped.version}) on this test part:`);
    console.log(line("shipped", partReport(scoreWith(shipped, examples, testIdx), shipped.thresholds)));
  }
  console.log(`  (${((Date.now() - started) / 1000).toFixed(1)}s)`);
}
