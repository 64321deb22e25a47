// Module-to-module wiring that would otherwise be an import cycle: the root hands a module what it
// needs from another. Imported by every entry of the root (src/app/http.ts, src/app/background.ts).
import { onApiKeysRevoked } from "../modules/access";
import { existingSkus } from "../modules/catalog";
import { onCustomerTokensRevoked } from "../modules/customers";
import { provideKnownSkus } from "../modules/inventory";
import { revokeFeedAccess } from "../modules/orders";
import { amountDue, changeOrder, orderLinesOf, orderRow, readableRow } from "../modules/orders";
import { provideOrdersToPayments } from "../modules/payments";

// Inventory sets stock only for SKUs the catalog knows; the catalog reads inventory for availability.
provideKnownSkus(existingSkus);

// A revoked customer token or API key closes the live order feed connections it opened (orders depends on customers).
onCustomerTokensRevoked((env, { tokenIds }) => revokeFeedAccess(env, { tokenIds }));
onApiKeysRevoked((env, { keyIds }) => revokeFeedAccess(env, { keyIds }));
// Payments changes orders through their guarded transitions; orders imports payments (checkout starts a payment).
provideOrdersToPayments({ readable: readableRow, row: orderRow, lines: orderLinesOf, amountDue, change: changeOrder });
