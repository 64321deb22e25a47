import { describe, expect, it } from "vitest";
import { call, unique } from "../support/helpers";
import { createVariant, level } from "../support/fixtures";

describe("renaming a SKU", () => {
  it("is refused once the SKU has stock history, which stays readable under the SKU", async () => {
    const variant = await createVariant(1500, 7);
    const renamed = unique("NEW").toUpperCase();
    const res = await call("PATCH", `/v1/variants/${variant.id}`, { admin: true, body: { sku: renamed } });
    expect(res.status).toBe(409);
    expect(res.body.errors).toEqual([expect.objectContaining({ pointer: "/sku" })]);
    expect(res.body.detail).toContain("stock history");
    // Nothing changed: the variant keeps its SKU and its stock is where it was.
    expect((await call("GET", `/v1/inventory/${variant.sku}`, { admin: true })).body).toMatchObject({ onHand: 7 });
    expect((await call("GET", `/v1/inventory/${renamed}`, { admin: true })).status).toBe(404);
    expect(await level(variant.sku)).toMatchObject({ onHand: 7 });
    // Same rule over GraphQL.
    const gql = await call("POST", "/graphql", {
      admin: true,
      body: { query: `mutation($id: ID!, $sku: String!) { updateVariant(id: $id, input: { sku: $sku }) { sku } }`, variables: { id: variant.id, sku: renamed } },
    });
    expect(gql.body.errors?.[0]?.extensions.code).toBe("CONFLICT");
    // Other changes to the variant still go through.
    expect((await call("PATCH", `/v1/variants/${variant.id}`, { admin: true, body: { title: "Renamed title" } })).status).toBe(200);
  });

  it("is allowed while the SKU has never been stocked", async () => {
    const variant = await createVariant(1500);
    const renamed = unique("FRESH").toUpperCase();
    const res = await call("PATCH", `/v1/variants/${variant.id}`, { admin: true, body: { sku: renamed } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.sku).toBe(renamed);
    expect((await call("PUT", `/v1/inventory/${renamed}`, { admin: true, body: { onHand: 3 } })).status).toBe(200);
  });
});
