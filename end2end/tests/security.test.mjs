// The Content-Security-Policy as a browser enforces it: every page hydrates under it and
// nothing is blocked (a blocked script or style would be a CSP violation event).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, BASE } from "./browser.mjs";

const PAGES = [
  "/", "/commodities/metals", "/commodities/gold", "/commodities/signals", "/commodities/trending",
  "/commodities/compare?instruments=gold,silver", "/venture", "/venture/funding", "/venture/companies",
  "/venture/investors", "/venture/funds", "/venture/acquisitions", "/venture/ipo", "/venture/import",
  "/charts", "/jobs", "/api", "/no-such-page",
];

let browser;
before(async () => { browser = await launch(); });
after(async () => browser?.close());

test("every page hydrates under the Content-Security-Policy with no violation", async () => {
  const context = await browser.newContext({ javaScriptEnabled: true });
  await context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
  });
  for (const path of PAGES) {
    const page = await context.newPage();
    const console = [];
    page.on("console", (m) => { if (m.type() === "error" || /Content.Security.Policy/i.test(m.text())) console.push(m.text()); });
    page.on("pageerror", (e) => console.push(String(e)));
    const res = await page.goto(BASE + path, { waitUntil: "load" });
    const csp = res.headers()["content-security-policy"] ?? "";
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'nonce-[A-Za-z0-9_-]+'/, `${path}: ${csp}`);
    await page.waitForSelector("body[data-hydrated=true]", { timeout: 20000 });
    const violations = await page.evaluate(() => window.__violations);
    assert.deepEqual(violations, [], `${path}: CSP violations`);
    // A 404 page logs its own status as a console error in Chromium; anything else fails.
    const unexpected = console.filter((t) => !(path === "/no-such-page" && /404/.test(t)));
    assert.deepEqual(unexpected, [], `${path}: console errors`);
    await page.close();
  }
  await context.close();
});

test("a policy without the page's nonce blocks an injected inline script", async () => {
  // The header is what stops a stored script: checked here in the browser, not just read.
  const context = await browser.newContext({ javaScriptEnabled: true });
  const page = await context.newPage();
  await page.goto(BASE + "/", { waitUntil: "load" });
  await page.waitForSelector("body[data-hydrated=true]", { timeout: 20000 });
  const ran = await page.evaluate(async () => {
    window.__ran = false;
    const s = document.createElement("script");
    s.textContent = "window.__ran = true";
    document.body.appendChild(s);
    await new Promise((r) => setTimeout(r, 100));
    return window.__ran;
  });
  assert.equal(ran, false, "an inline script without the nonce ran");
  await context.close();
});
