/**
 * The stock of ONE SKU in the Durable Object's own SQLite: levels, holds, sales and the
 * append-only ledger. Every method is synchronous and runs in one storage transaction, so a
 * check and the write it guards can never be split by another request (that is what makes
 * overselling impossible). The object around it adds RPC, the alarm and the D1 projection.
 */

export const ledgerReasons = ["restock", "reservation", "release", "expiry", "sale", "cancellation", "adjustment", "return"] as const;
export type LedgerReason = (typeof ledgerReasons)[number];
export type AdminReason = Extract<LedgerReason, "restock" | "adjustment">;

export interface StockSnapshot {
  sku: string;
  /** Units in stock and not yet sold (held units included). */
  onHand: number;
  /** Units held by carts/checkouts. */
  reserved: number;
  /** onHand - reserved: what can still be held. Never negative. */
  available: number;
  /** Units sold and not returned. */
  sold: number;
  /** Sequence of the latest ledger entry (0 before the first change). */
  version: number;
  updatedAt: string | null;
}

export interface LedgerEntry {
  sequence: number;
  reason: LedgerReason;
  /** The signed change the entry is about: on-hand for restock/adjustment/sale/cancellation, reserved for holds. */
  quantity: number;
  onHandDelta: number;
  reservedDelta: number;
  soldDelta: number;
  owner: string | null;
  orderId: string | null;
  note: string | null;
  actor: string | null;
  /** Levels right after this entry. */
  onHand: number;
  reserved: number;
  available: number;
  sold: number;
  at: string;
}

export interface HoldState {
  quantity: number;
  /** Epoch milliseconds; null = never expires. */
  expiresAt: number | null;
}

/** Another owner's hold that a `setHold` took over (see `absorb`). */
export interface AbsorbedHold {
  owner: string;
  hold: HoldState;
}

interface Change {
  reason: LedgerReason;
  quantity: number;
  onHandDelta?: number;
  reservedDelta?: number;
  soldDelta?: number;
  owner?: string | null;
  orderId?: string | null;
  note?: string | null;
  actor?: string | null;
}

export interface AdminAdjustment {
  /** Compare-and-set: the on-hand the caller believes is current. */
  expected?: number | undefined;
  reason: AdminReason;
  note?: string | null | undefined;
  actor?: string | null | undefined;
}

