// The order's money, goods and returns: payment attempts with capture, void and refund; fulfilments
// with tracking; returns to approve, reject and receive. Every write goes through useOrderWrite.
import { useRef, useState } from "preact/hooks";
import { api, getSession, unwrap, type Schemas } from "../api";
import { fromMinor, toMinor } from "../money";
import { Badge, Field, fieldError, formatMoney, ProblemAlert, Time } from "../ui";
import { useOrderWrite, type OrderWrite } from "./order-write";

export type Order = Schemas["Order"];
export type Fulfillment = Schemas["Fulfillment"];
export type OrderReturn = Schemas["Return"];
type Attempt = Schemas["PaymentAttempt"];

const path = (id: string) => ({ path: { id } });
const text = (form: HTMLFormElement, name: string) => String(new FormData(form).get(name) ?? "").trim();

/** "12.50" in the order's currency -> minor units; "" -> undefined (the API's default: everything). */
function amountFrom(write: OrderWrite, intent: string, raw: string, currency: string): number | undefined | false {
  if (!raw) return undefined;
  const amount = toMinor(raw, currency);
  if (amount === undefined || amount <= 0) {
    write.refuse(intent, "/amount", `Enter an amount in ${currency} such as ${fromMinor(1250, currency)}, or leave it empty.`);
    return false;
  }
  return amount;
}

function sum(attempts: Attempt[], pick: (a: Attempt) => number): number {
  return attempts.reduce((total, a) => total + pick(a), 0);
}

