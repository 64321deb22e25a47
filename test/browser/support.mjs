// Shared helpers for the browser journeys: Debian's Chromium through playwright-core, screenshots,
// a small accessibility check, and the URLs of the Worker under test (set by run.mjs).
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const BASE = process.env.BROWSER_BASE_URL ?? "http://127.0.0.1:8840";
export const SECOND_ORIGIN = process.env.BROWSER_SECOND_ORIGIN ?? "http://127.0.0.1:8788";
export const UNLISTED_ORIGIN = process.env.BROWSER_UNLISTED_ORIGIN ?? "http://127.0.0.1:8842";
export const ADMIN_KEY = process.env.ADMIN_API_KEY ?? "esk_admin_dev_0000000000000000000000000000";
export const OWNER = { email: "owner@edgeshop.dev", password: "edgeshop-dev-owner" };
export const SCREENSHOTS = join(process.cwd(), "test-results", "screenshots");
export const LAPTOP = { width: 1366, height: 860 };
export const PHONE = { width: 390, height: 844 };

const EXECUTABLE = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Launch headless Chromium with a fresh profile; the flags keep it off the network (closed sandbox). */
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), "edgeshop-chromium-"));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: EXECUTABLE,
    headless: true,
    viewport: LAPTOP,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });
  return {
    /** A second, isolated profile for another person (e.g. the shopper next to the staff member). */
    async person() {
      return launch();
    },
    context: browser,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Fail on uncaught page errors and CSP violations; return what was seen for assertions. */
export function watch(page) {
  const problems = [];
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy|Refused to/i.test(message.text())) problems.push(`csp: ${message.text()}`);
  });
  return problems;
}

export async function shot(page, name, { fullPage = true } = {}) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Settled pages only: no "Loading…" placeholder left.
  await page.waitForFunction(() => ![...document.querySelectorAll("[role=status]")].some((el) => /^Loading/.test(el.textContent ?? "")));
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}

/** Screenshots at laptop and phone width. */
export async function shots(page, name, options = {}) {
  const size = page.viewportSize();
  await shot(page, `${name}-laptop`, options);
  await page.setViewportSize(PHONE);
  await shot(page, `${name}-phone`, options);
  await page.setViewportSize(size ?? LAPTOP);
}

/**
 * A cheap accessibility check of the page as rendered: one main landmark, one h1, every visible form
 * control with an accessible name, every image with alt text, every button and link with a name.
 */
export async function checkAccessibility(page) {
  return page.evaluate(() => {
    const issues = [];
    const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length) && getComputedStyle(el).visibility !== "hidden";
    if (document.querySelectorAll("main").length !== 1) issues.push(`expected one <main>, found ${document.querySelectorAll("main").length}`);
    const h1 = [...document.querySelectorAll("h1")].filter(visible);
    if (h1.length !== 1) issues.push(`expected one visible <h1>, found ${h1.length}`);
    const nameOf = (el) => {
      if (el.getAttribute("aria-label")) return el.getAttribute("aria-label");
      const by = el.getAttribute("aria-labelledby");
      if (by) return by.split(" ").map((id) => document.getElementById(id)?.textContent ?? "").join(" ").trim();
      if (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)) return document.querySelector(`label[for="${CSS.escape(el.id)}"]`).textContent.trim();
      if (el.closest("label")) return el.closest("label").textContent.trim();
      return (el.textContent ?? "").trim() || el.getAttribute("title") || el.getAttribute("alt") || "";
    };
    for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
      if (visible(el) && !nameOf(el)) issues.push(`unlabelled ${el.tagName.toLowerCase()} ${el.name || el.id}`);
    }
    for (const el of document.querySelectorAll("button, a[href]")) if (visible(el) && !nameOf(el)) issues.push(`nameless ${el.tagName.toLowerCase()} ${el.outerHTML.slice(0, 80)}`);
    for (const img of document.querySelectorAll("img")) if (!img.hasAttribute("alt")) issues.push(`img without alt ${img.src}`);
    return issues;
  });
}

/** Does the Worker have this route yet? (journeys that need the backoffice side skip until it lands) */
export async function hasRoute(method, path) {
  const res = await fetch(BASE + path, { method, headers: { "content-type": "application/json" }, body: method === "GET" ? undefined : "{}" });
  return res.status !== 404 || !(await res.text()).includes("No route for");
}

export async function api(method, path, body, { token = ADMIN_KEY, headers = {} } = {}) {
  const res = await fetch(BASE + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** Sign in to the admin: staff email + password when staff sign-in exists, else (development) the bootstrap key. */
export async function adminSignIn(page, who = OWNER) {
  await page.goto(`${BASE}/admin`);
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  if (await hasRoute("POST", "/v1/staff/sign-in")) {
    await page.getByLabel("Email").fill(who.email);
    await page.getByLabel("Password").fill(who.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    return "staff";
  }
  await page.getByRole("button", { name: /admin API key/ }).click();
  await page.getByLabel("Admin API key").fill(ADMIN_KEY);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  return "key";
}
