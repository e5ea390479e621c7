// Shared set-up: one Chromium for the file, a fresh context per page, JavaScript on or off.
import { chromium } from "playwright-core";

export const BASE = process.env.QUARRY_E2E_BASE_URL ?? "http://127.0.0.1:3000";

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
      "--no-first-run",
    ],
  });
}

/** The live server's admin password (scripts/e2e.sh sets it). */
export const PASSWORD = process.env.QUARRY_E2E_ADMIN_PASSWORD;

/** Signs `context` in as the admin as a program does: the session cookie lands in its jar. */
export async function signIn(context, base) {
  const res = await context.request.post(base + "/login", { form: { password: PASSWORD } });
  if (res.status() !== 200) throw new Error(`sign-in answered ${res.status()}: ${await res.text()}`);
}

/** Opens `path` (signed in as the admin first, if asked); with JavaScript on, waits until the app has hydrated. */
export async function open(browser, path, { js, width = 1280, base = BASE, signedIn = false } = {}) {
  const context = await browser.newContext({ javaScriptEnabled: js, viewport: { width, height: 900 } });
  if (signedIn) await signIn(context, base);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  const res = await page.goto(base + path, { waitUntil: "load" });
  if (js) await page.waitForSelector("body[data-hydrated=true]", { timeout: 20000 });
  return { page, context, errors, status: res.status() };
}

/** Runs `fn` once with JavaScript off and once with it on. */
export const MODES = [
  { name: "JavaScript off", js: false },
  { name: "JavaScript on", js: true },
];
