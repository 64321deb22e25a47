import { useState } from "preact/hooks";
import { itemsOf, staffApi } from "../api";
import { ROLES, type Staff } from "../contract";
import { announce, Badge, Field, fieldError, Loading, More, Page, ProblemAlert, Time, usePages } from "../ui";

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
    return { items: itemsOf(page), next: page.next_cursor };
  }, []);
  const [error, setError] = useState<unknown>();

  const create = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    setError(undefined);
    try {
      await staffApi.create({ email: String(data.get("email")).trim(), name: String(data.get("name")).trim(), role: String(data.get("role")), password: String(data.get("password")) });
      announce("Staff member added.");
      form.reset();
      list.reload();
    } catch (e) {
      setError(e);
    }
  };
  const update = async (member: Staff, change: { role?: string; disabled?: boolean }) => {
    setError(undefined);
    try {
      await staffApi.update(member.id, change);
      announce(`${member.name || member.email} updated.`);
      list.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Page title="Staff">
      <ProblemAlert error={list.error ?? error} />
      <div class="grid">
        <section class="card wide" aria-labelledby="staff-title">
          <h2 id="staff-title">Staff members</h2>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Role</th>
                  <th scope="col">Last sign-in</th>
                  <th scope="col">Access</th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((m) => (
                  <tr key={m.id}>
                    <th scope="row">
                      {m.name}
                      <div class="muted small">{m.email}</div>
                    </th>
                    <td>
                      <label class="visually-hidden" for={`role-${m.id}`}>
                        Role of {m.name || m.email}
                      </label>
                      <select id={`role-${m.id}`} value={m.role} onChange={(e) => update(m, { role: (e.currentTarget as HTMLSelectElement).value })}>
                        {ROLES.map((r) => (
                          <option key={r} value={r}>
                            {r.replace("_", "-")}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <Time value={m.lastSignInAt} />
                    </td>
                    <td>
                      {m.disabled ? <Badge value="disabled" /> : null}{" "}
                      <button type="button" class="link" onClick={() => update(m, { disabled: !m.disabled })}>
                        {m.disabled ? "Enable" : "Disable"}
                        <span class="visually-hidden"> {m.name || m.email}</span>
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {list.loading ? <Loading what="staff" /> : list.items.length === 0 ? <p class="empty">No staff yet.</p> : null}
          <More next={list.next} onMore={list.more} busy={list.loading} />
        </section>
        <section class="card" aria-labelledby="new-staff-title">
          <h2 id="new-staff-title">Add a staff member</h2>
          <form onSubmit={create}>
            <Field label="Name" name="name" required error={fieldError(error, "/name")} />
            <Field label="Email" name="email" type="email" required autoComplete="off" error={fieldError(error, "/email")} />
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
            <Field label="Initial password" name="password" type="password" required minLength={12} autoComplete="new-password" error={fieldError(error, "/password")} />
            <button type="submit">Add staff member</button>
          </form>
        </section>
      </div>
    </Page>
  );
}
