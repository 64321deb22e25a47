import { useEffect, useState } from "preact/hooks";
import { api, unwrap, type Schemas } from "../api";
import { openOrderFeed, type FeedState } from "../live-feed";
import { BASE, Link, navigate, useLocation } from "../router";
import { announce, Badge, formatMoney, Loading, More, Page, ProblemAlert, Time, usePages } from "../ui";

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
        const data = event.data as { id: string; number?: string; status?: Status };
        if (!data?.id) return;
        list.setItems((orders) => {
          const known = orders.find((o) => o.id === data.id);
          if (known) return orders.map((o) => (o.id === data.id && data.status ? { ...o, status: data.status, updatedAt: event.timestamp } : o));
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
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">{props.review ? "Orders held for review" : "Orders, newest first"}</caption>
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Status</th>
              <th scope="col">Customer</th>
              <th scope="col" class="num">
                Total
              </th>
              <th scope="col">Placed</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((order) => (
              <tr key={order.id} class={fresh.has(order.id) ? "fresh" : ""}>
                <th scope="row">
                  <Link href={`${BASE}/orders/${order.id}`}>{order.number}</Link>
                </th>
                <td>
                  <Badge value={order.status} />
                </td>
                <td>{order.email}</td>
                <td class="num">{formatMoney(order.totals?.total)}</td>
                <td>
                  <Time value={order.placedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {list.loading ? <Loading what="orders" /> : list.items.length === 0 ? <p class="empty">{props.review ? "Nothing to review." : "No orders yet."}</p> : null}
      <More next={list.next} onMore={list.more} busy={list.loading} />
    </Page>
  );
}
