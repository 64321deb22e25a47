import { blockFieldSuggestionsPlugin } from "@escape.tech/graphql-armor-block-field-suggestions";
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import {
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  parse,
  type DefinitionNode,
  type DocumentNode,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationContext,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import type { ServiceContext } from "../../context";
import type { D1SessionScope } from "../../db/session";
import { assertJsonWithinLimits } from "./json-limits";
import { clientIdentity, protectionLimits } from "./limits";
import type { BucketPolicy, BucketState } from "./rate-limiter-object";
import { giveBackTokens, logLimiterFailure, takeTokens } from "./rate-limiter";
import { ServiceError, type ErrorCode } from "../../shared/errors";
import { actualCost, actualCostPlan, COST, requestedQueryCost, type CostPlan } from "./graphql-cost";
import { toGraphQLError } from "../../graphql/errors";

/**
 * Static limits for a storefront (docs/protection.md explains the numbers). A product page is ~4
 * levels deep, a listing ~6 (products → edges → node → priceRange → min → amount); 10 leaves room for
 * category trees without allowing recursion bombs.
 */
export const QUERY_LIMITS = { maxDepth: 10, maxAliases: 15, maxDirectives: 10, maxTokens: 2000 } as const;

function coded(code: ErrorCode, message: string): GraphQLError {
  return toGraphQLError(new ServiceError(code, message));
}

/** graphql-armor's rules, reporting our codes instead of throwing anonymous syntax errors. */
function armorRule(code: ErrorCode, make: (options: { n: number; propagateOnRejection: false; onReject: ((ctx: ValidationContext | null, error: GraphQLError) => void)[] }) => (ctx: ValidationContext) => unknown, n: number) {
  return make({
    n,
    propagateOnRejection: false,
    onReject: [(ctx, error) => ctx?.reportError(coded(code, error.message.replace(/^Syntax Error: /, "")))],
  }) as (ctx: ValidationContext) => never;
}

/** Depth, aliases, directives (validation rules) and tokens (the parser's own `maxTokens`). */
export function useQueryLimits(): Plugin {
  const rules = [
    armorRule("MAX_DEPTH_EXCEEDED", maxDepthRule as never, QUERY_LIMITS.maxDepth),
    armorRule("MAX_ALIASES_EXCEEDED", maxAliasesRule as never, QUERY_LIMITS.maxAliases),
    armorRule("MAX_DIRECTIVES_EXCEEDED", maxDirectivesRule as never, QUERY_LIMITS.maxDirectives),
  ];
  return {
    onParse({ setParseFn }) {
      // graphql-js stops lexing after maxTokens, so a huge document costs no more than the limit.
      setParseFn((source, options) => {
        try {
          return parse(source, { ...options, maxTokens: QUERY_LIMITS.maxTokens });
        } catch (error) {
          if (error instanceof GraphQLError && /more tha[nt] \d+ tokens/.test(error.message)) {
            throw coded("MAX_TOKENS_EXCEEDED", `Documents may have at most ${QUERY_LIMITS.maxTokens} tokens.`);
          }
          throw error;
        }
      });
    },
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
  };
}

/** Production: no introspection, and validation messages without "Did you mean …?" hints. */
export function useProductionHardening(): Plugin[] {
  return [
    {
      onValidate({ addValidationRule }) {
        addValidationRule(NoSchemaIntrospectionCustomRule);
      },
    },
    blockFieldSuggestionsPlugin({ mask: "" }) as Plugin,
  ];
}

/** GraphQL variables and extensions obey the same JSON nesting limits as REST bodies. */
export function useVariableLimits(): Plugin<{ services: ServiceContext }> {
  return {
    onParams({ params, context }) {
      const { env } = (context as unknown as { services: ServiceContext }).services;
      try {
        assertJsonWithinLimits(params.variables ?? null, protectionLimits(env).json, "/variables");
        assertJsonWithinLimits(params.extensions ?? null, protectionLimits(env).json, "/extensions");
      } catch (error) {
        if (error instanceof ServiceError) throw toGraphQLError(error);
        throw error;
      }
    },
  };
}

export interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number;
  /** null only when the rate limiter could not be reached (the query ran unlimited). */
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } | null;
}

function throttleStatus(policy: BucketPolicy, currentlyAvailable: number): CostExtension["throttleStatus"] {
  return { maximumAvailable: policy.capacity, currentlyAvailable: Math.max(0, Math.floor(currentlyAvailable)), restoreRate: policy.refillPerSecond };
}

interface CostContext {
  services: ServiceContext;
  d1Session?: D1SessionScope;
  request: Request;
}

/** A query's cost charged to its caller's bucket; `state` is undefined when the limiter was unreachable. */
export interface CostCharge {
  key: string;
  policy: BucketPolicy;
  requested: number;
  state: BucketState | undefined;
}

/**
 * Take the requested (upper-bound) cost from the caller's leaky bucket, local-first (takeTokens: no
 * object call on the request path while this isolate's copy of the bucket is fresh). Cost 0 only
 * reads the bucket. Fails open like REST: an unreachable limiter leaves `state` undefined.
 */
