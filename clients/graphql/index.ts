// Typed GraphQL documents (GraphQL Code Generator's client preset, string mode) and a tiny executor
// that sends them as persisted documents: the hash first, the document only if the server asks.
import type { TypedDocumentString } from "./generated/graphql";
import persisted from "./generated/persisted-documents.json";

export * from "./generated/graphql";

const documents = persisted as Record<string, string>;

export interface GraphQLResult<T> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; [key: string]: unknown } }[];
}

/** The body of a persisted-document request: hash only, or hash + the document on a retry. */
export function persistedBody<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, variables: TVariables, withQuery = false) {
  const hash = (document as unknown as { __meta__?: { hash?: string } }).__meta__?.hash;
  if (!hash) throw new Error("document has no persisted hash: run npm run clients:generate");
  const operationName = /^\s*(?:query|mutation|subscription)\s+(\w+)/m.exec(String(document))?.[1];
  return {
    operationName,
    variables,
    ...(withQuery ? { query: documents[hash] } : {}),
    extensions: { persistedQuery: { version: 1, sha256Hash: hash.replace(/^sha256:/, "") } },
  };
}

/**
 * Run a typed document against an Edgeshop GraphQL endpoint. `send` posts a JSON body and returns the
 * parsed response (inject fetch, a service binding or an in-process app). Automatic persisted queries:
 * on PERSISTED_QUERY_NOT_FOUND the document is sent once with its hash and the server remembers it;
 * servers in trusted-documents mode already know every document in persisted-documents.json.
 */
export async function execute<TResult, TVariables>(
  send: (body: unknown) => Promise<GraphQLResult<TResult>>,
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
): Promise<GraphQLResult<TResult>> {
  const first = await send(persistedBody(document, variables));
  if (!first.errors?.some((e) => e.extensions?.code === "PERSISTED_QUERY_NOT_FOUND")) return first;
  return send(persistedBody(document, variables, true));
}
