import { useState } from "preact/hooks";
import { api, unwrap, type Schemas } from "../api";
import { BASE, Link, navigate, useLocation } from "../router";
import { Badge, formatMoney, ListFooter, Page, ProblemAlert, Table, usePages } from "../ui";

type Product = Schemas["Product"];

export function ProductsPage() {
  const { query } = useLocation();
  const q = query.get("q") ?? "";
  const status = (query.get("status") as Product["status"] | null) ?? undefined;
  const [text, setText] = useState(q);
  const list = usePages<Pick<Product, "id" | "title" | "slug" | "status" | "priceRange" | "variants">>(async (cursor) => {
    if (q) {
      const page = unwrap(await api.GET("/v1/search", { params: { query: { q, limit: 25, cursor } } }));
      return { items: page.data.map((hit) => hit.product as unknown as Product), next: page.next_cursor };
    }
    const page = unwrap(await api.GET("/v1/products", { params: { query: { limit: 25, cursor, status } } }));
    return { items: page.data, next: page.next_cursor };
  }, [q, status]);

  const go = (params: Record<string, string>) => {
    const search = new URLSearchParams(Object.entries(params).filter(([, v]) => v));
    navigate(`${BASE}/products${search.size ? `?${search}` : ""}`);
  };

  return (
    <Page
      title="Products"
      actions={
        <Link href={`${BASE}/products/new`} class="button">
          New product
        </Link>
      }
    >
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          go({ q: text.trim() });
        }}
      >
        <label for="product-search">Search</label>
        <input id="product-search" type="search" value={text} onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)} placeholder="Title, SKU or description" />
        <button type="submit" class="secondary">
          Search
        </button>
        {!q ? (
          <>
            <label for="product-status">Status</label>
            <select id="product-status" value={status ?? ""} onChange={(e) => go({ status: (e.currentTarget as HTMLSelectElement).value })}>
              <option value="">Active</option>
              <option value="draft">Draft</option>
              <option value="archived">Archived</option>
            </select>
          </>
        ) : (
          <button type="button" class="link" onClick={() => (setText(""), go({}))}>
            Clear search
          </button>
        )}
      </form>
      <ProblemAlert error={list.error} />
      <Table
        caption={q ? `Products matching ${q}` : "Products, newest first"}
        rows={list.items}
        rowKey={(p) => p.id}
        columns={[
          {
            label: "Product",
            rowHeader: true,
            render: (p) => (
              <>
                <Link href={`${BASE}/products/${p.id}`}>{p.title}</Link>
                <div class="muted small">{p.slug}</div>
              </>
            ),
          },
          { label: "Status", render: (p) => (p.status ? <Badge value={p.status} /> : null) },
          { label: "Variants", num: true, render: (p) => p.variants?.length ?? "–" },
          { label: "Price from", num: true, render: (p) => formatMoney(p.priceRange?.min) },
        ]}
      />
      <ListFooter list={list} what="products" empty="No products found." />
    </Page>
  );
}
