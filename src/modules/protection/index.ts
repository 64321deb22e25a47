// Public surface of protection: what other modules (catalog writes, the events consumer) call.
export { purgeCatalogCache } from "./catalog-cache";
