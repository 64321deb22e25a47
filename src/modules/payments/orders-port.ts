import type { ServiceContext } from "../../context";
import type { changeOrder, OrderLineRow, OrderRow } from "../orders";

/**
 * What payments needs from orders. Orders imports payments (checkout starts a payment, order reads
 * show it), so payments reaches orders through this port, which the composition root provides
 * (src/app/wiring.ts): a direct import would be a cycle.
 */
export interface OrdersPort {
  /** The order if the caller may read it (admins, its customer, a guest with its token); 404 otherwise. */
  readable(ctx: ServiceContext, orderId: string): Promise<OrderRow>;
  row(db: ServiceContext["db"], orderId: string): Promise<OrderRow>;
  lines(db: ServiceContext["db"], orderId: string): Promise<OrderLineRow[]>;
  /** What the customer still owes after gift cards and store credit (the contract's `amountDue`). */
  amountDue(row: OrderRow): number;
  change: typeof changeOrder;
}

let port: OrdersPort | undefined;

export function provideOrdersToPayments(orders: OrdersPort): void {
  port = orders;
}

export function ordersPort(): OrdersPort {
  if (!port) throw new Error("payments: the orders port was not provided (src/app/wiring.ts).");
  return port;
}
