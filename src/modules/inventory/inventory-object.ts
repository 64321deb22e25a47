import { DurableObject } from "cloudflare:workers";
import { createDb } from "../../db/client";
import type { Env } from "../../env";
import { publishPendingEvents } from "../events";
import { lowStockThreshold, projectionStatements } from "./projection";
import { StockBook, type AbsorbedHold, type AdminAdjustment, type AdminWriteOutcome, type HoldState, type LedgerEntry, type StockSnapshot } from "./stock-book";
import { log } from "../../shared/log";

/** How long to wait before retrying a failed projection write. */
const PROJECTION_RETRY_MS = 5_000;

export type HoldOutcome =
  | { ok: true; sku: string; quantity: number; available: number; expiresAt: string | null; previous: HoldState | null; absorbed: AbsorbedHold[] }
  | { ok: false; sku: string; requested: number; available: number };

/**
 * The single writer of one SKU's stock (`env.INVENTORY.idFromName(sku)`). Requests to one object
 * run one at a time and every change is a synchronous SQLite transaction in {@link StockBook}, so
 * concurrent checkouts cannot take the same unit twice.
 *
 * After each change the object brings the D1 projection (`stock_levels`) up to date and the caller
 * awaits that write: an admin or shopper who just changed stock sees it in listings at once.
 * Concurrent changes share one in-flight write (coalesced), each write carries the ledger version
 * so an older write can never overwrite a newer one, and a failed write is retried by the alarm
 * (the change itself is already durable, so the caller still gets success). The same alarm
 * releases expired holds; it is always set to the earliest of the two.
 */
