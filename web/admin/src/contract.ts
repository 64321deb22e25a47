// Shapes from the browser contract (coord/contracts/staff-and-browser.md) for endpoints that are not
// in /openapi.json yet. Once they are, switch the callers in api.ts to the generated client types.
export type Role = "owner" | "catalog" | "orders" | "support" | "read_only";
export const ROLES: Role[] = ["owner", "catalog", "orders", "support", "read_only"];

export interface Staff {
  id: string;
  email: string;
  name: string;
  role: Role;
  scopes: string[];
  disabled: boolean;
  createdAt: string;
  lastSignInAt: string | null;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  createdBy: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: { type: "api_key" | "staff" | "bootstrap"; id: string; name: string };
  action: string;
  resource?: string;
  requestId: string;
  status: number;
}

export const SCOPES = [
  "admin:*",
  "catalog:write",
  "inventory:write",
  "orders:read",
  "orders:write",
  "customers:read",
  "webhooks:write",
  "events:read",
  "events:write",
  "staff:write",
  "keys:write",
  "audit:read",
];
