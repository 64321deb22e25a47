// Module-to-module wiring that would otherwise be an import cycle: the root hands a module what it
// needs from another. Imported by every entry of the root (src/app/http.ts, src/app/background.ts).
import { existingSkus } from "../modules/catalog";
import { provideKnownSkus } from "../modules/inventory";
import { amountDue, changeOrder, orderLinesOf, orderRow, readableRow } from "../modules/orders";
import { provideOrdersToPayments } from "../modules/payments";

// Inventory sets stock only for SKUs the catalog knows; the catalog reads inventory for availability.
provideKnownSkus(existingSkus);

// Payments changes orders through their guarded transitions; orders imports payments (checkout starts a payment).
provideOrdersToPayments({ readable: readableRow, row: orderRow, lines: orderLinesOf, amountDue, change: changeOrder });
