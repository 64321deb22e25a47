// The fulfillments module's public surface.
export { createFulfillment, fulfilOrder, listFulfillments, fulfillmentsOf, fulfilledQuantities } from "./service";
export { Fulfillment, CreateFulfillmentInput } from "./schemas";
