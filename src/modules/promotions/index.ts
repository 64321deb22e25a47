// The promotions module's public surface: the pricing pipeline's step 3 (evaluatePromotions),
// checkout's redemptions (statements for the order's batch, returned on cancel), and the codes a
// cart holds (carts authorises the caller, then calls these).
export { evaluatePromotions, discountsForCart, type PromotionInput, type PromotionEvaluation } from "./evaluate";
export { assertCodesStillApply, customerKeyOf, redemptionStatements, returnRedemptionStatements, usageLimitProblem, isUsageLimitViolation, type RedeemedPromotion } from "./redemptions";
export { addCartCode, cartCodes, removeCartCode, moveCartCodesStatement, MAX_CART_CODES } from "./cart-codes";
export { CartDiscountCode, DiscountAllocation, AppliedPromotion, RejectionReason } from "./schemas";
export type { Discount, Evaluation, RejectionReason as RejectionReasonValue } from "./engine";
