// The orders module's public surface.
export { checkout } from "./checkout";
export { getOrder, listOrders, markPaid, cancelOrder, refundOrder, approveOrder, addOrderNote, orderTimeline, readableRow, amountDue } from "./service";
export { changeOrder, orderRow, orderLinesOf, deriveStatus, allowedTransitions, type OrderChangePlan, type OrderRow, type OrderLineRow } from "./changes";
export { reconcileOrderStock, settleOrderStock, type StockPort } from "./stock";
export { releaseAbandonedCheckouts } from "./abandoned";
export type { Order, PlacedOrder, OrderStatus, PaymentStatus, FulfillmentStatus } from "./schemas";
export { Order as OrderSchema } from "./schemas";
export { orderLiveFeed, feedAudience, issueFeedTicket, readFeed, revokeFeedAccess } from "./feed";
export type { FeedAudience, FeedMessage } from "./feed-buffer";
