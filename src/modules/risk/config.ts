/**
 * The risk model: a logistic scorer whose every weight is written here, versioned, and explained.
 * score = round(100 * sigmoid(intercept + sum(weight_k * feature_k))). Features are scaled so that
 * 1 means "clearly present" (see features.ts). Change a weight => bump `version`; assessments
 * record the version that produced them. Figures for this version: docs/intelligence.md.
 */
export const riskConfig = {
  version: "risk-2025-01-v1",
  intercept: -4.2,
  weights: {
    /** log2(order total / customer's average), clipped to 0..4: a sudden jump in value. */
    valueJump: 0.55,
    /** First order (or guest) above `highValueAmount`. */
    highValueWithoutHistory: 1.3,
    /** Account created less than a day ago, or a guest checkout. */
    newAccount: 0.6,
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
    /** Most units of one line beyond `usualQuantity` (log scale): resale, stock draining. */
    unusualQuantity: 0.7,
    /** Small order (below `cardTestingAmount`) with card-testing velocity. */
    smallAmountBurst: 1.0,
  },
  /** Minor units. */
  highValueAmount: 30_000,
  cardTestingAmount: 1_000,
  usualQuantity: 3,
  levels: { medium: 25, high: 50 },
  thresholds: { review: 35, reject: 75 },
  /** ASNs of large hosting providers (datacenter traffic is rare for real shoppers). */
  hostingAsns: [16509, 14618, 15169, 396982, 8075, 14061, 24940, 16276, 63949, 20473, 45102, 132203, 9009, 60068, 212238],
} as const;

export type RiskConfig = {
  version: string;
  intercept: number;
  weights: Record<RiskFeatureName, number>;
  highValueAmount: number;
  cardTestingAmount: number;
  usualQuantity: number;
  levels: { medium: number; high: number };
  thresholds: { review: number; reject: number };
  hostingAsns: readonly number[];
};

export type RiskFeatureName = keyof (typeof riskConfig)["weights"];

/** How each feature reads in a reason shown to admins. */
export const featureDescriptions: Record<RiskFeatureName, string> = {
  valueJump: "Order value far above this customer's usual",
  highValueWithoutHistory: "High-value order without purchase history",
  newAccount: "New account or guest checkout",
  ipVelocity: "Many checkouts from this IP address in the last hour",
  ipDistinctEmails: "Many different emails from this IP address",
  emailVelocity: "Many checkouts for this email in the last hour",
  customerVelocity: "Many checkouts by this customer today",
  newShippingAddress: "Returning customer shipping to a new address",
  addressChanges: "Several shipping addresses recently",
  paymentChanges: "Several payment methods recently",
  sharedShippingAddress: "Shipping address used by several customers",
  disposableEmail: "Disposable email domain",
  billingShippingMismatch: "Billing and shipping countries differ",
  ipCountryMismatch: "Request country differs from shipping country",
  anonymisingNetwork: "Request from a hosting, VPN or Tor network",
  unusualQuantity: "Unusually large quantity",
  smallAmountBurst: "Small order in a burst of checkouts (card testing)",
};
