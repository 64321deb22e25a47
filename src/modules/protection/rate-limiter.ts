import type { Env } from "../../env";
import { log } from "../../shared/log";
import type { BucketPolicy, BucketState } from "./rate-limiter-object";

// The client of RateLimiterObject: every caller takes and gives back tokens through these functions,
// never through the stub directly. Two ways to take:
// - consumeRateLimit: one object call per take, exact (sign-in throttling, where every attempt counts);
// - takeTokens: local-first (REST request limits, GraphQL cost): the isolate spends from its mirror of
//   the bucket and settles what it spent with the object in the background (docs/protection.md).

/** Take `cost` tokens from the bucket named `key` under `policy`: one object call, exact. */
export function consumeRateLimit(env: Pick<Env, "RATE_LIMITER">, key: string, policy: BucketPolicy, cost = 1): Promise<BucketState> {
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key)).consume(policy, cost);
}

/** Give `amount` tokens back to the bucket named `key` (never above its capacity). */
export function refundRateLimit(env: Pick<Env, "RATE_LIMITER">, key: string, policy: BucketPolicy, amount: number): Promise<BucketState> {
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key)).refund(policy, amount);
}

/** One JSON line when the rate limiter cannot be reached (the request is served without a limit). */
export function logLimiterFailure(error: unknown, requestId: string | undefined, surface: "rest" | "graphql"): void {
  log.warn("rate limiter unavailable; request served without a limit", { surface, request_id: requestId, error: error instanceof Error ? error.message : String(error) });
}

/**
 * How far an isolate's mirror of a bucket may run ahead of the object. It admits locally only while
 * the object's last answer is younger than `freshMs` and what it spent since stays within
 * `maxUnsettledShare` of the bucket; otherwise the request waits for the object. With spending
 * pending, it settles in the background once the last answer is older than `settleMs`.
 */
export const LOCAL_ACCOUNTING = { freshMs: 1000, settleMs: 250, maxUnsettledShare: 0.1, maxMirrors: 10_000 } as const;

interface Mirror {
  policy: BucketPolicy;
  /** Tokens this isolate believes the bucket holds: the object's last answer, minus local spending, plus refill. */
  level: number;
  /** When `level` was last brought up to date (refill runs from here). */
  at: number;
  /** When the object last answered; 0 before its first answer. */
  heardAt: number;
  /** Spent here and not yet told to the object; negative when refunds outweigh spending. */
  unsettled: number;
  inflight: Promise<void> | undefined;
}

// Not request-scoped: this isolate's copy of shared state, one per bucket and policy (tests override
// policies per request), bounded in number.
let mirrors = new Map<string, Mirror>();
const mirrorId = (key: string, policy: BucketPolicy) => `${key}|${policy.capacity}|${policy.refillPerSecond}`;

function refill(m: Mirror, now: number): void {
  m.level = Math.min(m.policy.capacity, m.level + (Math.max(0, now - m.at) * m.policy.refillPerSecond) / 1000);
  m.at = now;
}

/**
 * Tell the object what this isolate spent (and, with `cost`, ask it to take or refuse that much more),
 * learning what the bucket holds. One call in flight per mirror; others wait for it and look again.
 */
async function settle(env: Pick<Env, "RATE_LIMITER">, key: string, m: Mirror, cost = 0): Promise<boolean> {
  const spent = m.unsettled;
  m.unsettled = 0;
  // Reserve what is asked for while the answer travels, so that local decisions meanwhile cannot hand
  // out the same tokens; the answer replaces the estimate either way.
  m.level -= cost;
  let done!: () => void;
  m.inflight = new Promise<void>((resolve) => (done = resolve));
  try {
    const answer = await env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key)).settle(m.policy, spent, cost);
    // What this isolate spent while the answer travelled is not in it yet.
    m.level = answer.tokens - m.unsettled;
    m.at = m.heardAt = Date.now();
    return answer.allowed;
  } catch (error) {
    m.unsettled += spent;
    m.level += cost;
    throw error;
  } finally {
    m.inflight = undefined;
    done();
  }
}

