import type { z } from "zod";
import { ServiceError, type FieldError } from "./errors";

/** JSON Pointer (RFC 6901) for a zod issue path, rooted at `base` (e.g. "/body"). */
export function toPointer(path: ReadonlyArray<PropertyKey>, base = ""): string {
  return base + path.map((p) => "/" + String(p).replaceAll("~", "~0").replaceAll("/", "~1")).join("");
}

export function fieldErrors(error: z.ZodError, base = ""): FieldError[] {
  return error.issues.map((issue) => ({ pointer: toPointer(issue.path, base), detail: issue.message }));
}

export function validationError(error: z.ZodError, base = ""): ServiceError {
  const errors = fieldErrors(error, base);
  const detail = errors.length === 1 ? `${errors[0]!.pointer || "input"}: ${errors[0]!.detail}` : `${errors.length} fields are invalid.`;
  return new ServiceError("VALIDATION_FAILED", detail, { errors });
}

/** Parse service input with its zod schema; every service entry point validates through here. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error);
  return result.data;
}
