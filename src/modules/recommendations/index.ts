// The recommendations module's public surface.
export { recordPurchase, rebuildNeighbours, refreshNeighbours, type PurchaseInput } from "./learning";
export { onOrderPlaced, recommendationsLearn, type DeliveredEvent } from "./handlers";
export { cartRecommendations, recommendationsForCart, cartFrequentlyBoughtTogether, frequentlyBoughtTogetherForCart, completeTheCart, productRecommendations, recommendedForCustomer, recommendationsForProductIds, type Recommendation } from "./service";
export { recommendationModel } from "./model/config";
