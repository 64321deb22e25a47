// The storefront is a client of Edgeshop's public GraphQL API like any other: typed documents from
// clients/graphql, sent as persisted documents (hash first), through the Worker's own /graphql route
// in-process, with the shopper's credentials as headers (customer bearer, X-Cart-Token, X-Order-Token).
import { execute, type GraphQLResult, type TypedDocumentString } from "../../clients/graphql";
import type { Env } from "../env";
import type { ShopperSession } from "./session";

/** How the storefront reaches the API: the Worker's own fetch handler, called in-process. */
export type ApiFetch = (request: Request, env: Env, ctx: ExecutionContext) => Promise<Response>;

export class StorefrontError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly errors?: { pointer: string; detail: string }[],
  ) {
    super(message);
  }
}

export interface Caller {
  run<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, variables: TVariables, extra?: { orderToken?: string }): Promise<TResult>;
}

export function caller(fetchApi: ApiFetch, incoming: Request, session: ShopperSession, env: Env, ctx: ExecutionContext): Caller {
  const origin = new URL(incoming.url).origin;
  return {
    async run(document, variables, extra = {}) {
      const headers = new Headers({ "content-type": "application/json", accept: "application/json" });
      if (session.customerToken) headers.set("authorization", `Bearer ${session.customerToken}`);
      if (session.cart?.token) headers.set("x-cart-token", session.cart.token);
      if (extra.orderToken) headers.set("x-order-token", extra.orderToken);
      // Rate limits and risk checks see the shopper, not the Worker.
      for (const name of ["cf-connecting-ip", "x-request-id", "user-agent", "accept-language"]) {
        const value = incoming.headers.get(name);
        if (value) headers.set(name, value);
      }
      const send = async (body: unknown) => {
        const res = await fetchApi(new Request(`${origin}/graphql`, { method: "POST", headers, body: JSON.stringify(body) }), env, ctx);
        return (await res.json()) as GraphQLResult<never>;
      };
      const result = await execute(send, document, variables);
      const error = result.errors?.[0];
      if (error) {
        const ext = error.extensions ?? {};
        throw new StorefrontError(String(ext.code ?? "INTERNAL"), error.message, ext.errors as { pointer: string; detail: string }[] | undefined);
      }
      return result.data as never;
    },
  };
}
