import type { AdminScope } from "../../context";

/** What each role may do, in the API's scope vocabulary (docs/back-office.md). */
export const STAFF_ROLES = ["owner", "catalog", "orders", "support", "read_only"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

const READS: readonly AdminScope[] = [
  "catalog:read",
  "inventory:read",
  "orders:read",
  "customers:read",
  "webhooks:read",
  "events:read",
  "pricing:read",
  "staff:read",
  "keys:read",
  "audit:read",
  "pricing:read",
];

export const ROLE_SCOPES: Record<StaffRole, readonly AdminScope[]> = {
  owner: ["admin:*"],
  // Merchandising sets prices and runs promotions; customer service issues gift cards and store credit.
  catalog: ["catalog:write", "inventory:write", "pricing:write", "promotions:write", ...READS],
  orders: ["orders:write", "inventory:write", "gift_cards:write", ...READS],
  // Support answers shoppers: it reads orders, customers, the catalog and stock, and changes nothing
  // (there are no order notes or returns to write yet).
  support: ["orders:read", "customers:read", "catalog:read", "inventory:read"],
  read_only: READS,
};
