import { useEffect, useState } from "preact/hooks";
import { api, idempotencyKey, unwrap, type Schemas } from "../api";
import { openOrderFeed } from "../live-feed";
import { BASE, Link } from "../router";
import { announce, Badge, formatMoney, Loading, Page, ProblemAlert, Time, useAsync } from "../ui";

type Order = Schemas["Order"];
type Action = "mark-paid" | "fulfil" | "approve" | "cancel" | "refund";

const ACTIONS: Record<Action, { label: string; from: Order["status"][]; danger?: boolean; done: string }> = {
  approve: { label: "Approve", from: ["on_hold"], done: "approved" },
  "mark-paid": { label: "Mark paid", from: ["placed"], done: "marked paid" },
  fulfil: { label: "Mark fulfilled", from: ["paid"], done: "fulfilled" },
  refund: { label: "Refund", from: ["paid"], danger: true, done: "refunded" },
  cancel: { label: "Cancel order", from: ["on_hold", "placed", "paid"], danger: true, done: "cancelled" },
};

/** What happened to the order, oldest first, from the order itself (placed, risk, payments, review). */
function timeline(order: Order): { at: string; text: string }[] {
  const items = [{ at: order.placedAt, text: `Placed by ${order.email}` }];
  if (order.risk) items.push({ at: order.risk.assessedAt, text: `Risk ${order.risk.level} (score ${order.risk.score}): ${order.risk.decision}` });
  if (order.risk?.review) items.push({ at: order.risk.review.at, text: `Review: ${order.risk.review.outcome} by ${order.risk.review.by}` });
  for (const p of order.payments) items.push({ at: p.createdAt, text: `${p.kind === "refund" ? "Refunded" : "Paid"} ${formatMoney(p.amount)} (${p.provider}${p.reference ? `, ${p.reference}` : ""})` });
  if (order.stockCommittedAt) items.push({ at: order.stockCommittedAt, text: "Stock committed" });
  if (order.stockReturnedAt) items.push({ at: order.stockReturnedAt, text: "Stock returned" });
  if (["fulfilled", "cancelled"].includes(order.status)) items.push({ at: order.updatedAt, text: `Order ${order.status}` });
  return items.sort((a, b) => a.at.localeCompare(b.at));
}

