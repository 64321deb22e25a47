import { useState } from "preact/hooks";
import { keysApi, SCOPES, type ApiKey, type Scope } from "../api";
import { Field, fieldError, ListFooter, Page, ProblemAlert, Table, Time, useAction, usePages } from "../ui";

export function ApiKeysPage() {
  const list = usePages<ApiKey>(async (cursor) => {
    const page = await keysApi.list(cursor);
    return { items: page.data, next: page.next_cursor };
  }, []);
  const action = useAction();
  const [secret, setSecret] = useState<string>();

  const create = action.submit(
    async (data) => {
      const expires = String(data.get("expiresAt") || "");
      const created = await keysApi.create({
        name: String(data.get("name")).trim(),
        scopes: data.getAll("scopes").map(String) as Scope[],
        ...(expires ? { expiresAt: new Date(`${expires}T23:59:59Z`).toISOString() } : {}),
      });
      setSecret(created.secret);
    },
    "Key created. Copy the secret now: it is shown once.",
    list.reload,
  );
  const revoke = (key: ApiKey) => {
    if (confirm(`Revoke the key ${key.name}? Clients using it stop working at once.`)) void action.run(() => keysApi.revoke(key.id), `Key ${key.name} revoked.`, list.reload);
  };

  return (
    <Page title="API keys">
      <ProblemAlert error={list.error ?? action.error} />
      {secret ? (
        <div class="notice" role="status">
          <p>
            <strong>New key</strong> (shown once, store it now): <code data-testid="api-key-secret">{secret}</code>
          </p>
        </div>
      ) : null}
      <div class="grid">
        <section class="card wide" aria-labelledby="keys-title">
          <h2 id="keys-title">Keys</h2>
          <Table
            caption="API keys"
            rows={list.items}
            rowKey={(k) => k.id}
            rowClass={(k) => (k.revokedAt ? "revoked" : "")}
            columns={[
              { label: "Name", rowHeader: true, render: (k) => k.name },
              { label: "Prefix", render: (k) => <code>{k.prefix}…</code> },
              { label: "Scopes", render: (k) => k.scopes.join(", ") },
              { label: "Last used", render: (k) => <Time value={k.lastUsedAt} /> },
              { label: "Expires", render: (k) => <Time value={k.expiresAt} /> },
              {
                label: "Actions",
                hidden: true,
                render: (k) =>
                  k.revokedAt ? (
                    <span class="muted">
                      Revoked <Time value={k.revokedAt} />
                    </span>
                  ) : (
                    <button type="button" class="link danger" onClick={() => revoke(k)}>
                      Revoke<span class="visually-hidden"> {k.name}</span>
                    </button>
                  ),
              },
            ]}
          />
          <ListFooter list={list} what="keys" empty="No keys yet." />
        </section>
        <section class="card" aria-labelledby="new-key-title">
          <h2 id="new-key-title">New key</h2>
          <form onSubmit={create}>
            <Field label="Name" name="name" required placeholder="ERP sync" error={fieldError(action.error, "/name")} />
            <fieldset>
              <legend>Scopes</legend>
              <div class="checklist tall">
                {SCOPES.map((s) => (
                  <label key={s}>
                    <input type="checkbox" name="scopes" value={s} /> <code>{s}</code>
                  </label>
                ))}
              </div>
            </fieldset>
            <Field label="Expires on" name="expiresAt" type="date" hint="Optional. The key stops working at the end of that day (UTC)." />
            <button type="submit">Create key</button>
          </form>
        </section>
      </div>
    </Page>
  );
}
