// The admin's sign-in as a person uses it, with JavaScript off (plain form posts) and on
// (the same posts, answers swapped in): from the jobs page's link to /login and back, a
// wrong password said on the page, the session cookie's flags, sign-out.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, open, MODES, PASSWORD } from "./browser.mjs";

const LIVE = process.env.QUARRY_E2E_LIVE_URL;
const skip = !LIVE || !PASSWORD ? "set QUARRY_E2E_LIVE_URL and QUARRY_E2E_ADMIN_PASSWORD" : false;

let browser;
before(async () => {
  if (!skip) browser = await launch();
});
after(async () => browser?.close());

for (const mode of MODES) {
  test(`sign in from the jobs page, come back to it, then sign out (${mode.name})`, { skip }, async () => {
    const { page, context, errors } = await open(browser, "/jobs", { js: mode.js, base: LIVE });
    try {
      if (mode.js) await page.evaluate(() => { window.__samePage = true; });
      assert.equal(await page.locator("form.run-now").count(), 0);
      await page.locator(".sign-in-first a", { hasText: "Sign in" }).click();
      await page.waitForURL(/\/login\?next=%2Fjobs$/);
      assert.equal(await page.locator("h1").innerText(), "Admin sign-in");

      const form = () => page.locator("form.sign-in");
      await form().locator('input[name="password"]').fill("not the password");
      await form().getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("alert").filter({ hasText: "The password is wrong." }).waitFor();
      assert.match(page.url(), /\/login\?error=wrong&next=%2Fjobs$/);
      assert.deepEqual(await context.cookies(), [], "a wrong password sets no cookie");

      await form().locator('input[name="password"]').fill(PASSWORD);
      await form().getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((u) => new URL(u).pathname === "/jobs");
      await page.locator("form.run-now").first().waitFor();
      const [cookie] = await context.cookies();
      assert.equal(cookie.name, "quarry_session");
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, "Strict");
      assert.equal(cookie.secure, false, "plain HTTP here; Secure behind TLS");
      assert.equal(cookie.value.length, 64);
      assert.equal(await page.evaluate(() => document.cookie), "", "no script can read the session");

      await page.goto(`${LIVE}/login`);
      if (mode.js) await page.waitForSelector("body[data-hydrated=true]");
      assert.match(await page.getByRole("status").innerText(), /You are signed in as the admin until/);
      if (mode.js) await page.evaluate(() => { window.__samePage = true; });
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByRole("status").filter({ hasText: "You are signed out." }).waitFor();
      assert.deepEqual(await context.cookies(), []);
      if (mode.js) assert.equal(await page.evaluate(() => window.__samePage), true, "answers were swapped in, not reloads");

      await page.goto(`${LIVE}/jobs`);
      await page.locator(".sign-in-first a").waitFor();
      assert.equal(await page.locator("form.run-now").count(), 0);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}
