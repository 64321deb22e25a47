import { sql } from "drizzle-orm";
import { type ServiceContext } from "../../context";
import { ServiceError } from "../../shared/errors";
import { decodeCursor, type Page, pageOf, withItems } from "../../shared/pagination";
import { parseInput } from "../../shared/validation";
import { SearchInput, type SearchHit } from "./schemas";
import { findMarket } from "../pricing";
import { joinMarket, pricingOf, ON_ITS_ROW, unknownMarket } from "./market";
import { hydratedProduct, hydratedProductColumns, type HydrationOptions, type SelectedRow } from "./products";

// Private-use markers survive FTS5's highlight(); the text is HTML-escaped before they become <mark>.
const MARK_OPEN = "\u{E000}";

const MARK_CLOSE = "\u{E001}";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function markToHtml(text: string): string {
  return escapeHtml(text).replaceAll(MARK_OPEN, "<mark>").replaceAll(MARK_CLOSE, "</mark>");
}

/** Turn free text into an FTS5 query: every word must match, each as a prefix. No operator injection. */
export function toFtsQuery(q: string): string | null {
  const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return null;
  return words
    .slice(0, 12)
    .map((w) => `"${w}"*`)
    .join(" ");
}

/** Full-text search over active products, ranked by bm25 (title 10, SKU 5, description 2); `options` as for product reads. */
export async function searchProducts(ctx: ServiceContext, rawInput: unknown, options: HydrationOptions = {}): Promise<Page<SearchHit>> {
  const input = parseInput(SearchInput, rawInput);
  const match = toFtsQuery(input.q);
  if (!match) {
    throw new ServiceError("VALIDATION_FAILED", "The query has no searchable words.", {
      errors: [{ pointer: "/q", detail: "Use at least one letter or digit." }],
    });
  }
  const offset = input.cursor ? Number(decodeCursor(input.cursor).v) : 0;
  if (!Number.isInteger(offset) || offset < 0) {
    throw new ServiceError("VALIDATION_FAILED", "The cursor is not valid.", { errors: [{ pointer: "/cursor", detail: "Not a search cursor." }] });
  }

  const pricing = pricingOf(ctx, input.market);
  // Each hit comes hydrated (variants with availability, category ids) and priced in the read's market
  // (joined into the same statement, see ./market.ts), with the columns and mapping of product reads.
  const rows = await ctx.db.all<SelectedRow & { score: number; hl_title: string; hl_description: string }>(sql`
    SELECT ${hydratedProductColumns(options)},
      bm25(products_fts, 0.0, 10.0, 2.0, 5.0) AS score,
      highlight(products_fts, 1, ${MARK_OPEN}, ${MARK_CLOSE}) AS hl_title,
      snippet(products_fts, 2, ${MARK_OPEN}, ${MARK_CLOSE}, '…', 24) AS hl_description
    FROM products_fts INNER JOIN products ON products.id = products_fts.product_id INNER JOIN ${joinMarket(pricing)} ON ${ON_ITS_ROW}
    WHERE products_fts MATCH ${match} AND products.status = 'active'
    ORDER BY score, products.id
    LIMIT ${input.limit + 1} OFFSET ${offset}`);
  if (rows.length === 0 && pricing.market && !(await findMarket(ctx, pricing.market))) throw unknownMarket(pricing);

  const page = pageOf(rows, input.limit, (r, i) => ({ v: offset + i + 1, id: r.id }), offset > 0);
  return withItems(
    page,
    page.items.map((r) => ({
      product: hydratedProduct(r),
      score: r.score,
      highlights: { title: markToHtml(r.hl_title), description: markToHtml(r.hl_description) },
    })),
  );
}
