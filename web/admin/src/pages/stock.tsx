import { useState } from "preact/hooks";
import { api, unwrap, type Schemas } from "../api";
import { BASE, navigate } from "../router";
import { announce, Field, ListFooter, Loading, Page, ProblemAlert, Table, Time, useAsync, usePages } from "../ui";

type Entry = Schemas["StockLedgerEntry"];

export function StockPage(props: { sku?: string }) {
  const [text, setText] = useState(props.sku ?? "");
  return (
    <Page title={props.sku ? `Stock of ${props.sku}` : "Stock"}>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim()) navigate(`${BASE}/stock/${encodeURIComponent(text.trim())}`);
        }}
      >
        <label for="sku-lookup">SKU</label>
        <input id="sku-lookup" value={text} onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)} placeholder="e.g. EVEHEMSHI-001-1" />
        <button type="submit" class="secondary">
          Show
        </button>
      </form>
      {props.sku ? <SkuStock sku={props.sku} /> : <p class="muted">Stock is kept per SKU. Enter one, or open a product and follow a variant's SKU.</p>}
    </Page>
  );
}

function SkuStock(props: { sku: string }) {
  const level = useAsync(async () => unwrap(await api.GET("/v1/inventory/{sku}", { params: { path: { sku: props.sku } } })), [props.sku]);
  const ledger = usePages<Entry>(async (cursor) => {
    const page = unwrap(await api.GET("/v1/inventory/{sku}/ledger", { params: { path: { sku: props.sku }, query: { limit: 25, cursor } } }));
    return { items: page.data, next: page.next_cursor };
  }, [props.sku, level.data?.version]);
  const [error, setError] = useState<unknown>();

  const adjust = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    setError(undefined);
    try {
      const delta = Number(data.get("delta"));
      const updated = unwrap(
        await api.POST("/v1/inventory/{sku}/adjustments", {
          params: { path: { sku: props.sku } },
          body: { delta, expected: level.data?.onHand, reason: data.get("reason") === "restock" ? "restock" : "adjustment", note: String(data.get("note") || "") || undefined },
        }),
      );
      level.set(updated);
      announce(`On hand for ${props.sku} is now ${updated.onHand}.`);
      form.reset();
    } catch (e) {
      setError(e);
      level.reload();
    }
  };

  const l = level.data;
  return (
    <div class="grid">
      <section class="card" aria-labelledby="level-title">
        <h2 id="level-title">Level</h2>
        <ProblemAlert error={level.error} />
        {l ? (
          <dl class="stats">
            <div>
              <dt>On hand</dt>
              <dd>{l.onHand}</dd>
            </div>
            <div>
              <dt>Reserved</dt>
              <dd>{l.reserved}</dd>
            </div>
            <div>
              <dt>Available</dt>
              <dd>{l.available}</dd>
            </div>
            <div>
              <dt>Sold</dt>
              <dd>{l.sold}</dd>
            </div>
          </dl>
        ) : (
          <Loading what="the level" />
        )}
      </section>
      <section class="card" aria-labelledby="adjust-title">
        <h2 id="adjust-title">Adjust on hand</h2>
        <ProblemAlert error={error} />
        <form onSubmit={adjust}>
          <Field label="Change" name="delta" type="number" required hint="Positive to add, negative to remove." />
          <div class="field">
            <label for="f-reason">Reason</label>
            <select id="f-reason" name="reason">
              <option value="restock">Restock (goods received)</option>
              <option value="adjustment">Adjustment (count, damage, loss)</option>
            </select>
          </div>
          <Field label="Note" name="note" />
          <button type="submit">Apply</button>
        </form>
      </section>
      <section class="card wide" aria-labelledby="ledger-title">
        <h2 id="ledger-title">Ledger</h2>
        <ProblemAlert error={ledger.error} />
        <Table
          caption={`Stock ledger of ${props.sku}, newest first`}
          rows={ledger.items}
          rowKey={(e) => e.sequence}
          columns={[
            { label: "#", num: true, render: (e) => e.sequence },
            { label: "Reason", render: (e) => e.reason },
            { label: "Change", num: true, render: (e) => (e.quantity > 0 ? `+${e.quantity}` : e.quantity) },
            { label: "Note", render: (e) => e.note ?? (e.orderId ? `order ${e.orderId}` : (e.owner ?? "")) },
            { label: "On hand after", num: true, render: (e) => e.onHand },
            { label: "When", render: (e) => <Time value={e.at} /> },
          ]}
        />
        <ListFooter list={ledger} what="the ledger" empty="No stock movements yet." />
      </section>
    </div>
  );
}
