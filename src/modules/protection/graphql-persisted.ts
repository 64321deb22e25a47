import { usePersistedOperations } from "@graphql-yoga/plugin-persisted-operations";
import { eq } from "drizzle-orm";
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { ServiceContext } from "../../context";
import { sha256Hex } from "../../shared/crypto";
import { persistedQueries } from "./tables";
import { trustedDocuments } from "./trusted-documents";

const HASH = /^[0-9a-f]{64}$/;

function persistedHash(extensions: Record<string, unknown> | undefined): string | undefined {
  const persisted = extensions?.persistedQuery as { version?: unknown; sha256Hash?: unknown } | undefined;
  return persisted && persisted.version === 1 && typeof persisted.sha256Hash === "string" ? persisted.sha256Hash.toLowerCase() : undefined;
}

const notFound = () =>
  new GraphQLError("PersistedQueryNotFound", { extensions: { code: "PERSISTED_QUERY_NOT_FOUND", http: { status: 200 } } });
const trustedOnly = (detail: string) => new GraphQLError(detail, { extensions: { code: "PERSISTED_QUERY_REQUIRED", http: { status: 400 } } });

// Hash → document is immutable, so an isolate may remember what it has seen (bounded, oldest out first).
const known = new Map<string, string>();
const KNOWN_MAX = 500;
function remember(hash: string, query: string): void {
  if (known.size >= KNOWN_MAX) known.delete(known.keys().next().value!);
  known.set(hash, query);
}

interface PersistedContext {
  services: ServiceContext;
}

/**
 * Automatic persisted queries (Apollo's protocol, `extensions.persistedQuery.sha256Hash`): a client
 * sends only the hash; on PERSISTED_QUERY_NOT_FOUND it sends hash and query once, the server checks
 * the hash and remembers the document in D1 (shared by every isolate). Trusted documents resolve too.
 * A document is stored only once it has parsed and validated, so junk never reaches D1.
 */
export function useAutomaticPersistedQueries(): Plugin<PersistedContext> {
  const pending = new WeakMap<object, { hash: string; query: string }>();
  return {
    async onParams({ params, setParams, context }) {
      const hash = persistedHash(params.extensions);
      if (hash === undefined) return;
      if (!HASH.test(hash)) throw notFound();
      const services = (context as unknown as PersistedContext).services;
      if (params.query) {
        if ((await sha256Hex(params.query)) !== hash) {
          throw new GraphQLError("provided sha does not match query", { extensions: { code: "BAD_REQUEST", http: { status: 400 } } });
        }
        if (!trustedDocuments[hash] && !known.has(hash)) pending.set(context, { hash, query: params.query });
        return;
      }
      let query = trustedDocuments[hash] ?? known.get(hash);
      if (!query) {
        const row = await services.db.select({ query: persistedQueries.query }).from(persistedQueries).where(eq(persistedQueries.sha256Hash, hash)).get();
        query = row?.query;
      }
      if (!query) throw notFound();
      remember(hash, query);
      setParams({ ...params, query });
    },
    onExecute({ args }) {
      const registration = pending.get(args.contextValue);
      if (!registration) return;
      const { services } = args.contextValue as unknown as PersistedContext;
      remember(registration.hash, registration.query);
      services.waitUntil(
        services.db
          .insert(persistedQueries)
          .values({ sha256Hash: registration.hash, query: registration.query, createdAt: new Date().toISOString() })
          .onConflictDoNothing()
          .run(),
      );
    },
  };
}

/** Production switch GRAPHQL_TRUSTED_DOCUMENTS_ONLY: only the committed manifest's documents run, by hash. */
export function useTrustedDocumentsOnly(): Plugin {
  return usePersistedOperations({
    allowArbitraryOperations: false,
    getPersistedOperation: (hash) => trustedDocuments[hash.toLowerCase()] ?? null,
    customErrors: {
      notFound: () => new GraphQLError("PersistedQueryNotFound", { extensions: { code: "PERSISTED_QUERY_NOT_FOUND", http: { status: 400 } } }),
      keyNotFound: () => trustedOnly("Send a trusted document's hash in extensions.persistedQuery.sha256Hash."),
      persistedQueryOnly: () => trustedOnly("Only trusted documents are accepted: send the document's hash instead of the query."),
    },
  }) as Plugin;
}