function mirrorFor(key: string, policy: BucketPolicy, now: number): Mirror {
  const id = mirrorId(key, policy);
  let m = mirrors.get(id);
  if (m) return m;
  if (mirrors.size >= LOCAL_ACCOUNTING.maxMirrors) {
    // Oldest first, skipping mirrors with spending still to settle.
    for (const [k, old] of mirrors) {
      if (old.unsettled !== 0 || old.inflight) continue;
      mirrors.delete(k);
      if (mirrors.size < LOCAL_ACCOUNTING.maxMirrors) break;
    }
  }
  mirrors.set(id, (m = { policy, level: 0, at: now, heardAt: 0, unsettled: 0, inflight: undefined }));
  return m;
}

function stateOf(m: Mirror, allowed: boolean, cost: number): BucketState {
  const perMs = m.policy.refillPerSecond / 1000;
  return {
    allowed,
    limit: m.policy.capacity,
    remaining: Math.max(0, Math.floor(m.level)),
    retryAfterMs: allowed ? 0 : Math.ceil((Math.min(cost, m.policy.capacity) - m.level) / perMs),
    resetMs: Math.max(0, Math.ceil((m.policy.capacity - m.level) / perMs)),
  };
}

/**
 * Take `cost` tokens, local-first. While the object's last answer is fresh and this isolate has not
 * spent more than its share since, the mirror decides (admits, or refuses on that fresh answer);
 * otherwise the object decides, exactly, in one call that also settles what was spent here. Spending
 * is settled in the background through `waitUntil` once the answer is older than `settleMs`. Rejects
 * when the object cannot be reached and the mirror is not fresh (callers then fail open, as before).
 */
export async function takeTokens(
  env: Pick<Env, "RATE_LIMITER">,
  key: string,
  policy: BucketPolicy,
  cost: number,
  waitUntil: (promise: Promise<unknown>) => void,
): Promise<BucketState> {
  const m = mirrorFor(key, policy, Date.now());
  const maxUnsettled = Math.max(cost, policy.capacity * LOCAL_ACCOUNTING.maxUnsettledShare);
  for (;;) {
    const now = Date.now();
    refill(m, now);
    if (now - m.heardAt <= LOCAL_ACCOUNTING.freshMs && m.unsettled + cost <= maxUnsettled) break;
    if (m.inflight) {
      // Someone in this isolate is asking the object already: its answer may make this one local.
      await m.inflight;
      continue;
    }
    // Stale, unknown or too much unsettled: the object decides, exactly.
    const allowed = await settle(env, key, m, cost);
    return stateOf(m, allowed, cost);
  }
  const allowed = m.level >= cost;
  if (allowed && cost > 0) {
    m.level -= cost;
    m.unsettled += cost;
  }
  if (m.unsettled !== 0 && !m.inflight && Date.now() - m.heardAt > LOCAL_ACCOUNTING.settleMs) {
    waitUntil(settle(env, key, m).catch((error: unknown) => log.warn("rate limiter settle failed", { key, error: error instanceof Error ? error.message : String(error) })));
  }
  return stateOf(m, allowed, cost);
}

/**
 * Give back part of a takeTokens charge (GraphQL: requested minus actual cost). It travels to the
 * object with this isolate's next settle, folded into the next charge. Returns the mirror's state.
 */
export function giveBackTokens(key: string, policy: BucketPolicy, amount: number): BucketState | undefined {
  const m = mirrors.get(mirrorId(key, policy));
  if (!m) return undefined;
  if (amount > 0) {
    m.level = Math.min(policy.capacity, m.level + amount);
    m.unsettled -= amount;
  }
  return stateOf(m, true, 0);
}

/** Tests: forget every mirror, as a new isolate would. */
export function forgetRateLimitMirrors(): void {
  mirrors.clear();
}

const isolates = new Map<string, Map<string, Mirror>>([["default", mirrors]]);

/**
 * Tests: act as the isolate named `name` from now on, with its own mirrors (kept while another name
 * is in use), so that several isolates spending from one bucket can be interleaved in one test.
 * "default" is the isolate's own.
 */
export function actAsIsolate(name: string): void {
  let set = isolates.get(name);
  if (!set) isolates.set(name, (set = new Map()));
  mirrors = set;
}
