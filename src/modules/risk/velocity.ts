/**
 * Velocity bookkeeping for one entity (an IP, an email, a customer, a shipping address): events
 * with a time, an amount and tags (which email, which address...). Pure, so the Durable Object
 * (per entity, serialised) and the offline evaluator count the same way.
 */
export interface VelocityEvent {
  at: number;
  amount: number;
  tags: Record<string, string>;
}

export interface VelocitySummary {
  /** Events in each requested window, this one included. */
  counts: Record<string, number>;
  /** Distinct values of each tag in the last 24 hours, this one included. */
  distinct24h: Record<string, number>;
  /** Distinct values of each tag over the retention window (30 days), this one included. */
  distinct30d: Record<string, number>;
  /** Whether this event's tag value was seen before, per tag. */
  seenBefore: Record<string, boolean>;
  /** The entity's history before this event. */
  previous: { events: number; meanAmount: number; firstSeenAt: number | null };
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const RETENTION_MS = 30 * DAY;
export const windows = { "1h": HOUR, "24h": DAY } as const;

export function summarize(history: readonly VelocityEvent[], current: VelocityEvent): VelocitySummary {
  const recent = history.filter((e) => current.at - e.at <= RETENTION_MS && e.at <= current.at);
  const all = [...recent, current];
  const counts: Record<string, number> = {};
  for (const [name, ms] of Object.entries(windows)) counts[name] = all.filter((e) => current.at - e.at < ms).length;
  const distinct24h: Record<string, number> = {};
  const distinct30d: Record<string, number> = {};
  const seenBefore: Record<string, boolean> = {};
  const distinctOf = (events: VelocityEvent[], tag: string) => new Set(events.map((e) => e.tags[tag]).filter((v) => v !== undefined)).size;
  for (const tag of Object.keys(current.tags)) {
    distinct24h[tag] = distinctOf(all.filter((e) => current.at - e.at < DAY), tag);
    distinct30d[tag] = distinctOf(all, tag);
    seenBefore[tag] = recent.some((e) => e.tags[tag] === current.tags[tag]);
  }
  const amounts = recent.map((e) => e.amount);
  return {
    counts,
    distinct24h,
    distinct30d,
    seenBefore,
    previous: {
      events: recent.length,
      meanAmount: amounts.length ? amounts.reduce((a, b) => a + b, 0) / amounts.length : 0,
      firstSeenAt: recent.length ? Math.min(...recent.map((e) => e.at)) : null,
    },
  };
}

/** In-memory ledger (evaluator, tests): same semantics as RiskCounterObject. */
export class MemoryVelocity {
  private readonly events = new Map<string, VelocityEvent[]>();
  record(key: string, event: VelocityEvent): VelocitySummary {
    const list = this.events.get(key) ?? [];
    const summary = summarize(list, event);
    list.push(event);
    this.events.set(key, list.filter((e) => event.at - e.at <= RETENTION_MS));
    return summary;
  }
}
