import { orNull } from "../../graphql/errors";
import { requestPasswordReset, resetPassword } from "./password-reset";
import { builder, DeletedRef, dropNulls } from "../../graphql/builder";
import { forwardArgs, toConnection } from "../../graphql/connection";
import * as addresses from "./addresses";
import type { Address, AuthResult, Customer } from "./schemas";
import * as customers from "./service";

export const CustomerRef = builder.objectRef<Customer>("Customer");
export const AddressRef = builder.objectRef<Address>("CustomerAddress");

AddressRef.implement({
  description: "A postal address in a customer's address book.",
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name", { description: "Recipient." }),
    company: t.exposeString("company", { nullable: true }),
    line1: t.exposeString("line1"),
    line2: t.exposeString("line2", { nullable: true }),
    city: t.exposeString("city"),
    region: t.exposeString("region", { nullable: true, description: "State, province or county." }),
    postalCode: t.exposeString("postalCode", { nullable: true }),
    country: t.exposeString("country", { description: "ISO 3166-1 alpha-2." }),
    phone: t.exposeString("phone", { nullable: true, description: "E.164." }),
    isDefaultShipping: t.exposeBoolean("isDefaultShipping"),
    isDefaultBilling: t.exposeBoolean("isDefaultBilling"),
    createdAt: t.exposeString("createdAt", { description: "RFC 3339 UTC." }),
    updatedAt: t.exposeString("updatedAt", { description: "RFC 3339 UTC." }),
  }),
});

CustomerRef.implement({
  description: "A shopper with an account. Visible to that customer (`me`) and to admins with customers:read.",
  fields: (t) => ({
    id: t.exposeID("id"),
    email: t.exposeString("email", { description: "Trimmed and lowercased." }),
    name: t.exposeString("name", { nullable: true }),
    phone: t.exposeString("phone", { nullable: true, description: "E.164." }),
    marketingConsent: t.exposeBoolean("marketingConsent", { description: "Whether the customer agreed to receive marketing." }),
    marketingConsentUpdatedAt: t.exposeString("marketingConsentUpdatedAt", { nullable: true, description: "When consent was last given or withdrawn." }),
    // The parent Customer was already authorised by the field that returned it.
    addresses: t.field({ type: [AddressRef], description: "Oldest first.", resolve: (c, _args, ctx) => ctx.loaders.customers.addressesByCustomer.load(c.id) }),
    defaultShippingAddress: t.field({
      type: AddressRef,
      nullable: true,
      resolve: async (c, _args, ctx) => (await ctx.loaders.customers.addressesByCustomer.load(c.id)).find((a) => a.isDefaultShipping) ?? null,
    }),
    defaultBillingAddress: t.field({
      type: AddressRef,
      nullable: true,
      resolve: async (c, _args, ctx) => (await ctx.loaders.customers.addressesByCustomer.load(c.id)).find((a) => a.isDefaultBilling) ?? null,
    }),
    createdAt: t.exposeString("createdAt", { description: "RFC 3339 UTC." }),
    updatedAt: t.exposeString("updatedAt", { description: "RFC 3339 UTC." }),
  }),
});

const AuthPayloadRef = builder.objectRef<AuthResult>("AuthPayload").implement({
  description: "A signed-in customer and their bearer token.",
  fields: (t) => ({
    customer: t.field({ type: CustomerRef, resolve: (r) => r.customer }),
    token: t.exposeString("token", { description: "Send as `Authorization: Bearer <token>`." }),
    expiresAt: t.exposeString("expiresAt", { description: "When the token stops working (RFC 3339 UTC)." }),
  }),
});

const SignOutPayloadRef = builder.objectRef<{ revokedTokens: number }>("SignOutPayload").implement({
  fields: (t) => ({ revokedTokens: t.exposeInt("revokedTokens", { description: "How many tokens this call revoked." }) }),
});

const PasswordChangedPayloadRef = builder.objectRef<{ customer: Customer; revokedTokens: number }>("PasswordChangedPayload").implement({
  fields: (t) => ({
    customer: t.field({ type: CustomerRef, resolve: (r) => r.customer }),
    revokedTokens: t.exposeInt("revokedTokens", { description: "Other tokens of the customer revoked by the change." }),
  }),
});

const SignUpInputRef = builder.inputType("SignUpInput", {
  fields: (t) => ({
    email: t.string({ required: true }),
    password: t.string({ required: true, description: "8 to 200 characters." }),
    name: t.string(),
    phone: t.string({ description: "E.164." }),
    marketingConsent: t.boolean({ description: "false when omitted." }),
  }),
});

const SignInInputRef = builder.inputType("SignInInput", {
  fields: (t) => ({
    email: t.string({ required: true }),
    password: t.string({ required: true }),
    cartToken: t.string({ description: "A guest cart to merge into the customer's cart." }),
  }),
});

const UpdateProfileInputRef = builder.inputType("UpdateProfileInput", {
  description: "Only the fields you send change; name or phone null clears it.",
  fields: (t) => ({ name: t.string(), phone: t.string(), marketingConsent: t.boolean() }),
});

const ChangePasswordInputRef = builder.inputType("ChangePasswordInput", {
  fields: (t) => ({ currentPassword: t.string({ required: true }), newPassword: t.string({ required: true, description: "8 to 200 characters." }) }),
});

