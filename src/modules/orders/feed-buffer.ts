/** What a feed client receives for every order event (JSON over WebSocket, `data:` in SSE). */
export interface FeedMessage {
  id: string;
  type: string;
  /** 1, 2, 3… per order: the outbox sequence. */
  sequence: number;
  /** The event's global commit position: the feed's cursor (`?after=`). */
  position: number;
  timestamp: string;
  data: Record<string, unknown>;
}

/**
 * Who a connection is for: admins see every order, a customer only orders with their id. The credential it was
 * opened with (`keyId`, `tokenId`) lets a revocation close it (OrderFeedObject.revoke).
 */
export type FeedAudience = { kind: "admin"; keyId?: string } | { kind: "customer"; customerId: string; tokenId?: string };

export interface BufferedEvent {
  message: FeedMessage;
  customerId: string | null;
}

export function sees(audience: FeedAudience, event: BufferedEvent): boolean {
  return audience.kind === "admin" || event.customerId === audience.customerId;
}

/**
 * The feed's replay buffer in the object's SQLite: the last `capacity` order events by commit
 * position, plus the highest position ever accepted. That high-water mark is also what makes
 * publishing idempotent: an event at or below it was broadcast already (or predates the feed)
 * and is dropped, however long ago it left the buffer.
 */
export class FeedBuffer {
  constructor(
    private readonly sql: SqlStorage,
    private readonly transaction: <T>(closure: () => T) => T,
    private readonly capacity: number,
  ) {
    sql.exec(`CREATE TABLE IF NOT EXISTS feed_events (
      position INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      customer_id TEXT,
      message TEXT NOT NULL
    )`);
    sql.exec("CREATE INDEX IF NOT EXISTS feed_events_customer_idx ON feed_events (customer_id, position)");
    // evicted_through: the highest position that left the buffer (or was never loaded), so a
    // client resuming from below it is told it may have missed events.
    sql.exec(`CREATE TABLE IF NOT EXISTS feed_state (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      last_position INTEGER NOT NULL,
      evicted_through INTEGER NOT NULL
    )`);
  }

  state(): { lastPosition: number; evictedThrough: number } | null {
    const row = this.sql.exec<{ last_position: number; evicted_through: number }>("SELECT last_position, evicted_through FROM feed_state WHERE id = 1").toArray()[0];
    return row ? { lastPosition: row.last_position, evictedThrough: row.evicted_through } : null;
  }

  /**
   * Keep the events above the high-water mark, in position order, and return them (what to
   * broadcast). `skippedThrough` marks positions the caller knows it could not load.
   */
  append(events: BufferedEvent[], skippedThrough = 0): BufferedEvent[] {
    return this.transaction(() => {
      const state = this.state();
      let last = state?.lastPosition ?? 0;
      let evictedThrough = Math.max(state?.evictedThrough ?? 0, skippedThrough);
      const accepted: BufferedEvent[] = [];
      for (const event of [...events].sort((a, b) => a.message.position - b.message.position)) {
        if (event.message.position <= last) continue;
        this.sql.exec(
          "INSERT INTO feed_events (position, id, customer_id, message) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
          event.message.position,
          event.message.id,
          event.customerId,
          JSON.stringify(event.message),
        );
        last = event.message.position;
        accepted.push(event);
      }
      const oldestKept = this.sql
        .exec<{ position: number }>("SELECT position FROM feed_events ORDER BY position DESC LIMIT 1 OFFSET ?", this.capacity - 1)
        .toArray()[0]?.position;
      if (oldestKept !== undefined) {
        const evicted = this.sql.exec<{ position: number | null }>("SELECT max(position) AS position FROM feed_events WHERE position < ?", oldestKept).one().position;
        if (evicted !== null) {
          this.sql.exec("DELETE FROM feed_events WHERE position < ?", oldestKept);
          evictedThrough = Math.max(evictedThrough, evicted);
        }
      }
      this.sql.exec(
        "INSERT INTO feed_state (id, last_position, evicted_through) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET last_position = excluded.last_position, evicted_through = excluded.evicted_through",
        last,
        evictedThrough,
      );
      return accepted;
    });
  }

  /** Buffered events after `position` that `audience` may see, oldest first. */
  after(position: number, audience: FeedAudience, limit = this.capacity): BufferedEvent[] {
    const rows =
      audience.kind === "admin"
        ? this.sql.exec<{ customer_id: string | null; message: string }>("SELECT customer_id, message FROM feed_events WHERE position > ? ORDER BY position LIMIT ?", position, limit)
        : this.sql.exec<{ customer_id: string | null; message: string }>(
            "SELECT customer_id, message FROM feed_events WHERE customer_id = ? AND position > ? ORDER BY position LIMIT ?",
            audience.customerId,
            position,
            limit,
          );
    return rows.toArray().map((row) => ({ customerId: row.customer_id, message: JSON.parse(row.message) as FeedMessage }));
  }

  /**
   * The newest position `audience` may know of: the feed's high-water mark for admins, the
   * customer's own newest event for a customer (the global position would hint at shop volume).
   */
  latestFor(audience: FeedAudience): number {
    if (audience.kind === "admin") return this.state()?.lastPosition ?? 0;
    return this.sql.exec<{ position: number | null }>("SELECT max(position) AS position FROM feed_events WHERE customer_id = ?", audience.customerId).one().position ?? 0;
  }

  /** True when events after `position` may have left the buffer before the client asked. */
  hasGapAfter(position: number): boolean {
    const state = this.state();
    return state !== null && position < state.evictedThrough;
  }
}
