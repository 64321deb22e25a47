// The access module's surface: admin API keys resolved to an admin actor.
export { ADMIN_KEY_PREFIX, authenticateAdminKey, onApiKeysRevoked } from "./service";
