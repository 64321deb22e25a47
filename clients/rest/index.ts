// Edgeshop's typed REST client: openapi-fetch over the types generated from /openapi.json.
// Calls are by path and method (`client.GET("/v1/orders/{id}", { params: { path: { id } } })`), so
// renaming an operationId never breaks a caller; only a changed path or shape does, at compile time.
import createClient, { type Client, type ClientOptions, type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type { paths, components };
export type Schemas = components["schemas"];
/**
 * An RFC 9457 problem document, as every error response carries. `instance` and `request_id` are
 * always there from the server; a problem made up on the client (network failure) may lack them.
 */
export type Problem = Omit<Schemas["Problem"], "instance" | "request_id"> & Partial<Pick<Schemas["Problem"], "instance" | "request_id">>;

export interface EdgeshopClientOptions extends ClientOptions {
  /** A bearer credential (admin API key or customer token), read before every request. */
  bearer?: () => string | undefined;
  /** A staff session's CSRF token, sent as X-CSRF-Token on unsafe requests (cookie-authenticated). */
  csrfToken?: () => string | undefined;
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function createEdgeshopClient(options: EdgeshopClientOptions = {}): Client<paths> {
  const { bearer, csrfToken, ...clientOptions } = options;
  const client = createClient<paths>({ credentials: "same-origin", ...clientOptions });
  const auth: Middleware = {
    onRequest({ request }) {
      const token = bearer?.();
      if (token) request.headers.set("authorization", `Bearer ${token}`);
      const csrf = csrfToken?.();
      if (csrf && UNSAFE.has(request.method)) request.headers.set("x-csrf-token", csrf);
      return request;
    },
  };
  client.use(auth);
  return client;
}

/** Thrown by `unwrap` for any non-2xx answer: carries the problem document. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title);
    this.name = "ApiError";
  }
}

/** Turn an openapi-fetch result into its data, or throw an ApiError with the problem document. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok) return result.data as T;
  const error = result.error as Partial<Problem> | undefined;
  const status = result.response.status;
  throw new ApiError(status, {
    type: error?.type ?? "about:blank",
    title: error?.title ?? result.response.statusText ?? "Request failed",
    status,
    detail: error?.detail,
    errors: error?.errors,
    request_id: error?.request_id ?? result.response.headers.get("x-request-id") ?? undefined,
  });
}
