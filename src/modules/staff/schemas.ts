import { z } from "@hono/zod-openapi";
import { PASSWORD_MAX_LENGTH } from "../../shared/password";
import { Email, PageCursor, PageLimit, Timestamp } from "../../shared/schemas";
import { STAFF_PASSWORD_MIN_LENGTH } from "./config";
import { STAFF_ROLES } from "./roles";

export const StaffRole = z.enum(STAFF_ROLES).openapi({
  description:
    "owner: everything (`admin:*`); catalog: catalog and stock writes, every read; orders: order and stock writes, every read; support: reads orders, customers, catalog and stock; read_only: every `:read` scope and nothing else.",
});

export const Staff = z
  .object({
    id: z.string().openapi({ example: "stf_01jd4x..." }),
    email: z.string(),
    name: z.string(),
    role: StaffRole,
    scopes: z.array(z.string()).openapi({ description: "What the role allows, in the scope vocabulary of API keys." }),
    disabled: z.boolean().openapi({ description: "A disabled member cannot sign in; their sessions ended when they were disabled." }),
    createdAt: Timestamp,
    lastSignInAt: Timestamp.nullable(),
  })
  .openapi("Staff");
export type Staff = z.infer<typeof Staff>;

const NewStaffPassword = z
  .string()
  .min(STAFF_PASSWORD_MIN_LENGTH, `Use at least ${STAFF_PASSWORD_MIN_LENGTH} characters.`)
  .max(PASSWORD_MAX_LENGTH, `Use at most ${PASSWORD_MAX_LENGTH} characters.`)
  .openapi({ description: `${STAFF_PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`, example: "a long staff passphrase" });
const StaffName = z.string().trim().min(1).max(120).openapi({ example: "Ada Lovelace" });

export const StaffSignInInput = z
  .object({ email: Email, password: z.string().min(1).max(PASSWORD_MAX_LENGTH) })
  .openapi("StaffSignInInput");

export const StaffSession = z
  .object({
    staff: Staff,
    csrfToken: z.string().openapi({ description: "Send as `X-CSRF-Token` with every cookie-authenticated POST, PUT, PATCH or DELETE (and GraphQL mutation)." }),
    expiresAt: Timestamp.openapi({ description: "When the session ends; sign in again after." }),
  })
  .openapi("StaffSession");
export type StaffSession = z.infer<typeof StaffSession>;

export const StaffMe = z.object({ staff: Staff, csrfToken: z.string(), expiresAt: Timestamp }).openapi("StaffMe");

export const SignedOut = z
  .object({ revokedSessions: z.number().int().openapi({ description: "How many sessions this call ended." }) })
  .openapi("StaffSignedOut");

export const CreateStaffInput = z
  .object({ email: Email, name: StaffName, role: StaffRole, password: NewStaffPassword })
  .openapi("CreateStaffInput");
export type CreateStaffInput = z.input<typeof CreateStaffInput>;

export const UpdateStaffInput = z
  .object({ name: StaffName.optional(), role: StaffRole.optional(), disabled: z.boolean().optional() })
  .strict()
  .openapi("UpdateStaffInput", { description: "Only the fields sent change. Disabling a member ends their sessions." });
export type UpdateStaffInput = z.input<typeof UpdateStaffInput>;

export const ListStaffInput = z.object({ limit: PageLimit, cursor: PageCursor });
export type ListStaffInput = z.input<typeof ListStaffInput>;
