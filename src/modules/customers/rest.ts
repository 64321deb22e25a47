import { createRoute, z } from "@hono/zod-openapi";
import { adminSecurity, createRouter, customerSecurity, json, jsonBody, listOf, problems, publicSecurity } from "../../http/openapi";
import * as addresses from "./addresses";
import {
  Address,
  AddressInput,
  AuthResult,
  ChangePasswordInput,
  Customer,
  CustomerWithAddresses,
  ListCustomersInput,
  SignInInput,
  SignOutInput,
  SignOutResult,
  SignUpInput,
  UpdateAddressInput,
  UpdateProfileInput,
} from "./schemas";
import * as customers from "./service";
import { requestPasswordReset, resetPassword } from "./password-reset";
import { PasswordResetAccepted, PasswordResetDone, RequestPasswordResetInput, ResetPasswordInput } from "./schemas";

const tags = ["Customers"];
const adminTags = ["Customers admin"];
const IdParam = (example: string) => z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example }) });

const CustomerList = listOf(Customer, "CustomerList");
const AddressList = z.object({ data: z.array(Address) }).openapi("CustomerAddressList");
const PasswordChanged = z
  .object({ customer: Customer, revokedTokens: z.number().int().openapi({ description: "Other tokens revoked by the change." }) })
  .openapi("PasswordChanged");

