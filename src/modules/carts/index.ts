// The carts module's public surface: other modules (customers' sign-in, checkout) use only this.
export { mergeGuestCart, getCart, loadCart, claimCheckout, releaseCheckout, completeCheckoutStatement, holdOwner, holdTtlMs } from "./service";
export type { CartRow, CartLineRow } from "./service";
export { computeTotals } from "./pricing";
export { Address, Totals, CheckoutInput, type Cart } from "./schemas";
