import { and, desc, eq, type SQL } from "drizzle-orm";
import { requireAdmin, type Actor, type ServiceContext } from "../../context";
import type { Database } from "../../db/client";
import { newId } from "../../shared/ids";
import { log } from "../../shared/log";
import { olderThanCursor } from "../../db/keyset";
import { pageOf, type Page } from "../../shared/pagination";
import { parseInput } from "../../shared/validation";
import { ListAuditLogInput, type AdminWrite, type AuditEntry } from "./schemas";
import { auditLog } from "./tables";

/** Who an admin actor is, for the log; undefined for anyone else (their requests are not admin writes). */
export function auditActor(actor: Actor): AdminWrite["actor"] | undefined {
  if (actor.kind !== "admin") return undefined;
  return actor.principal ?? { type: "api_key", id: actor.keyId, name: actor.keyId };
}

/**
 * Append entries. Called after the response (waitUntil) so a write's latency does not grow; a failure
 * to record is logged loudly (with the request id) but does not turn a done write into an error.
 */
export async function recordAdminWrites(db: Database, writes: readonly AdminWrite[]): Promise<void> {
  if (writes.length === 0) return;
  const at = new Date().toISOString();
  try {
    await db.insert(auditLog).values(
      writes.map((w) => ({
        id: newId("auditEntry"),
        at,
        actorType: w.actor.type,
        actorId: w.actor.id,
        actorName: w.actor.name,
        action: w.action,
        resource: w.resource,
        transport: w.transport,
        method: w.method,
        path: w.path,
        requestId: w.requestId,
        status: w.status,
      })),
    );
  } catch (error) {
    log.error("audit log write failed", { request_id: writes[0]!.requestId, actions: writes.map((w) => w.action), error: String(error) });
  }
}

/** Newest first; filter by actor id and action. Needs `audit:read`. */
export async function listAuditLog(ctx: ServiceContext, rawInput: unknown = {}): Promise<Page<AuditEntry>> {
  requireAdmin(ctx.actor, "audit:read");
  const input = parseInput(ListAuditLogInput, rawInput);
  const where: (SQL | undefined)[] = [];
  if (input.actor) where.push(eq(auditLog.actorId, input.actor));
  if (input.action) where.push(eq(auditLog.action, input.action));
  where.push(olderThanCursor(input.cursor, auditLog.at, auditLog.id));
  const rows = await ctx.db
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(input.limit + 1);
  const page = pageOf(rows, input.limit, (r) => ({ v: r.at, id: r.id }), Boolean(input.cursor));
  return {
    ...page,
    items: page.items.map((r) => ({
      id: r.id,
      at: r.at,
      actor: { type: r.actorType, id: r.actorId, name: r.actorName },
      action: r.action,
      resource: r.resource,
      transport: r.transport,
      method: r.method,
      path: r.path,
      requestId: r.requestId,
      status: r.status,
    })),
  };
}