export class InventoryObject extends DurableObject<Env> {
  private readonly book: StockBook;
  private projecting: Promise<void> | null = null;
  private alarmAt: number | null | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.book = new StockBook(ctx.storage.sql, (closure) => ctx.storage.transactionSync(closure));
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS projection (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, available INTEGER NOT NULL, retry_at INTEGER)");
  }

  // ------------------------------------------------------------------------------------- RPC

  async levels(sku: string, now = Date.now()): Promise<StockSnapshot> {
    this.prepare(sku, now);
    await this.settle();
    return this.book.snapshot();
  }

  /** Set owner's hold to exactly `quantity` (0 releases), taking over `absorb`'s holds; see `holdStock` in index.ts. */
  async hold(sku: string, owner: string, quantity: number, ttlMs: number | null, now = Date.now(), absorb: string[] = []): Promise<HoldOutcome> {
    assertCount(quantity, "quantity");
    if (ttlMs !== null) assertCount(ttlMs, "ttlMs");
    this.prepare(sku, now);
    const expiresAt = quantity > 0 && ttlMs !== null ? now + ttlMs : null;
    const result = this.book.setHold(owner, quantity, expiresAt, now, absorb);
    await this.settle();
    if (!result.ok) return { ok: false, sku, requested: quantity, available: result.couldHold };
    return {
      ok: true,
      sku,
      quantity,
      available: result.available,
      expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
      previous: result.previous,
      absorbed: result.absorbed,
    };
  }

  /**
   * Put owner's hold, and the holds it absorbed, back to what they were before a `hold` (holdAll's
   * rollback). Lowering always succeeds; raising back can fail if the units were taken meanwhile, reported as false.
   */
  async restoreHold(sku: string, owner: string, previous: HoldState | null, now = Date.now(), absorbed: AbsorbedHold[] = []): Promise<boolean> {
    this.prepare(sku, now);
    const result = this.book.restoreHold(owner, previous, absorbed, now);
    await this.settle();
    return result;
  }

  async release(sku: string, owner: string, now = Date.now()): Promise<void> {
    this.prepare(sku, now);
    this.book.release(owner, now);
    await this.settle();
  }

  /** Turn owner's hold into a sale of `quantity` (default: the hold) for orderId; a repeat for the same orderId changes nothing. */
  async commit(sku: string, owner: string, orderId: string, now = Date.now(), quantity?: number): Promise<{ ok: true; sold: number; repeated: boolean } | { ok: false }> {
    this.prepare(sku, now);
    const result = this.book.commit(owner, orderId, now, quantity);
    await this.settle();
    return result;
  }

  async returnSale(sku: string, orderId: string, now = Date.now()): Promise<{ returned: number }> {
    this.prepare(sku, now);
    const returned = this.book.returnSale(orderId, now);
    await this.settle();
    return { returned };
  }

  async restockReturn(sku: string, key: string, orderId: string, quantity: number, now = Date.now()): Promise<{ ok: true; returned: number } | { ok: false; returnable: number }> {
    assertCount(quantity, "quantity");
    this.prepare(sku, now);
    const result = this.book.restockReturn(key, orderId, quantity, now);
    await this.settle();
    return result;
  }

  async setOnHand(sku: string, input: AdminAdjustment & { onHand: number }, now = Date.now()): Promise<AdminWriteOutcome> {
    assertCount(input.onHand, "onHand");
    this.prepare(sku, now);
    const result = this.book.setOnHand(input, now);
    await this.settle();
    return result.ok ? { ok: true, level: this.book.snapshot() } : result;
  }

  async adjust(sku: string, input: AdminAdjustment & { delta: number }, now = Date.now()): Promise<AdminWriteOutcome> {
    if (!Number.isSafeInteger(input.delta)) throw new RangeError("delta must be an integer.");
    this.prepare(sku, now);
    const result = this.book.adjust(input, now);
    await this.settle();
    return result.ok ? { ok: true, level: this.book.snapshot() } : result;
  }

  /** Ledger entries, newest first, before sequence `before` (null = from the newest). */
  async ledger(sku: string, limit: number, before: number | null, now = Date.now()): Promise<LedgerEntry[]> {
    this.prepare(sku, now);
    await this.settle();
    return this.book.ledger(limit, before);
  }

  // ----------------------------------------------------------------------------------- alarm

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    const now = Date.now();
    if (this.hasSku()) {
      this.book.releaseExpired(now);
      await this.settle();
    }
    await this.scheduleAlarm();
  }

  // -------------------------------------------------------------------------------- internals

  private hasSku(): boolean {
    return this.ctx.storage.sql.exec("SELECT 1 FROM stock").toArray().length > 0;
  }

  /** Every request first binds the SKU and lets expired holds go, so they never block a sale. */
  private prepare(sku: string, now: number): void {
    this.book.open(sku);
    this.book.releaseExpired(now);
  }

  /** After a change: bring the projection up to date and re-arm the alarm. */
  private async settle(): Promise<void> {
    await this.project(this.book.snapshot().version);
    await this.scheduleAlarm();
  }

  private projected(): { version: number; available: number; retryAt: number | null } {
    const row = this.ctx.storage.sql
      .exec<{ version: number; available: number; retry_at: number | null }>("SELECT version, available, retry_at FROM projection WHERE id = 1")
      .toArray()[0];
    return row ? { version: row.version, available: row.available, retryAt: row.retry_at } : { version: 0, available: 0, retryAt: null };
  }

  /** Wait until D1 holds at least `version`. One write in flight at a time; waiters share it. */
  private async project(version: number): Promise<void> {
    for (let attempt = 0; attempt < 3 && this.projected().version < version; attempt++) {
      this.projecting ??= this.writeProjection().finally(() => {
        this.projecting = null;
      });
      await this.projecting;
      if (this.projected().retryAt !== null) return; // failed: the alarm retries
    }
  }

  private async writeProjection(): Promise<void> {
    const level = this.book.snapshot();
    const previous = this.projected();
    if (level.version <= previous.version) return;
    const db = createDb(this.env.DB);
    try {
      const statements = projectionStatements(db, level, previous.available, lowStockThreshold(this.env.LOW_STOCK_THRESHOLD));
      await db.batch(statements);
      // An inventory.* event was recorded with the projection: hand it to the queue now, not at the next sweep.
      if (statements.length > 1) this.ctx.waitUntil(publishPendingEvents(this.env).catch(() => undefined));
      this.ctx.storage.sql.exec(
        `INSERT INTO projection (id, version, available, retry_at) VALUES (1, ?, ?, NULL)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version, available = excluded.available, retry_at = NULL`,
        level.version,
        level.available,
      );
    } catch (error) {
      log.error("stock projection write failed", { sku: level.sku, version: level.version, error: String(error) });
      this.ctx.storage.sql.exec(
        `INSERT INTO projection (id, version, available, retry_at) VALUES (1, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET retry_at = excluded.retry_at`,
        previous.version,
        previous.available,
        Date.now() + PROJECTION_RETRY_MS,
      );
    }
  }

  /** The alarm fires at the earliest hold expiry or pending projection retry, whichever is first. */
  private async scheduleAlarm(): Promise<void> {
    const candidates = [this.book.nextExpiry(), this.projected().retryAt].filter((t): t is number => t !== null);
    const next = candidates.length > 0 ? Math.min(...candidates) : null;
    if (next === this.alarmAt) return;
    this.alarmAt = next;
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
  }
}

function assertCount(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer.`);
}
