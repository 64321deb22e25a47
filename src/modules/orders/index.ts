// The orders module's public surface.
export { checkout } from "./checkout";
export { getOrder, listOrders, markPaid, fulfilOrder, cancelOrder, refundOrder, approveOrder } from "./service";
export { reconcileOrderStock, settleOrderStock, type StockPort } from "./stock";
export { releaseAbandonedCheckouts } from "./abandoned";
export type { Order, PlacedOrder, OrderStatus } from "./schemas";
export { orderLiveFeed, feedAudience, issueFeedTicket, readFeed, revokeFeedAccess } from "./feed";
export type { FeedAudience, FeedMessage } from "./feed-buffer";
