import { z } from "@hono/zod-openapi";
import { isCountryCode } from "../../shared/countries";
import { Email, PageCursor, PageLimit, Timestamp } from "../../shared/schemas";

export { Email };
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./config";

const NewPassword = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
  .max(PASSWORD_MAX_LENGTH, `Use at most ${PASSWORD_MAX_LENGTH} characters.`)
  .openapi({ example: "correct horse battery staple", description: `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.` });
/** Existing passwords are checked, not judged: only the upper bound applies. */
const PresentedPassword = z.string().min(1).max(PASSWORD_MAX_LENGTH);

const PersonName = z.string().trim().min(1).max(120).openapi({ example: "Ada Lovelace" });
const Phone = z
  .string()
  .trim()
  .regex(/^\+[1-9]\d{6,14}$/, "Use E.164 format, e.g. +4915123456789.")
  .openapi({ example: "+4915123456789", description: "E.164." });
const Country = z
  .string()
  .trim()
  .toUpperCase()
  .refine(isCountryCode, "Use an ISO 3166-1 alpha-2 country code, e.g. DE.")
  .openapi({ example: "DE", description: "ISO 3166-1 alpha-2 country code." });

export const Customer = z
  .object({
    id: z.string().openapi({ example: "cus_01jd4x..." }),
    email: z.string(),
    name: z.string().nullable(),
    phone: z.string().nullable(),
    marketingConsent: z.boolean().openapi({ description: "Whether the customer agreed to receive marketing." }),
    marketingConsentUpdatedAt: Timestamp.nullable().openapi({ description: "When consent was last given or withdrawn." }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Customer");
export type Customer = z.infer<typeof Customer>;

export const AuthResult = z
  .object({
    customer: Customer,
    token: z.string().openapi({ example: "ectok_3q2-…", description: "Send as `Authorization: Bearer <token>`." }),
    expiresAt: Timestamp.openapi({ description: "When the token stops working; sign in again for a new one." }),
  })
  .openapi("AuthResult");
export type AuthResult = z.infer<typeof AuthResult>;

export const SignUpInput = z
  .object({
    email: Email,
    password: NewPassword,
    name: PersonName.optional(),
    phone: Phone.optional(),
    marketingConsent: z.boolean().optional().openapi({ description: "false when omitted." }),
  })
  .strict()
  .openapi("SignUpInput");
export type SignUpInput = z.input<typeof SignUpInput>;

export const SignInInput = z
  .object({
    email: Email,
    password: PresentedPassword,
    cartToken: z.string().min(1).max(200).optional().openapi({ description: "A guest cart to merge into the customer's cart." }),
  })
  .strict()
  .openapi("SignInInput");
export type SignInInput = z.input<typeof SignInInput>;

export const SignOutInput = z
  .object({
    everywhere: z.boolean().optional().openapi({ description: "Revoke every token of this customer, not only the one presented." }),
  })
  .strict()
  .openapi("SignOutInput");
export type SignOutInput = z.input<typeof SignOutInput>;

export const SignOutResult = z
  .object({ revokedTokens: z.number().int().openapi({ description: "How many tokens this call revoked." }) })
  .openapi("SignOutResult");

export const UpdateProfileInput = z
  .object({
    name: PersonName.nullable().optional().openapi({ description: "null clears it." }),
    phone: Phone.nullable().optional().openapi({ description: "null clears it." }),
    marketingConsent: z.boolean().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, "Provide at least one field to change.")
  .openapi("UpdateProfileInput");
export type UpdateProfileInput = z.input<typeof UpdateProfileInput>;

export const ChangePasswordInput = z
  .object({ currentPassword: PresentedPassword, newPassword: NewPassword })
  .strict()
  .openapi("ChangePasswordInput");
export type ChangePasswordInput = z.input<typeof ChangePasswordInput>;

const optionalText = (max: number) => z.string().trim().min(1).max(max).nullable().optional().openapi({ description: "null clears it." });
const addressFields = {
  name: PersonName.openapi({ description: "Recipient." }),
  company: optionalText(120),
  line1: z.string().trim().min(1).max(200).openapi({ example: "Unter den Linden 1" }),
  line2: optionalText(200),
  city: z.string().trim().min(1).max(120).openapi({ example: "Berlin" }),
  region: optionalText(120).openapi({ description: "State, province or county, where the country uses one." }),
  postalCode: z.string().trim().min(1).max(20).nullable().optional().openapi({ example: "10117" }),
  country: Country,
  phone: Phone.nullable().optional(),
  isDefaultShipping: z.boolean().optional().openapi({ description: "Make this the default shipping address (the previous default stops being one)." }),
  isDefaultBilling: z.boolean().optional().openapi({ description: "Make this the default billing address." }),
};

export const AddressInput = z.object(addressFields).strict().openapi("CustomerAddressInput", {
  description: "A customer's first address becomes the default shipping and billing address unless it says otherwise.",
});
export type AddressInput = z.input<typeof AddressInput>;

export const UpdateAddressInput = z
  .object({ ...addressFields, name: addressFields.name.optional(), line1: addressFields.line1.optional(), city: addressFields.city.optional(), country: Country.optional() })
  .strict()
  .refine((v) => Object.keys(v).length > 0, "Provide at least one field to change.")
  .openapi("UpdateCustomerAddressInput");
export type UpdateAddressInput = z.input<typeof UpdateAddressInput>;

export const Address = z
  .object({
    id: z.string().openapi({ example: "addr_01jd4x..." }),
    name: z.string(),
    company: z.string().nullable(),
    line1: z.string(),
    line2: z.string().nullable(),
    city: z.string(),
    region: z.string().nullable(),
    postalCode: z.string().nullable(),
    country: z.string().openapi({ example: "DE" }),
    phone: z.string().nullable(),
    isDefaultShipping: z.boolean(),
    isDefaultBilling: z.boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("CustomerAddress");
export type Address = z.infer<typeof Address>;

export const CustomerWithAddresses = Customer.extend({ addresses: z.array(Address) }).openapi("CustomerWithAddresses");
export type CustomerWithAddresses = z.infer<typeof CustomerWithAddresses>;

export const ListCustomersInput = z.object({
  limit: PageLimit,
  cursor: PageCursor,
  email: Email.optional().openapi({ description: "Only the customer with exactly this email." }),
});
export type ListCustomersInput = z.input<typeof ListCustomersInput>;

export const RequestPasswordResetInput = z.object({ email: Email }).strict().openapi("RequestPasswordResetInput");
export const ResetPasswordInput = z
  .object({ token: z.string().min(10).max(200).openapi({ description: "From the link in the reset email." }), password: NewPassword })
  .strict()
  .openapi("ResetPasswordInput");
export const PasswordResetAccepted = z
  .object({ accepted: z.literal(true).openapi({ description: "Always true: if the email has an account, a reset link is on its way (valid one hour, usable once)." }) })
  .openapi("PasswordResetAccepted");
export const PasswordResetDone = z
  .object({ reset: z.literal(true), revokedTokens: z.number().int().openapi({ description: "Bearer tokens signed out by the reset (every one of the customer)." }) })
  .openapi("PasswordResetDone");
