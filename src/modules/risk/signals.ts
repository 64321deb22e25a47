import type { Env } from "../../env";
import { CheckoutRiskInput, deriveFeatures, velocityEvents, type Observations, type RiskFeatures } from "./features";
import type { VelocityEvent } from "./velocity";

export { CheckoutRiskInput } from "./features";

/** Record this checkout with every velocity counter (Durable Objects, in parallel) and derive its features. */
export async function collectRiskSignals(env: Pick<Env, "RISK_COUNTER">, rawInput: CheckoutRiskInput, at = Date.now()): Promise<{ features: RiskFeatures; observations: Observations }> {
  const input = CheckoutRiskInput.parse(rawInput);
  const events = await velocityEvents(input, at);
  const record = (e: { key: string; event: VelocityEvent } | null) =>
    e ? env.RISK_COUNTER.get(env.RISK_COUNTER.idFromName(e.key)).record(e.event) : Promise.resolve(null);
  const [ip, email, customer, address, device] = await Promise.all([record(events.ip), record(events.email), record(events.customer), record(events.address), record(events.device)]);
  const observations: Observations = { ip, email: email!, customer, address, device };
  return { features: deriveFeatures(input, observations, at), observations };
}
