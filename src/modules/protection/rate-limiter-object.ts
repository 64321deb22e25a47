import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../env";

/** A token bucket: `capacity` tokens, refilled continuously at `refillPerSecond`. */
export interface BucketPolicy {
  capacity: number;
  refillPerSecond: number;
}

export interface BucketState {
  /** Whether the requested cost was taken. A refused request takes nothing. */
  allowed: boolean;
  /** Bucket capacity (the burst size). */
  limit: number;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Milliseconds until the requested cost would be available; 0 when allowed. */
  retryAfterMs: number;
  /** Milliseconds until the bucket is full again. */
  resetMs: number;
}

/**
 * One object per limited client and policy (e.g. `rest:ip:203.0.113.7`), named by the caller.
 * The object is single-threaded, so take-or-refuse is atomic without locks; the level is kept in
 * SQLite-backed storage so that a restart or eviction does not hand out a fresh burst.
 */
export class RateLimiterObject extends DurableObject<Env> {
  private tokens: number | undefined;
  private updatedAt = 0;

  /** Take `cost` tokens if they are there. `cost` 0 only reports the state. */
  consume(policy: BucketPolicy, cost = 1, now = Date.now()): BucketState {
    this.refill(policy, now);
    const tokens = this.tokens!;
    const allowed = cost <= tokens;
    if (allowed && cost > 0) this.save(tokens - cost, now);
    const left = allowed ? tokens - cost : tokens;
    const perMs = policy.refillPerSecond / 1000;
    return {
      allowed,
      limit: policy.capacity,
      remaining: Math.max(0, Math.floor(left)),
      retryAfterMs: allowed ? 0 : Math.ceil((Math.min(cost, policy.capacity) - left) / perMs),
      resetMs: Math.ceil((policy.capacity - left) / perMs),
    };
  }

  /** Give tokens back (e.g. when the real cost of a GraphQL query was lower than its estimate). */
  refund(policy: BucketPolicy, amount: number, now = Date.now()): BucketState {
    this.refill(policy, now);
    this.save(Math.min(policy.capacity, this.tokens! + Math.max(0, amount)), now);
    return this.consume(policy, 0, now);
  }

  /**
   * Local-first accounting (rate-limiter.ts#takeTokens): take what an isolate already spent on its own,
   * then, if `cost` > 0, take or refuse `cost` like `consume`. `spent` is taken unconditionally, so the
   * bucket may go into debt (down to minus its capacity) when several isolates spent at once: the debt
   * refills before anyone gets more. A negative `spent` gives tokens back (GraphQL refunds), never
   * above capacity. Answers with the tokens left and whether `cost` was taken.
   */
  settle(policy: BucketPolicy, spent: number, cost = 0, now = Date.now()): { tokens: number; allowed: boolean } {
    this.refill(policy, now);
    let tokens = Math.max(-policy.capacity, Math.min(policy.capacity, this.tokens! - spent));
    const allowed = cost <= 0 || tokens >= cost;
    if (allowed && cost > 0) tokens -= cost;
    if (tokens !== this.tokens) this.save(tokens, now);
    return { tokens, allowed };
  }

  /** Forget the bucket (e.g. after a successful sign-in clears failed attempts). */
  reset(): void {
    this.tokens = undefined;
    this.updatedAt = 0;
    this.ctx.storage.kv.delete("bucket");
  }

  private refill(policy: BucketPolicy, now: number): void {
    if (this.tokens === undefined) {
      const stored = this.ctx.storage.kv.get<{ tokens: number; at: number }>("bucket");
      this.tokens = stored?.tokens ?? policy.capacity;
      this.updatedAt = stored?.at ?? now;
    }
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(policy.capacity, this.tokens + (elapsed * policy.refillPerSecond) / 1000);
    this.updatedAt = now;
  }

  private save(tokens: number, now: number): void {
    this.tokens = tokens;
    this.updatedAt = now;
    this.ctx.storage.kv.put("bucket", { tokens, at: now });
  }
}