export function OrderPage(props: { id: string }) {
  const order = useAsync(async () => unwrap(await api.GET("/v1/orders/{id}", { params: { path: { id: props.id } } })), [props.id]);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState<Action>();
  const [reference, setReference] = useState("");

  // Someone else (or checkout) changes the order: reload it when its events arrive.
  useEffect(() => openOrderFeed((event) => (event.data as { id?: string })?.id === props.id && order.reload(), () => undefined), [props.id]);

  const run = async (action: Action) => {
    if (ACTIONS[action].danger && !confirm(`${ACTIONS[action].label} ${order.data?.number}?`)) return;
    setBusy(action);
    setError(undefined);
    const params = { path: { id: props.id }, header: { "idempotency-key": idempotencyKey() } };
    try {
      const result =
        action === "mark-paid"
          ? await api.POST("/v1/orders/{id}/mark-paid", { params, body: reference ? { reference } : {} })
          : action === "fulfil"
            ? await api.POST("/v1/orders/{id}/fulfil", { params })
            : action === "approve"
              ? await api.POST("/v1/orders/{id}/approve", { params })
              : action === "cancel"
                ? await api.POST("/v1/orders/{id}/cancel", { params })
                : await api.POST("/v1/orders/{id}/refund", { params });
      const updated = unwrap(result) as Order;
      order.set(updated);
      announce(`Order ${updated.number} ${ACTIONS[action].done}.`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
    }
  };

  const o = order.data;
  return (
    <Page title={o ? `Order ${o.number}` : "Order"} actions={o ? <Badge value={o.status} /> : null}>
      <p>
        <Link href={`${BASE}/orders`}>← All orders</Link>
      </p>
      <ProblemAlert error={order.error} />
      {order.loading && !o ? <Loading what="the order" /> : null}
      {o ? (
        <div class="grid">
          <section aria-labelledby="actions-title" class="card">
            <h2 id="actions-title">Actions</h2>
            <ProblemAlert error={error} />
            {o.status === "placed" ? (
              <div class="field">
                <label for="payment-reference">Payment reference (optional)</label>
                <input id="payment-reference" value={reference} onInput={(e) => setReference((e.currentTarget as HTMLInputElement).value)} placeholder="e.g. bank transfer 42" />
              </div>
            ) : null}
            <div class="button-row">
              {(Object.keys(ACTIONS) as Action[])
                .filter((a) => ACTIONS[a].from.includes(o.status))
                .map((a) => (
                  <button key={a} type="button" class={ACTIONS[a].danger ? "danger" : ""} disabled={busy !== undefined} onClick={() => run(a)}>
                    {busy === a ? "Working…" : ACTIONS[a].label}
                  </button>
                ))}
            </div>
            {["fulfilled", "cancelled", "refunded"].includes(o.status) ? <p class="muted">This order is closed.</p> : null}
          </section>

          <section aria-labelledby="lines-title" class="card wide">
            <h2 id="lines-title">Items</h2>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Item</th>
                    <th scope="col">SKU</th>
                    <th scope="col" class="num">
                      Qty
                    </th>
                    <th scope="col" class="num">
                      Total
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {o.lines.map((l) => (
                    <tr key={l.id}>
                      <td>{l.title}</td>
                      <td>
                        <Link href={`${BASE}/stock/${encodeURIComponent(l.sku)}`}>{l.sku}</Link>
                      </td>
                      <td class="num">{l.quantity}</td>
                      <td class="num">{formatMoney(l.lineTotal)}</td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <td colSpan={3}>Subtotal</td>
                    <td class="num">{formatMoney(o.totals?.subtotal)}</td>
                  </tr>
                  <tr>
                    <td colSpan={3}>Shipping</td>
                    <td class="num">{formatMoney(o.totals?.shipping)}</td>
                  </tr>
                  <tr>
                    <td colSpan={3}>Tax</td>
                    <td class="num">{formatMoney(o.totals?.tax)}</td>
                  </tr>
                  <tr class="total">
                    <th scope="row" colSpan={3}>
                      Total
                    </th>
                    <td class="num">{formatMoney(o.totals?.total)}</td>
                  </tr>
                </tfoot>
              </table>
            </div>
          </section>

          <section aria-labelledby="timeline-title" class="card">
            <h2 id="timeline-title">Timeline</h2>
            <ol class="timeline">
              {timeline(o).map((item, i) => (
                <li key={i}>
                  <Time value={item.at} /> <span>{item.text}</span>
                </li>
              ))}
            </ol>
          </section>

          <section aria-labelledby="customer-title" class="card">
            <h2 id="customer-title">Customer</h2>
            <p>
              {o.customerId ? <Link href={`${BASE}/customers/${o.customerId}`}>{o.email}</Link> : <>{o.email} (guest)</>}
            </p>
            {o.shippingAddress ? (
              <address>
                {[o.shippingAddress.name, o.shippingAddress.line1, o.shippingAddress.line2, `${o.shippingAddress.postalCode} ${o.shippingAddress.city}`, o.shippingAddress.country]
                  .filter(Boolean)
                  .map((line, i) => (
                    <span key={i}>
                      {i ? <br /> : null}
                      {line}
                    </span>
                  ))}
              </address>
            ) : null}
          </section>

          {o.risk ? (
            <section aria-labelledby="risk-title" class="card">
              <h2 id="risk-title">Risk</h2>
              <p>
                Score <strong>{o.risk.score}</strong> · level <Badge value={o.risk.level} /> · decision <strong>{o.risk.decision}</strong>
                {o.risk.mode === "shadow" ? " (shadow mode)" : ""}
              </p>
              {o.risk.reasons.length ? (
                <ul>
                  {o.risk.reasons.map((r) => (
                    <li key={r.feature}>
                      {r.description} <span class="muted">(+{r.contribution.toFixed(2)})</span>
                    </li>
                  ))}
                </ul>
              ) : (
                <p class="muted">No signals raised the score.</p>
              )}
              <p class="muted small">Model {o.risk.modelVersion}</p>
            </section>
          ) : null}
        </div>
      ) : null}
    </Page>
  );
}
