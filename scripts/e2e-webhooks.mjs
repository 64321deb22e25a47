// End-to-end check of signed webhooks against a real `wrangler dev` (port 8804) and a local
// Node receiver on 127.0.0.1. Creates a product over HTTP and waits for product.created to
// arrive at the receiver, signed; verifies it with the official `standardwebhooks` package. Then
// places an order over HTTP (stock, guest cart, line, checkout with Idempotency-Key) and waits
// for order.placed the same way (see docs/events.md).
import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import http from "node:http";
import { Webhook } from "standardwebhooks";

const PORT = Number(process.env.E2E_PORT ?? 8804);
const BASE = `http://127.0.0.1:${PORT}`;
const ADMIN = "esk_admin_e2e_webhooks_0000000000000000";
const PERSIST = ".wrangler/e2e-webhooks";
const env = { ...process.env, WRANGLER_SEND_METRICS: "false" };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function log(...args) {
  console.log("[e2e]", ...args);
}

// 1. A receiver that records every request.
const received = [];
const receiver = http.createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    received.push({ headers: req.headers, body, at: Date.now() });
    res.writeHead(204).end();
  });
});
await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
const hookUrl = `http://127.0.0.1:${receiver.address().port}/hooks/edgeshop`;
log("receiver listening on", hookUrl);

// 2. Migrations and the dev server (its own persistence dir, fresh each run so that the risk
//    scorer's velocity counters do not remember earlier runs; WEBHOOKS_ALLOW_PRIVATE_URLS on).
rmSync(PERSIST, { recursive: true, force: true });
const migrate = spawnSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", PERSIST], { env, encoding: "utf8", input: "y\n" });
if (migrate.status !== 0) {
  console.error(migrate.stdout, migrate.stderr);
  process.exit(1);
}
const dev = spawn(
  "npx",
  ["wrangler", "dev", "--port", String(PORT), "--ip", "127.0.0.1", "--persist-to", PERSIST, "--var", "WEBHOOKS_ALLOW_PRIVATE_URLS:true", "--var", `ADMIN_API_KEY:${ADMIN}`, "--var", "SECRETS_KEY:ZWRnZXNob3AtZTJlLXNlY3JldHMta2V5LTAwMDAwMDA="],
  { env, stdio: ["ignore", "pipe", "pipe"], detached: true },
);
let devLog = "";
dev.stdout.on("data", (d) => (devLog += d));
dev.stderr.on("data", (d) => (devLog += d));
const stop = () => {
  try {
    process.kill(-dev.pid, "SIGTERM");
  } catch {
    // already gone
  }
  receiver.close();
};

