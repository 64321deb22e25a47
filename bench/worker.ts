// The Worker as deployed, plus one bench-only route to set and read stock through the Inventory
// contract (the stock admin API belongs to feat/inventory). Used only by bench/wrangler.toml.
import type { Env } from "../src/env";
import worker from "../src/index";
import { getStockLevels, setStock } from "../src/modules/inventory";
import { timingSafeEqualStrings } from "../src/shared/crypto";

export * from "../src/index";

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname !== "/bench/stock") return worker.fetch(request, env, ctx);
    const auth = request.headers.get("authorization") ?? "";
    if (!env.ADMIN_API_KEY || !timingSafeEqualStrings(auth, `Bearer ${env.ADMIN_API_KEY}`)) return new Response("unauthorized", { status: 401 });
    if (request.method === "POST") {
      const { sku, onHand } = (await request.json()) as { sku: string; onHand: number };
      return Response.json(await setStock(env, { sku, onHand }));
    }
    const skus = url.searchParams.getAll("sku");
    return Response.json([...(await getStockLevels(env, skus)).values()]);
  },
  queue: worker.queue,
  scheduled: worker.scheduled,
} satisfies ExportedHandler<Env>;
