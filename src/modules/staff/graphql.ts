import { getOperationAST, Kind } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { ServiceContext } from "../../context";
import { builder } from "../../graphql/builder";
import { forwardArgs, toConnection } from "../../graphql/connection";
import { toGraphQLError } from "../../graphql/errors";
import { ServiceError } from "../../shared/errors";
import { clearedSessionCookie, sessionCookie } from "./rest";
import { STAFF_ROLES, type StaffRole } from "./roles";
import type { Staff } from "./schemas";
import * as staff from "./service";

const StaffRoleRef = builder.enumType("StaffRole", {
  description: "What a staff member may do: owner everything; catalog, orders: their writes and every read; support: reads orders, customers, catalog, stock; read_only: every read.",
  values: Object.fromEntries(STAFF_ROLES.map((r) => [r.toUpperCase(), { value: r }])) as Record<string, { value: StaffRole }>,
});

const StaffRef = builder.objectRef<Staff>("Staff").implement({
  description: "A person who runs the shop through the admin.",
  fields: (t) => ({
    id: t.exposeID("id"),
    email: t.exposeString("email"),
    name: t.exposeString("name"),
    role: t.field({ type: StaffRoleRef, resolve: (s) => s.role }),
    scopes: t.exposeStringList("scopes", { description: "What the role allows, in the scope vocabulary of API keys." }),
    disabled: t.exposeBoolean("disabled"),
    createdAt: t.exposeString("createdAt", { description: "RFC 3339 UTC." }),
    lastSignInAt: t.exposeString("lastSignInAt", { nullable: true }),
  }),
});

const StaffSessionRef = builder.objectRef<{ staff: Staff; csrfToken: string; expiresAt: string }>("StaffSession").implement({
  description: "A signed-in staff member. The session itself travels in the HttpOnly cookie `__Host-edgeshop_staff`.",
  fields: (t) => ({
    staff: t.field({ type: StaffRef, resolve: (s) => s.staff }),
    csrfToken: t.exposeString("csrfToken", { description: "Send as `X-CSRF-Token` with cookie-authenticated mutations and REST writes." }),
    expiresAt: t.exposeString("expiresAt", { description: "RFC 3339 UTC." }),
  }),
});

const StaffSignedOutRef = builder.objectRef<{ revokedSessions: number }>("StaffSignedOut").implement({
  fields: (t) => ({ revokedSessions: t.exposeInt("revokedSessions", { description: "How many sessions this call ended." }) }),
});

builder.queryField("staffMe", (t) =>
  t.field({
    type: StaffSessionRef,
    description: "The signed-in staff member (session cookie or `Bearer essess_…`) and the session's CSRF token.",
    resolve: (_root, _args, ctx) => staff.staffMe(ctx.services),
  }),
);

builder.queryField("staffMembers", (t) =>
  t.connection({
    type: StaffRef,
    description: "Staff members, newest first. Needs `staff:read` or `staff:write`.",
    resolve: async (_root, args, ctx) => toConnection(await staff.listStaff(ctx.services, forwardArgs(args))),
  }),
);

builder.mutationField("signInStaff", (t) =>
  t.field({
    type: StaffSessionRef,
    description: "Sign in: sets the session cookie on the response. Wrong credentials are UNAUTHENTICATED; repeated failures are THROTTLED.",
    args: { email: t.arg.string({ required: true }), password: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const { token, ...session } = await staff.signInStaff(ctx.services, args);
      ctx.responseCookies.push(sessionCookie(token));
      return session;
    },
  }),
);

builder.mutationField("signOutStaff", (t) =>
  t.field({
    type: StaffSignedOutRef,
    description: "End this session (`everywhere: true`: every session of the member) and clear the cookie.",
    args: { everywhere: t.arg.boolean({ description: "End every session of the member." }) },
    resolve: async (_root, args, ctx) => {
      const result = await staff.signOutStaff(ctx.services, { everywhere: args.everywhere === true });
      ctx.responseCookies.push(clearedSessionCookie());
      return result;
    },
  }),
);

const CreateStaffInputRef = builder.inputType("CreateStaffInput", {
  fields: (t) => ({
    email: t.string({ required: true }),
    name: t.string({ required: true }),
    role: t.field({ type: StaffRoleRef, required: true }),
    password: t.string({ required: true, description: "12 to 200 characters." }),
  }),
});

const UpdateStaffInputRef = builder.inputType("UpdateStaffInput", {
  description: "Only the fields sent change. Disabling a member ends their sessions.",
  fields: (t) => ({ name: t.string(), role: t.field({ type: StaffRoleRef }), disabled: t.boolean() }),
});

builder.mutationField("createStaff", (t) =>
  t.field({
    type: StaffRef,
    description: "Add a staff member. Needs `staff:write`; nobody gives a role with scopes they do not hold.",
    args: { input: t.arg({ type: CreateStaffInputRef, required: true }) },
    resolve: (_root, args, ctx) => staff.createStaff(ctx.services, args.input),
  }),
);

builder.mutationField("updateStaff", (t) =>
  t.field({
    type: StaffRef,
    description: "Rename, change the role, disable or enable. The last enabled owner cannot be demoted or disabled (CONFLICT).",
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateStaffInputRef, required: true }) },
    resolve: (_root, args, ctx) =>
      staff.updateStaff(ctx.services, args.id, Object.fromEntries(Object.entries(args.input).filter(([, v]) => v !== null && v !== undefined))),
  }),
);

/**
 * CSRF for GraphQL: a mutation authenticated by the staff session cookie must carry the session's
 * `X-CSRF-Token` (queries need not: they change nothing, and CORS keeps their answers from other
 * origins). Bearer-authenticated requests need no token.
 */
export function useStaffCsrf(): Plugin<{ services: ServiceContext }> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const actor = (args.contextValue as { services?: ServiceContext }).services?.actor;
      if (actor?.kind !== "admin" || !actor.session?.viaCookie || actor.session.csrfValid) return;
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== "mutation") return;
      // Signing in proves itself with the password, as on REST.
      if (operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && s.name.value === "signInStaff")) return;
      const error = new ServiceError("FORBIDDEN", "CSRF check failed: send the session's csrfToken as X-CSRF-Token with cookie-authenticated mutations.", { extra: { reason: "csrf" } });
      setResultAndStopExecution({ errors: [toGraphQLError(error)], data: null });
    },
  };
}
