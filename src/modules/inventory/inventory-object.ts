// CONTRACT STAND-IN: replaced at merge by feat/inventory
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../env";

/**
 * Minimal per-SKU stock object so that feat/orders can run its checkout tests before the real
 * inventory module lands. One object per SKU is the single writer of its stock; every method runs
 * to completion without awaiting anything but synchronous SQLite, so each call is atomic.
 */
export class InventoryObject extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`
      CREATE TABLE IF NOT EXISTS stock (id INTEGER PRIMARY KEY CHECK (id = 1), sku TEXT NOT NULL, on_hand INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS holds (owner TEXT PRIMARY KEY, quantity INTEGER NOT NULL, expires_at INTEGER);
      CREATE TABLE IF NOT EXISTS sales (order_id TEXT PRIMARY KEY, quantity INTEGER NOT NULL, returned INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE IF NOT EXISTS ledger (seq INTEGER PRIMARY KEY AUTOINCREMENT, reason TEXT NOT NULL, delta INTEGER NOT NULL, ref TEXT, at INTEGER NOT NULL);
    `);
  }

  setStock(sku: string, onHand: number) {
    this.sweep();
    const before = this.onHand();
    this.ctx.storage.sql.exec("INSERT INTO stock (id, sku, on_hand) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET on_hand = excluded.on_hand", sku, onHand);
    this.ledger("adjustment", onHand - before, null);
    return this.level(sku);
  }

  hold(sku: string, owner: string, quantity: number, ttlMs: number | null, now = Date.now()) {
    this.sweep(now);
    const current = this.holdOf(owner);
    const available = this.onHand() - this.reserved() + current;
    if (quantity > available) return { ok: false as const, sku, requested: quantity, available };
    if (quantity === 0) this.ctx.storage.sql.exec("DELETE FROM holds WHERE owner = ?", owner);
    else {
      const expiresAt = ttlMs === null ? null : now + ttlMs;
      this.ctx.storage.sql.exec(
        "INSERT INTO holds (owner, quantity, expires_at) VALUES (?, ?, ?) ON CONFLICT(owner) DO UPDATE SET quantity = excluded.quantity, expires_at = excluded.expires_at",
        owner,
        quantity,
        expiresAt,
      );
      if (expiresAt !== null) void this.scheduleAlarm();
    }
    if (quantity !== current) this.ledger("reservation", quantity - current, owner);
    return { ok: true as const, sku, quantity, available: available - quantity, expiresAt: quantity === 0 || ttlMs === null ? null : new Date(now + ttlMs).toISOString() };
  }

  /** The owner's current hold (0 when none), after expiry. */
  currentHold(owner: string): number {
    this.sweep();
    return this.holdOf(owner);
  }

  release(owner: string): void {
    this.sweep();
    const current = this.holdOf(owner);
    if (current === 0) return;
    this.ctx.storage.sql.exec("DELETE FROM holds WHERE owner = ?", owner);
    this.ledger("reservation", -current, owner);
  }

  commit(owner: string, orderId: string): void {
    this.sweep();
    const sold = this.ctx.storage.sql.exec("SELECT 1 FROM sales WHERE order_id = ?", orderId).toArray();
    if (sold.length > 0) return;
    const quantity = this.holdOf(owner);
    if (quantity === 0) return;
    this.ctx.storage.sql.exec("DELETE FROM holds WHERE owner = ?", owner);
    this.ctx.storage.sql.exec("INSERT INTO sales (order_id, quantity) VALUES (?, ?)", orderId, quantity);
    this.ctx.storage.sql.exec("UPDATE stock SET on_hand = on_hand - ? WHERE id = 1", quantity);
    this.ledger("sale", -quantity, orderId);
  }

  returnSale(orderId: string): { returned: number } {
    const row = this.ctx.storage.sql.exec<{ quantity: number }>("SELECT quantity FROM sales WHERE order_id = ? AND returned = 0", orderId).toArray()[0];
    if (!row) return { returned: 0 };
    this.ctx.storage.sql.exec("UPDATE sales SET returned = 1 WHERE order_id = ?", orderId);
    this.ctx.storage.sql.exec("UPDATE stock SET on_hand = on_hand + ? WHERE id = 1", row.quantity);
    this.ledger("cancellation", row.quantity, orderId);
    return { returned: row.quantity };
  }

  level(sku: string) {
    this.sweep();
    const onHand = this.onHand();
    const reserved = this.reserved();
    return { sku, onHand, reserved, available: Math.max(0, onHand - reserved) };
  }

  override async alarm(): Promise<void> {
    this.sweep();
    await this.scheduleAlarm();
  }

  private sweep(now = Date.now()): void {
    const expired = this.ctx.storage.sql
      .exec<{ owner: string; quantity: number }>("SELECT owner, quantity FROM holds WHERE expires_at IS NOT NULL AND expires_at <= ?", now)
      .toArray();
    for (const h of expired) {
      this.ctx.storage.sql.exec("DELETE FROM holds WHERE owner = ?", h.owner);
      this.ledger("reservation", -h.quantity, h.owner);
    }
  }

  private async scheduleAlarm(): Promise<void> {
    const next = this.ctx.storage.sql.exec<{ at: number | null }>("SELECT min(expires_at) AS at FROM holds").one().at;
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
  }

  private onHand(): number {
    return this.ctx.storage.sql.exec<{ on_hand: number }>("SELECT on_hand FROM stock WHERE id = 1").toArray()[0]?.on_hand ?? 0;
  }

  private reserved(): number {
    return this.ctx.storage.sql.exec<{ n: number }>("SELECT coalesce(sum(quantity), 0) AS n FROM holds").one().n;
  }

  private holdOf(owner: string): number {
    return this.ctx.storage.sql.exec<{ quantity: number }>("SELECT quantity FROM holds WHERE owner = ?", owner).toArray()[0]?.quantity ?? 0;
  }

  private ledger(reason: string, delta: number, ref: string | null): void {
    this.ctx.storage.sql.exec("INSERT INTO ledger (reason, delta, ref, at) VALUES (?, ?, ?, ?)", reason, delta, ref, Date.now());
  }
}
