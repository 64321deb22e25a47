import { builder } from "../../graphql/builder";
import { forwardArgs, toConnection } from "../../graphql/connection";
import type { ApiKey, CreatedApiKey } from "./schemas";
import * as keys from "./service";

const ApiKeyRef = builder.objectRef<ApiKey>("ApiKey").implement({
  description: "An admin API key (never its secret).",
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    prefix: t.exposeString("prefix", { nullable: true, description: "The first 16 characters of the secret, to tell keys apart." }),
    scopes: t.exposeStringList("scopes"),
    createdAt: t.exposeString("createdAt", { description: "RFC 3339 UTC." }),
    createdBy: t.exposeString("createdBy", { nullable: true, description: "`bootstrap`, a `key_…` id or a `stf_…` id." }),
    expiresAt: t.exposeString("expiresAt", { nullable: true, description: "After this the key is refused; null: no expiry." }),
    revokedAt: t.exposeString("revokedAt", { nullable: true }),
    lastUsedAt: t.exposeString("lastUsedAt", { nullable: true, description: "Updated at most once a minute." }),
  }),
});

const CreatedApiKeyRef = builder.objectRef<CreatedApiKey>("CreatedApiKey").implement({
  fields: (t) => ({
    apiKey: t.field({ type: ApiKeyRef, resolve: (r) => r.apiKey }),
    secret: t.exposeString("secret", { description: "The key itself (`esk_admin_…`), shown once: only its hash is stored." }),
  }),
});

const CreateApiKeyInputRef = builder.inputType("CreateApiKeyInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    scopes: t.stringList({ required: true, description: "Scopes you hold yourself, e.g. `catalog:write`." }),
    expiresAt: t.string({ description: "RFC 3339, in the future. Omit for no expiry." }),
  }),
});

builder.queryField("apiKeys", (t) =>
  t.connection({
    type: ApiKeyRef,
    description: "Admin API keys, newest first. Needs `keys:read` or `keys:write`.",
    resolve: async (_root, args, ctx) => toConnection(await keys.listApiKeys(ctx.services, forwardArgs(args))),
  }),
);

builder.mutationField("createApiKey", (t) =>
  t.field({
    type: CreatedApiKeyRef,
    description: "Create an admin API key; the secret is in this answer only. Needs `keys:write`.",
    args: { input: t.arg({ type: CreateApiKeyInputRef, required: true }) },
    resolve: (_root, args, ctx) => keys.createApiKey(ctx.services, { ...args.input, expiresAt: args.input.expiresAt ?? undefined }),
  }),
);

builder.mutationField("revokeApiKey", (t) =>
  t.field({
    type: ApiKeyRef,
    description: "Revoke a key: from the next request on it is refused. Idempotent. Needs `keys:write`.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => keys.revokeApiKey(ctx.services, args.id),
  }),
);
