import { describe, expect, it } from "vitest";
import { call } from "../support/helpers";

describe("health and basics", () => {
  it("answers /healthz with a request id", async () => {
    const res = await call("GET", "/healthz");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok" });
    expect(res.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it("echoes a sane incoming request id", async () => {
    const res = await call("GET", "/healthz", { headers: { "x-request-id": "client-abc-123" } });
    expect(res.headers.get("x-request-id")).toBe("client-abc-123");
  });

  it("answers unknown routes with a 404 problem", async () => {
    const res = await call("GET", "/v1/nothing-here");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.body.type).toBe("https://edgeshop.dev/problems/not-found");
  });
});
