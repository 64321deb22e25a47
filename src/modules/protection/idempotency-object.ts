import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../env";

/** What a finished request answered, kept so that a retry with the same key gets the same answer. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type IdempotencyBegin =
  /** The caller owns the key now: run the operation, then `complete` or `abandon` with this attempt. */
  | { state: "started"; attempt: string }
  | { state: "replay"; response: StoredResponse }
  /** The first request with this key is still running. */
  | { state: "in_progress" }
  /** The key was used for a different request (another payload fingerprint). */
  | { state: "mismatch" };

interface KeyRecord {
  fingerprint: string;
  state: "running" | "done";
  /** Which run owns the key: a run whose lease was taken over can no longer complete or abandon it. */
  attempt: string;
  startedAt: number;
  expiresAt: number;
  response?: StoredResponse;
}

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * A running request that has not finished after this long is presumed dead (its Worker crashed) and
 * a retry may take the key over. Longer than any lease inside an operation (the cart checkout claim
 * is 2 minutes), so a slow first run is never raced by its own retry.
 */
export const IDEMPOTENCY_LEASE_MS = 3 * 60 * 1000;

/**
 * One object per caller scope + idempotency key. The object is the single writer of its key, so
 * "first request wins" needs no locks: `begin` claims the key synchronously. Duplicates that
 * arrive while the first request runs may wait (bounded) for it and then replay its response;
 * after the wait they get `in_progress` (the 409 of the IETF draft).
 */
export class IdempotencyObject extends DurableObject<Env> {
  private waiters = new Set<() => void>();

  async begin(fingerprint: string, options: { waitMs?: number; now?: number } = {}): Promise<IdempotencyBegin> {
    const now = options.now ?? Date.now();
    let record = this.read(now);
    if (!record) {
      const attempt = crypto.randomUUID();
      this.write({ fingerprint, state: "running", attempt, startedAt: now, expiresAt: now + IDEMPOTENCY_TTL_MS });
      await this.ctx.storage.setAlarm(now + IDEMPOTENCY_TTL_MS);
      return { state: "started", attempt };
    }
    if (record.fingerprint !== fingerprint) return { state: "mismatch" };
    if (record.state === "done") return { state: "replay", response: record.response! };
    if (now - record.startedAt > IDEMPOTENCY_LEASE_MS) {
      const attempt = crypto.randomUUID();
      this.write({ ...record, attempt, startedAt: now });
      return { state: "started", attempt };
    }
    const waitMs = options.waitMs ?? 0;
    if (waitMs > 0) {
      await this.waitForCompletion(waitMs);
      record = this.read(Date.now());
      if (record?.state === "done" && record.fingerprint === fingerprint) return { state: "replay", response: record.response! };
      if (!record) return this.begin(fingerprint, { waitMs: 0 });
    }
    return { state: "in_progress" };
  }

  /** Store the final response of the run that holds the key; later duplicates replay it. */
  complete(fingerprint: string, response: StoredResponse, attempt: string): void {
    const record = this.read(Date.now());
    if (!record || record.fingerprint !== fingerprint || record.state !== "running" || record.attempt !== attempt) return;
    this.write({ ...record, state: "done", response });
    this.wakeWaiters();
  }

  /** Give the key back without a stored response (e.g. after a 5xx) so the client can retry. */
  abandon(fingerprint: string, attempt: string): void {
    const record = this.read(Date.now());
    if (record && record.fingerprint === fingerprint && record.state === "running" && record.attempt === attempt) this.ctx.storage.kv.delete("record");
    this.wakeWaiters();
  }

  /** Keys expire after 24 hours. */
  override async alarm(): Promise<void> {
    const record = this.ctx.storage.kv.get<KeyRecord>("record");
    if (!record) return;
    if (record.expiresAt <= Date.now()) this.ctx.storage.kv.delete("record");
    else await this.ctx.storage.setAlarm(record.expiresAt);
  }

  private read(now: number): KeyRecord | undefined {
    const record = this.ctx.storage.kv.get<KeyRecord>("record");
    if (record && record.expiresAt <= now) {
      this.ctx.storage.kv.delete("record");
      return undefined;
    }
    return record;
  }

  private write(record: KeyRecord): void {
    this.ctx.storage.kv.put("record", record);
  }

  private waitForCompletion(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  private wakeWaiters(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
