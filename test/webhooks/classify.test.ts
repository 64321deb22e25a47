import { describe, expect, it } from "vitest";
import { classify, type SendResult } from "../../src/modules/webhooks/delivery";

const answered = (statusCode: number, retryAfter: number | null = null): SendResult => ({ statusCode, excerpt: "", retryAfter, error: null });
const failed = (error: string): SendResult => ({ statusCode: null, excerpt: null, retryAfter: null, error });

describe("webhook delivery: classify (pure)", () => {
  it("succeeds on 2xx and clears the error", () => {
    expect(classify(answered(204), true, 0)).toMatchObject({ outcome: "succeeded", succeeded: true, delayMs: null, lastError: null });
  });

  it("retries no answer, 408, 429 and 5xx on the schedule, honouring a longer Retry-After", () => {
    for (const sent of [failed("Network error: reset"), answered(408), answered(429), answered(503)]) {
      const verdict = classify(sent, true, 0);
      expect(verdict.outcome).toBe("retry");
      expect(verdict.delayMs).toBeGreaterThan(0);
    }
    expect(classify(answered(429, 7200), true, 0).delayMs).toBeGreaterThanOrEqual(7_200_000);
  });

  it("fails other 4xx for good, and 410 marks the endpoint gone", () => {
    expect(classify(answered(400), true, 0)).toMatchObject({ outcome: "failed", gone: false, lastError: "HTTP 400" });
    expect(classify(answered(410), true, 0)).toMatchObject({ outcome: "failed", gone: true });
  });

  it("never retries what could not be sent (event gone, URL refused)", () => {
    expect(classify(failed("URL refused by the outbound policy: private address"), false, 0)).toMatchObject({ outcome: "failed", delayMs: null });
  });

  it("fails with 'Retries exhausted' once the schedule runs out", () => {
    const verdict = classify(answered(500), true, 1000);
    expect(verdict.outcome).toBe("failed");
    expect(verdict.lastError).toBe("Retries exhausted; last: HTTP 500");
  });
});
