import { useEffect, useRef, useState } from "preact/hooks";
import { api, unwrap, type Schemas } from "../api";
import { openOrderFeed } from "../live-feed";
import { BASE, Link } from "../router";
import { Badge, Field, fieldError, formatMoney, Loading, Page, ProblemAlert, Time, useAsync } from "../ui";
import { actorName, FulfillmentsCard, PaymentsCard, readableReference, ReturnsCard, type Order } from "./order-after-sale";
import { useOrderWrite } from "./order-write";

type TimelineEntry = Schemas["OrderTimelineEntry"];
type Action = "approve" | "mark-paid" | "cancel";

const ACTIONS: Record<Action, { label: string; from: Order["status"][]; danger?: boolean; done: string }> = {
  approve: { label: "Approve", from: ["on_hold"], done: "approved" },
  "mark-paid": { label: "Mark paid", from: ["placed"], done: "marked paid" },
  cancel: { label: "Cancel order", from: ["on_hold", "placed", "paid"], danger: true, done: "cancelled" },
};

/** The order and what hangs off it, read in parallel through the public API. */
async function loadOrder(id: string) {
  const params = { params: { path: { id } } };
  const [order, timeline, fulfillments, returns] = await Promise.all([
    api.GET("/v1/orders/{id}", params).then((r) => unwrap(r)),
    api.GET("/v1/orders/{id}/timeline", params).then((r) => unwrap(r)),
    api.GET("/v1/orders/{id}/fulfillments", params).then((r) => unwrap(r)),
    api.GET("/v1/orders/{id}/returns", params).then((r) => unwrap(r)),
  ]);
  return { order, timeline: timeline.data, fulfillments: fulfillments.data, returns: returns.data };
}

