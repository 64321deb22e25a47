// The shipping module's public surface: the quote the cart pricing pipeline asks for (step 4).
export { quoteShipping, type QuotedMethod, type ShippingQuoteInput } from "./quote";
export { priceMethod } from "./rates";
export { ShippingOption } from "./schemas";
