import { getOperationAST, Kind, type ExecutionResult, type FieldNode, type ValueNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { ServiceContext } from "../../context";
import { builder } from "../../graphql/builder";
import { forwardArgs, toConnection } from "../../graphql/connection";
import { ServiceError } from "../../shared/errors";
import type { AuditEntry } from "./schemas";
import { auditActor, listAuditLog, recordAdminWrites } from "./service";

const AuditActorRef = builder.objectRef<AuditEntry["actor"]>("AuditActor").implement({
  description: "Who made an admin write.",
  fields: (t) => ({
    type: t.exposeString("type", { description: "`bootstrap`, `api_key` or `staff`." }),
    id: t.exposeID("id", { description: "`bootstrap`, a `key_…` id or a `stf_…` id." }),
    name: t.exposeString("name"),
  }),
});

const AuditEntryRef = builder.objectRef<AuditEntry>("AuditEntry").implement({
  description: "One admin write: a REST POST/PUT/PATCH/DELETE or a GraphQL mutation field by an admin key or staff session.",
  fields: (t) => ({
    id: t.exposeID("id"),
    at: t.exposeString("at", { description: "RFC 3339 UTC." }),
    actor: t.field({ type: AuditActorRef, resolve: (e) => e.actor }),
    action: t.exposeString("action", { description: "The REST operationId or GraphQL mutation field, e.g. `createProduct`." }),
    resource: t.exposeString("resource", { nullable: true, description: "The ids the write was about." }),
    transport: t.exposeString("transport", { description: "`rest` or `graphql`." }),
    method: t.exposeString("method"),
    path: t.exposeString("path"),
    requestId: t.exposeString("requestId"),
    status: t.exposeInt("status", { description: "HTTP status of the write (GraphQL: the field error's status, 200 when it succeeded)." }),
  }),
});

builder.queryField("auditLog", (t) =>
  t.connection({
    type: AuditEntryRef,
    description: "Admin writes, newest first. Needs `audit:read`.",
    args: { actor: t.arg.string({ description: "Only this actor id." }), action: t.arg.string({ description: "Only this action." }) },
    resolve: async (_root, args, ctx) => {
      const page = await listAuditLog(ctx.services, { ...forwardArgs(args), ...(args.actor && { actor: args.actor }), ...(args.action && { action: args.action }) });
      return toConnection(page);
    },
  }),
);

/** Arguments that name what a mutation is about, in the order they are tried. */
const RESOURCE_ARGS = ["id", "productId", "imageId", "sku", "orderId", "cartId", "endpointId", "deliveryId"];

function resourceOf(field: FieldNode, variables: Record<string, unknown> | undefined): string | null {
  const values: string[] = [];
  for (const name of RESOURCE_ARGS) {
    const arg = field.arguments?.find((a) => a.name.value === name);
    if (!arg) continue;
    const value = valueOf(arg.value, variables);
    if (typeof value === "string") values.push(value);
  }
  return values.length ? values.join("/") : null;
}

function valueOf(node: ValueNode, variables: Record<string, unknown> | undefined): unknown {
  if (node.kind === Kind.VARIABLE) return variables?.[node.name.value];
  if (node.kind === Kind.STRING) return node.value;
  return undefined;
}

/**
 * GraphQL half of the audit log: after a mutation by an admin key or staff session, one entry per
 * root field (its name is the action), with the status of that field's error or 200.
 */
export function useAuditLog(): Plugin<{ services: ServiceContext }> {
  return {
    onExecute({ args }) {
      const services = (args.contextValue as { services?: ServiceContext }).services;
      const actor = services && auditActor(services.actor);
      const operation = getOperationAST(args.document, args.operationName);
      if (!actor || !services || operation?.operation !== "mutation") return;
      const fields = operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value !== "__typename");
      return {
        onExecuteDone({ result }) {
          if (Symbol.asyncIterator in (result as object)) return;
          const errors = (result as ExecutionResult).errors ?? [];
          services.waitUntil(
            recordAdminWrites(
              services.db,
              fields.map((field) => {
                const key = field.alias?.value ?? field.name.value;
                const error = errors.find((e) => e.path?.[0] === key);
                // Errors are masked after this hook: the service error, if any, is the original one.
                const status = !error ? 200 : error.originalError instanceof ServiceError ? error.originalError.status : Number(error.extensions?.status ?? 500);
                return {
                  actor,
                  action: field.name.value,
                  resource: resourceOf(field, args.variableValues as Record<string, unknown> | undefined),
                  transport: "graphql" as const,
                  method: "POST",
                  path: "/graphql",
                  requestId: services.requestId,
                  status,
                };
              }),
            ),
          );
        },
      };
    },
  };
}
