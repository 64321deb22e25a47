import { describe, expect, it } from "vitest";
import { formatMoney, orderConfirmation, passwordReset, refund, shipment } from "../../src/modules/notifications";

describe("email templates", () => {
  it("formats integer minor units exactly in each currency's digits", () => {
    expect(formatMoney(123456, "EUR")).toBe("€1,234.56");
    expect(formatMoney(5, "EUR")).toBe("€0.05");
    expect(formatMoney(1234, "JPY")).toBe("¥1,234");
    expect(formatMoney(1234, "KWD")).toBe("KWD\u00a01.234");
    expect(formatMoney(-2975, "GBP")).toBe("-£29.75");
    expect(formatMoney(123456789012345, "USD")).toBe("$1,234,567,890,123.45");
    expect(formatMoney(2975, "EUR", "de-DE")).toBe("29,75\u00a0€");
  });

  it("renders the order confirmation, shipment, refund and reset emails as plain text", () => {
    const confirmation = orderConfirmation({ number: "ES-1", currency: "EUR", subtotal: 7500, shipping: 490, tax: 1518, total: 9508, lines: [{ title: "Tee", sku: "TEE-1", quantity: 3, lineTotal: 7500 }] });
    expect(confirmation.subject).toBe("Order ES-1 confirmed");
    expect(confirmation.text).toContain("3 x Tee (TEE-1)  €75.00");
    expect(confirmation.text).toContain("Total: €95.08");

    const partial = shipment({ orderNumber: "ES-1", carrier: "DHL", trackingNumber: "0034", trackingUrl: "https://dhl.example/0034", complete: false, lines: [{ title: "Tee", sku: "TEE-1", quantity: 2 }] });
    expect(partial.subject).toBe("Order ES-1: part of your order shipped");
    expect(partial.text).toContain("Tracking: DHL 0034");
    expect(partial.text).toContain("Track it: https://dhl.example/0034");
    expect(shipment({ orderNumber: "ES-1", carrier: null, trackingNumber: null, trackingUrl: null, complete: true, lines: [] }).text).toContain("No tracking number");

    const refunded = refund({ orderNumber: "ES-2", amount: 1000, currency: "JPY", refunded: 1000, captured: 5000 });
    expect(refunded.subject).toBe("Order ES-2: ¥1,000 refunded");
    expect(refunded.text).toContain("Refunded so far: ¥1,000 of ¥5,000 paid.");

    const reset = passwordReset({ link: "https://shop.example/reset-password?token=prst_x", expiresAt: "2026-12-03T10:00:00.000Z" });
    expect(reset.text).toContain("https://shop.example/reset-password?token=prst_x");
    expect(reset.text).not.toMatch(/<[a-z]/);
  });
});
