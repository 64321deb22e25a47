// The protection module's REST surface: Hono middleware that the composition root (src/app/http.ts)
// puts in front of the routes, and `idempotent()` for unsafe money and stock routes.
export { idempotent } from "./rest-idempotency";
export { restRateLimit } from "./rest-rate-limit";
export { limitJson } from "./rest-json-limits";
export { catalogReadCache } from "./rest-catalog-cache";
