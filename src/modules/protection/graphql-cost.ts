import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isLeafType,
  isListType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../../shared/pagination";

/**
 * Shopify-style query cost (docs/protection.md): objects cost 1, scalars, enums and VALUE_TYPES 0, a connection
 * 2 plus its page size times the cost of one node, a mutation field 10. Lists that are not paginated
 * (a product's variants) are assumed to hold UNPAGINATED_LIST_SIZE items when estimating.
 */
export const COST = {
  object: 1,
  connection: 2,
  mutation: 10,
  unpaginatedListSize: 10,
  /**
   * The most one operation may request; beyond it the query is refused before execution. It equals the
   * default bucket capacity (GRAPHQL_COST_MAXIMUM): one query may spend a full bucket, never more. A
   * 50-product page with variants, categories and their parents (about 1,550 points) fits; 100 does not.
   */
  maxQueryCost: 2000,
} as const;

/**
 * Plain values carried inside their parent (no resolver fetches anything for them): they cost 0, so
 * asking for a price or a variant's options is not taxed like asking for another product.
 */
export const VALUE_TYPES: ReadonlySet<string> = new Set(["Money", "KeyValue", "PriceRange", "PageInfo"]);

interface Walk {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

export const isConnection = (type: GraphQLNamedType) => isObjectType(type) && type.name.endsWith("Connection") && "edges" in type.getFields();
// Relay edges only wrap a node: the node is what costs.
export const isEdge = (type: GraphQLNamedType) => isObjectType(type) && type.name.endsWith("Edge") && "node" in type.getFields();

function argumentValue(value: ValueNode | undefined, variables: Record<string, unknown>): unknown {
  if (!value) return undefined;
  if (value.kind === Kind.VARIABLE) return variables[value.name.value];
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.BOOLEAN) return value.value;
  return undefined;
}