export type AdminWriteOutcome =
  | { ok: true; level: StockSnapshot }
  | { ok: false; problem: "expected_mismatch" | "below_reserved"; level: StockSnapshot };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS stock (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  sku TEXT NOT NULL,
  on_hand INTEGER NOT NULL DEFAULT 0,
  reserved INTEGER NOT NULL DEFAULT 0,
  sold INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT,
  -- The last line of defence against overselling: a bug that would make available negative aborts.
  CHECK (reserved >= 0 AND sold >= 0 AND on_hand >= reserved)
);
CREATE TABLE IF NOT EXISTS holds (
  owner TEXT PRIMARY KEY,
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  expires_at INTEGER,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS holds_expiry_idx ON holds (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS sales (
  order_id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  sold_at TEXT NOT NULL,
  returned_at TEXT
);
CREATE TABLE IF NOT EXISTS returns_in (
  key TEXT PRIMARY KEY,
  order_id TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  returned_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  reason TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  on_hand_delta INTEGER NOT NULL,
  reserved_delta INTEGER NOT NULL,
  sold_delta INTEGER NOT NULL,
  owner TEXT,
  order_id TEXT,
  note TEXT,
  actor TEXT,
  on_hand INTEGER NOT NULL,
  reserved INTEGER NOT NULL,
  sold INTEGER NOT NULL,
  at TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS ledger_no_update BEFORE UPDATE ON ledger BEGIN SELECT RAISE(ABORT, 'the stock ledger is append-only'); END;
CREATE TRIGGER IF NOT EXISTS ledger_no_delete BEFORE DELETE ON ledger BEGIN SELECT RAISE(ABORT, 'the stock ledger is append-only'); END;
`;

interface StockRow extends Record<string, SqlStorageValue> {
  sku: string;
  on_hand: number;
  reserved: number;
  sold: number;
  version: number;
  updated_at: string | null;
}

interface LedgerRow extends Record<string, SqlStorageValue> {
  seq: number;
  reason: string;
  quantity: number;
  on_hand_delta: number;
  reserved_delta: number;
  sold_delta: number;
  owner: string | null;
  order_id: string | null;
  note: string | null;
  actor: string | null;
  on_hand: number;
  reserved: number;
  sold: number;
  at: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export class StockBook {
  constructor(
    private readonly sql: SqlStorage,
    private readonly transaction: <T>(closure: () => T) => T,
  ) {
    this.sql.exec(SCHEMA);
  }

  /** Bind the book to its SKU on first use; an object answering for two SKUs would be a routing bug. */
  open(sku: string): void {
    const row = this.sql.exec<{ sku: string }>("SELECT sku FROM stock WHERE id = 1").toArray()[0];
    if (!row) this.sql.exec("INSERT INTO stock (id, sku) VALUES (1, ?)", sku);
    else if (row.sku !== sku) throw new Error(`This inventory object holds '${row.sku}', not '${sku}'.`);
  }

  snapshot(): StockSnapshot {
    const row = this.sql.exec<StockRow>("SELECT sku, on_hand, reserved, sold, version, updated_at FROM stock WHERE id = 1").one();
    return {
      sku: row.sku,
      onHand: row.on_hand,
      reserved: row.reserved,
      available: row.on_hand - row.reserved,
      sold: row.sold,
      version: row.version,
      updatedAt: row.updated_at,
    };
  }

  holdOf(owner: string): HoldState | null {
    const row = this.sql.exec<{ quantity: number; expires_at: number | null }>("SELECT quantity, expires_at FROM holds WHERE owner = ?", owner).toArray()[0];
    return row ? { quantity: row.quantity, expiresAt: row.expires_at } : null;
  }

  /** Earliest hold expiry (epoch ms), for the alarm. */
  nextExpiry(): number | null {
    const row = this.sql.exec<{ at: number | null }>("SELECT min(expires_at) AS at FROM holds WHERE expires_at IS NOT NULL").one();
    return row.at;
  }

  /** Release every hold whose expiry has passed, one "expiry" ledger entry each. */
  releaseExpired(now: number): number {
    return this.transaction(() => {
      const expired = this.sql
        .exec<{ owner: string; quantity: number }>("SELECT owner, quantity FROM holds WHERE expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at", now)
        .toArray();
      for (const hold of expired) {
        this.sql.exec("DELETE FROM holds WHERE owner = ?", hold.owner);
        this.apply({ reason: "expiry", quantity: -hold.quantity, reservedDelta: -hold.quantity, owner: hold.owner }, now);
      }
      return expired.length;
    });
  }

  /**
   * Set `owner`'s hold to exactly `quantity` (0 releases). Refused, with nothing changed, when the
   * owner could not hold that many: `couldHold` = available + what the owner already holds.
   *
   * `absorb` moves other owners' holds into this one in the same transaction: their units count as
   * available to `owner` and their holds are released (checkout takes over the cart's holds under its own
   * attempt, and gives them back the same way). The absorbed holds are returned, for a rollback.
   */
  setHold(owner: string, quantity: number, expiresAt: number | null, now: number, absorb: readonly string[] = []):
    | { ok: true; previous: HoldState | null; absorbed: AbsorbedHold[]; available: number }
    | { ok: false; couldHold: number } {
    return this.transaction(() => {
      const previous = this.holdOf(owner);
      const absorbed = absorb.filter((other) => other !== owner).flatMap((other) => {
        const hold = this.holdOf(other);
        return hold ? [{ owner: other, hold }] : [];
      });
      const couldHold = this.snapshot().available + (previous?.quantity ?? 0) + absorbed.reduce((n, a) => n + a.hold.quantity, 0);
      if (quantity > couldHold) return { ok: false as const, couldHold };
      for (const a of absorbed) this.writeHold(a.owner, 0, null, now);
      this.writeHold(owner, quantity, expiresAt, now);
      return { ok: true as const, previous, absorbed, available: this.snapshot().available };
    });
  }

  /**
   * Undo a `setHold`: `owner`'s hold back to `previous` and the holds it absorbed back to their owners (those
   * not expired meanwhile), in one transaction, so the units it frees are the units they get back.
   * False when a hold could not be raised back (its units were taken in between: only for a lowered hold).
   */
  restoreHold(owner: string, previous: HoldState | null, absorbed: readonly AbsorbedHold[], now: number): boolean {
    return this.transaction(() => {
      const live = (state: HoldState | null) => (state && (state.expiresAt === null || state.expiresAt > now) ? state : null);
      const back = live(previous);
      let ok = true;
      for (const [who, state] of [[owner, back] as const, ...absorbed.map((a) => [a.owner, live(a.hold)] as const)]) {
        const quantity = state?.quantity ?? 0;
        if (quantity > this.snapshot().available + (this.holdOf(who)?.quantity ?? 0)) {
          ok = false;
          continue;
        }
        this.writeHold(who, quantity, state?.expiresAt ?? null, now);
      }
      return ok;
    });
  }

  /** Write a hold (0 deletes it) and its ledger entry; the caller has checked it fits, inside a transaction. */
  private writeHold(owner: string, quantity: number, expiresAt: number | null, now: number): void {
    const delta = quantity - (this.holdOf(owner)?.quantity ?? 0);
    if (quantity === 0) this.sql.exec("DELETE FROM holds WHERE owner = ?", owner);
    else {
      this.sql.exec(
        `INSERT INTO holds (owner, quantity, expires_at, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (owner) DO UPDATE SET quantity = excluded.quantity, expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
        owner,
        quantity,
        expiresAt,
        iso(now),
      );
    }
    if (delta !== 0) this.apply({ reason: delta > 0 ? "reservation" : "release", quantity: delta, reservedDelta: delta, owner }, now);
  }

  release(owner: string, now: number): void {
    this.setHold(owner, 0, null, now);
  }

  /**
   * Turn owner's hold into a sale for orderId. Idempotent per orderId: a repeat reports the first sale.
   * With `quantity` (what the order bought) the sale is exactly that, whatever the hold became since
   * checkout held it (a concurrent cart edit may have lowered or raised it): a larger hold's excess is
   * released, a smaller one is topped up from available stock or the commit fails. Without a hold it fails.
   */
  commit(owner: string, orderId: string, now: number, quantity?: number): { ok: true; sold: number; repeated: boolean } | { ok: false } {
    return this.transaction(() => {
      const sale = this.sql.exec<{ quantity: number }>("SELECT quantity FROM sales WHERE order_id = ?", orderId).toArray()[0];
      if (sale) return { ok: true as const, sold: sale.quantity, repeated: true };
      const hold = this.holdOf(owner);
      if (!hold) return { ok: false as const };
      const sold = quantity ?? hold.quantity;
      if (sold - hold.quantity > this.snapshot().available) return { ok: false as const };
      this.sql.exec("DELETE FROM holds WHERE owner = ?", owner);
      this.sql.exec("INSERT INTO sales (order_id, owner, quantity, sold_at) VALUES (?, ?, ?, ?)", orderId, owner, sold, iso(now));
      this.apply(
        { reason: "sale", quantity: -sold, onHandDelta: -sold, reservedDelta: -hold.quantity, soldDelta: sold, owner, orderId },
        now,
      );
      return { ok: true as const, sold, repeated: false };
    });
  }

  /**
   * Put what orderId bought back on hand, once. Returns the units returned by THIS call. An order that
   * bought nothing here yet is fenced (a returned sale of 0), so a commit that arrives late for a
   * cancelled order cannot sell it afterwards.
   */
  returnSale(orderId: string, now: number): number {
    return this.transaction(() => {
      const sale = this.sql
        .exec<{ quantity: number; owner: string; returned_at: string | null }>("SELECT quantity, owner, returned_at FROM sales WHERE order_id = ?", orderId)
        .toArray()[0];
      if (!sale) {
        this.sql.exec("INSERT INTO sales (order_id, owner, quantity, sold_at, returned_at) VALUES (?, '', 0, ?, ?)", orderId, iso(now), iso(now));
        return 0;
      }
      if (sale.returned_at !== null) return 0;
      this.sql.exec("UPDATE sales SET returned_at = ? WHERE order_id = ?", iso(now), orderId);
      this.apply(
        { reason: "cancellation", quantity: sale.quantity, onHandDelta: sale.quantity, soldDelta: -sale.quantity, owner: sale.owner, orderId },
        now,
      );
      return sale.quantity;
    });
  }

  /**
   * Units of a sale that a customer sent back (a return), once per `key` (a return line): on hand
   * grows and sold shrinks. Never more than the order bought here and has not returned yet; nothing
   * for an order that was cancelled (its units already came back). Returns the units taken back by
   * THIS call (0 for a repeat).
   */
  restockReturn(key: string, orderId: string, quantity: number, now: number): { ok: true; returned: number } | { ok: false; returnable: number } {
    return this.transaction(() => {
      if (this.sql.exec("SELECT 1 FROM returns_in WHERE key = ?", key).toArray().length > 0) return { ok: true as const, returned: 0 };
      const sale = this.sql.exec<{ quantity: number; returned_at: string | null }>("SELECT quantity, returned_at FROM sales WHERE order_id = ?", orderId).toArray()[0];
      const already = this.sql.exec<{ n: number }>("SELECT coalesce(sum(quantity), 0) AS n FROM returns_in WHERE order_id = ?", orderId).one().n;
      const returnable = sale && sale.returned_at === null ? sale.quantity - already : 0;
      if (quantity > returnable) return { ok: false as const, returnable };
      this.sql.exec("INSERT INTO returns_in (key, order_id, quantity, returned_at) VALUES (?, ?, ?, ?)", key, orderId, quantity, iso(now));
      this.apply({ reason: "return", quantity, onHandDelta: quantity, soldDelta: -quantity, orderId, note: key }, now);
      return { ok: true as const, returned: quantity };
    });
  }

  /** Admin: change on-hand by `delta`, compare-and-set against `expected` when given. */
  adjust(input: AdminAdjustment & { delta: number }, now: number): AdminWriteOutcome {
    return this.transaction(() => this.adjustOnHand(input, () => input.delta, now));
  }

  /** Admin: set on-hand to an absolute value (an entry for the difference). */
  setOnHand(input: AdminAdjustment & { onHand: number }, now: number): AdminWriteOutcome {
    return this.transaction(() => this.adjustOnHand(input, (level) => input.onHand - level.onHand, now));
  }

  /** Newest first; `before` is a sequence number from a previous page. */
  ledger(limit: number, before: number | null): LedgerEntry[] {
    const rows = this.sql
      .exec<LedgerRow>("SELECT * FROM ledger WHERE seq < ? ORDER BY seq DESC LIMIT ?", before ?? Number.MAX_SAFE_INTEGER, limit)
      .toArray();
    return rows.map(toLedgerEntry);
  }

  private adjustOnHand(input: AdminAdjustment, deltaFor: (level: StockSnapshot) => number, now: number): AdminWriteOutcome {
    const level = this.snapshot();
    if (input.expected !== undefined && input.expected !== level.onHand) return { ok: false, problem: "expected_mismatch", level };
    const delta = deltaFor(level);
    if (level.onHand + delta < level.reserved) return { ok: false, problem: "below_reserved", level };
    if (delta !== 0) this.apply({ reason: input.reason, quantity: delta, onHandDelta: delta, note: input.note ?? null, actor: input.actor ?? null }, now);
    return { ok: true, level: this.snapshot() };
  }

  private apply(change: Change, now: number): void {
    const onHandDelta = change.onHandDelta ?? 0;
    const reservedDelta = change.reservedDelta ?? 0;
    const soldDelta = change.soldDelta ?? 0;
    const at = iso(now);
    // The CHECK constraint on `stock` rejects any write that would make available negative.
    const level = this.sql
      .exec<StockRow>(
        `UPDATE stock SET on_hand = on_hand + ?, reserved = reserved + ?, sold = sold + ?, version = version + 1, updated_at = ?
         WHERE id = 1 RETURNING sku, on_hand, reserved, sold, version, updated_at`,
        onHandDelta,
        reservedDelta,
        soldDelta,
        at,
      )
      .one();
    this.sql.exec(
      `INSERT INTO ledger (seq, reason, quantity, on_hand_delta, reserved_delta, sold_delta, owner, order_id, note, actor, on_hand, reserved, sold, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      level.version,
      change.reason,
      change.quantity,
      onHandDelta,
      reservedDelta,
      soldDelta,
      change.owner ?? null,
      change.orderId ?? null,
      change.note ?? null,
      change.actor ?? null,
      level.on_hand,
      level.reserved,
      level.sold,
      at,
    );
  }
}

function toLedgerEntry(row: LedgerRow): LedgerEntry {
  return {
    sequence: row.seq,
    reason: row.reason as LedgerReason,
    quantity: row.quantity,
    onHandDelta: row.on_hand_delta,
    reservedDelta: row.reserved_delta,
    soldDelta: row.sold_delta,
    owner: row.owner,
    orderId: row.order_id,
    note: row.note,
    actor: row.actor,
    onHand: row.on_hand,
    reserved: row.reserved,
    available: row.on_hand - row.reserved,
    sold: row.sold,
    at: row.at,
  };
}
