/**
 * A local fake of the Stripe API endpoints Edgeshop uses, built from Stripe's documented request
 * and response shapes (https://docs.stripe.com/api/payment_intents, /api/refunds, /api/errors,
 * /api/idempotent_requests). It is NOT Stripe: it models the state machine of a PaymentIntent with
 * card test payment methods, partial capture, cancel and refunds, Stripe's error envelope
 * (`{ error: { type, code, message, param } }`) and the `Idempotency-Key` semantics (same key and
 * parameters: the first response replayed with `Idempotent-Replayed: true`; other parameters: 400
 * `idempotency_error`). It records the events Stripe would send, for tests to sign and deliver.
 *
 * Used in workerd tests (through a fetch spy, see `installFakeStripe`) and by
 * `scripts/fake-stripe.mjs`-style runners in Node (it is a plain `(Request) => Response` handler).
 */

type Obj = Record<string, unknown>;

export interface FakeEvent {
  id: string;
  object: "event";
  api_version: string;
  created: number;
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
  data: { object: Obj };
}

const API_VERSION = "2025-01-27.acacia";

let sequence = 0;
const id = (prefix: string) => `${prefix}_fake${Date.now().toString(36)}${(++sequence).toString(36)}${Math.random().toString(36).slice(2, 8)}`;
const now = () => Math.floor(Date.now() / 1000);

/** Stripe's form encoding (`a[b][c]=v`) back into nested objects; values stay strings. */
export function parseForm(body: string): Obj {
  const out: Obj = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const path = rawKey.replace(/\]/g, "").split("[");
    let node = out;
    for (let i = 0; i < path.length - 1; i++) node = (node[path[i]!] ??= {}) as Obj;
    node[path.at(-1)!] = value;
  }
  return out;
}

function error(status: number, type: string, message: string, extra: Obj = {}): Response {
  return Response.json({ error: { type, message, ...extra } }, { status, headers: { "request-id": id("req") } });
}

const CANCELABLE = ["requires_payment_method", "requires_capture", "requires_confirmation", "requires_action", "processing"];

export class FakeStripe {
  readonly intents = new Map<string, Obj>();
  readonly refunds = new Map<string, Obj>();
  readonly events: FakeEvent[] = [];
  /** Every request the fake answered (method, path, idempotency key, parsed body). */
  readonly requests: { method: string; path: string; idempotencyKey: string | null; body: Obj; replayed: boolean }[] = [];
  private readonly idempotency = new Map<string, { fingerprint: string; status: number; body: string }>();

