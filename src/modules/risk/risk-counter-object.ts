import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../env";
import { RETENTION_MS, summarize, type VelocityEvent, type VelocitySummary } from "./velocity";

/** At most this many events are kept per entity: enough for every window, bounded for bursts. */
const MAX_EVENTS = 1_000;

/**
 * Velocity counter for one entity (`ip:…`, `email:…`, `customer:…`, `address:…`). The object is
 * single-threaded and its SQLite storage synchronous, so record-then-summarise is atomic: under
 * concurrent checkouts each sees a distinct count and none is lost.
 */
export class RiskCounterObject extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, amount INTEGER NOT NULL, tags TEXT NOT NULL)`);
  }

  /** Record one checkout for this entity and summarise its recent history. */
  record(event: VelocityEvent): VelocitySummary {
    const sql = this.ctx.storage.sql;
    sql.exec("DELETE FROM events WHERE at < ?", event.at - RETENTION_MS);
    const history = sql
      .exec<{ at: number; amount: number; tags: string }>("SELECT at, amount, tags FROM events ORDER BY seq DESC LIMIT ?", MAX_EVENTS)
      .toArray()
      .map((r) => ({ at: r.at, amount: r.amount, tags: JSON.parse(r.tags) as Record<string, string> }));
    const summary = summarize(history, event);
    sql.exec("INSERT INTO events (at, amount, tags) VALUES (?, ?, ?)", event.at, event.amount, JSON.stringify(event.tags));
    sql.exec("DELETE FROM events WHERE seq <= (SELECT max(seq) FROM events) - ?", MAX_EVENTS);
    return summary;
  }
}
