// The staff module's surface: sessions for the root's auth middleware, roles for documentation.
export { authenticateStaffSession } from "./sessions";
export { STAFF_SESSION_PREFIX } from "./config";
export { ROLE_SCOPES, STAFF_ROLES, type StaffRole } from "./roles";