export function PaymentsCard(props: { order: Order; onChange: () => void }) {
  const { order } = props;
  const card = useRef<HTMLElement>(null);
  const write = useOrderWrite(card, props.onChange);
  const currency = order.amountDue.currency;
  const money = (amount: number) => formatMoney({ amount, currency });
  const attempts = order.paymentAttempts;
  const authorised = sum(attempts, (a) => a.authorized.amount);
  const refundable = sum(attempts, (a) => a.captured.amount - a.refunded.amount);
  const voidable = attempts.some((a) => ["pending", "requires_action", "authorized"].includes(a.status));
  const closed = order.status === "cancelled" || order.status === "on_hold";

  const capture = (event: Event) => {
    event.preventDefault();
    const amount = amountFrom(write, "capture", text(event.currentTarget as HTMLFormElement, "capture-amount"), currency);
    if (amount === false) return;
    void write.run(
      "capture",
      async (key) => unwrap(await api.POST("/v1/orders/{id}/capture", { params: { ...path(order.id), header: { "idempotency-key": key } }, body: amount ? { amount } : {} })),
      `Captured ${amount ? money(amount) : "everything authorised"} on ${order.number}.`,
    );
  };
  const voidPayment = () => {
    if (!confirm(`Void the open payment of ${order.number}? The authorisation is released and cannot be captured.`)) return;
    void write.run("void", async (key) => unwrap(await api.POST("/v1/orders/{id}/void", { params: { ...path(order.id), header: { "idempotency-key": key } } })), `Payment of ${order.number} voided.`);
  };
  const refund = (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const amount = amountFrom(write, "refund", text(form, "refund-amount"), currency);
    if (amount === false) return;
    if (!confirm(`Refund ${amount ? money(amount) : `everything (${money(refundable)})`} of ${order.number}?`)) return;
    const reason = text(form, "refund-reason");
    const reference = text(form, "refund-reference");
    void write
      .run(
        "refund",
        async (key) =>
          unwrap(
            await api.POST("/v1/orders/{id}/refunds", {
              params: { ...path(order.id), header: { "idempotency-key": key } },
              body: { ...(amount ? { amount } : {}), ...(reason ? { reason } : {}), ...(reference ? { reference } : {}) },
            }),
          ),
        `Refunded ${amount ? money(amount) : money(refundable)} of ${order.number}.`,
      )
      .then((ok) => ok && form.reset());
  };

  return (
    <section class="card" aria-labelledby="payments-title" ref={card}>
      <h2 id="payments-title" tabIndex={-1}>
        Payments
      </h2>
      <ProblemAlert error={write.error} />
      {attempts.length === 0 ? <p class="muted">No payment attempt{order.paymentStatus === "not_required" ? ": nothing is due" : " yet"}.</p> : null}
      <ul class="plain">
        {attempts.map((a) => (
          <li key={a.id}>
            <p class="row">
              <strong>{a.provider}</strong> <Badge value={a.status} /> {money(a.amount.amount)}
              {a.disputed ? <Badge value="disputed" /> : null}
            </p>
            <p class="muted small">
              {a.providerReference ? <code>{a.providerReference}</code> : null} authorised {money(a.authorized.amount)} · captured {money(a.captured.amount)} · refunded{" "}
              {money(a.refunded.amount)}
            </p>
            {a.lastError ? <p class="error">{a.lastError}</p> : null}
            {a.operations.length ? (
              <ol class="ops small">
                {a.operations.map((op) => (
                  <li key={op.id}>
                    <Time value={op.createdAt} /> {op.kind} {money(op.amount.amount)}
                    {readableReference(op.reference) ? <span class="muted"> · {op.reference}</span> : null}
                    {op.reason ? <span class="muted"> · {op.reason}</span> : null}
                    <span class="muted"> · {actorName(op.actor)}</span>
                  </li>
                ))}
              </ol>
            ) : null}
          </li>
        ))}
      </ul>

      {authorised > 0 && !closed ? (
        <form onSubmit={capture} noValidate aria-labelledby="capture-title">
          <h3 id="capture-title">Capture</h3>
          <Field
            label={`Amount to capture (${currency})`}
            name="capture-amount"
            inputMode="decimal"
            autoComplete="off"
            hint={`Empty: all ${money(authorised)} authorised. Less captures part and releases the rest.`}
            error={write.failed === "capture" ? fieldError(write.error, "/amount") : undefined}
          />
          <div class="button-row">
            <button type="submit" disabled={write.busy !== undefined}>
              {write.busy === "capture" ? "Capturing…" : "Capture payment"}
            </button>
            <button type="button" class="danger" disabled={write.busy !== undefined} onClick={voidPayment}>
              {write.busy === "void" ? "Voiding…" : "Void payment"}
            </button>
          </div>
        </form>
      ) : voidable && !closed ? (
        <p>
          <button type="button" class="danger" disabled={write.busy !== undefined} onClick={voidPayment}>
            {write.busy === "void" ? "Voiding…" : "Void payment"}
          </button>
        </p>
      ) : null}

      {refundable > 0 ? (
        <form onSubmit={refund} noValidate aria-labelledby="refund-title">
          <h3 id="refund-title">Refund</h3>
          <Field
            label={`Amount to refund (${currency})`}
            name="refund-amount"
            inputMode="decimal"
            autoComplete="off"
            hint={`Empty: everything left, ${money(refundable)}.`}
            error={write.failed === "refund" ? fieldError(write.error, "/amount") : undefined}
          />
          <Field label="Reason (optional)" name="refund-reason" maxLength={500} error={fieldError(write.error, "/reason")} />
          {order.paymentProvider === "manual" ? (
            <Field label="Reference (optional)" name="refund-reference" hint="Manual payments: how the money went back, e.g. the transfer." maxLength={200} error={fieldError(write.error, "/reference")} />
          ) : null}
          <button type="submit" class="danger" disabled={write.busy !== undefined}>
            {write.busy === "refund" ? "Refunding…" : "Refund"}
          </button>
        </form>
      ) : null}
    </section>
  );
}

/** Units of each line not shipped yet. */
function unshipped(order: Order, fulfillments: Fulfillment[]): Map<string, number> {
  const left = new Map(order.lines.map((l) => [l.id, l.quantity]));
  for (const f of fulfillments) for (const l of f.lines) left.set(l.orderLineId, (left.get(l.orderLineId) ?? 0) - l.quantity);
  return left;
}

