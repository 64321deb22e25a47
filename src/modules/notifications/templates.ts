/**
 * Transactional email templates: plain text, money formatted with Intl in the order's currency
 * (its own number of minor digits: 2 for EUR, 0 for JPY, 3 for KWD).
 */
export interface Email {
  subject: string;
  text: string;
}

/** Integer minor units -> "€12.34" / "¥1,234" / "KWD 1.234", exactly (the decimal is built as a string, never a float). */
export function formatMoney(amount: number, currency: string, locale = "en"): string {
  const format = new Intl.NumberFormat(locale, { style: "currency", currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  const sign = amount < 0 ? "-" : "";
  const units = String(Math.abs(amount)).padStart(digits + 1, "0");
  const decimal = digits === 0 ? units : `${units.slice(0, -digits)}.${units.slice(-digits)}`;
  return format.format(`${sign}${decimal}` as unknown as number);
}

interface Line {
  title: string;
  sku: string;
  quantity: number;
  lineTotal: number;
}

export function orderConfirmation(order: { number: string; currency: string; lines: Line[]; subtotal: number; shipping: number; tax: number; total: number }): Email {
  const m = (n: number) => formatMoney(n, order.currency);
  const lines = order.lines.map((l) => `  ${l.quantity} x ${l.title} (${l.sku})  ${m(l.lineTotal)}`);
  return {
    subject: `Order ${order.number} confirmed`,
    text: [
      `Thank you for your order ${order.number}.`,
      "",
      ...lines,
      "",
      `Subtotal: ${m(order.subtotal)}`,
      `Shipping: ${m(order.shipping)}`,
      `Tax: ${m(order.tax)}`,
      `Total: ${m(order.total)}`,
      "",
      "We will write again when it ships.",
    ].join("\n"),
  };
}

export function shipment(f: { orderNumber: string; carrier: string | null; trackingNumber: string | null; trackingUrl: string | null; lines: { title: string; sku: string; quantity: number }[]; complete: boolean }): Email {
  const tracking = f.trackingNumber ? [`Tracking: ${f.carrier ? `${f.carrier} ` : ""}${f.trackingNumber}`, ...(f.trackingUrl ? [`Track it: ${f.trackingUrl}`] : [])] : ["No tracking number was given for this shipment."];
  return {
    subject: `Order ${f.orderNumber}: ${f.complete ? "shipped" : "part of your order shipped"}`,
    text: [`${f.complete ? "The rest of your order" : "Part of your order"} ${f.orderNumber} is on its way:`, "", ...f.lines.map((l) => `  ${l.quantity} x ${l.title} (${l.sku})`), "", ...tracking].join("\n"),
  };
}

export function refund(r: { orderNumber: string; amount: number; currency: string; refunded: number; captured: number }): Email {
  const m = (n: number) => formatMoney(n, r.currency);
  return {
    subject: `Order ${r.orderNumber}: ${m(r.amount)} refunded`,
    text: [
      `We refunded ${m(r.amount)} for order ${r.orderNumber}.`,
      `Refunded so far: ${m(r.refunded)} of ${m(r.captured)} paid.`,
      "",
      "Depending on your bank it can take 5-10 days to appear on your statement.",
    ].join("\n"),
  };
}

export function passwordReset(p: { link: string; expiresAt: string }): Email {
  return {
    subject: "Reset your password",
    text: [
      "Someone (hopefully you) asked to reset the password of your account.",
      "",
      `Set a new password: ${p.link}`,
      "",
      `The link works once and expires at ${p.expiresAt}. Signing in elsewhere stops when you use it.`,
      "If you did not ask for this, ignore this email: your password stays as it is.",
    ].join("\n"),
  };
}
