// The admin refuses a read-only staff member's write: the owner adds a read_only staff member, who
// signs in, can read the catalog, and sees the API's 403 when saving a product.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { api, BASE, hasRoute, launch, shots } from "../support.mjs";

const stamp = Date.now().toString(36);
const reader = { email: `reader-${stamp}@edgeshop.dev`, password: `read-only-${stamp}-password`, name: "Rita Reader" };
let browser, page, staffReady;

before(async () => {
  staffReady = (await hasRoute("POST", "/v1/staff/sign-in")) && (await hasRoute("GET", "/v1/staff"));
  browser = await launch();
  page = await browser.context.newPage();
});
after(() => browser?.close());

test("a read-only staff member can read but not write", async (t) => {
  if (!staffReady) return t.skip("staff accounts are not on this server yet (backoffice)");
  const created = await api("POST", "/v1/staff", { ...reader, role: "read_only" });
  assert.equal(created.status, 201, JSON.stringify(created.body));

  await page.goto(`${BASE}/admin`);
  await page.getByLabel("Email").fill(reader.email);
  await page.getByLabel("Password").fill(reader.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByTestId("signed-in-as").getByText("read-only").waitFor();

  await page.getByRole("link", { name: "Products" }).click();
  const first = page.getByRole("table").getByRole("link").first();
  await first.waitFor();
  await first.click();
  await page.getByRole("button", { name: "Save product" }).waitFor();
  await page.getByLabel("Description").fill("A read-only member tried to change this.");
  await page.getByRole("button", { name: "Save product" }).click();
  const alert = page.getByRole("alert");
  await alert.waitFor();
  assert.match(await alert.textContent(), /Not allowed.*403/s);
  await shots(page, "admin-read-only-refused");
});
