// Every module's tables, for drizzle-kit and for the typed client. Modules own their tables;
// only a module's own service queries them.
export * from "../modules/catalog/tables";
export * from "../modules/access/tables";
export * from "../modules/events/tables";
export * from "../modules/customers/tables";
export * from "../modules/inventory/tables";
export * from "../modules/carts/tables";
export * from "../modules/orders/tables";
export * from "../modules/webhooks/tables";
export * from "../modules/recommendations/tables";
export * from "../modules/protection/tables";
export * from "../modules/risk/tables";
export * from "../modules/payments/tables";
export * from "../modules/fulfillments/tables";
export * from "../modules/returns/tables";
export * from "../modules/notifications/tables";
export * from "../modules/staff/tables";
export * from "../modules/audit/tables";
