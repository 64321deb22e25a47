import { WorkerEntrypoint } from "cloudflare:workers";
import { createServiceContext, type ServiceContext } from "../../context";
import type { Env } from "../../env";
import { ServiceError, type ErrorCode, type FieldError } from "../../shared/errors";
import type { ListProductsInput, SearchInput } from "./schemas";
import type * as CatalogModule from "./service";

// Loaded on the first call, not at Worker start-up (the entrypoint class must exist at start-up).
let loadCatalog: Promise<typeof CatalogModule> | undefined;

/** RPC results carry errors as data: thrown errors lose their fields crossing the boundary. */
export type RpcResult<T> = { ok: true; value: T } | { ok: false; error: { code: ErrorCode; message: string; errors?: FieldError[] } };

/**
 * The catalog's public surface over a service binding (RPC): the seam along which the catalog can
 * later become its own Worker. Calls run as an anonymous (public) actor with the service's own
 * validation and rules.
 */
export class CatalogService extends WorkerEntrypoint<Env> {
  listProducts(input: ListProductsInput = {}) {
    return this.run((catalog, ctx) => catalog.listProducts(ctx, input));
  }

  getProduct(idOrSlug: string) {
    return this.run((catalog, ctx) => catalog.getProduct(ctx, idOrSlug));
  }

  searchProducts(input: SearchInput) {
    return this.run((catalog, ctx) => catalog.searchProducts(ctx, input));
  }

  categoryTree() {
    return this.run((catalog, ctx) => catalog.categoryTree(ctx));
  }

  private async run<T>(operation: (catalog: typeof CatalogModule, ctx: ServiceContext) => Promise<T>): Promise<RpcResult<T>> {
    const catalog = await (loadCatalog ??= import("./service"));
    const ctx = createServiceContext({ env: this.env, actor: { kind: "anonymous" }, requestId: `rpc_${crypto.randomUUID()}`, waitUntil: (p) => this.ctx.waitUntil(p) });
    try {
      return { ok: true, value: await operation(catalog, ctx) };
    } catch (error) {
      if (error instanceof ServiceError) return { ok: false, error: { code: error.code, message: error.message, ...(error.errors && { errors: error.errors }) } };
      throw error;
    }
  }
}
