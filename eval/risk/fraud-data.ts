/**
 * The public "Fraud_Data" layout (e-commerce first purchases: user_id, signup_time, purchase_time,
 * purchase_value, device_id, source, browser, sex, age, ip_address, class), read as it comes: ISO
 * or m/d/yy[yy] h:mm times, with or without ip_address, quoted or not. sex and age are never read.
 * Each row becomes the checkout the Worker would have seen (risk features input).
 */
import { readFileSync } from "node:fs";
import type { CheckoutRiskFacts } from "../../src/modules/risk/features";
import { splitCsvLine } from "../shared/csv";

export interface FraudRow {
  userId: string;
  signupAt: number;
  purchaseAt: number;
  /** Major units (the public set: whole US dollars). */
  value: number;
  deviceId: string | null;
  /** Dotted quad, from the numeric address of the public copies. */
  ip: string | null;
  fraud: boolean;
}

/** Times are taken as UTC; returns NaN for anything else. */
export function parseTime(s: string): number {
  const iso = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?/.exec(s);
  if (iso) return Date.UTC(+iso[1]!, +iso[2]! - 1, +iso[3]!, +iso[4]!, +iso[5]!, +(iso[6] ?? 0));
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?/.exec(s);
  if (us) return Date.UTC(us[3]!.length === 2 ? 2000 + +us[3]! : +us[3]!, +us[1]! - 1, +us[2]!, +us[4]!, +us[5]!, +(us[6] ?? 0));
  return NaN;
}

export function ipFromNumber(raw: string | undefined): string | null {
  const x = Math.floor(Number(raw));
  if (!raw?.trim() || !Number.isFinite(x) || x < 0 || x > 0xffffffff) return null;
  return [24, 16, 8, 0].map((s) => (Math.floor(x / 2 ** s) % 256).toString()).join(".");
}

export function parseFraudData(text: string): { rows: FraudRow[]; skipped: number; hasIp: boolean; hasDevice: boolean } {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/).filter((l) => l.trim());
  const header = splitCsvLine(lines[0] ?? "").map((h) => h.trim().toLowerCase());
  const col = (n: string) => header.indexOf(n);
  const ix = { user: col("user_id"), signup: col("signup_time"), purchase: col("purchase_time"), value: col("purchase_value"), device: col("device_id"), ip: col("ip_address"), label: col("class") };
  if (ix.user < 0 || ix.signup < 0 || ix.purchase < 0 || ix.value < 0 || ix.label < 0) {
    throw new Error(`not the Fraud_Data layout: need user_id, signup_time, purchase_time, purchase_value, class (got ${header.join(", ")})`);
  }
  const rows: FraudRow[] = [];
  let skipped = 0;
  for (const line of lines.slice(1)) {
    const f = splitCsvLine(line);
    const signupAt = parseTime(f[ix.signup] ?? "");
    const purchaseAt = parseTime(f[ix.purchase] ?? "");
    const value = Number(f[ix.value]);
    const label = f[ix.label]?.trim();
    if (!Number.isFinite(signupAt) || !Number.isFinite(purchaseAt) || !Number.isFinite(value) || (label !== "0" && label !== "1")) {
      skipped++;
      continue;
    }
    rows.push({
      userId: f[ix.user]!.trim(),
      signupAt,
      purchaseAt,
      value,
      deviceId: ix.device >= 0 ? f[ix.device]?.trim() || null : null,
      ip: ix.ip >= 0 ? ipFromNumber(f[ix.ip]) : null,
      fraud: label === "1",
    });
  }
  return { rows, skipped, hasIp: ix.ip >= 0, hasDevice: ix.device >= 0 };
}

export const readFraudData = (path: string) => parseFraudData(readFileSync(path, "utf8"));

/** The checkout a row stands for: a signed-in customer created at signup_time, one line of the value. */
export function checkoutOf(r: FraudRow): CheckoutRiskFacts {
  const amount = Math.round(r.value * 100);
  return {
    customerId: `user_${r.userId}`,
    email: `user_${r.userId}@example.invalid`,
    ip: r.ip,
    deviceId: r.deviceId,
    cf: null,
    shippingAddress: null,
    billingAddress: null,
    lines: [{ sku: "item", quantity: 1, unitPrice: { amount, currency: "USD" } }],
    total: { amount, currency: "USD" },
    accountCreatedAt: new Date(r.signupAt).toISOString(),
    paymentFingerprint: null,
  };
}
