import { call, unique } from "./helpers";

export const STAFF_PASSWORD = "a long staff passphrase";

/** Create a staff member with the bootstrap key; returns the member and the credentials. */
export async function createStaffMember(role: string, overrides: { email?: string; name?: string; password?: string } = {}) {
  const email = overrides.email ?? `${unique(role)}@staff.test`;
  const password = overrides.password ?? STAFF_PASSWORD;
  const res = await call("POST", "/v1/staff", { admin: true, body: { email, name: overrides.name ?? `Member ${role}`, role, password } });
  if (res.status !== 201) throw new Error(`createStaff ${res.status}: ${res.text}`);
  return { staff: res.body, email, password };
}

/** The session cookie value from a sign-in response's Set-Cookie. */
export function sessionCookieFrom(headers: Headers): string | undefined {
  const header = headers.getSetCookie().find((c) => c.startsWith("__Host-edgeshop_staff="));
  return header?.split(";")[0];
}

/** Sign in and return what a browser would hold: the cookie and the CSRF token. */
export async function signIn(email: string, password: string, headers: Record<string, string> = {}) {
  const res = await call("POST", "/v1/staff/sign-in", { body: { email, password }, headers });
  if (res.status !== 200) throw new Error(`signIn ${res.status}: ${res.text}`);
  return { cookie: sessionCookieFrom(res.headers)!, csrfToken: res.body.csrfToken as string, body: res.body, headers: res.headers };
}

/** A member of `role`, signed in. */
export async function signedInStaff(role: string) {
  const member = await createStaffMember(role);
  return { ...member, ...(await signIn(member.email, member.password)) };
}

/** Call as a browser with the session cookie (and the CSRF token unless `csrf: false`). */
export function asStaff(session: { cookie: string; csrfToken: string }, method: string, path: string, options: { body?: Record<string, unknown>; csrf?: boolean | string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { cookie: session.cookie, ...options.headers };
  if (options.csrf !== false) headers["x-csrf-token"] = typeof options.csrf === "string" ? options.csrf : session.csrfToken;
  return call(method, path, { ...(options.body && { body: options.body }), headers });
}