export async function chargeQueryCost(services: ServiceContext, request: Request, requested: number): Promise<CostCharge> {
  const policy = protectionLimits(services.env).graphqlCost;
  const who = clientIdentity(services.actor, request);
  const key = `graphql:${who.kind}:${who.id}`;
  let state: BucketState | undefined;
  try {
    state = await takeTokens(services.env, key, policy, requested, services.waitUntil);
  } catch (error) {
    logLimiterFailure(error, services.requestId, "graphql");
  }
  return { key, policy, requested, state };
}

/** The answer to a charge the bucket could not cover: THROTTLED, HTTP 429 with Retry-After. */
export function throttledResult(charge: CostCharge & { state: BucketState }): ExecutionResult {
  const { policy, requested, state } = charge;
  const retryAfter = Math.max(1, Math.ceil(state.retryAfterMs / 1000));
  const error = toGraphQLError(
    new ServiceError("THROTTLED", `This query costs ${requested} points and ${state.remaining} are available; they restore at ${policy.refillPerSecond} per second. Retry in ${retryAfter} s.`, {
      extra: { retryAfter, http: { status: 429, headers: { "Retry-After": String(retryAfter) } } },
    }),
  );
  return { errors: [error], extensions: { cost: { requestedQueryCost: requested, actualQueryCost: 0, throttleStatus: throttleStatus(policy, state.remaining) } satisfies CostExtension } };
}

/**
 * Settle an executed query: give `requested − actual` back to the bucket (locally; it travels with the
 * next settle, so a refund costs no call of its own) and report `extensions.cost`.
 */
export function settleQueryCost(charge: CostCharge, actual: number): CostExtension {
  const { key, policy, requested, state } = charge;
  const after = state ? (giveBackTokens(key, policy, requested - actual) ?? state) : undefined;
  return { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: after ? throttleStatus(policy, after.remaining) : null };
}

// The requested cost, and the plan the actual cost is measured with, depend only on the document, the
// operation and the variables: Yoga's parse cache hands back the same DocumentNode for the same text,
// so each is worked out once per document and variables.
interface CostMemo {
  requested: number;
  /** Made on the first execution that needs it; null: nothing to measure. */
  plan?: CostPlan | null;
}
const costMemos = new WeakMap<DocumentNode, Map<string, CostMemo>>();
const REQUESTED_COSTS_PER_DOCUMENT = 50;

function memoisedCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, fragments: readonly FragmentDefinitionNode[], variables: Record<string, unknown> | undefined): CostMemo {
  let perDocument = costMemos.get(document);
  if (!perDocument) costMemos.set(document, (perDocument = new Map()));
  const key = `${operation.name?.value ?? ""}\u0000${JSON.stringify(variables ?? {})}`;
  let memo = perDocument.get(key);
  if (memo === undefined) {
    memo = { requested: requestedQueryCost(schema, operation, fragments, variables) };
    if (perDocument.size < REQUESTED_COSTS_PER_DOCUMENT) perDocument.set(key, memo);
  }
  return memo;
}

/**
 * Shopify-style cost accounting and throttling. Before execution the requested (upper-bound) cost is
 * computed; over COST.maxQueryCost is MAX_COST_EXCEEDED, and the caller's leaky bucket (one
 * RateLimiterObject per API key / customer / IP, spent local-first) is charged up front: not enough
 * points is THROTTLED (HTTP 429 with Retry-After). After execution the difference to the actual cost
 * is given back, and every executed response reports `extensions.cost`.
 */
export function useCostLimit(): Plugin {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue as unknown as CostContext;
      const { services } = context;
      const definitions: readonly DefinitionNode[] = args.document.definitions;
      const operations = definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
      const operation = args.operationName ? operations.find((o) => o.name?.value === args.operationName) : operations[0];
      if (!operation) return;
      // Mutations read what they change: start the D1 Session at the primary, not at a replica.
      if (operation.operation === "mutation") context.d1Session?.usePrimary();
      const fragments = definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
      const variables = args.variableValues as Record<string, unknown> | undefined;
      const memo = memoisedCost(args.schema, args.document, operation, fragments, variables);
      const requested = memo.requested;

      if (requested > COST.maxQueryCost) {
        const { policy, state } = await chargeQueryCost(services, context.request, 0);
        const error = coded("MAX_COST_EXCEEDED", `This query would cost ${requested} points; a single query may cost at most ${COST.maxQueryCost}. Ask for smaller pages (first) or fewer fields.`);
        setResultAndStopExecution({
          errors: [error],
          extensions: { cost: { requestedQueryCost: requested, actualQueryCost: 0, throttleStatus: state ? throttleStatus(policy, state.remaining) : null } satisfies CostExtension },
        });
        return;
      }

      const charge = await chargeQueryCost(services, context.request, requested);
      if (charge.state && !charge.state.allowed) {
        setResultAndStopExecution(throttledResult({ ...charge, state: charge.state }));
        return;
      }

      return {
        onExecuteDone({ result, setResult }) {
          if (!result || Symbol.asyncIterator in result) return;
          const executed = result as ExecutionResult;
          const data = executed.data as Record<string, unknown> | null | undefined;
          if (data && memo.plan === undefined) memo.plan = actualCostPlan(args.schema, operation, fragments, variables);
          const actual = Math.min(requested, actualCost(memo.plan ?? null, data));
          setResult({ ...executed, extensions: { ...executed.extensions, cost: settleQueryCost(charge, actual) } });
        },
      };
    },
  };
}
