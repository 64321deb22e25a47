import type { ServiceContext } from "../../context";
import { takeAttempt, type AttemptBucket, type AttemptReceipt } from "../protection";
import { sha256Hex } from "../../shared/crypto";
import { SIGN_IN_THROTTLE } from "./config";

export type ThrottleReceipt = AttemptReceipt;

export async function emailBucket(email: string): Promise<AttemptBucket> {
  return { key: `signin:email:${await sha256Hex(email)}`, policy: SIGN_IN_THROTTLE.perEmail };
}

export function ipBucket(ctx: ServiceContext): AttemptBucket {
  return { key: `signin:ip:${ctx.clientIp ?? "unknown"}`, policy: SIGN_IN_THROTTLE.perIp };
}

/**
 * A password guess (sign-in, or the current password on a password change) counts against the
 * email and the client IP.
 */
export async function throttlePasswordAttempt(ctx: ServiceContext, email: string): Promise<ThrottleReceipt> {
  return takeAttempt(ctx.env, [await emailBucket(email), ipBucket(ctx)]);
}