async function api(method, path, body, headers = { authorization: `Bearer ${ADMIN}` }) {
  const res = await fetch(BASE + path, {
    method,
    headers: { ...headers, ...(body && { "content-type": "application/json" }) },
    body: body && JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

let failed = false;
try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${BASE}/healthz`)).ok) break;
    } catch {
      // not up yet
    }
    if (i > 120) throw new Error("wrangler dev did not start:\n" + devLog);
    await sleep(500);
  }
  log("wrangler dev is up on", BASE);

  // 3. Register the receiver, then change the catalog over HTTP.
  const endpoint = await api("POST", "/v1/webhook-endpoints", { url: hookUrl, eventTypes: ["product.created", "order.placed"], description: "e2e receiver" });
  if (endpoint.status !== 201) throw new Error(`register endpoint: ${endpoint.status} ${JSON.stringify(endpoint.body)}`);
  const { secret } = endpoint.body;
  log("registered endpoint", endpoint.body.endpoint.id);

  const started = Date.now();
  const product = await api("POST", "/v1/products", { title: "E2E webhook tee", slug: `e2e-webhook-tee-${Date.now()}`, status: "active" });
  if (product.status !== 201) throw new Error(`create product: ${product.status} ${JSON.stringify(product.body)}`);
  log("created product", product.body.id, "in", Date.now() - started, "ms");

  // 4. Wait for the signed delivery.
  let hit;
  for (let i = 0; i < 120 && !hit; i++) {
    hit = received.find((r) => r.body.includes(product.body.id));
    if (!hit) await sleep(250);
  }
  if (!hit) throw new Error("product.created did not arrive within 30 s");
  const verified = new Webhook(secret).verify(hit.body, hit.headers);
  log("received", verified.type, "after", hit.at - started, "ms; signature verified with standardwebhooks");
  log("headers:", JSON.stringify({ "webhook-id": hit.headers["webhook-id"], "webhook-timestamp": hit.headers["webhook-timestamp"], "webhook-signature": hit.headers["webhook-signature"].slice(0, 16) + "…" }));
  log("body:", hit.body);
  let wrongSecretRefused = false;
  try {
    new Webhook("whsec_" + btoa("not the secret at all, 32 bytes!")).verify(hit.body, hit.headers);
  } catch {
    wrongSecretRefused = true;
  }
  if (!wrongSecretRefused) throw new Error("a wrong secret verified the delivery");
  log("a wrong secret is refused");

  // 5. The admin view agrees, and the pull API has the event.
  const deliveries = await api("GET", `/v1/webhook-deliveries?eventId=${hit.headers["webhook-id"]}`);
  const delivery = deliveries.body.data[0];
  log("delivery", delivery.id, "status", delivery.status, "attempts", delivery.attempts);
  if (delivery.status !== "succeeded") throw new Error("delivery not recorded as succeeded");
  const feed = await api("GET", "/v1/events?types=product.created&limit=100");
  if (!feed.body.data.some((e) => e.id === hit.headers["webhook-id"])) throw new Error("event missing from the pull API");
  log("pull API lists the event; next_cursor", feed.body.next_cursor);
  if (received.filter((r) => r.body.includes(product.body.id)).length !== 1) throw new Error("delivered more than once");
  log("OK: product.created delivered exactly once, signed");

  // 6. An order over HTTP, as a shop front would place it: stock, guest cart, a line, checkout.
  const sku = `E2E-${Date.now()}`;
  const tee = await api("POST", "/v1/products", { title: "E2E order tee", slug: `e2e-order-tee-${Date.now()}`, status: "active", variants: [{ sku, price: { amount: 2500, currency: "EUR" } }] });
  if (tee.status !== 201) throw new Error(`create product: ${tee.status} ${JSON.stringify(tee.body)}`);
  const stock = await api("PUT", `/v1/inventory/${sku}`, { onHand: 5 });
  if (stock.status !== 200) throw new Error(`set stock: ${stock.status} ${JSON.stringify(stock.body)}`);
  const guest = {};
  const cart = await api("POST", "/v1/carts", { email: "e2e.shopper@example.com", shippingAddress: { name: "E2E Shopper", line1: "1 Test Street", city: "Berlin", postalCode: "10115", country: "DE" } }, guest);
  if (cart.status !== 201) throw new Error(`create cart: ${cart.status} ${JSON.stringify(cart.body)}`);
  const cartHeaders = { "x-cart-token": cart.body.cartToken };
  const line = await api("POST", `/v1/carts/${cart.body.cart.id}/lines`, { variantId: tee.body.variants[0].id, quantity: 2 }, cartHeaders);
  if (line.status !== 201) throw new Error(`add line: ${line.status} ${JSON.stringify(line.body)}`);
  const key = randomUUID();
  const orderStarted = Date.now();
  const placed = await api("POST", `/v1/carts/${cart.body.cart.id}/checkout`, {}, { ...cartHeaders, "idempotency-key": key });
  if (placed.status !== 201) throw new Error(`checkout: ${placed.status} ${JSON.stringify(placed.body)}`);
  const order = placed.body.order;
  log("placed order", order.id, order.number, "status", order.status, "total", JSON.stringify(order.totals.total), "in", Date.now() - orderStarted, "ms");
  const replay = await fetch(`${BASE}/v1/carts/${cart.body.cart.id}/checkout`, { method: "POST", headers: { ...cartHeaders, "idempotency-key": key, "content-type": "application/json" }, body: "{}" });
  const replayed = await replay.json();
  if (replay.status !== 201 || replay.headers.get("idempotent-replayed") !== "true" || replayed.order.id !== order.id) throw new Error("checkout replay did not return the same order");
  log("the same Idempotency-Key replays the same order (idempotent-replayed: true)");

  let orderHit;
  for (let i = 0; i < 120 && !orderHit; i++) {
    orderHit = received.find((r) => r.body.includes(order.id) && r.body.includes("order.placed"));
    if (!orderHit) await sleep(250);
  }
  if (!orderHit) throw new Error("order.placed did not arrive within 30 s");
  const orderEvent = new Webhook(secret).verify(orderHit.body, orderHit.headers);
  log("received", orderEvent.type, "after", orderHit.at - orderStarted, "ms; signature verified with standardwebhooks");
  log("body:", orderHit.body);
  if (orderEvent.data.id !== order.id || orderEvent.data.lines[0].sku !== sku || orderEvent.data.lines[0].quantity !== 2) throw new Error("order.placed data does not match the order");
  const admin = await api("GET", `/v1/orders/${order.id}`);
  log("admin view: status", admin.body.status, "risk", JSON.stringify({ score: admin.body.risk?.score, decision: admin.body.risk?.decision, reasons: admin.body.risk?.reasons.map((r) => r.feature) }), "stockCommittedAt", admin.body.stockCommittedAt);
  const level = await api("GET", `/v1/inventory/${sku}`);
  log("stock after the order:", JSON.stringify({ onHand: level.body.onHand, reserved: level.body.reserved, available: level.body.available }));
  if (received.filter((r) => r.body.includes(order.id)).length !== 1) throw new Error("order.placed delivered more than once");
  log("OK: order.placed delivered exactly once, signed");
} catch (error) {
  failed = true;
  console.error("[e2e] FAILED:", error.message);
} finally {
  stop();
}
process.exit(failed ? 1 : 0);
