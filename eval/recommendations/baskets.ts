/**
 * Basket files as they come:
 * - one basket per line (groceries.csv: comma-separated item names; else whitespace-separated ids);
 * - invoice lines with a header naming an invoice column and an item column, grouped into one
 *   basket per invoice: UCI Online Retail (InvoiceNo, StockCode, Quantity, UnitPrice; cancellations
 *   "C…", quantity or price <= 0 and non-product codes such as POST, DOT, M, BANK CHARGES are
 *   skipped), or a bakery's (Transaction, Item; "NONE" skipped).
 */
import { splitCsvLine } from "../shared/csv";
import { parseBaskets } from "./evaluation";

const INVOICE_COLUMNS = ["invoiceno", "invoice", "transaction", "transaction_id", "transactionno", "order_id", "orderid", "basket_id"];
const ITEM_COLUMNS = ["stockcode", "item", "product_id", "productid", "item_id", "itemid", "sku"];

export interface BasketFile {
  baskets: string[][];
  layout: string;
  /** Lines skipped, by reason. */
  skipped: Record<string, number>;
}

export function readBasketFile(text: string): BasketFile {
  const clean = text.replace(/^\uFEFF/, "");
  const end = clean.indexOf("\n");
  const header = splitCsvLine((end < 0 ? clean : clean.slice(0, end)).trim()).map((h) => h.trim().toLowerCase());
  const invoice = header.findIndex((h) => INVOICE_COLUMNS.includes(h));
  const item = header.findIndex((h) => ITEM_COLUMNS.includes(h));
  if (invoice < 0 || item < 0) return { baskets: parseBaskets(clean), layout: "one basket per line", skipped: {} };

  const quantity = header.indexOf("quantity");
  const price = header.findIndex((h) => h === "unitprice" || h === "price");
  const uci = header[item] === "stockcode";
  const byInvoice = new Map<string, Set<string>>();
  const skipped: Record<string, number> = {};
  const skip = (why: string) => (skipped[why] = (skipped[why] ?? 0) + 1);
  for (const line of clean.split(/\r?\n/).slice(1)) {
    if (!line.trim()) continue;
    const f = splitCsvLine(line);
    const id = f[invoice]?.trim() ?? "";
    const it = f[item]?.trim() ?? "";
    if (!id || !it || it.toUpperCase() === "NONE") skip("no invoice or item");
    else if (/^c/i.test(id)) skip("cancellation");
    else if (quantity >= 0 && !(Number(f[quantity]) > 0)) skip("quantity <= 0");
    else if (price >= 0 && !(Number(f[price]) > 0)) skip("price <= 0");
    else if (uci && !/^\d{5}[a-z]*$/i.test(it)) skip("not a product code");
    else {
      let basket = byInvoice.get(id);
      if (!basket) byInvoice.set(id, (basket = new Set()));
      basket.add(uci ? it.toUpperCase() : it);
    }
  }
  return { baskets: [...byInvoice.values()].map((b) => [...b]), layout: `invoice lines grouped by ${header[invoice]} (items: ${header[item]})`, skipped };
}
