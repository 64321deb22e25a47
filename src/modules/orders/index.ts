// The orders module's public surface.
export { checkout } from "./checkout";
export { getOrder, listOrders, markPaid, fulfilOrder, cancelOrder, refundOrder } from "./service";
export type { Order, PlacedOrder, OrderStatus } from "./schemas";
