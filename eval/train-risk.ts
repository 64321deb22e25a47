// Train the risk model and write the versioned model file the Worker bundles:
//   npm run train:risk -- <Fraud_Data.csv> [--out src/modules/risk/model.json] [--source "<where the file came from>"]
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { parseRiskModel } from "../src/modules/risk/model";
import { parseFraudData } from "./risk/fraud-data";
import { featureStream, modelFile, train } from "./risk/pipeline";

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const file = args.find((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--"));
if (!file) {
  console.error('usage: npm run train:risk -- <Fraud_Data.csv> [--out src/modules/risk/model.json] [--source "repository@commit path"]');
  process.exit(2);
}
const out = option("--out") ?? "src/modules/risk/model.json";
const text = readFileSync(file, "utf8");
const data = parseFraudData(text);
const examples = await featureStream(data.rows);
const trained = train(examples, "day-blocks");
const model = modelFile(trained, {
  data: {
    file: basename(file),
    source: option("--source") ?? null,
    sha256: createHash("sha256").update(text).digest("hex"),
    rows: examples.length,
    fraud: examples.filter((e) => e.fraud).length,
    columns: { ip_address: data.hasIp, device_id: data.hasDevice },
  },
});
parseRiskModel(model); // the Worker must accept what we write
writeFileSync(out, JSON.stringify(model, null, 2) + "\n");
console.log(`wrote ${out}: ${model.version}; intercept ${model.intercept}; review p >= ${model.thresholds.review}, reject p >= ${model.thresholds.reject}; test ROC AUC ${trained.test.rocAuc.toFixed(4)}`);
