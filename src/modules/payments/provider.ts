import type { Money } from "../../shared/schemas";

/**
 * What a payment provider does for an order; the orders module records the outcome.
 *
 * The provider is called before the order's guarded transition commits, so two racing transitions of
 * the same order version (e.g. two mark-paid requests with different Idempotency-Keys) both reach it;
 * only one batch wins. `idempotencyKey` is the same for both (`<orderId>:<version>:<kind>`): a provider
 * that moves real money must pass it on to its payment network (e.g. Stripe's Idempotency-Key) so the
 * money moves once.
 */
export interface PaymentProvider {
  readonly id: string;
  /** Take the money. Resolves with the provider's reference, or throws when it was not taken. */
  capture(input: { orderId: string; amount: Money; reference?: string | undefined; by: string; idempotencyKey: string }): Promise<{ reference: string }>;
  /** Give the money back. */
  refund(input: { orderId: string; amount: Money; by: string; idempotencyKey: string }): Promise<{ reference: string }>;
}

/**
 * Manual payment (bank transfer, cash on delivery, invoice): no money moves through Edgeshop. An
 * admin confirms that it arrived ("captured") or was paid back; the reference records who and how.
 */
export const manualPayment: PaymentProvider = {
  id: "manual",
  async capture({ orderId, reference, by }) {
    return { reference: reference ?? `manual:${by}:${orderId}` };
  },
  async refund({ orderId, by }) {
    return { reference: `manual-refund:${by}:${orderId}` };
  },
};

const providers: Record<string, PaymentProvider> = { [manualPayment.id]: manualPayment };

export const DEFAULT_PAYMENT_PROVIDER = manualPayment.id;

export function paymentProvider(id: string): PaymentProvider {
  const provider = providers[id];
  if (!provider) throw new Error(`Unknown payment provider '${id}'.`);
  return provider;
}
