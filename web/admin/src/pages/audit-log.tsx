import { useState } from "preact/hooks";
import { auditApi, type AuditEntry } from "../api";
import { BASE, navigate, useLocation } from "../router";
import { ListFooter, Page, ProblemAlert, Table, Time, usePages } from "../ui";

export function AuditLogPage() {
  const { query } = useLocation();
  const actor = query.get("actor") ?? "";
  const action = query.get("action") ?? "";
  const [form, setForm] = useState({ actor, action });
  const list = usePages<AuditEntry>(async (cursor) => {
    const page = await auditApi.list({ actor: actor || undefined, action: action || undefined, cursor });
    return { items: page.data, next: page.next_cursor };
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
      <Table
        caption="Admin writes, newest first"
        rows={list.items}
        rowKey={(e) => e.id}
        columns={[
          { label: "When", render: (e) => <Time value={e.at} /> },
          {
            label: "Who",
            rowHeader: true,
            render: (e) => (
              <>
                {e.actor.name}
                <div class="muted small">{e.actor.type.replace("_", " ")}</div>
              </>
            ),
          },
          { label: "Action", render: (e) => <code>{e.action}</code> },
          { label: "Resource", render: (e) => e.resource ?? "–" },
          { label: "Status", num: true, render: (e) => e.status },
          { label: "Request", render: (e) => <span class="muted small">{e.requestId}</span> },
        ]}
      />
      <ListFooter list={list} what="the audit log" empty="No entries." />
    </Page>
  );
}
