import { ROLES, staffApi, type Role, type Staff } from "../api";
import { Badge, Field, fieldError, ListFooter, Page, ProblemAlert, Table, Time, useAction, usePages } from "../ui";

const ROLE_HELP: Record<string, string> = {
  owner: "everything",
  catalog: "products, categories, stock; reads all",
  orders: "orders, stock; reads customers",
  support: "reads orders and customers",
  read_only: "reads everything, changes nothing",
};

export function StaffPage() {
  const list = usePages<Staff>(async (cursor) => {
    const page = await staffApi.list(cursor);
    return { items: page.data, next: page.next_cursor };
  }, []);
  const action = useAction();
  const create = action.submit(
    (data) => staffApi.create({ email: String(data.get("email")).trim(), name: String(data.get("name")).trim(), role: String(data.get("role")) as Role, password: String(data.get("password")) }),
    "Staff member added.",
    list.reload,
  );
  const update = (member: Staff, change: { role?: Role; disabled?: boolean }) => action.run(() => staffApi.update(member.id, change), `${member.name || member.email} updated.`, list.reload);

  return (
    <Page title="Staff">
      <ProblemAlert error={list.error ?? action.error} />
      <div class="grid">
        <section class="card wide" aria-labelledby="staff-title">
          <h2 id="staff-title">Staff members</h2>
          <Table
            caption="Staff members"
            rows={list.items}
            rowKey={(m) => m.id}
            columns={[
              {
                label: "Name",
                rowHeader: true,
                render: (m) => (
                  <>
                    {m.name}
                    <div class="muted small">{m.email}</div>
                  </>
                ),
              },
              {
                label: "Role",
                render: (m) => (
                  <>
                    <label class="visually-hidden" for={`role-${m.id}`}>
                      Role of {m.name || m.email}
                    </label>
                    <select id={`role-${m.id}`} value={m.role} onChange={(e) => update(m, { role: (e.currentTarget as HTMLSelectElement).value as Role })}>
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r.replace("_", "-")}
                        </option>
                      ))}
                    </select>
                  </>
                ),
              },
              { label: "Last sign-in", render: (m) => <Time value={m.lastSignInAt} /> },
              {
                label: "Access",
                render: (m) => (
                  <>
                    {m.disabled ? <Badge value="disabled" /> : null}{" "}
                    <button type="button" class="link" onClick={() => update(m, { disabled: !m.disabled })}>
                      {m.disabled ? "Enable" : "Disable"}
                      <span class="visually-hidden"> {m.name || m.email}</span>
                    </button>
                  </>
                ),
              },
            ]}
          />
          <ListFooter list={list} what="staff" empty="No staff yet." />
        </section>
        <section class="card" aria-labelledby="new-staff-title">
          <h2 id="new-staff-title">Add a staff member</h2>
          <form onSubmit={create}>
            <Field label="Name" name="name" required error={fieldError(action.error, "/name")} />
            <Field label="Email" name="email" type="email" required autoComplete="off" error={fieldError(action.error, "/email")} />
            <div class="field">
              <label for="f-role">Role</label>
              <select id="f-role" name="role">
                {ROLES.map((r) => (
                  <option key={r} value={r} selected={r === "read_only"}>
                    {r.replace("_", "-")}: {ROLE_HELP[r]}
                  </option>
                ))}
              </select>
            </div>
            <Field label="Initial password" name="password" type="password" required minLength={12} autoComplete="new-password" error={fieldError(action.error, "/password")} />
            <button type="submit">Add staff member</button>
          </form>
        </section>
      </div>
    </Page>
  );
}
