import { useState } from "preact/hooks";
import { api, unwrap, type Schemas } from "../api";
import { BASE, Link, navigate, useLocation } from "../router";
import { Badge, Field, fieldError, ListFooter, Page, ProblemAlert, Table, Time, useAction, useAsync, usePages } from "../ui";

type Endpoint = Schemas["WebhookEndpoint"];
type Delivery = Schemas["WebhookDelivery"];

export function WebhooksPage() {
  const endpoints = usePages<Endpoint>(async (cursor) => {
    const page = unwrap(await api.GET("/v1/webhook-endpoints", { params: { query: { limit: 50, cursor } } }));
    return { items: page.data, next: page.next_cursor };
  }, []);
  const action = useAction();
  const [secret, setSecret] = useState<string>();

  const create = action.submit(
    async (data) => {
      const types = String(data.get("eventTypes") || "*")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      const body = { url: String(data.get("url")).trim(), eventTypes: types as Schemas["CreateWebhookEndpointInput"]["eventTypes"], description: String(data.get("description") ?? "") };
      setSecret(unwrap(await api.POST("/v1/webhook-endpoints", { body })).secret);
    },
    "Endpoint created. Copy its signing secret now: it is shown once.",
    endpoints.reload,
  );
  const toggle = (e: Endpoint) =>
    action.run(
      async () => unwrap(await api.PATCH("/v1/webhook-endpoints/{id}", { params: { path: { id: e.id } }, body: { status: e.status === "enabled" ? "disabled" : "enabled" } })),
      `Endpoint ${e.status === "enabled" ? "disabled" : "enabled"}.`,
      endpoints.reload,
    );

  return (
    <Page title="Webhooks">
      <ProblemAlert error={endpoints.error ?? action.error} />
      {secret ? (
        <div class="notice" role="status">
          <p>
            <strong>Signing secret</strong> (shown once): <code data-testid="webhook-secret">{secret}</code>
          </p>
        </div>
      ) : null}
      <div class="grid">
        <section class="card wide" aria-labelledby="endpoints-title">
          <h2 id="endpoints-title">Endpoints</h2>
          <Table
            caption="Webhook endpoints"
            rows={endpoints.items}
            rowKey={(e) => e.id}
            columns={[
              {
                label: "URL",
                rowHeader: true,
                render: (e) => (
                  <>
                    <span class="break">{e.url}</span>
                    {e.description ? <div class="muted small">{e.description}</div> : null}
                  </>
                ),
              },
              { label: "Events", render: (e) => e.eventTypes.join(", ") },
              {
                label: "Status",
                render: (e) => (
                  <>
                    <Badge value={e.status} />
                    {e.consecutiveFailures ? <div class="muted small">{e.consecutiveFailures} failures in a row</div> : null}
                  </>
                ),
              },
              {
                label: "Actions",
                hidden: true,
                render: (e) => (
                  <>
                    <Link href={`${BASE}/webhooks/deliveries?endpointId=${e.id}`}>Deliveries</Link>{" "}
                    <button type="button" class="link" onClick={() => toggle(e)}>
                      {e.status === "enabled" ? "Disable" : "Enable"}
                    </button>
                  </>
                ),
              },
            ]}
          />
          <ListFooter list={endpoints} what="endpoints" empty="No endpoints yet." />
        </section>
        <section class="card" aria-labelledby="new-endpoint-title">
          <h2 id="new-endpoint-title">New endpoint</h2>
          <form onSubmit={create}>
            <Field label="URL" name="url" type="url" required placeholder="https://erp.example.com/hooks/edgeshop" error={fieldError(action.error, "/url")} />
            <Field label="Event types" name="eventTypes" defaultValue="*" hint="Comma-separated, e.g. order.placed, order.paid; * for all." error={fieldError(action.error, "/eventTypes")} />
            <Field label="Description" name="description" />
            <button type="submit">Create endpoint</button>
          </form>
        </section>
      </div>
    </Page>
  );
}

export function DeliveriesPage() {
  const { query } = useLocation();
  const endpointId = query.get("endpointId") ?? undefined;
  const status = (query.get("status") as Delivery["status"] | null) ?? undefined;
  const action = useAction();
  const list = usePages<Delivery>(async (cursor) => {
    const page = unwrap(await api.GET("/v1/webhook-deliveries", { params: { query: { limit: 25, cursor, endpointId, status } } }));
    return { items: page.data, next: page.next_cursor };
  }, [endpointId, status]);
  const [open, setOpen] = useState<string>();
  const detail = useAsync(async () => (open ? unwrap(await api.GET("/v1/webhook-deliveries/{id}", { params: { path: { id: open } } })) : undefined), [open]);
  const redeliver = (d: Delivery) =>
    action.run(async () => unwrap(await api.POST("/v1/webhook-deliveries/{id}/redeliver", { params: { path: { id: d.id } } })), `Delivery of ${d.eventType} queued again.`, list.reload);

  return (
    <Page title="Webhook deliveries">
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label for="delivery-status">Status</label>
        <select
          id="delivery-status"
          value={status ?? ""}
          onChange={(e) => {
            const params = new URLSearchParams(location.search);
            const value = (e.currentTarget as HTMLSelectElement).value;
            if (value) params.set("status", value);
            else params.delete("status");
            navigate(`${BASE}/webhooks/deliveries${params.size ? `?${params}` : ""}`);
          }}
        >
          <option value="">All</option>
          <option value="pending">Pending</option>
          <option value="succeeded">Succeeded</option>
          <option value="failed">Failed</option>
        </select>
        {endpointId ? (
          <span class="muted">
            Endpoint {endpointId} · <Link href={`${BASE}/webhooks/deliveries`}>all endpoints</Link>
          </span>
        ) : null}
      </form>
      <ProblemAlert error={list.error ?? action.error} />
      <Table
        caption="Webhook deliveries, newest first"
        rows={list.items}
        rowKey={(d) => d.id}
        columns={[
          {
            label: "Event",
            rowHeader: true,
            render: (d) => (
              <>
                <button type="button" class="link" aria-expanded={open === d.id} onClick={() => setOpen(open === d.id ? undefined : d.id)}>
                  {d.eventType}
                </button>
                <div class="muted small">{d.eventId}</div>
              </>
            ),
          },
          { label: "Status", render: (d) => <Badge value={d.status} /> },
          { label: "Attempts", num: true, render: (d) => d.attempts },
          { label: "Last answer", render: (d) => d.lastStatusCode ?? d.lastError ?? "–" },
          { label: "Created", render: (d) => <Time value={d.createdAt} /> },
          {
            label: "Actions",
            hidden: true,
            render: (d) => (
              <button type="button" class="secondary small" onClick={() => redeliver(d)}>
                Redeliver<span class="visually-hidden"> {d.eventType}</span>
              </button>
            ),
          },
        ]}
      />
      <ListFooter list={list} what="deliveries" empty="No deliveries." />
      {open && detail.data ? (
        <section class="card" aria-labelledby="attempts-title">
          <h2 id="attempts-title">Attempts of {detail.data.eventType}</h2>
          <ol>
            {detail.data.attemptLog.map((a) => (
              <li key={a.id}>
                {a.outcome} · {a.statusCode ?? a.error} · {a.latencyMs} ms <span class="muted small">{a.requestId}</span>
              </li>
            ))}
          </ol>
        </section>
      ) : null}
    </Page>
  );
}
