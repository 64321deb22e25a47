// Every admin page once, as a person would see it: it loads, passes the accessibility check, and is
// photographed at laptop and phone width. Plus the keyboard path and the phone menu.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { adminSignIn, BASE, checkAccessibility, launch, PHONE, shot, shots, watch } from "../support.mjs";

let browser, page, problems;
before(async () => {
  browser = await launch();
  page = await browser.context.newPage();
  problems = watch(page);
  await adminSignIn(page);
  await page.getByRole("heading", { name: "Orders", level: 1 }).waitFor();
});
after(() => browser?.close());

const pages = [
  ["Review queue", "review"],
  ["Customers", "customers"],
  ["Categories", "categories"],
  ["Stock", "stock"],
  ["Webhooks", "webhooks"],
  ["Deliveries", "deliveries"],
  ["Dead letters", "dead-letters"],
  ["API keys", "api-keys"],
  ["Staff", "staff"],
  ["Audit log", "audit-log"],
];

for (const [link, name] of pages) {
  test(`the ${link} page`, async () => {
    await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: link, exact: true }).click();
    await page.getByRole("heading", { level: 1 }).filter({ hasText: link === "Deliveries" ? "Webhook deliveries" : link }).waitFor();
    // Focus moved to the new page's heading (screen readers announce it).
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), "H1");
    assert.deepEqual(await checkAccessibility(page), []);
    await shots(page, `admin-tour-${name}`);
  });
}

test("stock of one SKU with its ledger", async () => {
  const sku = await page.evaluate(async (base) => (await (await fetch(`${base}/v1/products?limit=1`)).json()).data[0].variants[0].sku, BASE);
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Stock", exact: true }).click();
  await page.getByLabel("SKU").fill(sku);
  await page.getByRole("button", { name: "Show" }).click();
  await page.getByRole("heading", { name: `Stock of ${sku}` }).waitFor();
  await page.getByRole("cell", { name: "restock" }).first().waitFor();
  assert.deepEqual(await checkAccessibility(page), []);
  await shots(page, "admin-tour-stock-sku");
});

test("keyboard: the skip link leads to the content", async () => {
  await page.goto(`${BASE}/admin/customers`);
  await page.getByRole("heading", { name: "Customers", level: 1 }).waitFor();
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Skip to content");
  await shot(page, "admin-tour-skip-link-laptop", { fullPage: false });
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => location.hash), "#main");
});

test("phone: the menu opens and closes", async () => {
  await page.setViewportSize(PHONE);
  const nav = page.getByRole("navigation", { name: "Admin" });
  assert.equal(await nav.isVisible(), false);
  await page.getByRole("button", { name: "Menu" }).click();
  assert.equal(await page.getByRole("button", { name: "Menu" }).getAttribute("aria-expanded"), "true");
  await nav.getByRole("link", { name: "Products" }).waitFor();
  await shot(page, "admin-tour-menu-phone", { fullPage: false });
  await nav.getByRole("link", { name: "Products" }).click();
  await page.getByRole("heading", { name: "Products", level: 1 }).waitFor();
  assert.equal(await nav.isVisible(), false);
});

test("no script errors or CSP violations", () => {
  assert.deepEqual(problems, []);
});
