import type { ServiceContext } from "../../context";
import { sha256Hex } from "../../shared/crypto";
import { errorCodes, ServiceError, type ErrorCode } from "../../shared/errors";
import { ANONYMOUS_SCOPE, assertKey, canonicalJson, DUPLICATE_WAIT_MS, idempotencyObject, idempotencyScope, isReplayableStatus, refuse } from "./idempotency";

type StoredOutcome<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; detail: string; errors?: ServiceError["errors"]; extra?: ServiceError["extra"] };

/**
 * The same semantics for a GraphQL mutation taking `idempotencyKey`: a replay returns the stored
 * result (or throws the stored error) without running `run` again. `input` is the payload whose
 * fingerprint must match; `operation` keeps keys of different mutations apart.
 */
export async function withIdempotency<T>(
  ctx: ServiceContext,
  args: { operation: string; key: string | null | undefined; input: unknown },
  run: () => Promise<T>,
): Promise<T> {
  if (args.key === null || args.key === undefined) {
    throw new ServiceError("IDEMPOTENCY_KEY_REQUIRED", "Pass an idempotencyKey (e.g. a UUID) so that a retry cannot repeat this operation.", {
      errors: [{ pointer: "/idempotencyKey", detail: "Required." }],
    });
  }
  assertKey(args.key, "/idempotencyKey");
  const scope = await idempotencyScope(ctx);
  if (scope === ANONYMOUS_SCOPE) return run();
  const fingerprint = await sha256Hex(`graphql ${args.operation}\n${canonicalJson(args.input)}`);
  const stub = idempotencyObject(ctx.env, scope, args.key);
  const begun = await stub.begin(fingerprint, { waitMs: DUPLICATE_WAIT_MS });
  if (begun.state === "replay") {
    const outcome = JSON.parse(begun.response.body) as StoredOutcome<T>;
    if (outcome.ok) return outcome.value;
    throw new ServiceError(outcome.code, outcome.detail, { ...(outcome.errors && { errors: outcome.errors }), ...(outcome.extra && { extra: outcome.extra }) });
  }
  if (begun.state !== "started") throw refuse(begun);

  let outcome: StoredOutcome<T>;
  try {
    outcome = { ok: true, value: await run() };
  } catch (error) {
    if (error instanceof ServiceError && isReplayableStatus(errorCodes[error.code].status)) {
      const stored: StoredOutcome<T> = { ok: false, code: error.code, detail: error.message, errors: error.errors, extra: error.extra };
      await stub.complete(fingerprint, { status: error.status, headers: {}, body: JSON.stringify(stored) }, begun.attempt);
    } else {
      await stub.abandon(fingerprint, begun.attempt);
    }
    throw error;
  }
  await stub.complete(fingerprint, { status: 200, headers: {}, body: JSON.stringify(outcome) }, begun.attempt);
  return outcome.value;
}
