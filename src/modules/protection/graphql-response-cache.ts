import {
  getNamedType,
  isLeafType,
  isObjectType,
  Kind,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import type { ServiceContext } from "../../context";
import type { D1SessionScope } from "../../db/session";
import { sha256Hex } from "../../shared/crypto";
import { currentGeneration, edgeCache, graphqlCacheKey, hotEntry, marketSlot, rememberHot } from "./catalog-cache";
import { isConnection, isEdge } from "./graphql-cost";
import { chargeQueryCost, settleQueryCost, throttledResult } from "./graphql-limits";

/**
 * Shared GraphQL results for anonymous catalog reads (docs/protection.md). A query whose every field is
 * marked shared (`SHARED` in src/graphql/builder.ts: the catalog's types and root fields), asked by a
 * caller without credentials or a D1 bookmark, is cached like REST's edge copy: in isolate memory for
 * a few seconds and in the colo's Cache API, keyed by catalog generation, market, operation name,
 * document and variables, so a catalog write (purgeCatalogCache) drops every entry at once.
 *
 * Only `data` is shared. A hit is still charged to the caller's cost bucket (the stored requested cost
 * up front, the stored actual cost in the end) and reports its own `extensions.cost`; a caller out of
 * points gets THROTTLED as if the query ran. `Cache-Control: no-cache` skips the lookup and refreshes
 * the entry, as for REST. Responses say `x-edge-cache: HIT|MISS` when the query was cacheable.
 */
export const CACHE_STATUS_HEADER = "x-edge-cache";
const EDGE_CACHE_CONTROL = "public, max-age=60";

interface Context {
  services: ServiceContext;
  d1Session?: D1SessionScope;
  request: Request;
}

interface Lookup {
  /** operation name, document and variables: what the entry is for. */
  identity: string;
  shared: boolean;
}

const isPageInfo = (type: GraphQLNamedType) => type.name === "PageInfo";

function sharedType(type: GraphQLNamedType): type is GraphQLObjectType {
  return isObjectType(type) && (type.extensions.sharedCache === true || isConnection(type) || isEdge(type) || isPageInfo(type));
}

/** Every field shared (fragments followed); introspection and abstract types never are. */
function sharedSelection(schema: GraphQLSchema, document: DocumentNode, set: SelectionSetNode, type: GraphQLObjectType, root: boolean, seen: Set<string>): boolean {
  return set.selections.every((selection) => {
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
      return condition === type && sharedSelection(schema, document, selection.selectionSet, type, root, seen);
    }
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      if (seen.has(selection.name.value)) return true;
      seen.add(selection.name.value);
      const fragment = document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value);
      return fragment?.kind === Kind.FRAGMENT_DEFINITION && schema.getType(fragment.typeCondition.name.value) === type && sharedSelection(schema, document, fragment.selectionSet, type, root, seen);
    }
    const name = selection.name.value;
    if (name === "__typename") return true;
    const field = type.getFields()[name];
    if (!field || field.extensions.sharedCache === false || (root && field.extensions.sharedCache !== true)) return false;
    const named = getNamedType(field.type);
    if (isLeafType(named)) return true;
    return sharedType(named) && !!selection.selectionSet && sharedSelection(schema, document, selection.selectionSet, named, false, seen);
  });
}

// Whether a parsed document may be shared: Yoga's parse cache hands back the same DocumentNode for the
// same text, so this is worked out once per document.
const sharedDocuments = new WeakMap<DocumentNode, Map<string, boolean>>();

function sharedOperation(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): boolean {
  let perOperation = sharedDocuments.get(document);
  if (!perOperation) sharedDocuments.set(document, (perOperation = new Map()));
  const known = perOperation.get(operationName ?? "");
  if (known !== undefined) return known;
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  const query = schema.getQueryType();
  const shared = !!operation && !!query && operation.operation === "query" && sharedSelection(schema, document, operation.selectionSet, query, true, new Set());
  perOperation.set(operationName ?? "", shared);
  return shared;
}

// Which documents (by text and operation) turned out shareable, learned on their first execution in
// this isolate, so lookups are only made for queries that can hit. Bounded; oldest out first.
const shareable = new Map<string, boolean>();
const SHAREABLE_MAX = 500;

function learn(identity: string, shared: boolean): void {
  if (shareable.has(identity)) return;
  if (shareable.size >= SHAREABLE_MAX) shareable.delete(shareable.keys().next().value!);
  shareable.set(identity, shared);
}

const documentIdentity = (query: string, operationName: string | null | undefined) => `${operationName ?? ""}\u0000${query}`;

/** The entry's key; its market slot is the market X-Market resolves to (a `market` argument is in the document or variables). */
async function entryKey(services: ServiceContext, identity: string, variables: unknown): Promise<string> {
  const generation = await currentGeneration(edgeCache());
  const slot = await marketSlot(() => services.db, services.market, generation);
  return graphqlCacheKey(generation, await sha256Hex(`${identity}\u0000${JSON.stringify(variables ?? {})}`), slot);
}

