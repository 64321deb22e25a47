// The audit module's surface: record admin writes (fed by the transports' middleware and plugin) and read them.
export { auditActor, recordAdminWrites, listAuditLog } from "./service";
export type { AdminWrite, AuditEntry } from "./schemas";