export function OrderPage(props: { id: string }) {
  const data = useAsync(() => loadOrder(props.id), [props.id]);
  const reload = data.reload;

  // Someone else (a webhook, checkout, another member of staff) changes the order: reload it when its events arrive.
  useEffect(() => openOrderFeed((event) => (event.data as { id?: string })?.id === props.id && reload(), () => undefined), [props.id]);

  const o = data.data?.order;
  return (
    <Page title={o ? `Order ${o.number}` : "Order"} actions={o ? <Badge value={o.status} /> : null}>
      <p>
        <Link href={`${BASE}/orders`}>← All orders</Link>
      </p>
      <ProblemAlert error={data.error} />
      {data.loading && !o ? <Loading what="the order" /> : null}
      {o && data.data ? (
        <div class="grid">
          <Summary order={o} onChange={reload} />
          <PaymentsCard order={o} onChange={reload} />
          <FulfillmentsCard order={o} fulfillments={data.data.fulfillments} onChange={reload} />
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

          <Timeline order={o} entries={data.data.timeline} onChange={reload} />
          <ReturnsCard order={o} returns={data.data.returns} onChange={reload} />

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

/** Where the order stands (lifecycle, money, goods) and the lifecycle moves staff make by hand. */
function Summary(props: { order: Order; onChange: () => void }) {
  const { order: o } = props;
  const card = useRef<HTMLElement>(null);
  const write = useOrderWrite(card, props.onChange);
  const [reference, setReference] = useState("");
  const run = (action: Action) => {
    if (ACTIONS[action].danger && !confirm(`${ACTIONS[action].label} ${o.number}?`)) return;
    const params = (key: string) => ({ path: { id: o.id }, header: { "idempotency-key": key } });
    void write.run(
      action,
      async (key) =>
        action === "mark-paid"
          ? unwrap(await api.POST("/v1/orders/{id}/mark-paid", { params: params(key), body: reference.trim() ? { reference: reference.trim() } : {} }))
          : action === "approve"
            ? unwrap(await api.POST("/v1/orders/{id}/approve", { params: params(key) }))
            : unwrap(await api.POST("/v1/orders/{id}/cancel", { params: params(key) })),
      `Order ${o.number} ${ACTIONS[action].done}.`,
    );
  };
  const actions = (Object.keys(ACTIONS) as Action[]).filter((a) => ACTIONS[a].from.includes(o.status));
  return (
    <section aria-labelledby="summary-title" class="card" ref={card}>
      <h2 id="summary-title" tabIndex={-1}>
        Status
      </h2>
      <dl class="pairs">
        <dt>Order</dt>
        <dd data-testid="order-status">
          <Badge value={o.status} />
        </dd>
        <dt>Payment</dt>
        <dd data-testid="payment-status">
          <Badge value={o.paymentStatus} />
        </dd>
        <dt>Fulfilment</dt>
        <dd data-testid="fulfillment-status">
          <Badge value={o.fulfillmentStatus} />
        </dd>
        <dt>Total</dt>
        <dd>{formatMoney(o.totals?.total)}</dd>
        {o.totals && o.amountDue.amount !== o.totals.total.amount ? (
          <>
            <dt>Due by payment</dt>
            <dd>{formatMoney(o.amountDue)}</dd>
          </>
        ) : null}
        <dt>Provider</dt>
        <dd>{o.paymentProvider}</dd>
      </dl>
      <ProblemAlert error={write.error} />
      {actions.length ? <h3>Actions</h3> : null}
      {o.status === "placed" ? (
        <Field
          label="Payment reference (optional)"
          name="payment-reference"
          value={reference}
          onInput={(e) => setReference((e.currentTarget as HTMLInputElement).value)}
          placeholder="e.g. bank transfer 42"
          error={fieldError(write.error, "/reference")}
        />
      ) : null}
      <div class="button-row">
        {actions.map((a) => (
          <button key={a} type="button" class={ACTIONS[a].danger ? "danger" : ""} disabled={write.busy !== undefined} onClick={() => run(a)}>
            {write.busy === a ? "Working…" : ACTIONS[a].label}
          </button>
        ))}
      </div>
      {["cancelled", "refunded"].includes(o.status) ? <p class="muted">This order is closed.</p> : null}
    </section>
  );
}

/** Amounts in the timeline come as minor units: say them in the order's currency. */
function describe(entry: TimelineEntry, currency: string): string {
  const d = (entry.detail ?? {}) as {
    fromStatus?: string;
    toStatus?: string;
    operations?: { kind: string; amount: number; reference?: string }[];
    summary?: string;
    carrier?: string | null;
    trackingNumber?: string | null;
    paymentStatus?: { to: string };
    fulfillmentStatus?: { to: string };
  };
  if (entry.kind === "placed" || entry.kind === "note" || !entry.detail) return entry.summary;
  const parts: string[] = [];
  if (d.fromStatus && d.toStatus && d.fromStatus !== d.toStatus) parts.push(`${d.fromStatus.replace(/_/g, " ")} → ${d.toStatus.replace(/_/g, " ")}`);
  for (const op of d.operations ?? []) parts.push(`${op.kind} ${formatMoney({ amount: op.amount, currency })}${readableReference(op.reference) ? ` (${op.reference})` : ""}`);
  if (d.summary) parts.push(d.summary);
  if (d.carrier || d.trackingNumber) parts.push([d.carrier, d.trackingNumber && `tracking ${d.trackingNumber}`].filter(Boolean).join(", "));
  if (d.paymentStatus) parts.push(`payment ${d.paymentStatus.to.replace(/_/g, " ")}`);
  if (d.fulfillmentStatus) parts.push(`fulfilment ${d.fulfillmentStatus.to.replace(/_/g, " ")}`);
  return parts.join(" · ") || entry.summary;
}

/** What happened to the order, oldest first, from GET /v1/orders/{id}/timeline; staff add notes to it. */
function Timeline(props: { order: Order; entries: TimelineEntry[]; onChange: () => void }) {
  const card = useRef<HTMLElement>(null);
  const write = useOrderWrite(card, props.onChange);
  const currency = props.order.amountDue.currency;
  const addNote = (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const body = String(new FormData(form).get("note") ?? "").trim();
    void write
      .run("note", async () => unwrap(await api.POST("/v1/orders/{id}/notes", { params: { path: { id: props.order.id } }, body: { body } })), "Note added to the timeline.")
      .then((ok) => ok && form.reset());
  };
  return (
    <section aria-labelledby="timeline-title" class="card" ref={card}>
      <h2 id="timeline-title" tabIndex={-1}>
        Timeline
      </h2>
      <ol class="timeline">
        {props.entries.map((entry, i) => (
          <li key={i} class={`kind-${entry.kind}`}>
            <Time value={entry.at} /> <Badge value={entry.kind} /> <span>{describe(entry, currency)}</span>
            <span class="muted small"> · by {actorName(entry.actor)}</span>
          </li>
        ))}
      </ol>
      <form onSubmit={addNote} noValidate aria-labelledby="note-title">
        <h3 id="note-title" class="visually-hidden">
          Add a note
        </h3>
        <div class={`field${fieldError(write.error, "/body") ? " invalid" : ""}`}>
          <label for="f-note">Note for staff</label>
          <textarea id="f-note" name="note" rows={2} maxLength={2000} aria-invalid={fieldError(write.error, "/body") ? true : undefined} aria-describedby={fieldError(write.error, "/body") ? "f-note-error" : undefined} />
          {fieldError(write.error, "/body") ? (
            <p class="error" id="f-note-error">
              {fieldError(write.error, "/body")}
            </p>
          ) : null}
        </div>
        <ProblemAlert error={fieldError(write.error, "/body") ? undefined : write.error} />
        <button type="submit" class="secondary" disabled={write.busy !== undefined}>
          Add note
        </button>
      </form>
    </section>
  );
}
