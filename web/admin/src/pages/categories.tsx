import { api, unwrap, type Schemas } from "../api";
import { Field, fieldError, Loading, Page, ProblemAlert, useAction, useAsync } from "../ui";

type CategoryNode = Schemas["CategoryNode"];

export function CategoriesPage() {
  const tree = useAsync(async () => unwrap(await api.GET("/v1/categories")).data as CategoryNode[], []);
  const action = useAction();
  const flat = (nodes: CategoryNode[], depth = 0): { node: CategoryNode; depth: number }[] =>
    nodes.flatMap((node) => [{ node, depth }, ...flat((node.children ?? []) as CategoryNode[], depth + 1)]);

  const create = action.submit(
    async (data) => {
      const parentId = String(data.get("parentId") || "") || null;
      return unwrap(await api.POST("/v1/categories", { body: { name: String(data.get("name")).trim(), parentId } }));
    },
    (created) => `Category ${(created as { name: string }).name} created.`,
    tree.reload,
  );
  const remove = (node: CategoryNode) => {
    if (confirm(`Delete the category ${node.name}?`)) void action.run(async () => unwrap(await api.DELETE("/v1/categories/{idOrSlug}", { params: { path: { idOrSlug: node.id } } })), `Category ${node.name} deleted.`, tree.reload);
  };

  const rows = flat(tree.data ?? []);
  return (
    <Page title="Categories">
      <ProblemAlert error={tree.error ?? action.error} />
      <div class="grid">
        <section class="card wide" aria-labelledby="tree-title">
          <h2 id="tree-title">Category tree</h2>
          {tree.loading && !tree.data ? <Loading what="categories" /> : null}
          <ul class="tree">
            {rows.map(({ node, depth }) => (
              <li key={node.id} style={{ paddingInlineStart: `${depth * 1.25}rem` }}>
                <span>{node.name}</span> <code class="muted small">{node.slug}</code>{" "}
                <button type="button" class="link danger small" onClick={() => remove(node)}>
                  Delete<span class="visually-hidden"> {node.name}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
        <section class="card" aria-labelledby="new-category-title">
          <h2 id="new-category-title">New category</h2>
          <form onSubmit={create}>
            <Field label="Name" name="name" required error={fieldError(action.error, "/name")} />
            <div class="field">
              <label for="f-parent">Parent</label>
              <select id="f-parent" name="parentId">
                <option value="">None (top level)</option>
                {rows.map(({ node, depth }) => (
                  <option key={node.id} value={node.id}>
                    {"\u2003".repeat(depth)}
                    {node.name}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit">Create category</button>
          </form>
        </section>
      </div>
    </Page>
  );
}
