// The storefront's browsing pages, with JavaScript off too: category, sort and next page, search,
// a product, the account page; each passes the accessibility check and is photographed.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, checkAccessibility, launch, shots, watch } from "../support.mjs";

let browser, page, problems;
before(async () => {
  browser = await launch();
  page = await browser.context.newPage();
  problems = watch(page);
});
after(() => browser?.close());

test("a category page, sorted, and its next page", async () => {
  await page.goto(BASE);
  await page.getByRole("navigation", { name: "Categories" }).getByText("Apparel", { exact: true }).click();
  await page.getByRole("link", { name: "All Apparel" }).click();
  await page.getByRole("heading", { name: "Apparel", level: 1 }).waitFor();
  await page.getByLabel("Sort by").selectOption("PRICE_ASC");
  await page.getByRole("button", { name: "Apply" }).click();
  await page.waitForURL(/sort=PRICE_ASC/);
  const prices = await page.locator(".grid .price").allTextContents();
  const amounts = prices.map((p) => Number(p.replace(/[^0-9.]/g, "")));
  assert.deepEqual(
    amounts,
    [...amounts].sort((a, b) => a - b),
  );
  assert.deepEqual(await checkAccessibility(page), []);
  await shots(page, "store-tour-category");
  await page.getByRole("link", { name: "Next page" }).click();
  await page.waitForURL(/after=/);
  assert.ok((await page.locator(".grid .card").count()) > 0);
});

test("search highlights what matched", async () => {
  await page.goto(`${BASE}/search?q=merino`);
  await page.getByRole("heading", { name: /Results for/ }).waitFor();
  assert.ok((await page.locator("mark").count()) > 0);
  assert.deepEqual(await checkAccessibility(page), []);
});

test("the account page offers sign-in and sign-up", async () => {
  await page.goto(`${BASE}/account`);
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  assert.deepEqual(await checkAccessibility(page), []);
  await shots(page, "store-tour-account");
});

test("a customer signs up, buys, and follows the order on the live feed", async () => {
  const email = `customer-${Date.now().toString(36)}@example.com`;
  await page.getByLabel("Name").fill("Katherine Johnson");
  await page.getByLabel("Email").nth(1).fill(email);
  await page.getByLabel("Password").nth(1).fill("correct horse battery staple");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: /Hello, Katherine/ }).waitFor();
  const slug = await page.evaluate(async () => (await (await fetch("/v1/products?limit=1&inStock=true")).json()).data[0].slug);
  await page.goto(`${BASE}/p/${slug}`);
  await page.getByRole("button", { name: "Add to cart" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Full name").fill("Katherine Johnson");
  await page.getByLabel("Address", { exact: true }).fill("3 Orbit Rd");
  await page.getByLabel("Postal code").fill("1011");
  await page.getByLabel("City").fill("Amsterdam");
  await page.getByLabel("Country").selectOption("NL");
  await page.getByRole("button", { name: "Place order" }).click();
  await page.getByRole("heading", { name: /^Order ES-/ }).waitFor();
  // Signed in: the page follows the API's live order feed (not polling).
  await page.getByText("● live").waitFor();
  await page.goto(`${BASE}/account`);
  await page.getByRole("link", { name: /^ES-/ }).first().waitFor();
  await shots(page, "store-tour-account-orders");
});

test("no script errors or CSP violations", () => {
  assert.deepEqual(problems, []);
});
