import { useState } from "preact/hooks";
import { api, unwrap, type Schemas } from "../api";
import { BASE, Link, navigate, useLocation } from "../router";
import { announce, Badge, Field, fieldError, Loading, More, Page, ProblemAlert, Time, useAsync, usePages } from "../ui";

type Endpoint = Schemas["WebhookEndpoint"];
type Delivery = Schemas["WebhookDelivery"];

export function WebhooksPage() {
  const endpoints = usePages<Endpoint>(async (cursor) => {
    const page = unwrap(await api.GET("/v1/webhook-endpoints", { params: { query: { limit: 50, cursor } } }));
    return { items: page.data, next: page.next_cursor };
  }, []);
  const [error, setError] = useState<unknown>();
  const [secret, setSecret] = useState<string>();

  const create = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    setError(undefined);
    try {
      const types = String(data.get("eventTypes") || "*")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      const created = unwrap(
        await api.POST("/v1/webhook-endpoints", {
          body: { url: String(data.get("url")).trim(), eventTypes: types as never, description: String(data.get("description") ?? "") },
        }),
      );
      setSecret(created.secret);
      announce("Endpoint created. Copy its signing secret now: it is shown once.");
      form.reset();
      endpoints.reload();
    } catch (e) {
      setError(e);
    }
  };
  const toggle = async (endpoint: Endpoint) => {
    setError(undefined);
    try {
      unwrap(await api.PATCH("/v1/webhook-endpoints/{id}", { params: { path: { id: endpoint.id } }, body: { status: endpoint.status === "enabled" ? "disabled" : "enabled" } }));
      endpoints.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Page title="Webhooks">
      <ProblemAlert error={endpoints.error ?? error} />
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
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">URL</th>
                  <th scope="col">Events</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {endpoints.items.map((e) => (
                  <tr key={e.id}>
                    <th scope="row">
                      <span class="break">{e.url}</span>
                      {e.description ? <div class="muted small">{e.description}</div> : null}
                    </th>
                    <td>{e.eventTypes.join(", ")}</td>
                    <td>
                      <Badge value={e.status} />
                      {e.consecutiveFailures ? <div class="muted small">{e.consecutiveFailures} failures in a row</div> : null}
                    </td>
                    <td>
                      <Link href={`${BASE}/webhooks/deliveries?endpointId=${e.id}`}>Deliveries</Link>{" "}
                      <button type="button" class="link" onClick={() => toggle(e)}>
                        {e.status === "enabled" ? "Disable" : "Enable"}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {endpoints.loading ? <Loading what="endpoints" /> : endpoints.items.length === 0 ? <p class="empty">No endpoints yet.</p> : null}
          <More next={endpoints.next} onMore={endpoints.more} busy={endpoints.loading} />
        </section>
        <section class="card" aria-labelledby="new-endpoint-title">
          <h2 id="new-endpoint-title">New endpoint</h2>
          <form onSubmit={create}>
            <Field label="URL" name="url" type="url" required placeholder="https://erp.example.com/hooks/edgeshop" error={fieldError(error, "/url")} />
            <Field label="Event types" name="eventTypes" defaultValue="*" hint="Comma-separated, e.g. order.placed, order.paid; * for all." error={fieldError(error, "/eventTypes")} />
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
  const [error, setError] = useState<unknown>();
  const list = usePages<Delivery>(async (cursor) => {
    const page = unwrap(await api.GET("/v1/webhook-deliveries", { params: { query: { limit: 25, cursor, endpointId, status } } }));
    return { items: page.data, next: page.next_cursor };
  }, [endpointId, status]);
  const [open, setOpen] = useState<string>();
  const detail = useAsync(async () => (open ? unwrap(await api.GET("/v1/webhook-deliveries/{id}", { params: { path: { id: open } } })) : undefined), [open]);

  const redeliver = async (d: Delivery) => {
    setError(undefined);
    try {
      unwrap(await api.POST("/v1/webhook-deliveries/{id}/redeliver", { params: { path: { id: d.id } } }));
      announce(`Delivery of ${d.eventType} queued again.`);
      list.reload();
    } catch (e) {
      setError(e);
    }
  };

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
      <ProblemAlert error={list.error ?? error} />
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">Webhook deliveries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Status</th>
              <th scope="col" class="num">
                Attempts
              </th>
              <th scope="col">Last answer</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((d) => (
              <tr key={d.id}>
                <th scope="row">
                  <button type="button" class="link" aria-expanded={open === d.id} onClick={() => setOpen(open === d.id ? undefined : d.id)}>
                    {d.eventType}
                  </button>
                  <div class="muted small">{d.eventId}</div>
                </th>
                <td>
                  <Badge value={d.status} />
                </td>
                <td class="num">{d.attempts}</td>
                <td>{d.lastStatusCode ?? d.lastError ?? "–"}</td>
                <td>
                  <Time value={d.createdAt} />
                </td>
                <td>
                  <button type="button" class="secondary small" onClick={() => redeliver(d)}>
                    Redeliver<span class="visually-hidden"> {d.eventType}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {list.loading ? <Loading what="deliveries" /> : list.items.length === 0 ? <p class="empty">No deliveries.</p> : null}
      <More next={list.next} onMore={list.more} busy={list.loading} />
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
