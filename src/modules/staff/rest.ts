import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { serialize } from "hono/utils/cookie";
import { adminSecurity, createRouter, json, jsonBody, listOf, problems, publicSecurity } from "../../http/openapi";
import { STAFF_SESSION_TTL_MS } from "./config";
import { CreateStaffInput, ListStaffInput, SignedOut, Staff, StaffMe, StaffSession, StaffSignInInput, UpdateStaffInput } from "./schemas";
import * as staff from "./service";

const tags = ["Staff"];
const staffSecurity = adminSecurity;
const IdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example: "stf_..." }) });
const StaffList = listOf(Staff, "StaffList");

/** The session cookie: `__Host-` (Secure, Path=/, no Domain), HttpOnly, SameSite=Strict. */
export const STAFF_COOKIE_NAME = "edgeshop_staff";
const COOKIE_OPTIONS = { prefix: "host", path: "/", secure: true, httpOnly: true, sameSite: "Strict" } as const;

/** `Set-Cookie` values, for REST (below) and GraphQL (staff/graphql.ts) alike. */
export const sessionCookie = (token: string) => serialize(`__Host-${STAFF_COOKIE_NAME}`, token, { ...COOKIE_OPTIONS, maxAge: STAFF_SESSION_TTL_MS / 1000 });
export const clearedSessionCookie = () => serialize(`__Host-${STAFF_COOKIE_NAME}`, "", { ...COOKIE_OPTIONS, maxAge: 0 });

function setSessionCookie(c: Context, token: string): void {
  c.header("set-cookie", sessionCookie(token), { append: true });
}
export function clearSessionCookie(c: Context): void {
  c.header("set-cookie", clearedSessionCookie(), { append: true });
}

export const staffRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/staff/sign-in",
      operationId: "signInStaff",
      tags,
      security: publicSecurity,
      summary: "Sign in as a staff member",
      description:
        "Starts a session: the answer sets the `__Host-edgeshop_staff` cookie (HttpOnly, Secure, SameSite=Strict) and carries the session's `csrfToken`, which every cookie-authenticated POST, PUT, PATCH or DELETE (and GraphQL mutation) must send as `X-CSRF-Token`. Unknown email, wrong password and a disabled account give the same 401. Failed attempts are throttled per email and per client IP: over the limit the answer is a 429 with `Retry-After`.",
      request: jsonBody(StaffSignInInput),
      responses: { 200: json(StaffSession, "Signed in."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "THROTTLED", "UNSUPPORTED_MEDIA_TYPE") },
    }),
    async (c) => {
      const { token, ...session } = await staff.signInStaff(c.get("services"), c.req.valid("json"));
      setSessionCookie(c, token);
      return c.json(session, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/staff/me",
      operationId: "getStaffMe",
      tags,
      security: staffSecurity,
      summary: "The signed-in staff member",
      description: "The member behind the session cookie (or `Authorization: Bearer essess_…`), with the session's CSRF token: a reloaded admin page reads it here.",
      responses: { 200: json(StaffMe, "Your account and CSRF token."), ...problems("UNAUTHENTICATED") },
    }),
    async (c) => c.json(await staff.staffMe(c.get("services")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/staff/sign-out",
      operationId: "signOutStaff",
      tags,
      security: staffSecurity,
      summary: "Sign out (this session)",
      description: "Ends the session of this request and clears the cookie. Needs `X-CSRF-Token` when authenticated by the cookie.",
      responses: { 200: json(SignedOut, "Signed out."), ...problems("UNAUTHENTICATED", "FORBIDDEN") },
    }),
    async (c) => {
      const result = await staff.signOutStaff(c.get("services"));
      clearSessionCookie(c);
      return c.json(result, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/staff/sign-out-everywhere",
      operationId: "signOutStaffEverywhere",
      tags,
      security: staffSecurity,
      summary: "Sign out everywhere",
      description: "Ends every session of the signed-in member (every browser and device) and clears this cookie. Requests that arrive after this answer with any of those sessions are 401.",
      responses: { 200: json(SignedOut, "Every session ended."), ...problems("UNAUTHENTICATED", "FORBIDDEN") },
    }),
    async (c) => {
      const result = await staff.signOutStaff(c.get("services"), { everywhere: true });
      clearSessionCookie(c);
      return c.json(result, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/staff",
      operationId: "listStaff",
      tags,
      security: staffSecurity,
      summary: "List staff members",
      description: "Newest first; page with `cursor`. Needs `staff:read` or `staff:write`.",
      request: { query: ListStaffInput },
      responses: { 200: json(StaffList, "A page of staff members."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN") },
    }),
    async (c) => {
      const page = await staff.listStaff(c.get("services"), c.req.valid("query"));
      return c.json({ data: page.items, next_cursor: page.nextCursor }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/staff",
      operationId: "createStaff",
      tags,
      security: staffSecurity,
      summary: "Add a staff member",
      description:
        "Needs `staff:write` (owners). Nobody can give a role with scopes they do not hold (403 with pointer `/role`). The first owner is created with the bootstrap admin key (or by `npm run dev`'s seed). An email that is taken is a 409.",
      request: jsonBody(CreateStaffInput),
      responses: { 201: json(Staff, "The new staff member."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "CONFLICT", "UNSUPPORTED_MEDIA_TYPE") },
    }),
    async (c) => c.json(await staff.createStaff(c.get("services"), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/staff/{id}",
      operationId: "updateStaff",
      tags,
      security: staffSecurity,
      summary: "Change a staff member",
      description:
        "Rename, change the role, disable or enable. Disabling ends every session of the member at once; a role change applies to their next request. The last enabled owner cannot be demoted or disabled (409). Needs `staff:write`.",
      request: { params: IdParam, ...jsonBody(UpdateStaffInput) },
      responses: { 200: json(Staff, "The updated member."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "UNSUPPORTED_MEDIA_TYPE") },
    }),
    async (c) => c.json(await staff.updateStaff(c.get("services"), c.req.valid("param").id, c.req.valid("json")), 200),
  );