export const customerRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/customers/password-reset",
      operationId: "requestPasswordReset",
      tags,
      security: publicSecurity,
      summary: "Ask for a password reset link",
      description:
        "Always 202, whether or not the email has an account (no enumeration). For an account, an email with a single-use link valid one hour is sent (event `customer.password_reset_requested`; the token is in no event or log outside development). Throttled per email and per client IP: 429 with `Retry-After`.",
      request: jsonBody(RequestPasswordResetInput),
      responses: { 202: json(PasswordResetAccepted, "Accepted."), ...problems("VALIDATION_FAILED", "THROTTLED", "UNSUPPORTED_MEDIA_TYPE") },
    }),
    async (c) => c.json(await requestPasswordReset(c.get("services"), c.req.valid("json")), 202),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/customers/password-reset/confirm",
      operationId: "resetPassword",
      tags,
      security: publicSecurity,
      summary: "Set a new password with a reset link's token",
      description: "The token works once and expires after an hour; using it signs the customer out everywhere (every bearer token revoked) and voids their other reset links. An invalid, used or expired token is a 400 with pointer `/token`.",
      request: jsonBody(ResetPasswordInput),
      responses: { 200: json(PasswordResetDone, "Password changed."), ...problems("VALIDATION_FAILED", "UNSUPPORTED_MEDIA_TYPE") },
    }),
    async (c) => c.json(await resetPassword(c.get("services"), c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/customers",
      operationId: "signUpCustomer",
      security: publicSecurity,
      tags,
      summary: "Sign up",
      description:
        "Creates a customer and signs them in: the answer carries a bearer token (`ectok_…`). To keep registered emails private, an email that already has an account gets the same 201 answer, but no account is created and the token is never valid (the next call with it is a 401): a client that gets a 401 right after signing up should offer to sign in or reset the password. Emails are trimmed and lowercased.",
      request: jsonBody(SignUpInput),
      responses: { 201: json(AuthResult, "Signed up."), ...problems("VALIDATION_FAILED", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE") },
    }),
    async (c) => c.json(await customers.signUp(c.get("services"), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/customers/sign-in",
      operationId: "signInCustomer",
      security: publicSecurity,
      tags,
      summary: "Sign in",
      description:
        "Exchanges email and password for a bearer token valid 30 days. Unknown email and wrong password give the same 401. Failed attempts are throttled per email and per client IP: over the limit the answer is a 429 with `Retry-After` (seconds), also for the right password. With `cartToken`, the guest cart is merged into the customer's cart.",
      request: jsonBody(SignInInput),
      responses: {
        200: json(AuthResult, "Signed in."),
        ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "THROTTLED", "UNSUPPORTED_MEDIA_TYPE"),
      },
    }),
    async (c) => c.json(await customers.signIn(c.get("services"), c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/customers/sign-out",
      operationId: "signOutCustomer",
      tags,
      security: customerSecurity,
      summary: "Sign out",
      description: "Revokes the bearer token sent with this request; with `{ \"everywhere\": true }` every token of the customer. The body is optional.",
      request: { body: { content: { "application/json": { schema: SignOutInput } }, required: false } },
      responses: { 200: json(SignOutResult, "Signed out."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN") },
    }),
    async (c) => c.json(await customers.signOut(c.get("services"), c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/me",
      operationId: "getMe",
      tags,
      security: customerSecurity,
      summary: "The signed-in customer",
      responses: { 200: json(Customer, "Your profile."), ...problems("UNAUTHENTICATED", "FORBIDDEN") },
    }),
    async (c) => c.json(await customers.getMe(c.get("services")), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/me",
      operationId: "updateMe",
      tags,
      security: customerSecurity,
      summary: "Update your profile",
      description: "Partial update: only the fields sent change; `null` clears `name` or `phone`. Changing `marketingConsent` records when it changed.",
      request: jsonBody(UpdateProfileInput),
      responses: { 200: json(Customer, "The updated profile."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "UNSUPPORTED_MEDIA_TYPE") },
    }),
    async (c) => c.json(await customers.updateProfile(c.get("services"), c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/me/password",
      operationId: "changeMyPassword",
      tags,
      security: customerSecurity,
      summary: "Change your password",
      description:
        "Needs the current password (a wrong one is a 400 with pointer `/currentPassword`, and counts as a failed sign-in for throttling). Every other token of the customer is revoked; the one sent with this request keeps working.",
      request: jsonBody(ChangePasswordInput),
      responses: {
        200: json(PasswordChanged, "Password changed."),
        ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "THROTTLED", "UNSUPPORTED_MEDIA_TYPE"),
      },
    }),
    async (c) => c.json(await customers.changePassword(c.get("services"), c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/me/addresses",
      operationId: "listMyAddresses",
      tags,
      security: customerSecurity,
      summary: "Your addresses",
      responses: { 200: json(AddressList, "Oldest first."), ...problems("UNAUTHENTICATED", "FORBIDDEN") },
    }),
    async (c) => c.json({ data: await addresses.listMyAddresses(c.get("services")) }, 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/me/addresses",
      operationId: "createMyAddress",
      tags,
      security: customerSecurity,
      summary: "Add an address",
      description: `Your first address becomes the default shipping and billing address unless you say otherwise; \`isDefaultShipping\`/\`isDefaultBilling\` move the default here. At most 50 addresses (409 beyond).`,
      request: jsonBody(AddressInput),
      responses: {
        201: json(Address, "The new address."),
        ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "CONFLICT", "UNSUPPORTED_MEDIA_TYPE"),
      },
    }),
    async (c) => c.json(await addresses.addAddress(c.get("services"), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/me/addresses/{id}",
      operationId: "updateMyAddress",
      tags,
      security: customerSecurity,
      summary: "Update an address",
      description: "Partial update of one of your addresses. Another customer's address id is a 404, like one that does not exist.",
      request: { params: IdParam("addr_..."), ...jsonBody(UpdateAddressInput) },
      responses: {
        200: json(Address, "The updated address."),
        ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "UNSUPPORTED_MEDIA_TYPE"),
      },
    }),
    async (c) => c.json(await addresses.updateAddress(c.get("services"), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/me/addresses/{id}",
      operationId: "deleteMyAddress",
      tags,
      security: customerSecurity,
      summary: "Delete an address",
      description: "Deleting a default address leaves you without that default until you pick another.",
      request: { params: IdParam("addr_...") },
      responses: { 204: { description: "Deleted." }, ...problems("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
    }),
    async (c) => {
      await addresses.deleteAddress(c.get("services"), c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  // ---------------------------------------------------------------- admin
  .openapi(
    createRoute({
      method: "get",
      path: "/customers",
      operationId: "listCustomers",
      tags: adminTags,
      security: adminSecurity,
      summary: "List customers",
      description: "Newest first; page with `cursor`. Needs the `customers:read` scope.",
      request: { query: ListCustomersInput },
      responses: { 200: json(CustomerList, "A page of customers."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN") },
    }),
    async (c) => {
      const page = await customers.listCustomers(c.get("services"), c.req.valid("query"));
      return c.json({ data: page.items, next_cursor: page.nextCursor }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/customers/{id}",
      operationId: "getCustomer",
      tags: adminTags,
      security: adminSecurity,
      summary: "Get a customer",
      description: "A customer with their addresses. Needs the `customers:read` scope.",
      request: { params: IdParam("cus_...") },
      responses: { 200: json(CustomerWithAddresses, "The customer."), ...problems("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
    }),
    async (c) => c.json(await customers.getCustomer(c.get("services"), c.req.valid("param").id), 200),
  );

