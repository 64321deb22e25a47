// A local fake of Stripe's API for `wrangler dev` and end-to-end runs without a Stripe account:
// the same fake the tests use (test/support/fake-stripe.ts), behind a loopback HTTP server. Each
// event it would send is signed with Stripe's library and POSTed to the Worker's webhook.
//
//   PORT=8822 FORWARD_TO=http://127.0.0.1:8787/v1/payments/stripe/webhook npx tsx scripts/fake-stripe.ts
//   # .dev.vars: STRIPE_API_BASE=http://127.0.0.1:8822  STRIPE_SECRET_KEY=sk_test_fake
//   #            STRIPE_WEBHOOK_SECRET=whsec_fake_local  (PAYMENT_PROVIDER=stripe in wrangler.toml)
//   # confirm like Stripe.js would: curl -X POST -u sk_test_fake: :8822/v1/payment_intents/<pi>/confirm -d payment_method=pm_card_visa
import { createServer } from "node:http";
import Stripe from "stripe";
import { FakeStripe } from "../test/support/fake-stripe";

const port = Number(process.env.PORT ?? 8822);
const forwardTo = process.env.FORWARD_TO;
const secret = process.env.STRIPE_WEBHOOK_SECRET ?? "whsec_fake_local";
const fake = new FakeStripe(process.env.STRIPE_SECRET_KEY ?? "sk_test_fake");
let forwarded = 0;

async function forwardEvents(): Promise<void> {
  if (!forwardTo) return;
  while (forwarded < fake.events.length) {
    const payload = JSON.stringify(fake.events[forwarded++]);
    const signature = await Stripe.webhooks.generateTestHeaderStringAsync({ payload, secret, cryptoProvider: Stripe.createSubtleCryptoProvider() });
    const res = await fetch(forwardTo, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": signature }, body: payload }).catch((error: unknown) => ({ status: String(error) }));
    console.log(`event ${JSON.parse(payload).type} -> ${res.status}`);
  }
}

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", async () => {
    const auth = req.headers.authorization ?? "";
    const headers = new Headers(Object.entries(req.headers).flatMap(([k, v]) => (typeof v === "string" ? [[k, v] as [string, string]] : [])));
    // curl -u sk_test_fake: sends Basic auth; Stripe accepts both.
    if (auth.startsWith("Basic ")) headers.set("authorization", `Bearer ${Buffer.from(auth.slice(6), "base64").toString().replace(/:$/, "")}`);
    const request = new Request(`http://127.0.0.1:${port}${req.url}`, { method: req.method, headers, ...(req.method !== "GET" && { body: Buffer.concat(chunks) }) });
    const response = await fake.handle(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(await response.text());
    void forwardEvents();
  });
}).listen(port, "127.0.0.1", () => console.log(`fake Stripe on http://127.0.0.1:${port}${forwardTo ? `, events to ${forwardTo}` : ""}`));
