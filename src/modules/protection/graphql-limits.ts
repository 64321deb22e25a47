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
  type ExecutionResult,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type ValidationContext,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import type { ServiceContext } from "../../context";
import type { D1SessionScope } from "../../db/session";
import { assertJsonWithinLimits } from "./json-limits";
import { clientIdentity, protectionLimits } from "./limits";
import type { BucketPolicy, BucketState } from "./rate-limiter-object";
import { consumeRateLimit, logLimiterFailure, refundRateLimit } from "./rate-limiter";
import { ServiceError, type ErrorCode } from "../../shared/errors";
import { actualQueryCost, COST, requestedQueryCost } from "./graphql-cost";
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

/**
 * Shopify-style cost accounting and throttling. Before execution the requested (upper-bound) cost is
 * computed; over COST.maxQueryCost is MAX_COST_EXCEEDED, and the caller's leaky bucket (one
 * RateLimiterObject per API key / customer / IP) is charged up front: not enough points is THROTTLED
 * (HTTP 429 with Retry-After). After execution the difference to the actual cost is refunded, and
 * every executed response reports `extensions.cost`.
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
      const requested = requestedQueryCost(args.schema, operation, fragments, variables);
      const policy = protectionLimits(services.env).graphqlCost;
      const who = clientIdentity(services.actor, context.request);
      const key = `graphql:${who.kind}:${who.id}`;

      if (requested > COST.maxQueryCost) {
        const state = await consumeRateLimit(services.env, key, policy, 0).catch((error: unknown) => {
          logLimiterFailure(error, services.requestId, "graphql");
          return undefined;
        });
        const error = coded("MAX_COST_EXCEEDED", `This query would cost ${requested} points; a single query may cost at most ${COST.maxQueryCost}. Ask for smaller pages (first) or fewer fields.`);
        setResultAndStopExecution({
          errors: [error],
          extensions: { cost: { requestedQueryCost: requested, actualQueryCost: 0, throttleStatus: state ? throttleStatus(policy, state.remaining) : null } satisfies CostExtension },
        });
        return;
      }

      let state: BucketState | undefined;
      try {
        state = await consumeRateLimit(services.env, key, policy, requested);
      } catch (error) {
        // Fail open like REST: the query runs and reports its cost; the bucket's state is unknown (null).
        logLimiterFailure(error, services.requestId, "graphql");
      }
      if (state && !state.allowed) {
        const retryAfter = Math.max(1, Math.ceil(state.retryAfterMs / 1000));
        const error = toGraphQLError(
          new ServiceError("THROTTLED", `This query costs ${requested} points and ${state.remaining} are available; they restore at ${policy.refillPerSecond} per second. Retry in ${retryAfter} s.`, {
            extra: { retryAfter, http: { status: 429, headers: { "Retry-After": String(retryAfter) } } },
          }),
        );
        setResultAndStopExecution({
          errors: [error],
          extensions: { cost: { requestedQueryCost: requested, actualQueryCost: 0, throttleStatus: throttleStatus(policy, state.remaining) } satisfies CostExtension },
        });
        return;
      }

      return {
        onExecuteDone({ result, setResult }) {
          if (!result || Symbol.asyncIterator in result) return;
          const executed = result as ExecutionResult;
          const actual = Math.min(requested, actualQueryCost(args.schema, operation, fragments, variables, executed.data as Record<string, unknown> | null));
          const refund = requested - actual;
          // The refund needs no answer: the response reports what the bucket holds once it lands.
          if (state && refund > 0) services.waitUntil(refundRateLimit(services.env, key, policy, refund));
          const cost: CostExtension = {
            requestedQueryCost: requested,
            actualQueryCost: actual,
            throttleStatus: state ? throttleStatus(policy, Math.min(policy.capacity, state.remaining + refund)) : null,
          };
          setResult({ ...executed, extensions: { ...executed.extensions, cost } });
        },
      };
    },
  };
}