  constructor(readonly secretKey = "sk_test_fake") {}

  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const raw = request.method === "GET" ? url.searchParams.toString() : new TextDecoder().decode(await request.arrayBuffer());
    const body = parseForm(raw);
    const key = request.headers.get("idempotency-key");
    if (request.headers.get("authorization") !== `Bearer ${this.secretKey}`) {
      return error(401, "invalid_request_error", "Invalid API Key provided: sk_test_****");
    }
    if (key && request.method === "POST") {
      const fingerprint = `${request.method} ${url.pathname} ${raw}`;
      const seen = this.idempotency.get(key);
      if (seen) {
        this.requests.push({ method: request.method, path: url.pathname, idempotencyKey: key, body, replayed: true });
        if (seen.fingerprint !== fingerprint) {
          return error(400, "idempotency_error", `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`);
        }
        return new Response(seen.body, { status: seen.status, headers: { "content-type": "application/json", "idempotent-replayed": "true", "idempotency-key": key } });
      }
      const response = this.route(request.method, url.pathname, body, key);
      const text = await response.clone().text();
      // Stripe stores every result, errors included (except 5xx / rate limits).
      if (response.status < 500) this.idempotency.set(key, { fingerprint, status: response.status, body: text });
      this.requests.push({ method: request.method, path: url.pathname, idempotencyKey: key, body, replayed: false });
      return response;
    }
    this.requests.push({ method: request.method, path: url.pathname, idempotencyKey: key, body, replayed: false });
    return this.route(request.method, url.pathname, body, key);
  }

  private route(method: string, path: string, body: Obj, key: string | null): Response {
    let m: RegExpMatchArray | null;
    if (method === "POST" && path === "/v1/payment_intents") return this.create(body, key);
    if (method === "POST" && path === "/v1/refunds") return this.refund(body, key);
    if ((m = path.match(/^\/v1\/payment_intents\/([^/]+)(?:\/(confirm|capture|cancel))?$/))) {
      const pi = this.intents.get(m[1]!);
      if (!pi) return error(404, "invalid_request_error", `No such payment_intent: '${m[1]}'`, { code: "resource_missing", param: "intent" });
      if (method === "GET" && !m[2]) return Response.json(pi);
      if (method === "POST" && m[2] === "confirm") return this.confirm(pi, body, key);
      if (method === "POST" && m[2] === "capture") return this.capture(pi, body, key);
      if (method === "POST" && m[2] === "cancel") return this.cancel(pi, key);
    }
    return error(404, "invalid_request_error", `Unrecognized request URL (${method}: ${path}).`);
  }

  private emit(type: string, object: Obj, key: string | null): void {
    this.events.push({
      id: id("evt"),
      object: "event",
      api_version: API_VERSION,
      created: now(),
      livemode: false,
      pending_webhooks: 1,
      request: { id: id("req"), idempotency_key: key },
      type,
      data: { object: structuredClone(object) },
    });
  }

  private create(body: Obj, key: string | null): Response {
    const amount = Number(body.amount);
    if (!Number.isInteger(amount) || amount < 1) return error(400, "invalid_request_error", "Missing required param: amount.", { code: "parameter_missing", param: "amount" });
    if (typeof body.currency !== "string" || !/^[a-z]{3}$/.test(body.currency)) return error(400, "invalid_request_error", "Invalid currency.", { code: "parameter_invalid", param: "currency" });
    const piId = id("pi");
    const pi: Obj = {
      id: piId,
      object: "payment_intent",
      amount,
      amount_capturable: 0,
      amount_received: 0,
      capture_method: body.capture_method ?? "automatic_async",
      client_secret: `${piId}_secret_${Math.random().toString(36).slice(2, 14)}`,
      confirmation_method: "automatic",
      created: now(),
      currency: body.currency,
      description: body.description ?? null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      metadata: body.metadata ?? {},
      next_action: null,
      payment_method: null,
      payment_method_types: ["card"],
      receipt_email: body.receipt_email ?? null,
      status: "requires_payment_method",
      canceled_at: null,
      cancellation_reason: null,
    };
    this.intents.set(piId, pi);
    this.emit("payment_intent.created", pi, key);
    return Response.json(pi);
  }

  /** What Stripe.js `confirmPayment` does with a test payment method (https://docs.stripe.com/testing). */
  private confirm(pi: Obj, body: Obj, key: string | null): Response {
    if (!["requires_payment_method", "requires_confirmation", "requires_action"].includes(pi.status as string)) {
      return error(400, "invalid_request_error", `This PaymentIntent's status is ${pi.status}; it cannot be confirmed.`, { code: "payment_intent_unexpected_state" });
    }
    const method = String(body.payment_method ?? pi.payment_method ?? "pm_card_visa");
    pi.payment_method = method;
    if (method === "pm_card_chargeDeclined" || method === "pm_card_visa_chargeDeclined") {
      pi.status = "requires_payment_method";
      pi.last_payment_error = { type: "card_error", code: "card_declined", decline_code: "generic_decline", message: "Your card was declined." };
      this.emit("payment_intent.payment_failed", pi, key);
      return error(402, "card_error", "Your card was declined.", { code: "card_declined", decline_code: "generic_decline", payment_intent: structuredClone(pi) });
    }
    if ((method === "pm_card_threeDSecure2Required" || method === "pm_card_authenticationRequired") && pi.status !== "requires_action") {
      pi.status = "requires_action";
      pi.next_action = { type: "use_stripe_sdk", use_stripe_sdk: { type: "three_d_secure_redirect", stripe_js: "https://hooks.stripe.com/fake" } };
      this.emit("payment_intent.requires_action", pi, key);
      return Response.json(pi);
    }
    this.authorise(pi, key);
    return Response.json(pi);
  }

  /** The customer finished 3-D Secure (what `handleNextAction` leads to). */
  completeAction(piId: string): Obj {
    const pi = this.intents.get(piId)!;
    if (pi.status !== "requires_action") throw new Error(`fake: ${piId} is ${pi.status}`);
    this.authorise(pi, null);
    return pi;
  }

  private authorise(pi: Obj, key: string | null): void {
    pi.next_action = null;
    pi.last_payment_error = null;
    pi.latest_charge = id("ch");
    if (pi.capture_method === "manual") {
      pi.status = "requires_capture";
      pi.amount_capturable = pi.amount;
      this.emit("payment_intent.amount_capturable_updated", pi, key);
    } else {
      pi.status = "succeeded";
      pi.amount_received = pi.amount;
      this.emit("payment_intent.succeeded", pi, key);
    }
  }

  private capture(pi: Obj, body: Obj, key: string | null): Response {
    if (pi.status !== "requires_capture") {
      return error(400, "invalid_request_error", `This PaymentIntent could not be captured because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`, { code: "payment_intent_unexpected_state" });
    }
    const amount = body.amount_to_capture === undefined ? (pi.amount_capturable as number) : Number(body.amount_to_capture);
    if (!Number.isInteger(amount) || amount < 1 || amount > (pi.amount_capturable as number)) {
      return error(400, "invalid_request_error", `The amount to capture (${amount}) is greater than the amount capturable (${pi.amount_capturable}).`, { code: "amount_too_large", param: "amount_to_capture" });
    }
    pi.status = "succeeded";
    pi.amount_received = amount;
    pi.amount_capturable = 0;
    this.emit("payment_intent.succeeded", pi, key);
    return Response.json(pi);
  }

  private cancel(pi: Obj, key: string | null): Response {
    if (!CANCELABLE.includes(pi.status as string)) {
      return error(400, "invalid_request_error", `You cannot cancel this PaymentIntent because it has a status of ${pi.status}.`, { code: "payment_intent_unexpected_state" });
    }
    pi.status = "canceled";
    pi.amount_capturable = 0;
    pi.canceled_at = now();
    pi.cancellation_reason = "requested_by_customer";
    this.emit("payment_intent.canceled", pi, key);
    return Response.json(pi);
  }

  private refund(body: Obj, key: string | null): Response {
    const pi = this.intents.get(String(body.payment_intent));
    if (!pi) return error(404, "invalid_request_error", `No such payment_intent: '${body.payment_intent}'`, { code: "resource_missing", param: "payment_intent" });
    if (pi.status !== "succeeded") return error(400, "invalid_request_error", `This PaymentIntent (${pi.id}) does not have a successful charge to refund.`, { code: "charge_not_refundable" });
    const refunded = [...this.refunds.values()].filter((r) => r.payment_intent === pi.id).reduce((s, r) => s + (r.amount as number), 0);
    const left = (pi.amount_received as number) - refunded;
    const amount = body.amount === undefined ? left : Number(body.amount);
    if (left <= 0) return error(400, "invalid_request_error", `Charge ${pi.latest_charge} has already been refunded.`, { code: "charge_already_refunded" });
    if (!Number.isInteger(amount) || amount < 1 || amount > left) {
      return error(400, "invalid_request_error", `Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`, { code: "amount_too_large", param: "amount" });
    }
    const refund: Obj = {
      id: id("re"),
      object: "refund",
      amount,
      charge: pi.latest_charge,
      created: now(),
      currency: pi.currency,
      metadata: body.metadata ?? {},
      payment_intent: pi.id,
      reason: null,
      status: "succeeded",
    };
    this.refunds.set(refund.id as string, refund);
    this.emit("charge.refunded", { id: pi.latest_charge, object: "charge", amount: pi.amount_received, amount_captured: pi.amount_received, amount_refunded: refunded + amount, currency: pi.currency, payment_intent: pi.id, refunded: refunded + amount === pi.amount_received }, key);
    return Response.json(refund);
  }

  /** A dispute on the PaymentIntent's charge, as Stripe would report it. */
  dispute(piId: string, amount: number): FakeEvent {
    const pi = this.intents.get(piId)!;
    this.emit("charge.dispute.created", { id: id("dp"), object: "dispute", amount, charge: pi.latest_charge, currency: pi.currency, payment_intent: pi.id, reason: "fraudulent", status: "needs_response" }, null);
    return this.events.at(-1)!;
  }

  eventsOf(type: string, piId?: string): FakeEvent[] {
    return this.events.filter((e) => e.type === type && (!piId || e.data.object.id === piId || e.data.object.payment_intent === piId));
  }
}