const COST_HEADERS = { requested: "x-requested-cost", actual: "x-actual-cost" } as const;

/**
 * A `stringify` for Yoga's result serialiser that writes `data`, already serialised as `body`, as it
 * is: the same text as JSON.stringify of the result (same keys in the same order, functions and
 * undefined left out). A result whose data is not this one (a later plugin replaced it) is
 * serialised as usual.
 */
function serialiseWith(data: unknown, body: string): (result: ExecutionResult) => string {
  return (result) => {
    if (result.data !== data) return JSON.stringify(result);
    let out = "";
    for (const [name, value] of Object.entries(result)) {
      const text: string | undefined = name === "data" ? body : JSON.stringify(value);
      if (text !== undefined) out += `${out ? "," : "{"}${JSON.stringify(name)}:${text}`;
    }
    return out ? `${out}}` : "{}";
  };
}

export function useCatalogResponseCache(): Plugin {
  const lookups = new WeakMap<object, Lookup & { variables: unknown }>();
  const statuses = new WeakMap<Request, "HIT" | "MISS">();
  return {
    async onParams({ params, context, request, setResult }) {
      const { services, d1Session } = context as unknown as Context;
      if (!params.query) return;
      const shared = services.actor.kind === "anonymous" && !d1Session?.hasClientBookmark;
      const identity = documentIdentity(params.query, params.operationName);
      lookups.set(context, { identity, shared, variables: params.variables });
      if (!shared || shareable.get(identity) !== true) return;
      if (/\b(no-cache|no-store|max-age=0)\b/i.test(request.headers.get("cache-control") ?? "")) return;

      const key = await entryKey(services, identity, params.variables);
      let entry = hotEntry(key);
      if (!entry) {
        const copy = await edgeCache().match(key);
        if (copy) {
          entry = { body: await copy.text(), headers: [...copy.headers] };
          rememberHot(key, entry.body, entry.headers);
        }
      }
      if (!entry) return;
      const header = (name: string) => Number(entry.headers.find(([n]) => n === name)?.[1]);
      const requested = header(COST_HEADERS.requested);
      const actual = header(COST_HEADERS.actual);
      const charge = await chargeQueryCost(services, (context as unknown as Context).request ?? request, requested);
      if (charge.state && !charge.state.allowed) {
        setResult(throttledResult({ ...charge, state: charge.state }));
        return;
      }
      statuses.set(request, "HIT");
      const data = entry.body;
      const extensions = JSON.stringify({ cost: settleQueryCost(charge, actual) });
      // Yoga serialises a result with its own `stringify`: the cached data goes out as it was stored.
      setResult({ data: null, stringify: () => `{"data":${data},"extensions":${extensions}}` } as ExecutionResult);
    },

    async onExecute({ args }) {
      const lookup = lookups.get(args.contextValue);
      if (!lookup) return;
      const shared = sharedOperation(args.schema, args.document, args.operationName);
      learn(lookup.identity, shared);
      if (!shared || !lookup.shared) return;
      const { services, request } = args.contextValue as unknown as Context;
      statuses.set(request, "MISS");
      // The generation is taken before the data is read: a purge meanwhile leaves this entry behind.
      const key = await entryKey(services, lookup.identity, lookup.variables);
      return {
        onExecuteDone({ result, setResult }) {
          if (!result || Symbol.asyncIterator in result) return;
          const executed = result as ExecutionResult;
          const cost = (executed.extensions as { cost?: { requestedQueryCost: number; actualQueryCost: number } } | undefined)?.cost;
          if (executed.errors?.length || !executed.data || !cost) return;
          const body = JSON.stringify(executed.data);
          // The response writes the data as these bytes instead of serialising it a second time.
          setResult({ ...executed, stringify: serialiseWith(executed.data, body) } as ExecutionResult);
          const headers: [string, string][] = [
            ["cache-control", EDGE_CACHE_CONTROL],
            ["content-type", "application/json"],
            [COST_HEADERS.requested, String(cost.requestedQueryCost)],
            [COST_HEADERS.actual, String(cost.actualQueryCost)],
          ];
          // A read that executed anyway (`no-cache`, or another isolate's copy expired) and got the bytes
          // this isolate stored moments ago leaves the copies alone, as REST's origin reads do: rewriting
          // identical bytes costs a Cache API write per read and changes nothing a caller could see.
          if (hotEntry(key)?.body === body) return;
          rememberHot(key, body, headers);
          services.waitUntil(edgeCache().put(key, new Response(body, { headers })));
        },
      };
    },

    onResponse({ request, response }) {
      const status = statuses.get(request);
      if (status) response.headers.set(CACHE_STATUS_HEADER, status);
    },
  };
}
