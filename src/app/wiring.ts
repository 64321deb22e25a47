// Module-to-module wiring that would otherwise be an import cycle: the root hands a module what it
// needs from another. Imported by every entry of the root (src/app/http.ts, src/app/background.ts).
import { existingSkus } from "../modules/catalog";
import { provideKnownSkus } from "../modules/inventory";

// Inventory sets stock only for SKUs the catalog knows; the catalog reads inventory for availability.
provideKnownSkus(existingSkus);
