// The gift-cards module's public surface: the pricing pipeline's step 6 (applyGiftCards over the
// cart's cards), checkout's charges (statements for the order's batch, returned on cancel), refunds
// to a card (creditGiftCard) and the cards a cart holds (carts authorises the caller, then calls these).
export { applyGiftCards, type CardSnapshot } from "./apply";
export { chargeStatements, returnStatements as giftCardReturnStatements, giftCardProblem, isBalanceViolation, type GiftCardCharge } from "./ledger";
export { creditGiftCard } from "./service";
export { addCartGiftCard, assertGiftCardsPay, removeCartGiftCard, cartGiftCardSnapshots, giftCardsForCart, moveCartGiftCardsStatement, MAX_CART_GIFT_CARDS } from "./cart";
export { AppliedGiftCard, ApplyGiftCardInput } from "./schemas";
