/**
 * One error vocabulary for the whole house. Services throw `ServiceError`; REST renders it as
 * RFC 9457 problem details and GraphQL as `extensions.code`, both from this table.
 */
export const errorCodes = {
  VALIDATION_FAILED: { status: 400, title: "Your request parameters didn't validate." },
  BAD_REQUEST: { status: 400, title: "The request is malformed." },
  UNAUTHENTICATED: { status: 401, title: "Authentication is required." },
  FORBIDDEN: { status: 403, title: "You are not allowed to do this." },
  NOT_FOUND: { status: 404, title: "The resource does not exist." },
  METHOD_NOT_ALLOWED: { status: 405, title: "Method not allowed." },
  CONFLICT: { status: 409, title: "The request conflicts with the current state." },
  INSUFFICIENT_STOCK: { status: 409, title: "Not enough stock is available." },
  LINES_UNAVAILABLE: { status: 409, title: "Some cart lines can no longer be bought." },
  IDEMPOTENCY_KEY_REQUIRED: { status: 400, title: "This operation requires an Idempotency-Key." },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: "The idempotency key was already used with a different request." },
  IDEMPOTENCY_KEY_IN_USE: { status: 409, title: "A request with this idempotency key is still being processed." },
  PAYLOAD_TOO_LARGE: { status: 413, title: "The request body is too large." },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: "The request content type is not supported." },
  RISK_REJECTED: { status: 422, title: "The order was declined by our risk checks." },
  THROTTLED: { status: 429, title: "Too many requests: the rate limit was exceeded." },
  JSON_TOO_COMPLEX: { status: 400, title: "The JSON body is nested too deeply or has too many items." },
  MAX_DEPTH_EXCEEDED: { status: 400, title: "The GraphQL query is nested too deeply." },
  MAX_ALIASES_EXCEEDED: { status: 400, title: "The GraphQL query uses too many aliases." },
  MAX_DIRECTIVES_EXCEEDED: { status: 400, title: "The GraphQL query uses too many directives." },
  MAX_TOKENS_EXCEEDED: { status: 400, title: "The GraphQL document is too long." },
  MAX_COST_EXCEEDED: { status: 400, title: "The GraphQL query would cost more than a single query may." },
  PERSISTED_QUERY_NOT_FOUND: { status: 400, title: "No persisted query has this hash." },
  PERSISTED_QUERY_REQUIRED: { status: 400, title: "Only trusted (persisted) documents are accepted." },
  INTERNAL: { status: 500, title: "Something went wrong on our side." },
  PAYMENT_PROVIDER_ERROR: { status: 502, title: "The payment provider could not be reached or failed." },
} as const;

export type ErrorCode = keyof typeof errorCodes;

/** A field-level complaint: `pointer` is a JSON Pointer (RFC 6901) into the request input. */
export interface FieldError {
  pointer: string;
  detail: string;
}

export class ServiceError extends Error {
  readonly code: ErrorCode;
  readonly errors: FieldError[] | undefined;
  /** Extra members copied into the problem document and GraphQL extensions. */
  readonly extra: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, detail: string, options: { errors?: FieldError[]; extra?: Record<string, unknown> } = {}) {
    super(detail);
    this.name = "ServiceError";
    this.code = code;
    this.errors = options.errors;
    this.extra = options.extra;
  }

  get status(): number {
    return errorCodes[this.code].status;
  }
}

export const notFound = (what: string, id: string) => new ServiceError("NOT_FOUND", `${what} '${id}' was not found.`);
export const conflict = (detail: string, extra?: Record<string, unknown>) =>
  new ServiceError("CONFLICT", detail, extra ? { extra } : {});

/** Stable URI per problem kind, e.g. `https://edgeshop.dev/problems/validation-failed`. */
export function problemType(code: ErrorCode): string {
  return `https://edgeshop.dev/problems/${code.toLowerCase().replaceAll("_", "-")}`;
}
