import type { RiskFeatureName } from "./features";

/**
 * Prior weights: the hand-set log-odds of the signals that no public labelled data set can teach
 * (guests, email, addresses, payment methods, request country and network, quantities, card
 * testing). They were set from the meaning of each signal against a base of -4.2 and a review
 * boundary at probability 0.35 (`priorScale` in the model file rescales them to the learned base
 * and review boundary). The Worker never reads this file: training (eval/risk/train.ts) copies
 * these into the model file, which is what is served. Learned features are absent here.
 */
export const priorWeights: Partial<Record<RiskFeatureName, number>> = {
  /** A guest checkout (no account, hence no account age). */
  guestCheckout: 0.6,
  /** log2(order total / customer's average), clipped to 0..4: a sudden jump in value. */
  valueJump: 0.55,
  /** First order (or guest) above the high-value amount. */
  highValueWithoutHistory: 1.3,
  /** Checkouts from this IP in the last hour beyond the first two (log scale). */
  ipVelocity: 1.1,
  /** Different emails from this IP in 24h beyond the first (log scale): card testing. */
  ipDistinctEmails: 1.4,
  /** Checkouts for this email in the last hour beyond the first two (log scale). */
  emailVelocity: 0.8,
  /** Checkouts by this customer in 24h beyond the first three (log scale). */
  customerVelocity: 0.7,
  /** A returning customer shipping to an address never used before. */
  newShippingAddress: 0.9,
  /** Distinct shipping addresses of this customer in 30 days beyond two (log scale). */
  addressChanges: 0.6,
  /** Distinct payment methods of this customer in 30 days beyond one (log scale). */
  paymentChanges: 0.8,
  /** Different customers/emails shipping to this address in 30 days beyond two (log scale): reshippers, drops. */
  sharedShippingAddress: 1.2,
  /** Disposable email domain. */
  disposableEmail: 1.7,
  /** Billing and shipping countries differ. */
  billingShippingMismatch: 1.0,
  /** The request comes from a country other than the shipping country. */
  ipCountryMismatch: 0.8,
  /** The request comes through a hosting/VPN network or Tor. */
  anonymisingNetwork: 1.1,
  /** Most units of one line beyond the usual quantity (log scale): resale, stock draining. */
  unusualQuantity: 0.7,
  /** Small order with card-testing velocity. */
  smallAmountBurst: 1.0,
};

/** The scale the priors were written on: intercept and review probability of the hand-set v1 model. */
export const priorScale = { intercept: -4.2, review: 0.35 } as const;
