import { useEffect, useState } from "preact/hooks";
import { api, unwrap, type Schemas } from "../api";
import { openOrderFeed, type FeedState } from "../live-feed";
import { BASE, Link, navigate, useLocation } from "../router";
import { announce, Badge, formatMoney, ListFooter, Page, ProblemAlert, Table, Time, usePages } from "../ui";

type Order = Schemas["Order"];
type Status = Schemas["OrderStatus"];
const STATUSES: Status[] = ["on_hold", "placed", "paid", "fulfilled", "cancelled", "refunded"];

export function OrdersPage(props: { review?: boolean }) {
  const { query } = useLocation();
  const status = (props.review ? "on_hold" : (query.get("status") as Status | null)) ?? undefined;
  const [feed, setFeed] = useState<FeedState>("connecting");
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const list = usePages<Order>(async (cursor) => {
    const page = unwrap(await api.GET("/v1/orders", { params: { query: { limit: 25, cursor, status } } }));
    return { items: page.data, next: page.next_cursor };
  }, [status]);

  useEffect(
    () =>
      openOrderFeed((event) => {
        const data = event.data as { id: string; number?: string; status?: Status } & Partial<Pick<Order, "paymentStatus" | "fulfillmentStatus">>;
        if (!data?.id) return;
        list.setItems((orders) => {
          const known = orders.find((o) => o.id === data.id);
          if (known) return orders.map((o) => (o.id === data.id && data.status ? { ...o, status: data.status, paymentStatus: data.paymentStatus ?? o.paymentStatus, fulfillmentStatus: data.fulfillmentStatus ?? o.fulfillmentStatus, updatedAt: event.timestamp } : o));
          if (status && data.status !== status) return orders;
          // A new order: fetch it whole so the row shows email and total.
          void api.GET("/v1/orders/{id}", { params: { path: { id: data.id } } }).then(({ data: order }) => {
            if (order) list.setItems((current) => (current.some((o) => o.id === order.id) ? current : [order, ...current]));
          });
          return orders;
        });
        setFresh((s) => new Set(s).add(data.id));
        announce(`Order ${data.number ?? data.id}: ${event.type.replace("order.", "")}`);
      }, setFeed),
    [status],
  );

  return (
    <Page
      title={props.review ? "Review queue" : "Orders"}
      actions={
        <span class={`feed feed-${feed}`} data-testid="feed-state">
          <span aria-hidden="true">●</span> {feed === "live" ? "Live" : feed === "connecting" ? "Connecting…" : "Offline, retrying"}
        </span>
      }
    >
      {props.review ? (
        <p class="muted">Orders the risk checks held for a person to look at. Open one to see why, then approve or cancel it.</p>
      ) : (
        <form class="filters" onSubmit={(e) => e.preventDefault()}>
          <label for="status-filter">Status</label>
          <select
            id="status-filter"
            value={status ?? ""}
            onChange={(e) => {
              const value = (e.currentTarget as HTMLSelectElement).value;
              navigate(value ? `${BASE}/orders?status=${value}` : `${BASE}/orders`);
            }}
          >
            <option value="">All</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.replace("_", " ")}
              </option>
            ))}
          </select>
        </form>
      )}
      <ProblemAlert error={list.error} />
      <Table
        caption={props.review ? "Orders held for review" : "Orders, newest first"}
        rows={list.items}
        rowKey={(o) => o.id}
        rowClass={(o) => (fresh.has(o.id) ? "fresh" : "")}
        columns={[
          { label: "Order", rowHeader: true, render: (o) => <Link href={`${BASE}/orders/${o.id}`}>{o.number}</Link> },
          { label: "Status", render: (o) => <Badge value={o.status} /> },
          { label: "Payment", render: (o) => <Badge value={o.paymentStatus} /> },
          { label: "Fulfilment", render: (o) => <Badge value={o.fulfillmentStatus} /> },
          { label: "Customer", render: (o) => o.email },
          { label: "Total", num: true, render: (o) => formatMoney(o.totals?.total) },
          { label: "Placed", render: (o) => <Time value={o.placedAt} /> },
        ]}
      />
      <ListFooter list={list} what="orders" empty={props.review ? "Nothing to review." : "No orders yet."} />
    </Page>
  );
}
