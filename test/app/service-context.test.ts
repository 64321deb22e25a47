import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createServiceContext } from "../../src/context";

describe("service context", () => {
  it("reads the client network on first use, once, when given how to read it", () => {
    let reads = 0;
    const ctx = createServiceContext({
      env,
      actor: { kind: "anonymous" },
      requestId: "t",
      clientNetwork: () => {
        reads += 1;
        return { country: "NL", asn: 1136 };
      },
    });
    expect(reads).toBe(0);
    expect(ctx.clientNetwork).toEqual({ country: "NL", asn: 1136 });
    expect(ctx.clientNetwork).toEqual({ country: "NL", asn: 1136 });
    expect(reads).toBe(1);
  });

  it("takes a client network as a value, and has none when not given one", () => {
    const given = createServiceContext({ env, actor: { kind: "anonymous" }, requestId: "t", clientNetwork: { country: "DE" } });
    expect(given.clientNetwork).toEqual({ country: "DE" });
    expect(createServiceContext({ env, actor: { kind: "anonymous" }, requestId: "t" }).clientNetwork).toBeUndefined();
  });
});
