// The carts module's public surface: other modules (customers' sign-in, checkout) use only this.
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
} from "./service";
export type { CartRow, CartLineRow, UnavailableLine } from "./service";
export { computeTotals } from "./pricing";
export { Address, Totals, CheckoutInput, type Cart } from "./schemas";