function pageSize(field: FieldNode, variables: Record<string, unknown>): number {
  const first = argumentValue(field.arguments?.find((a) => a.name.value === "first")?.value, variables);
  return typeof first === "number" && Number.isFinite(first) ? Math.min(Math.max(0, first), MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
}

function included(node: { directives?: readonly { name: { value: string }; arguments?: readonly { name: { value: string }; value: ValueNode }[] }[] }, variables: Record<string, unknown>): boolean {
  for (const directive of node.directives ?? []) {
    const condition = argumentValue(directive.arguments?.find((a) => a.name.value === "if")?.value, variables);
    if (directive.name.value === "skip" && condition === true) return false;
    if (directive.name.value === "include" && condition === false) return false;
  }
  return true;
}

/** The fields a selection set asks of `type`, fragments flattened; abstract conditions are kept (an upper bound). */
function collectFields(set: SelectionSetNode, type: GraphQLCompositeType, walk: Walk, out: FieldNode[] = [], seen = new Set<string>()): FieldNode[] {
  for (const selection of set.selections) {
    if (!included(selection, walk.variables)) continue;
    if (selection.kind === Kind.FIELD) out.push(selection);
    else {
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : walk.fragments[selection.name.value];
      if (!fragment || (selection.kind === Kind.FRAGMENT_SPREAD && seen.has(selection.name.value))) continue;
      if (selection.kind === Kind.FRAGMENT_SPREAD) seen.add(selection.name.value);
      const condition = fragment.typeCondition ? walk.schema.getType(fragment.typeCondition.name.value) : type;
      if (condition && (condition === type || isAbstractType(condition) || isAbstractType(type))) collectFields(fragment.selectionSet, type, walk, out, seen);
    }
  }
  return out;
}

function fieldDefinition(type: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  return "getFields" in type ? type.getFields()[name] : undefined;
}

function ownCost(parent: GraphQLCompositeType, named: GraphQLNamedType, walk: Walk): number {
  if (parent === walk.schema.getMutationType()) return COST.mutation;
  if (isConnection(named)) return COST.connection;
  return isEdge(named) || VALUE_TYPES.has(named.name) ? 0 : COST.object;
}

/** Upper-bound cost of a selection set; `listSize` is the page size when `type` is a connection. */
function estimate(set: SelectionSetNode, type: GraphQLCompositeType, walk: Walk, listSize?: number): number {
  let total = 0;
  for (const field of collectFields(set, type, walk)) {
    if (field.name.value.startsWith("__")) continue; // __typename is free; introspection is off in production
    const definition = fieldDefinition(type, field.name.value);
    if (!definition) continue;
    const named = getNamedType(definition.type);
    if (isLeafType(named)) continue;
    const inner = field.selectionSet ? estimate(field.selectionSet, named as GraphQLCompositeType, walk, isConnection(named) ? pageSize(field, walk.variables) : undefined) : 0;
    const count = isListType(getNullableType(definition.type)) ? (listSize ?? COST.unpaginatedListSize) : 1;
    total += count * (ownCost(type, named, walk) + inner);
  }
  return total;
}

/**
 * What measuring the data of a selection set needs, worked out from the document alone: each counted
 * (non-leaf) field's response key, its own cost and the plan of its selection. Which fields count and
 * what each costs depend only on the document, the operation and the variables, so a plan is made
 * once per document and variables (graphql-limits.ts memoises it) and the response data is then
 * only walked, not matched against the schema again for every object of a page.
 */
export type CostPlan = readonly { key: string; own: number; child: CostPlan | null }[];

function plan(set: SelectionSetNode, type: GraphQLCompositeType, walk: Walk): CostPlan {
  const fields: { key: string; own: number; child: CostPlan | null }[] = [];
  for (const field of collectFields(set, type, walk)) {
    if (field.name.value.startsWith("__")) continue;
    const definition = fieldDefinition(type, field.name.value);
    if (!definition) continue;
    const named = getNamedType(definition.type);
    if (isLeafType(named)) continue;
    fields.push({ key: field.alias?.value ?? field.name.value, own: ownCost(type, named, walk), child: field.selectionSet ? plan(field.selectionSet, named as GraphQLCompositeType, walk) : null });
  }
  return fields;
}

/** What was actually returned: the same rules over the response data, counting real list lengths. */
function measure(fields: CostPlan, data: Record<string, unknown>): number {
  let total = 0;
  for (const { key, own, child } of fields) {
    if (!(key in data)) continue;
    const value = data[key];
    if (Array.isArray(value)) {
      for (const item of value) {
        total += own;
        if (child && item && typeof item === "object") total += measure(child, item as Record<string, unknown>);
      }
    } else {
      total += own;
      if (child && value && typeof value === "object") total += measure(child, value as Record<string, unknown>);
    }
  }
  return total;
}

function walkOf(schema: GraphQLSchema, fragments: readonly FragmentDefinitionNode[], variables: Record<string, unknown> | null | undefined): Walk {
  return { schema, fragments: Object.fromEntries(fragments.map((f) => [f.name.value, f])), variables: variables ?? {} };
}

function rootType(schema: GraphQLSchema, operation: OperationDefinitionNode): GraphQLCompositeType | undefined {
  return (operation.operation === "mutation" ? schema.getMutationType() : operation.operation === "subscription" ? schema.getSubscriptionType() : schema.getQueryType()) ?? undefined;
}

/** Every operation costs at least 1, so that even `{ __typename }` floods drain the bucket. */
export function requestedQueryCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: readonly FragmentDefinitionNode[],
  variables?: Record<string, unknown> | null,
): number {
  const root = rootType(schema, operation);
  return Math.max(1, root ? estimate(operation.selectionSet, root, walkOf(schema, fragments, variables)) : 0);
}

/** The plan that actualCost measures an operation's data with (null: no root type to measure). */
export function actualCostPlan(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: readonly FragmentDefinitionNode[],
  variables: Record<string, unknown> | null | undefined,
): CostPlan | null {
  const root = rootType(schema, operation);
  return root ? plan(operation.selectionSet, root, walkOf(schema, fragments, variables)) : null;
}

/** The actual cost of an operation's data, measured with its actualCostPlan. */
export function actualCost(fields: CostPlan | null, data: Record<string, unknown> | null | undefined): number {
  return Math.max(1, fields && data ? measure(fields, data) : 0);
}
