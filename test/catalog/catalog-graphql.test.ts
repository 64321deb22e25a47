import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app/http";
import { countingD1, failingD1 } from "../support/d1-counter";
import { createCategory, createProduct } from "../support/fixtures";
import { BASE, gql, unique } from "../support/helpers";

const PRODUCT_FIELDS = `id slug title status priceRange { min { amount currency } } variants { sku price { amount currency } options { name value } } categories { id name parent { id } }`;

describe("catalog GraphQL: reads", () => {
  it("pages products as a Relay connection with the same filters as REST", async () => {
    const category = await createCategory();
    const child = await createCategory({ parentId: category.id });
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await createProduct({ categoryIds: [child.id] }, [{ price: 1000 + i }]));

    const query = `query($c: String, $after: String) { products(first: 2, after: $after, category: $c, sort: PRICE_DESC) { edges { cursor node { ${PRODUCT_FIELDS} } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 3; page++) {
      const res: Awaited<ReturnType<typeof gql>> = await gql(query, { c: category.slug, after });
      expect(res.errors).toBeUndefined();
      const conn = res.data.products;
      seen.push(...conn.edges.map((e: { node: { id: string } }) => e.node.id));
      expect(conn.pageInfo.hasNextPage).toBe(page < 2);
      expect(conn.pageInfo.hasPreviousPage).toBe(page > 0);
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toEqual(created.map((p) => p.id).reverse());
    const first = (await gql(query, { c: category.slug })).data.products.edges[0].node;
    expect(first.categories).toEqual([{ id: child.id, name: expect.any(String), parent: { id: category.id } }]);
    expect(first.priceRange.min).toEqual({ amount: 1004, currency: "EUR" });
  });

  it("gets a product by id or slug and answers null for hidden or missing ones", async () => {
    const product = await createProduct();
    const draft = await createProduct({ status: "draft" });
    const res = await gql(`query($id: ID, $slug: String, $draft: ID) { a: product(id: $id) { id } b: product(slug: $slug) { id } c: product(id: $draft) { id } d: product(id: "prod_missing") { id } }`, {
      id: product.id,
      slug: product.slug,
      draft: draft.id,
    });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ a: { id: product.id }, b: { id: product.id }, c: null, d: null });
    const admin = await gql(`query($id: ID) { product(id: $id) { status } }`, { id: draft.id }, { admin: true });
    expect(admin.data.product.status).toBe("DRAFT");
  });

  it("walks the category tree and searches with highlights", async () => {
    const root = await createCategory();
    const child = await createCategory({ parentId: root.id });
    const word = `gq${Math.random().toString(36).slice(2, 8)}`;
    const product = await createProduct({ title: `Blue ${word} mug`, categoryIds: [child.id] });
    const res = await gql(`query($id: ID, $q: String!) {
      category(id: $id) { slug depth children { id depth parent { id } products(first: 5) { edges { node { id } } } } }
      search(query: $q, first: 5) { edges { node { titleHighlight score product { id } } } }
      categories { id }
    }`, { id: root.id, q: word });
    expect(res.errors).toBeUndefined();
    expect(res.data.category.children).toEqual([{ id: child.id, depth: 1, parent: { id: root.id }, products: { edges: [{ node: { id: product.id } }] } }]);
    expect(res.data.search.edges[0].node).toMatchObject({ titleHighlight: `Blue <mark>${word}</mark> mug`, product: { id: product.id } });
    expect(res.data.categories.map((c: { id: string }) => c.id)).toContain(root.id);
  });

  it("reports bad arguments with extensions.code and field pointers", async () => {
    const res = await gql(`{ products(first: 1000) { edges { cursor } } }`);
    expect(res.errors![0]!.extensions.code).toBe("VALIDATION_FAILED");
    expect(res.errors![0]!.extensions.errors).toEqual([expect.objectContaining({ pointer: "/limit" })]);
    const both = await gql(`{ product(id: "a", slug: "b") { id } }`);
    expect(both.errors![0]!.extensions.code).toBe("VALIDATION_FAILED");
    const unknownField = await gql(`{ products { nope } }`);
    expect(unknownField.errors![0]!.extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const draftFilter = await gql(`{ products(status: DRAFT) { edges { cursor } } }`);
    expect(draftFilter.errors![0]!.extensions.code).toBe("FORBIDDEN");
  });
});

describe("catalog GraphQL: admin mutations", () => {
  it("creates, updates, archives and deletes through mutations", async () => {
    const category = await createCategory();
    const sku = unique("GQL").toUpperCase();
    const created = await gql(
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { id status title attributes { name value } categories { id } variants { id sku title compareAtPrice { amount } } } }`,
      {
        input: {
          title: "GraphQL Hoodie",
          status: "ACTIVE",
          categoryIds: [category.id],
          attributes: [{ name: "fit", value: "regular" }],
          variants: [{ sku, options: [{ name: "size", value: "L" }], price: { amount: 5900, currency: "EUR" }, compareAtPrice: { amount: 6900, currency: "EUR" } }],
        },
      },
      { admin: true },
    );
    expect(created.errors).toBeUndefined();
    const p = created.data.createProduct;
    expect(p).toMatchObject({ status: "ACTIVE", title: "GraphQL Hoodie", attributes: [{ name: "fit", value: "regular" }], categories: [{ id: category.id }] });
    expect(p.variants[0]).toMatchObject({ sku, title: "L", compareAtPrice: { amount: 6900 } });

    const updated = await gql(`mutation($id: ID!) { updateProduct(id: $id, input: { title: "Renamed", description: null }) { title } updateVariant(id: "${p.variants[0].id}", input: { compareAtPrice: null }) { compareAtPrice { amount } } }`, { id: p.id }, { admin: true });
    expect(updated.errors).toBeUndefined();
    expect(updated.data).toEqual({ updateProduct: { title: "Renamed" }, updateVariant: { compareAtPrice: null } });

    const archived = await gql(`mutation($id: ID!) { archiveProduct(id: $id) { status } }`, { id: p.id }, { admin: true });
    expect(archived.data.archiveProduct.status).toBe("ARCHIVED");
    const deleted = await gql(`mutation($id: ID!) { deleteProduct(id: $id) { deletedId } }`, { id: p.id }, { admin: true });
    expect(deleted.data.deleteProduct.deletedId).toBe(p.id);
    const again = await gql(`mutation($id: ID!) { deleteProduct(id: $id) { deletedId } }`, { id: p.id }, { admin: true });
    expect(again.errors![0]!.extensions.code).toBe("NOT_FOUND");
  });

  it("manages categories and answers conflicts with CONFLICT", async () => {
    const slug = unique("gql-cat");
    const created = await gql(`mutation($slug: String) { createCategory(input: { name: "Shoes", slug: $slug }) { id slug depth } }`, { slug }, { admin: true });
    expect(created.data.createCategory).toMatchObject({ slug, depth: 0 });
    const clash = await gql(`mutation($slug: String) { createCategory(input: { name: "Shoes", slug: $slug }) { id } }`, { slug }, { admin: true });
    expect(clash.errors![0]!.extensions).toMatchObject({ code: "CONFLICT", status: 409 });
    const child = await gql(`mutation($p: ID) { createCategory(input: { name: "Boots", parentId: $p }) { id depth parent { id } } }`, { p: created.data.createCategory.id }, { admin: true });
    expect(child.data.createCategory).toMatchObject({ depth: 1, parent: { id: created.data.createCategory.id } });
    const root = await gql(`mutation($id: ID!) { updateCategory(id: $id, input: { parentId: null }) { depth parent { id } } }`, { id: child.data.createCategory.id }, { admin: true });
    expect(root.data.updateCategory).toEqual({ depth: 0, parent: null });
    const del = await gql(`mutation($id: ID!) { deleteCategory(id: $id) { deletedId } }`, { id: child.data.createCategory.id }, { admin: true });
    expect(del.data.deleteCategory.deletedId).toBe(child.data.createCategory.id);
  });

  it("refuses mutations without an admin key and writes nothing", async () => {
    const before = (await env.DB.prepare("SELECT count(*) AS n FROM products").first<{ n: number }>())!.n;
    const anon = await gql(`mutation { createProduct(input: { title: "Nope" }) { id } }`);
    expect(anon.errors![0]!.extensions.code).toBe("UNAUTHENTICATED");
    const invalid = await gql(`mutation { createProduct(input: { title: "", variants: [{ sku: "bad sku", price: { amount: -5, currency: "EUR" } }] }) { id } }`, {}, { admin: true });
    expect(invalid.errors![0]!.extensions.code).toBe("VALIDATION_FAILED");
    expect(invalid.errors![0]!.extensions.errors.map((e: { pointer: string }) => e.pointer)).toEqual(["/title", "/variants/0/sku", "/variants/0/price/amount"]);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM products").first<{ n: number }>())!.n).toBe(before);
  });

  it("masks unexpected errors and does not leak internals", async () => {
    const ctx = createExecutionContext();
    const broken = { ...env, DB: failingD1(env.DB, "secret internal detail") };
    const res = await createApp().fetch(new Request(`${BASE}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ categories { id } }" }) }), broken, ctx);
    await waitOnExecutionContext(ctx);
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string; requestId: string } }[] };
    expect(body.errors[0]!.message).toBe("Unexpected error.");
    expect(body.errors[0]!.extensions.code).toBe("INTERNAL");
    expect(body.errors[0]!.extensions.requestId).toBe(res.headers.get("x-request-id"));
    expect(JSON.stringify(body)).not.toContain("secret internal detail");
  });
});

describe("GraphQL without N+1", () => {
  it("resolves 50 products with variants, categories and each category's parent in at most 4 D1 queries", async () => {
    const root = await createCategory();
    const children = [await createCategory({ parentId: root.id }), await createCategory({ parentId: root.id }), await createCategory({ parentId: root.id })];
    for (let i = 0; i < 50; i++) await createProduct({ categoryIds: [children[i % 3]!.id, root.id] }, [{ price: 100 + i }, { price: 200 + i }]);

    const counter = countingD1(env.DB);
    const app = createApp();
    const run = async (first: number) => {
      counter.reset();
      const ctx = createExecutionContext();
      const res = await app.fetch(
        new Request(`${BASE}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: `query($c: String) { products(first: ${first}, category: $c) { edges { node { id variants { sku price { amount } } categories { id parent { id name } } } } } }`, variables: { c: root.id } }),
        }),
        { ...env, DB: counter.db },
        ctx,
      );
      await waitOnExecutionContext(ctx);
      const body = (await res.json()) as { data: { products: { edges: { node: { variants: unknown[]; categories: { parent: unknown }[] } }[] } }; errors?: unknown };
      expect(body.errors).toBeUndefined();
      return { body, queries: counter.count() };
    };

    // The first read after the catalog writes loads this isolate's market slots for the cache keys
    // (once per cache generation, docs/pricing.md); the counted reads show what every read costs.
    await run(1);
    const big = await run(50);
    expect(big.body.data.products.edges).toHaveLength(50);
    expect(big.body.data.products.edges.every((e) => e.node.variants.length === 2 && e.node.categories.length === 2)).toBe(true);
    expect(big.queries).toBeGreaterThanOrEqual(2);
    expect(big.queries).toBeLessThanOrEqual(4);
    const small = await run(5);
    expect(small.queries).toBe(big.queries);
  });
});
