import { GraphQLError } from "graphql";
import { errorCodes, problemType, ServiceError } from "../shared/errors";
import { logUnexpected } from "../http/problem";

/** A service error as a GraphQL error: `extensions.code` uses the same vocabulary as REST problem types. */
export function toGraphQLError(error: ServiceError, path?: readonly (string | number)[]): GraphQLError {
  return new GraphQLError(error.message, {
    ...(path && { path }),
    extensions: {
      code: error.code,
      type: problemType(error.code),
      status: errorCodes[error.code].status,
      ...(error.errors && { errors: error.errors }),
      ...error.extra,
    },
  });
}

/**
 * Yoga's maskError hook: service errors are shown with their code, GraphQL's own validation and
 * parse errors pass through, and anything unexpected is logged with the request id and masked.
 */
export function maskError(error: unknown, requestId: string | undefined): Error {
  const original = error instanceof GraphQLError ? (error.originalError ?? undefined) : error;
  if (original instanceof ServiceError) return toGraphQLError(original, error instanceof GraphQLError ? error.path : undefined);
  if (error instanceof GraphQLError && !original) {
    return error.extensions.code ? error : new GraphQLError(error.message, { nodes: error.nodes ?? null, extensions: { ...error.extensions, code: "GRAPHQL_VALIDATION_FAILED" } });
  }
  if (original instanceof GraphQLError) return original;
  logUnexpected(original ?? error, requestId, "POST", "/graphql");
  return new GraphQLError("Unexpected error.", {
    ...(error instanceof GraphQLError && error.path && { path: error.path }),
    extensions: { code: "INTERNAL", ...(requestId && { requestId }) },
  });
}

/** Read fields answer null for something that does not exist (or is hidden); other errors propagate. */
export async function orNull<T>(load: () => Promise<T>): Promise<T | null> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof ServiceError && error.code === "NOT_FOUND") return null;
    throw error;
  }
}
