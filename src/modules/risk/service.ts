import type { ServiceContext } from "../../context";
import type { Env } from "../../env";
import { ServiceError } from "../../shared/errors";
import { parseInput } from "../../shared/validation";
import type { RiskMode } from "./assessments";
import { assessRisk, type RiskAssessment } from "./scorer";
import { CheckoutRiskInput, collectRiskSignals } from "./signals";

/**
 * Score a checkout before anything is written. Checkout acts on `decision`: approve -> place the
 * order; review -> place it on hold for an admin; reject -> fail with RISK_REJECTED and write
 * nothing. Recording the attempt in the velocity counters is part of scoring: card testing is a
 * burst of attempts, placed or not.
 */
export async function scoreCheckout(ctx: ServiceContext, rawInput: CheckoutRiskInput): Promise<RiskAssessment> {
  const input = withoutLocalNetwork(parseInput(CheckoutRiskInput, rawInput));
  const { features } = await collectRiskSignals(ctx.env, input);
  return assessRisk(features);
}

/**
 * A loopback client (127.0.0.0/8, ::1) never came through Cloudflare's edge: it is `wrangler dev` or a test on
 * this machine, where every shopper shares one address and `request.cf` is wrangler's placeholder location. Its
 * network is unknown, not a signal: no IP velocity and no country mismatch, so local runs (the README tour, the
 * storefront in a browser) do not pile up into a fraud pattern. In production CF-Connecting-IP is never loopback.
 */
function isLoopbackIp(ip: string | null | undefined): boolean {
  if (!ip) return false;
  const v4 = ip.startsWith("::ffff:") ? ip.slice(7) : ip;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4) || ip === "::1";
}

function withoutLocalNetwork<T extends { ip: string | null; cf?: unknown }>(input: T): T {
  return isLoopbackIp(input.ip) ? { ...input, ip: null, cf: null } : input;
}

/**
 * `RISK_MODE=shadow` scores and records every checkout but acts on no decision: for rolling out
 * a new model version, and for load benchmarks whose synthetic shoppers all look like one bot.
 * Anything else (the default) enforces.
 */
export function riskMode(env: Pick<Env, "RISK_MODE">): RiskMode {
  return env.RISK_MODE === "shadow" ? "shadow" : "enforce";
}

/** The error checkout throws on a reject: problem type .../risk-rejected, nothing written. */
export function riskRejected(assessment: RiskAssessment): ServiceError {
  return new ServiceError("RISK_REJECTED", "This order cannot be placed. Contact support if you think this is a mistake.", {
    extra: {
      riskScore: assessment.score,
      riskModelVersion: assessment.modelVersion,
      // Which signals, so that an honest shopper (or support) can act on it, e.g. use a real email
      // address. Weights and contributions stay private: they would teach fraudsters the margins.
      riskReasons: assessment.reasons.map((r) => ({ feature: r.feature, description: r.description })),
    },
  });
}
