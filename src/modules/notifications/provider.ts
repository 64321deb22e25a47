import type { Env } from "../../env";
import { isDevelopment } from "../../env";
import { log } from "../../shared/log";

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  /** Which template, for logs. */
  template: string;
}

/** Where transactional email goes. `send` throws when the email was not accepted (the queue retries). */
export interface EmailProvider {
  readonly id: string;
  send(email: OutgoingEmail): Promise<void>;
}

/**
 * The default: one log line per email. In development and tests the line carries the text (so a
 * password reset link can be followed locally); elsewhere only recipient, subject and template.
 */
export function logEmailProvider(env: Pick<Env, "ENVIRONMENT">): EmailProvider {
  const full = isDevelopment(env) || env.ENVIRONMENT === "test";
  return {
    id: "log",
    async send(email) {
      log.info("email", { to: email.to, subject: email.subject, template: email.template, ...(full && { text: email.text }) });
    },
  };
}

/**
 * Cloudflare Email Service: the `send_email` binding (wrangler.toml `[[send_email]] name = "EMAIL"`).
 * `wrangler dev` simulates it locally (logs the message instead of sending it).
 */
export function cloudflareEmailProvider(env: Pick<Env, "EMAIL" | "EMAIL_FROM">): EmailProvider {
  return {
    id: "cloudflare",
    async send(email) {
      if (!env.EMAIL) throw new Error("EMAIL_PROVIDER=cloudflare needs the EMAIL send_email binding in wrangler.toml.");
      await env.EMAIL.send({ from: env.EMAIL_FROM ?? "shop@edgeshop.dev", to: email.to, subject: email.subject, text: email.text });
    },
  };
}

export function emailProvider(env: Env): EmailProvider {
  return env.EMAIL_PROVIDER === "cloudflare" ? cloudflareEmailProvider(env) : logEmailProvider(env);
}