export function FulfillmentsCard(props: { order: Order; fulfillments: Fulfillment[]; onChange: () => void }) {
  const { order } = props;
  const card = useRef<HTMLElement>(null);
  const write = useOrderWrite(card, props.onChange);
  // The pointers of a refusal index the lines that were sent: keep which order line each one was.
  const [sent, setSent] = useState<string[]>([]);
  const left = unshipped(order, props.fulfillments);
  const open = order.lines.filter((l) => (left.get(l.id) ?? 0) > 0);
  // The API's rule: paid, or placed with the payment authorised (capture on shipment).
  const allowed = order.status === "paid" || (order.status === "placed" && order.paymentStatus === "authorized");

  const lineError = (lineId: string) => {
    const i = sent.indexOf(lineId);
    return i < 0 ? undefined : (fieldError(write.error, `/lines/${i}/quantity`) ?? fieldError(write.error, `/lines/${i}/lineId`));
  };

  const create = (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const lines: { lineId: string; quantity: number }[] = [];
    for (const l of open) {
      const raw = text(form, `qty-${l.id}`);
      const quantity = Number(raw);
      if (!/^\d+$/.test(raw)) {
        setSent([l.id]);
        write.refuse("fulfil", "/lines/0/quantity", "Enter a whole number of units (0 to leave this line out).");
        return;
      }
      if (quantity > 0) lines.push({ lineId: l.id, quantity });
    }
    if (lines.length === 0) {
      setSent([open[0]?.id ?? ""]);
      write.refuse("fulfil", "/lines/0/quantity", "Ship at least one unit.");
      return;
    }
    setSent(lines.map((l) => l.lineId));
    const carrier = text(form, "carrier");
    const trackingNumber = text(form, "trackingNumber");
    const trackingUrl = text(form, "trackingUrl");
    const units = lines.reduce((s, l) => s + l.quantity, 0);
    void write
      .run(
        "fulfil",
        async (key) =>
          unwrap(
            await api.POST("/v1/orders/{id}/fulfillments", {
              params: { ...path(order.id), header: { "idempotency-key": key } },
              body: { lines, ...(carrier ? { carrier } : {}), ...(trackingNumber ? { trackingNumber } : {}), ...(trackingUrl ? { trackingUrl } : {}) },
            }),
          ),
        `Fulfilment of ${units} unit(s) created on ${order.number}${trackingNumber ? `, tracking ${trackingNumber}` : ""}.`,
      )
      .then((ok) => ok && form.reset());
  };

  return (
    <section class="card" aria-labelledby="fulfillments-title" ref={card}>
      <h2 id="fulfillments-title" tabIndex={-1}>
        Fulfilments
      </h2>
      <ProblemAlert error={write.error} fieldLabels={Object.fromEntries(sent.map((id, i) => [`/lines/${i}/quantity`, order.lines.find((l) => l.id === id)?.sku ?? id]))} />
      {props.fulfillments.length ? (
        <ul class="plain" aria-label="Shipments">
          {props.fulfillments.map((f) => (
            <li key={f.id}>
              <p class="row">
                <Time value={f.createdAt} /> {f.carrier ?? "No carrier"}
                {f.trackingNumber ? (
                  <>
                    {" "}
                    · tracking{" "}
                    {f.trackingUrl ? (
                      <a href={f.trackingUrl} rel="noreferrer noopener" target="_blank">
                        {f.trackingNumber}
                      </a>
                    ) : (
                      <code>{f.trackingNumber}</code>
                    )}
                  </>
                ) : null}
              </p>
              <p class="muted small">{f.lines.map((l) => `${l.quantity} × ${l.title} (${l.sku})`).join(", ")}</p>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">Nothing shipped yet.</p>
      )}
      {open.length && allowed ? (
        <form onSubmit={create} noValidate aria-labelledby="new-fulfillment-title">
          <h3 id="new-fulfillment-title">New fulfilment</h3>
          <fieldset>
            <legend>Units to ship</legend>
            {open.map((l) => (
              <Field
                key={`${l.id}-${left.get(l.id)}`}
                label={`${l.title} (${l.sku})`}
                name={`qty-${l.id}`}
                type="number"
                inputMode="numeric"
                min={0}
                defaultValue={String(left.get(l.id))}
                hint={`${left.get(l.id)} of ${l.quantity} not shipped yet.`}
                error={lineError(l.id)}
              />
            ))}
          </fieldset>
          <Field label="Carrier" name="carrier" maxLength={100} autoComplete="off" placeholder="DHL" error={fieldError(write.error, "/carrier")} />
          <Field label="Tracking number" name="trackingNumber" maxLength={100} autoComplete="off" error={fieldError(write.error, "/trackingNumber")} />
          <Field label="Tracking URL" name="trackingUrl" type="url" maxLength={500} autoComplete="off" placeholder="https://" error={fieldError(write.error, "/trackingUrl")} />
          <button type="submit" disabled={write.busy !== undefined}>
            {write.busy === "fulfil" ? "Creating…" : "Create fulfilment"}
          </button>
        </form>
      ) : open.length && !["cancelled", "refunded"].includes(order.status) ? (
        <p class="muted">Orders ship once paid, or placed with the payment authorised.</p>
      ) : null}
    </section>
  );
}

export function ReturnsCard(props: { order: Order; returns: OrderReturn[]; onChange: () => void }) {
  const { order } = props;
  const card = useRef<HTMLElement>(null);
  const write = useOrderWrite(card, props.onChange);
  const [refundOnReceipt, setRefundOnReceipt] = useState<Record<string, boolean>>({});
  const skuOf = (lineId: string) => order.lines.find((l) => l.id === lineId)?.title ?? lineId;

  const move = (r: OrderReturn, n: number, to: "approve" | "reject" | "receive") => {
    const label = `Return ${n}`;
    if (to === "reject" && !confirm(`Reject ${label.toLowerCase()} of ${order.number}?`)) return;
    const params = { path: { id: r.id } };
    const refund = refundOnReceipt[r.id] ?? false;
    void write.run(
      `${to}-${r.id}`,
      async (key) =>
        to === "approve"
          ? unwrap(await api.POST("/v1/returns/{id}/approve", { params }))
          : to === "reject"
            ? unwrap(await api.POST("/v1/returns/{id}/reject", { params }))
            : unwrap(await api.POST("/v1/returns/{id}/receive", { params: { ...params, header: { "idempotency-key": key } }, body: { refund } })),
      `${label} ${to === "approve" ? "approved" : to === "reject" ? "rejected" : `received${refund ? " and refunded" : ""}`}.`,
    );
  };

  return (
    <section class="card" aria-labelledby="returns-title" ref={card}>
      <h2 id="returns-title" tabIndex={-1}>
        Returns
      </h2>
      <ProblemAlert error={write.error} />
      {props.returns.length === 0 ? <p class="muted">No returns.</p> : null}
      <ul class="plain">
        {props.returns.map((r, i) => {
          const n = i + 1;
          return (
            <li key={r.id} aria-labelledby={`return-${r.id}`}>
              <p class="row" id={`return-${r.id}`}>
                <strong>Return {n}</strong> <Badge value={r.status} /> <Time value={r.createdAt} />
              </p>
              <p class="small">
                {r.lines.map((l) => `${l.quantity} × ${skuOf(l.orderLineId)} (${l.sku})${l.restockedAt ? ", restocked" : ""}`).join("; ")}
                {r.reason ? <span class="muted"> · “{r.reason}”</span> : null}
                <span class="muted"> · requested by {actorName(r.requestedBy)}</span>
                {r.refund ? <span> · refunded {formatMoney(r.refund)}</span> : null}
              </p>
              {r.status === "requested" ? (
                <div class="button-row">
                  <button type="button" class="small" disabled={write.busy !== undefined} onClick={() => move(r, n, "approve")}>
                    Approve<span class="visually-hidden"> return {n}</span>
                  </button>
                  <button type="button" class="small danger" disabled={write.busy !== undefined} onClick={() => move(r, n, "reject")}>
                    Reject<span class="visually-hidden"> return {n}</span>
                  </button>
                </div>
              ) : r.status === "approved" ? (
                <div class="inline-form">
                  <label>
                    <input type="checkbox" checked={refundOnReceipt[r.id] ?? false} onChange={(e) => setRefundOnReceipt({ ...refundOnReceipt, [r.id]: (e.currentTarget as HTMLInputElement).checked })} /> Refund
                    the returned lines<span class="visually-hidden"> of return {n}</span>
                  </label>
                  <button type="button" class="small" disabled={write.busy !== undefined} onClick={() => move(r, n, "receive")}>
                    Mark received<span class="visually-hidden"> return {n}</span>
                  </button>
                </div>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** A reference staff typed (or the provider's id); the manual provider's generated ones are only noise here. */
export function readableReference(reference: string | undefined): boolean {
  return !!reference && !reference.startsWith("manual-");
}

/** `admin:stf_…`, `provider:stripe`, `customer:cus_…`, `guest`, `system` in words. */
export function actorName(actor: string): string {
  const [kind, id = ""] = actor.split(":", 2);
  if (kind === "admin") {
    const session = getSession();
    if (session?.kind === "staff" && session.staff.id === id) return `${session.staff.name || "you"} (you)`;
    if (id === "bootstrap") return "the bootstrap key";
    return id.startsWith("stf_") ? `staff ${id}` : `API key ${id}`;
  }
  if (kind === "provider") return id === "stripe" ? "Stripe" : id;
  if (kind === "customer") return "the customer";
  return kind ?? actor;
}
