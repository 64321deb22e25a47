import { useState } from "preact/hooks";
import { auditApi, itemsOf } from "../api";
import type { AuditEntry } from "../contract";
import { BASE, navigate, useLocation } from "../router";
import { Loading, More, Page, ProblemAlert, Time, usePages } from "../ui";

export function AuditLogPage() {
  const { query } = useLocation();
  const actor = query.get("actor") ?? "";
  const action = query.get("action") ?? "";
  const [form, setForm] = useState({ actor, action });
  const list = usePages<AuditEntry>(async (cursor) => {
    const page = await auditApi.list({ actor: actor || undefined, action: action || undefined, cursor });
    return { items: itemsOf(page), next: page.next_cursor };
  }, [actor, action]);
  return (
    <Page title="Audit log">
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          const params = new URLSearchParams(Object.entries(form).filter(([, v]) => v.trim()));
          navigate(`${BASE}/audit-log${params.size ? `?${params}` : ""}`);
        }}
      >
        <label for="audit-actor">Actor id</label>
        <input id="audit-actor" value={form.actor} onInput={(e) => setForm({ ...form, actor: (e.currentTarget as HTMLInputElement).value })} />
        <label for="audit-action">Action</label>
        <input id="audit-action" value={form.action} placeholder="e.g. createProduct" onInput={(e) => setForm({ ...form, action: (e.currentTarget as HTMLInputElement).value })} />
        <button type="submit" class="secondary">
          Filter
        </button>
      </form>
      <ProblemAlert error={list.error} />
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">Admin writes, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Resource</th>
              <th scope="col" class="num">
                Status
              </th>
              <th scope="col">Request</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((e) => (
              <tr key={e.id}>
                <td>
                  <Time value={e.at} />
                </td>
                <th scope="row">
                  {e.actor.name}
                  <div class="muted small">{e.actor.type.replace("_", " ")}</div>
                </th>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>{e.resource ?? "–"}</td>
                <td class="num">{e.status}</td>
                <td class="muted small">{e.requestId}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {list.loading ? <Loading what="the audit log" /> : list.items.length === 0 ? <p class="empty">No entries.</p> : null}
      <More next={list.next} onMore={list.more} busy={list.loading} />
    </Page>
  );
}