const addressInputFields = (required: boolean) =>
  builder.inputType(required ? "CustomerAddressInput" : "UpdateCustomerAddressInput", {
    description: required
      ? "A new address. A customer's first address becomes the default shipping and billing address unless it says otherwise."
      : "Only the fields you send change; company, line2, region, postalCode or phone null clears it.",
    fields: (t) => ({
      name: t.string({ required, description: "Recipient." }),
      company: t.string(),
      line1: t.string({ required }),
      line2: t.string(),
      city: t.string({ required }),
      region: t.string(),
      postalCode: t.string(),
      country: t.string({ required, description: "ISO 3166-1 alpha-2, e.g. DE." }),
      phone: t.string({ description: "E.164." }),
      isDefaultShipping: t.boolean({ description: "Make this the default shipping address." }),
      isDefaultBilling: t.boolean({ description: "Make this the default billing address." }),
    }),
  });
const AddressInputRef = addressInputFields(true);
const UpdateAddressInputRef = addressInputFields(false);
const CLEARABLE_ADDRESS_FIELDS = ["company", "line2", "region", "postalCode", "phone"];

builder.queryFields((t) => ({
  me: t.field({
    type: CustomerRef,
    nullable: true,
    description: "The signed-in customer (`Authorization: Bearer ectok_…`); null for anyone else.",
    resolve: (_root, _args, ctx) => (ctx.services.actor.kind === "customer" ? customers.getMe(ctx.services) : null),
  }),
  customers: t.connection({
    type: CustomerRef,
    description: "Every customer, newest first. Admin (customers:read).",
    args: { email: t.arg.string({ description: "Only the customer with exactly this email." }) },
    resolve: async (_root, args, ctx) =>
      toConnection(await customers.listCustomers(ctx.services, { ...forwardArgs(args), ...(args.email != null && { email: args.email }) })),
  }),
  customer: t.field({
    type: CustomerRef,
    nullable: true,
    description: "A customer by id; null when there is none. Admin (customers:read).",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => orNull(() => customers.getCustomer(ctx.services, args.id)),
  }),
}));

builder.mutationFields((t) => ({
  requestPasswordReset: t.boolean({
    description: "Ask for a reset link: always true, whether or not the email has an account (no enumeration). Throttled per email and IP (THROTTLED).",
    args: { email: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => (await requestPasswordReset(ctx.services, { email: args.email })).accepted,
  }),
  resetPassword: t.int({
    description: "Set a new password with a reset token (single use, one hour). Returns how many bearer tokens were signed out (all of the customer's).",
    args: { token: t.arg.string({ required: true }), password: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => (await resetPassword(ctx.services, { token: args.token, password: args.password })).revokedTokens,
  }),
  signUp: t.field({
    type: AuthPayloadRef,
    description:
      "Create a customer account and sign in. An email that already has an account gets the same answer, but nothing is created and the token is never valid, so this mutation does not reveal who is registered.",
    args: { input: t.arg({ type: SignUpInputRef, required: true }) },
    resolve: (_root, args, ctx) => customers.signUp(ctx.services, dropNulls(args.input)),
  }),
  signIn: t.field({
    type: AuthPayloadRef,
    description:
      "Exchange email and password for a bearer token. Unknown email and wrong password fail alike (UNAUTHENTICATED). Failed attempts are throttled per email and per client IP: THROTTLED with extensions.retryAfterSeconds.",
    args: { input: t.arg({ type: SignInInputRef, required: true }) },
    resolve: (_root, args, ctx) => customers.signIn(ctx.services, dropNulls(args.input)),
  }),
  signOut: t.field({
    type: SignOutPayloadRef,
    description: "Revoke the token sent with this request, or with everywhere: true every token of the customer.",
    args: { everywhere: t.arg.boolean() },
    resolve: (_root, args, ctx) => customers.signOut(ctx.services, dropNulls(args)),
  }),
  updateProfile: t.field({
    type: CustomerRef,
    description: "Change your name, phone or marketing consent. Customer.",
    args: { input: t.arg({ type: UpdateProfileInputRef, required: true }) },
    resolve: (_root, args, ctx) => customers.updateProfile(ctx.services, dropNulls(args.input, ["name", "phone"])),
  }),
  changePassword: t.field({
    type: PasswordChangedPayloadRef,
    description: "Change your password; needs the current one. Every other token of yours is revoked. Customer.",
    args: { input: t.arg({ type: ChangePasswordInputRef, required: true }) },
    resolve: (_root, args, ctx) => customers.changePassword(ctx.services, args.input),
  }),
  addAddress: t.field({
    type: AddressRef,
    description: "Add an address to your address book (at most 50). Customer.",
    args: { input: t.arg({ type: AddressInputRef, required: true }) },
    resolve: (_root, args, ctx) => addresses.addAddress(ctx.services, dropNulls(args.input)),
  }),
  updateAddress: t.field({
    type: AddressRef,
    description: "Change one of your addresses; another customer's address id is NOT_FOUND. Customer.",
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateAddressInputRef, required: true }) },
    resolve: (_root, args, ctx) => addresses.updateAddress(ctx.services, args.id, dropNulls(args.input, CLEARABLE_ADDRESS_FIELDS)),
  }),
  deleteAddress: t.field({
    type: DeletedRef,
    description: "Delete one of your addresses. Customer.",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      await addresses.deleteAddress(ctx.services, args.id);
      return { deletedId: args.id };
    },
  }),
}));
