import Stripe from "stripe";
import type { Env } from "../../env";
import { ServiceError } from "../../shared/errors";
import type { PaymentProvider, ProviderIntent } from "./provider";
import type { PaymentAttemptStatus } from "./tables";

/**
 * The `stripe` provider: Stripe's official library in its Workers mode (fetch HTTP client, SubtleCrypto
 * for webhook signatures). This file is imported only on first use (`remoteProvider`, the webhook
 * route), so the library costs nothing at start-up.
 *
 * `STRIPE_API_BASE` (e.g. `http://127.0.0.1:8821`) points the client at a local fake of Stripe's API
 * (test/support/fake-stripe.ts) for tests and local runs; unset, it talks to api.stripe.com.
 */
export function stripeClient(env: Pick<Env, "STRIPE_SECRET_KEY" | "STRIPE_API_BASE">): Stripe {
  if (!env.STRIPE_SECRET_KEY) throw new ServiceError("PAYMENT_PROVIDER_ERROR", "Stripe is not configured: set the STRIPE_SECRET_KEY secret.");
  const base = env.STRIPE_API_BASE ? new URL(env.STRIPE_API_BASE) : null;
  return new Stripe(env.STRIPE_SECRET_KEY, {
    // The global fetch, looked up per call (tests replace it to reach the fake).
    httpClient: Stripe.createFetchHttpClient((input, init) => fetch(input, init)),
    // Retries reuse the request's idempotency key, so a retried capture or refund moves money once.
    maxNetworkRetries: 2,
    timeout: 20_000,
    ...(base && { host: base.hostname, port: Number(base.port || (base.protocol === "http:" ? 80 : 443)), protocol: base.protocol === "http:" ? "http" : "https" }),
  });
}

const statusOf: Record<Stripe.PaymentIntent.Status, PaymentAttemptStatus> = {
  requires_payment_method: "pending",
  requires_confirmation: "pending",
  requires_action: "requires_action",
  processing: "pending",
  requires_capture: "authorized",
  succeeded: "succeeded",
  canceled: "canceled",
};

export function intentOf(pi: Stripe.PaymentIntent): ProviderIntent {
  const failed = pi.status === "requires_payment_method" && pi.last_payment_error;
  return {
    ref: pi.id,
    status: failed ? "failed" : (statusOf[pi.status] ?? "pending"),
    amount: pi.amount,
    amountAuthorized: pi.amount_capturable,
    amountCaptured: pi.amount_received,
    clientSecret: pi.client_secret,
    nextAction: pi.next_action?.type ?? null,
    lastError: pi.last_payment_error?.message ?? null,
  };
}

/** Stripe's errors in the house vocabulary; the Stripe code travels along for the caller. */
export function asServiceError(error: unknown): ServiceError {
  if (error instanceof ServiceError) return error;
  const e = error as { type?: string; code?: string; message?: string; statusCode?: number };
  const extra = { stripeCode: e.code ?? null, stripeType: e.type ?? null };
  switch (e.type) {
    case "StripeIdempotencyError":
      return new ServiceError("IDEMPOTENCY_KEY_REUSED", `Stripe refused the idempotency key: ${e.message}`, { extra });
    case "StripeInvalidRequestError":
    case "StripeCardError":
      return new ServiceError("CONFLICT", `Stripe refused the request: ${e.message}`, { extra });
    default:
      return new ServiceError("PAYMENT_PROVIDER_ERROR", `Stripe could not be reached or failed: ${e.message ?? String(error)}`, { extra });
  }
}

async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw asServiceError(error);
  }
}

export function stripeProvider(env: Env): PaymentProvider {
  const stripe = stripeClient(env);
  return {
    id: "stripe",
    createIntent: (input) =>
      call(async () =>
        intentOf(
          await stripe.paymentIntents.create(
            {
              amount: input.amount,
              currency: input.currency.toLowerCase(),
              capture_method: input.captureMethod,
              automatic_payment_methods: { enabled: true },
              receipt_email: input.email,
              description: `Order ${input.orderNumber}`,
              metadata: { order_id: input.orderId, payment_id: input.paymentId, order_number: input.orderNumber },
            },
            { idempotencyKey: input.idempotencyKey },
          ),
        ),
      ),
    retrieve: (ref) => call(async () => intentOf(await stripe.paymentIntents.retrieve(ref))),
    capture: (ref, amount, idempotencyKey) => call(async () => intentOf(await stripe.paymentIntents.capture(ref, { amount_to_capture: amount }, { idempotencyKey }))),
    cancel: (ref, idempotencyKey) => call(async () => intentOf(await stripe.paymentIntents.cancel(ref, {}, { idempotencyKey }))),
    refund: (ref, amount, idempotencyKey, reason) =>
      call(async () => {
        const refund = await stripe.refunds.create(
          { payment_intent: ref, amount, ...(reason && { metadata: { reason } }) },
          { idempotencyKey },
        );
        return { reference: refund.id, amount: refund.amount, status: (refund.status ?? "pending") as "succeeded" };
      }),
  };
}

/**
 * Verify a webhook with the library: the raw body, the `Stripe-Signature` header, the endpoint
 * secret and a tolerance in seconds (replays of old signed payloads are refused).
 */
export async function verifyStripeEvent(env: Pick<Env, "STRIPE_WEBHOOK_SECRET" | "STRIPE_WEBHOOK_TOLERANCE_SECONDS">, rawBody: string, signature: string): Promise<Stripe.Event> {
  if (!env.STRIPE_WEBHOOK_SECRET) throw new ServiceError("PAYMENT_PROVIDER_ERROR", "Stripe webhooks are not configured: set the STRIPE_WEBHOOK_SECRET secret.");
  const tolerance = Number(env.STRIPE_WEBHOOK_TOLERANCE_SECONDS ?? 300);
  try {
    return await Stripe.webhooks.constructEventAsync(rawBody, signature, env.STRIPE_WEBHOOK_SECRET, tolerance, Stripe.createSubtleCryptoProvider());
  } catch (error) {
    throw new ServiceError("BAD_REQUEST", `The Stripe signature did not verify: ${(error as Error).message}`, { errors: [{ pointer: "/headers/stripe-signature", detail: "Invalid or too old." }] });
  }
}

export type { Stripe };
