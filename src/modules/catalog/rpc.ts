import { WorkerEntrypoint } from "cloudflare:workers";
import { createServiceContext } from "../../context";
import type { Env } from "../../env";
import type { ListProductsInput, SearchInput } from "./schemas";
import * as catalog from "./service";

/**
 * The catalog's public surface over a service binding (RPC): the seam along which the catalog can
 * later become its own Worker. Calls run as an anonymous (public) actor; validation and errors are
 * the service's own, so a bad input rejects with the same ServiceError message as over HTTP.
 */
export class CatalogService extends WorkerEntrypoint<Env> {
  private services() {
    return createServiceContext({ env: this.env, actor: { kind: "anonymous" }, requestId: `rpc_${crypto.randomUUID()}`, waitUntil: (p) => this.ctx.waitUntil(p) });
  }

  listProducts(input: ListProductsInput = {}) {
    return catalog.listProducts(this.services(), input);
  }

  getProduct(idOrSlug: string) {
    return catalog.getProduct(this.services(), idOrSlug);
  }

  searchProducts(input: SearchInput) {
    return catalog.searchProducts(this.services(), input);
  }

  categoryTree() {
    return catalog.categoryTree(this.services());
  }
}
