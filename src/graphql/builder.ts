import SchemaBuilder from "@pothos/core";
import RelayPlugin from "@pothos/plugin-relay";
import type { GraphQLContext } from "../app/graphql-context";

/**
 * The one schema builder. Types are declared once, in TypeScript, next to each module's service
 * (`modules/<name>/graphql.ts`); nothing in the schema is written twice by hand.
 */
export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: false;
  Scalars: { ID: { Input: string; Output: string }; File: { Input: File; Output: never } };
}>({
  plugins: [RelayPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    // Our ids are already globally unique and typed by prefix; Relay ids are the ids themselves.
    encodeGlobalID: (_typename, id) => String(id),
    decodeGlobalID: (id) => ({ typename: id.split("_")[0] ?? "", id }),
  },
});

/**
 * `extensions` for a type, or a root query field, whose answer is the same for every anonymous caller
 * and changes only with the catalog (its generation) or within the catalog cache's lifetimes: queries
 * made only of such fields are served from the shared GraphQL response cache
 * (modules/protection/graphql-response-cache.ts). A field added to such a type that depends on
 * anything else (orders, the caller) says NOT_SHARED; test/protection/graphql-response-cache.test.ts
 * lists every shared field, so a new one is a decision, not an accident.
 */
export const SHARED = { sharedCache: true } as const;
export const NOT_SHARED = { sharedCache: false } as const;

builder.queryType({ description: "Reads. Public catalog fields need no credentials." });
builder.mutationType({ description: "Writes. Admin mutations need `Authorization: Bearer <admin API key>`." });

/** A file sent with a GraphQL multipart request (the GraphQL multipart request spec; Yoga parses it). Input only. */
builder.scalarType("File", {
  description: "A file in a multipart request (GraphQL multipart request spec). Send `x-graphql-csrf: 1` with it.",
  serialize: () => {
    throw new Error("File is an input-only scalar.");
  },
});

export const MoneyRef = builder
  .objectRef<{ amount: number; currency: string }>("Money")
  .implement({
    description: "An amount in integer minor units (cents) with its ISO 4217 currency. Never a float.",
    extensions: SHARED,
    fields: (t) => ({
      amount: t.exposeInt("amount", { description: "Minor units, e.g. 1999 for 19.99." }),
      currency: t.exposeString("currency", { description: "ISO 4217 code, e.g. EUR." }),
    }),
  });

export const MoneyInput = builder.inputType("MoneyInput", {
  description: "An amount in integer minor units with its ISO 4217 currency.",
  fields: (t) => ({
    amount: t.int({ required: true }),
    currency: t.string({ required: true }),
  }),
});

export const KeyValueRef = builder.objectRef<{ name: string; value: string }>("KeyValue").implement({
  description: "A named value, such as a variant option (size: M) or a product attribute.",
  extensions: SHARED,
  fields: (t) => ({ name: t.exposeString("name"), value: t.exposeString("value") }),
});

export const KeyValueInput = builder.inputType("KeyValueInput", {
  fields: (t) => ({ name: t.string({ required: true }), value: t.string({ required: true }) }),
});

export const DeletedRef = builder.objectRef<{ deletedId: string }>("DeletePayload").implement({
  description: "The id of what was deleted.",
  fields: (t) => ({ deletedId: t.exposeID("deletedId") }),
});

export function toKeyValues(record: Record<string, string>): { name: string; value: string }[] {
  return Object.entries(record).map(([name, value]) => ({ name, value }));
}

/** Turn `[{name, value}]` back into a record; a repeated name keeps its last value. */
export function fromKeyValues(list: readonly { name: string; value: string }[] | null | undefined): Record<string, string> | undefined {
  return list ? Object.fromEntries(list.map((kv) => [kv.name, kv.value])) : undefined;
}

/** GraphQL sends explicit nulls; services treat absent and null differently only for `keep` fields. */
export function dropNulls<T extends Record<string, unknown>>(input: T, keep: readonly string[] = []): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([k, v]) => v !== undefined && (v !== null || keep.includes(k)))) as Partial<T>;
}
