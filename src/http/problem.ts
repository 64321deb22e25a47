import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { errorCodes, problemType, ServiceError, type ErrorCode, type FieldError } from "../shared/errors";
import { log } from "../shared/log";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  request_id?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export function problemFor(code: ErrorCode, detail: string, extra: Partial<ProblemDocument> = {}): ProblemDocument {
  const { status, title } = errorCodes[code];
  return { type: problemType(code), title, status, detail, ...extra };
}

/** Every problem names the request path (`instance`) and the request id, whoever built it. */
export function problemResponse(c: Context, problem: ProblemDocument, headers: Record<string, string> = {}): Response {
  const requestId = c.get("requestId") as string | undefined;
  const body: ProblemDocument = {
    ...problem,
    instance: problem.instance ?? new URL(c.req.url).pathname,
    ...(problem.request_id === undefined && requestId !== undefined && { request_id: requestId }),
  };
  return c.body(JSON.stringify(body), problem.status as ContentfulStatusCode, { "content-type": PROBLEM_CONTENT_TYPE, ...headers });
}

/** Render any thrown value as problem+json; unexpected errors are masked and logged with the request id. */
export function errorToResponse(c: Context, error: unknown): Response {
  const requestId = c.get("requestId") as string | undefined;
  const instance = new URL(c.req.url).pathname;
  if (error instanceof ServiceError) {
    const retryAfter = error.extra?.retryAfterSeconds;
    return problemResponse(
      c,
      problemFor(error.code, error.message, {
        instance,
        ...(requestId && { request_id: requestId }),
        ...(error.errors && { errors: error.errors }),
        ...error.extra,
      }),
      typeof retryAfter === "number" ? { "retry-after": String(Math.ceil(retryAfter)) } : {},
    );
  }
  logUnexpected(error, requestId, c.req.method, instance);
  return problemResponse(c, problemFor("INTERNAL", "An unexpected error occurred. Quote the request id when reporting it.", { instance, ...(requestId && { request_id: requestId }) }));
}

/** One JSON line per unexpected error, so that logs can be searched by request id. */
export function logUnexpected(error: unknown, requestId: string | undefined, method: string, path: string): void {
  const err = error instanceof Error ? error : new Error(String(error));
  log.error("unexpected error", { request_id: requestId, method, path, error: err.message, name: err.name, stack: err.stack });
}
