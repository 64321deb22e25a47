// Module-to-module wiring that would otherwise be an import cycle: the root hands a module what it
// needs from another. Imported by every entry of the root (src/app/http.ts, src/app/background.ts).
import { onApiKeysRevoked } from "../modules/access";
import { existingSkus, variantProductIds } from "../modules/catalog";
import { provideDiscountStep, provideGiftCardStep } from "../modules/carts";
import { giftCardsForCart } from "../modules/gift-cards";
import { provideKnownSkus } from "../modules/inventory";
import { discountsForCart } from "../modules/promotions";
import { accountCreatedAt, onCustomerTokensRevoked } from "../modules/customers";
import { marketCacheSlot, provideCustomerExists, provideVariantProducts } from "../modules/pricing";
import { provideMarketSlots } from "../modules/protection";
import { amountDue, changeOrder, orderLinesOf, orderRow, readableRow, revokeFeedAccess } from "../modules/orders";
import { provideOrdersToPayments } from "../modules/payments";

// Inventory sets stock only for SKUs the catalog knows; the catalog reads inventory for availability.
provideKnownSkus(existingSkus);
// Pricing writes prices only for variants the catalog knows; the catalog writes prices through pricing.
provideVariantProducts(variantProductIds);
// Customer groups take only customers that exist; customers reach pricing through carts (sign-in merge).
provideCustomerExists(async (db, customerId) => (await accountCreatedAt(db, customerId)) !== null);
// The cart pricing pipeline's steps 3 and 6 (contracts/pricing-and-checkout.md): promotions and gift cards.
provideDiscountStep(discountsForCart);
provideGiftCardStep(giftCardsForCart);
// Cached catalog reads are keyed by the market they resolve to; markets are pricing's (pricing already imports protection).
provideMarketSlots(marketCacheSlot);

// A revoked customer token or API key closes the live order feed connections it opened (orders depends on customers).
onCustomerTokensRevoked((env, { tokenIds }) => revokeFeedAccess(env, { tokenIds }));
onApiKeysRevoked((env, { keyIds }) => revokeFeedAccess(env, { keyIds }));
// Payments changes orders through their guarded transitions; orders imports payments (checkout starts a payment).
provideOrdersToPayments({ readable: readableRow, row: orderRow, lines: orderLinesOf, amountDue, change: changeOrder });
