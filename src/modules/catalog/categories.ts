import { asc, eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { requireAdmin, type ServiceContext } from "../../context";
import { notFound, ServiceError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { slugify } from "../../shared/schemas";
import { parseInput } from "../../shared/validation";
import { CreateCategoryInput, UpdateCategoryInput, type Category, type CategoryNode } from "./schemas";
import { categories } from "./tables";
import { catalogChanged, commitCatalogChange } from "./commit";
import { now, toCategory, findCategory, inSubtree } from "./records";

const MAX_CATEGORY_DEPTH = 8;

export async function getCategory(ctx: ServiceContext, idOrSlug: string): Promise<Category> {
  const row = await findCategory(ctx.db, idOrSlug);
  if (!row) throw notFound("Category", idOrSlug);
  return toCategory(row);
}

/** The whole category tree in one query, children ordered by position then name. */
export async function categoryTree(ctx: ServiceContext): Promise<CategoryNode[]> {
  const rows = await ctx.db.select().from(categories).orderBy(asc(categories.depth), asc(categories.position), asc(categories.name));
  const nodes = new Map<string, CategoryNode>();
  const roots: CategoryNode[] = [];
  for (const row of rows) {
    const node: CategoryNode = { ...toCategory(row), children: [] };
    nodes.set(row.id, node);
    const parent = row.parentId ? nodes.get(row.parentId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

export async function createCategory(ctx: ServiceContext, rawInput: unknown): Promise<Category> {
  requireAdmin(ctx.actor, "catalog:write");
  const input = parseInput(CreateCategoryInput, rawInput);
  const parent = input.parentId ? await findCategory(ctx.db, input.parentId) : undefined;
  if (input.parentId && !parent) {
    throw new ServiceError("VALIDATION_FAILED", "Unknown parent category.", { errors: [{ pointer: "/parentId", detail: `Category '${input.parentId}' does not exist.` }] });
  }
  const depth = parent ? parent.depth + 1 : 0;
  if (depth >= MAX_CATEGORY_DEPTH) {
    throw new ServiceError("VALIDATION_FAILED", `Categories nest at most ${MAX_CATEGORY_DEPTH} levels.`, { errors: [{ pointer: "/parentId", detail: "Too deep." }] });
  }
  const id = newId("category");
  const at = now();
  await commitCatalogChange(ctx, [
    ctx.db.insert(categories).values({
      id,
      parentId: parent?.id ?? null,
      name: input.name,
      slug: input.slug ?? slugify(input.name),
      description: input.description ?? null,
      path: `${parent?.path ?? "/"}${id}/`,
      depth,
      position: input.position ?? 0,
      createdAt: at,
      updatedAt: at,
    }),
  ], {}, { events: false });
  return getCategory(ctx, id);
}

export async function updateCategory(ctx: ServiceContext, idOrSlug: string, rawInput: unknown): Promise<Category> {
  requireAdmin(ctx.actor, "catalog:write");
  const input = parseInput(UpdateCategoryInput, rawInput);
  const existing = await findCategory(ctx.db, idOrSlug);
  if (!existing) throw notFound("Category", idOrSlug);
  const id = existing.id;
  const at = now();
  const { parentId, ...fields } = input;
  const statements: BatchItem<"sqlite">[] = [];

  if (parentId !== undefined && parentId !== existing.parentId) {
    const parent = parentId ? await findCategory(ctx.db, parentId) : undefined;
    if (parentId && !parent) {
      throw new ServiceError("VALIDATION_FAILED", "Unknown parent category.", { errors: [{ pointer: "/parentId", detail: `Category '${parentId}' does not exist.` }] });
    }
    if (parent && parent.path.startsWith(existing.path)) {
      throw new ServiceError("CONFLICT", "A category cannot move under itself or its descendants.", { errors: [{ pointer: "/parentId", detail: "Would create a cycle." }] });
    }
    const newPath = `${parent?.path ?? "/"}${existing.id}/`;
    const depthDelta = (parent ? parent.depth + 1 : 0) - existing.depth;
    // Re-root the whole subtree (this category and its descendants) in the same batch.
    statements.push(
      ctx.db
        .update(categories)
        .set({
          path: sql`${newPath} || substr(${categories.path}, ${existing.path.length + 1})`,
          depth: sql`${categories.depth} + ${depthDelta}`,
        })
        .where(inSubtree(existing.path)),
    );
    statements.push(ctx.db.update(categories).set({ parentId: parent?.id ?? null }).where(eq(categories.id, id)));
  }
  statements.push(ctx.db.update(categories).set({ ...fields, updatedAt: at }).where(eq(categories.id, id)));
  await commitCatalogChange(ctx, statements, {}, { events: false });
  return getCategory(ctx, id);
}

export async function deleteCategory(ctx: ServiceContext, idOrSlug: string): Promise<void> {
  requireAdmin(ctx.actor, "catalog:write");
  const id = (await findCategory(ctx.db, idOrSlug))?.id ?? idOrSlug;
  const child = await ctx.db.select({ id: categories.id }).from(categories).where(eq(categories.parentId, id)).get();
  if (child) throw new ServiceError("CONFLICT", "Move or delete the subcategories first.");
  const deleted = await ctx.db.delete(categories).where(eq(categories.id, id)).returning({ id: categories.id });
  if (deleted.length === 0) throw notFound("Category", id);
  catalogChanged(ctx, {});
}
