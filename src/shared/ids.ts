/**
 * Opaque, prefixed, time-sortable ids: `<prefix>_<26 chars of Crockford base32>`, a ULID body
 * (48-bit millisecond time + 80 random bits), so ids sort by creation time as strings.
 */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export const idPrefixes = {
  product: "prod",
  variant: "var",
  category: "cat",
  apiKey: "key",
  event: "evt",
  customer: "cus",
  customerToken: "ctok",
  address: "addr",
  cart: "cart",
  cartLine: "cli",
  order: "ord",
  orderLine: "oli",
  payment: "pay",
  paymentOperation: "pop",
  orderNote: "note",
  fulfillment: "ful",
  return: "ret",
  returnLine: "rtl",
  passwordReset: "prst",
  webhookEndpoint: "whep",
  webhookDelivery: "whdl",
  webhookAttempt: "what",
  deadLetter: "dlq",
  promotion: "promo",
  redemption: "rdm",
  giftCard: "gc",
  giftCardTransaction: "gctx",
  market: "mkt",
  customerGroup: "cgrp",
  priceList: "prl",
  taxRate: "txr",
  shippingZone: "shz",
  shippingMethod: "shm",
  staff: "stf",
  staffSession: "sess",
  auditEntry: "aud",
  image: "img",
} as const;

export type IdKind = keyof typeof idPrefixes;

export function newId(kind: IdKind, now = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let random = "";
  for (let i = 0; i < 16; i++) random += ALPHABET[bytes[i]! % 32]!;
  return `${idPrefixes[kind]}_${time}${random.slice(0, 16)}`.toLowerCase();
}
