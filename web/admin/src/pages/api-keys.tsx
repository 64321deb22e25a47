import { useState } from "preact/hooks";
import { itemsOf, keysApi } from "../api";
import { SCOPES, type ApiKey } from "../contract";
import { announce, Field, fieldError, Loading, More, Page, ProblemAlert, Time, usePages } from "../ui";

export function ApiKeysPage() {
  const list = usePages<ApiKey>(async (cursor) => {
    const page = await keysApi.list(cursor);
    return { items: itemsOf(page), next: page.next_cursor };
  }, []);
  const [error, setError] = useState<unknown>();
  const [secret, setSecret] = useState<string>();

  const create = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    setError(undefined);
    try {
      const expires = String(data.get("expiresAt") || "");
      const created = await keysApi.create({
        name: String(data.get("name")).trim(),
        scopes: data.getAll("scopes").map(String),
        ...(expires ? { expiresAt: new Date(`${expires}T23:59:59Z`).toISOString() } : {}),
      });
      setSecret(created.secret);
      announce("Key created. Copy the secret now: it is shown once.");
      form.reset();
      list.reload();
    } catch (e) {
      setError(e);
    }
  };
  const revoke = async (key: ApiKey) => {
    if (!confirm(`Revoke the key ${key.name}? Clients using it stop working at once.`)) return;
    setError(undefined);
    try {
      await keysApi.revoke(key.id);
      announce(`Key ${key.name} revoked.`);
      list.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Page title="API keys">
      <ProblemAlert error={list.error ?? error} />
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
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Prefix</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Expires</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((k) => (
                  <tr key={k.id} class={k.revokedAt ? "revoked" : ""}>
                    <th scope="row">{k.name}</th>
                    <td>
                      <code>{k.prefix}…</code>
                    </td>
                    <td>{k.scopes.join(", ")}</td>
                    <td>
                      <Time value={k.lastUsedAt} />
                    </td>
                    <td>
                      <Time value={k.expiresAt} />
                    </td>
                    <td>
                      {k.revokedAt ? (
                        <span class="muted">
                          Revoked <Time value={k.revokedAt} />
                        </span>
                      ) : (
                        <button type="button" class="link danger" onClick={() => revoke(k)}>
                          Revoke<span class="visually-hidden"> {k.name}</span>
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {list.loading ? <Loading what="keys" /> : list.items.length === 0 ? <p class="empty">No keys yet.</p> : null}
          <More next={list.next} onMore={list.more} busy={list.loading} />
        </section>
        <section class="card" aria-labelledby="new-key-title">
          <h2 id="new-key-title">New key</h2>
          <form onSubmit={create}>
            <Field label="Name" name="name" required placeholder="ERP sync" error={fieldError(error, "/name")} />
            <fieldset>
              <legend>Scopes</legend>
              <div class="checklist">
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
