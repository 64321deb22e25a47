import type { Env } from "../../env";
import type { PaymentAttemptStatus } from "./tables";

/** The provider's view of a payment attempt (a Stripe PaymentIntent), in minor units. */
export interface ProviderIntent {
  /** The provider's id (`pi_…`). */
  ref: string;
  status: PaymentAttemptStatus;
  amount: number;
  /** Authorised and not yet captured (Stripe: `amount_capturable`). */
  amountAuthorized: number;
  /** Captured (Stripe: `amount_received`). */
  amountCaptured: number;
  clientSecret: string | null;
  /** `next_action.type` while the customer must act (3-D Secure). */
  nextAction: string | null;
  lastError: string | null;
}

export interface ProviderRefund {
  reference: string;
  amount: number;
  status: "succeeded" | "pending" | "failed" | "canceled" | "requires_action";
}

/**
 * A payment provider that moves money outside Edgeshop (Stripe). Every call that moves money takes
 * an idempotency key that the provider must honour (Stripe's `Idempotency-Key`), so a retried
 * request moves the money once. Failures throw ServiceError (PAYMENT_PROVIDER_ERROR for outages,
 * CONFLICT for refusals, IDEMPOTENCY_KEY_REUSED for a key reused with other parameters).
 */
export interface PaymentProvider {
  readonly id: string;
  createIntent(input: {
    paymentId: string;
    orderId: string;
    orderNumber: string;
    email: string;
    amount: number;
    currency: string;
    captureMethod: "automatic" | "manual";
    idempotencyKey: string;
  }): Promise<ProviderIntent>;
  retrieve(ref: string): Promise<ProviderIntent>;
  capture(ref: string, amount: number, idempotencyKey: string): Promise<ProviderIntent>;
  cancel(ref: string, idempotencyKey: string): Promise<ProviderIntent>;
  refund(ref: string, amount: number, idempotencyKey: string, reason: string | null): Promise<ProviderRefund>;
}

/** `manual`: no money moves through Edgeshop; an admin records that it arrived (mark-paid) or went back. */
export const MANUAL = "manual";
export const STRIPE = "stripe";
export const paymentProviderIds = [MANUAL, STRIPE] as const;

/** The provider new orders use: `PAYMENT_PROVIDER` (default `manual`, so local runs need no Stripe account). */
export function configuredProvider(env: Pick<Env, "PAYMENT_PROVIDER">): string {
  const id = env.PAYMENT_PROVIDER?.trim() || MANUAL;
  if (!(paymentProviderIds as readonly string[]).includes(id)) throw new Error(`PAYMENT_PROVIDER '${id}' is not one of ${paymentProviderIds.join(", ")}.`);
  return id;
}

/** Stripe PaymentIntents capture automatically unless `STRIPE_CAPTURE_METHOD=manual` (authorise now, capture later). */
export function captureMethod(env: Pick<Env, "STRIPE_CAPTURE_METHOD">): "automatic" | "manual" {
  return env.STRIPE_CAPTURE_METHOD === "manual" ? "manual" : "automatic";
}

/** The remote provider for an order's provider id; loads Stripe's library on first use. */
export async function remoteProvider(env: Env, id: string): Promise<PaymentProvider> {
  if (id !== STRIPE) throw new Error(`'${id}' is not a remote payment provider.`);
  const { stripeProvider } = await import("./stripe");
  return stripeProvider(env);
}
