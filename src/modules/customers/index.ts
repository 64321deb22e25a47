// The customers module's public surface: what the HTTP middleware and other modules may use.
export { CUSTOMER_TOKEN_PREFIX } from "./config";
export { authenticateCustomerToken } from "./tokens";
export { requireCustomer, type CustomerActor } from "./actor";
export { accountCreatedAt } from "./service";
export { onCustomerTokensRevoked, type TokensRevokedListener } from "./revocation";
export { issuePasswordResetToken } from "./password-reset";
export type { Address, Customer } from "./schemas";
