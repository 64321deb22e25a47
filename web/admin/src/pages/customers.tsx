import { useState } from "preact/hooks";
import { api, unwrap, type Schemas } from "../api";
import { BASE, Link, navigate, useLocation } from "../router";
import { Badge, formatMoney, ListFooter, Loading, Page, ProblemAlert, Table, Time, useAsync, usePages } from "../ui";

type Customer = Schemas["Customer"];

export function CustomersPage() {
  const { query } = useLocation();
  const email = query.get("email") ?? "";
  const [text, setText] = useState(email);
  const list = usePages<Customer>(async (cursor) => {
    const page = unwrap(await api.GET("/v1/customers", { params: { query: { limit: 25, cursor, email: email || undefined } } }));
    return { items: page.data, next: page.next_cursor };
  }, [email]);
  return (
    <Page title="Customers">
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(text.trim() ? `${BASE}/customers?email=${encodeURIComponent(text.trim())}` : `${BASE}/customers`);
        }}
      >
        <label for="customer-email">Email</label>
        <input id="customer-email" type="search" value={text} onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)} />
        <button type="submit" class="secondary">
          Find
        </button>
      </form>
      <ProblemAlert error={list.error} />
      <Table
        caption="Customers"
        rows={list.items}
        rowKey={(c) => c.id}
        columns={[
          { label: "Email", rowHeader: true, render: (c) => <Link href={`${BASE}/customers/${c.id}`}>{c.email}</Link> },
          { label: "Name", render: (c) => c.name ?? <span class="muted">–</span> },
          { label: "Marketing", render: (c) => (c.marketingConsent ? "Yes" : "No") },
          { label: "Since", render: (c) => <Time value={c.createdAt} /> },
        ]}
      />
      <ListFooter list={list} what="customers" empty="No customers found." />
    </Page>
  );
}

export function CustomerPage(props: { id: string }) {
  const customer = useAsync(async () => unwrap(await api.GET("/v1/customers/{id}", { params: { path: { id: props.id } } })), [props.id]);
  const orders = useAsync(async () => unwrap(await api.GET("/v1/orders", { params: { query: { customerId: props.id, limit: 50 } } })).data, [props.id]);
  const c = customer.data;
  return (
    <Page title={c ? (c.name ?? c.email) : "Customer"}>
      <p>
        <Link href={`${BASE}/customers`}>← All customers</Link>
      </p>
      <ProblemAlert error={customer.error ?? orders.error} />
      {c ? (
        <div class="grid">
          <section class="card" aria-labelledby="profile-title">
            <h2 id="profile-title">Profile</h2>
            <dl class="pairs">
              <dt>Email</dt>
              <dd>{c.email}</dd>
              <dt>Phone</dt>
              <dd>{c.phone ?? "–"}</dd>
              <dt>Marketing consent</dt>
              <dd>{c.marketingConsent ? "Yes" : "No"}</dd>
              <dt>Customer since</dt>
              <dd>
                <Time value={c.createdAt} />
              </dd>
            </dl>
            <h3>Addresses</h3>
            {c.addresses.length ? (
              <ul>
                {c.addresses.map((a) => (
                  <li key={a.id}>
                    {a.name}, {a.line1}, {a.postalCode} {a.city}, {a.country}
                  </li>
                ))}
              </ul>
            ) : (
              <p class="muted">None saved.</p>
            )}
          </section>
          <section class="card wide" aria-labelledby="customer-orders-title">
            <h2 id="customer-orders-title">Orders</h2>
            {orders.data?.length ? (
              <ul class="plain">
                {orders.data.map((o) => (
                  <li key={o.id}>
                    <Link href={`${BASE}/orders/${o.id}`}>{o.number}</Link> <Badge value={o.status} /> {formatMoney(o.totals?.total)} · <Time value={o.placedAt} />
                  </li>
                ))}
              </ul>
            ) : orders.loading ? (
              <Loading what="orders" />
            ) : (
              <p class="muted">No orders.</p>
            )}
          </section>
        </div>
      ) : customer.loading ? (
        <Loading what="the customer" />
      ) : null}
    </Page>
  );
}
