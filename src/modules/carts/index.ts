// The carts module's public surface: other modules (customers' sign-in, checkout, promotions) use only this.
export {
  mergeGuestCart,
  getCart,
  loadCart,
  claimCheckout,
  releaseCheckout,
  reopenCheckout,
  abandonedCheckouts,
  completeCheckoutStatement,
  holdOwner,
  holdTtlMs,
  unavailableLines,
  pricingInput,
} from "./service";
export type { CartRow, CartLineRow, UnavailableLine } from "./service";
// The cart pricing pipeline (contracts/pricing-and-checkout.md): steps 3 and 6 plug in through the providers.
export {
  priceCart,
  assertPurchasable,
  provideDiscountStep,
  provideGiftCardStep,
  type PriceCartInput,
  type PricedCart,
  type PricedLine,
  type DiscountStep,
  type DiscountInput,
  type Discounts,
  type GiftCardStep,
  type GiftCardInput,
  type GiftCards,
} from "./pricing";
export { applyDiscountCode, removeDiscountCode, applyGiftCard, removeGiftCard } from "./adjustments";
export { Address, Totals, AppliedDiscount, CheckoutInput, Cart } from "./schemas";
