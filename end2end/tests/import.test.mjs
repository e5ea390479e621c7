// The venture import page as an admin uses it: not signed in, the page offers the sign-in
// instead of the form; signing in at /login (a wrong password first) comes back to the
// page, where a chosen file is imported and summarised. JavaScript off (plain posts) and
// on (the same posts, the answers swapped in without a reload).
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

const csv = (company) =>
  "record,name,sector,company,announced_on,stage,amount_usd\n" +
  `company,${company},ai-software,,,,\n` +
  `round,,,${company},2025-03-04,series-a,12000000\n`;

for (const mode of MODES) {
  const tag = mode.js ? "on" : "off";
  test(`an admin imports a chosen CSV file from the import page (${mode.name})`, { skip }, async () => {
    const { page, context, errors } = await open(browser, "/venture/import", { js: mode.js, base: LIVE });
    try {
      if (mode.js) await page.evaluate(() => { window.__samePage = true; });
      const file = { name: `e2e-js-${tag}.csv`, mimeType: "text/csv", buffer: Buffer.from(csv(`E2E Robotics JS ${tag}`)) };
      assert.equal(await page.locator("form.import-form").count(), 0, "no form before signing in");
      await page.locator(".sign-in-first a", { hasText: "Sign in" }).click();
      await page.waitForURL(/\/login\?next=%2Fventure%2Fimport/);

      const signIn = page.locator("form.sign-in");
      await signIn.locator('input[name="password"]').fill("a wrong guess");
      await signIn.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("alert").filter({ hasText: "The password is wrong." }).waitFor();
      await page.locator("form.sign-in").locator('input[name="password"]').fill(PASSWORD);
      await page.locator("form.sign-in").getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((u) => new URL(u).pathname === "/venture/import");

      const again = page.locator("form.import-form");
      await again.waitFor();
      await again.locator('input[name="file"]').setInputFiles(file);
      await again.getByRole("button", { name: "Import" }).click();
      await page.locator("h1", { hasText: `Imported e2e-js-${tag}.csv` }).waitFor();
      const rows = await page.locator("table.import-summary tbody tr").allInnerTexts();
      const cells = (table) => rows.find((r) => r.startsWith(table)).split(/\s+/).slice(1).map(Number);
      assert.deepEqual(cells("companies"), [1, 0, 0]);
      assert.deepEqual(cells("rounds"), [1, 0, 0]);
      if (mode.js) {
        assert.equal(await page.evaluate(() => window.__samePage), true, "the answer was swapped in, not a reload");
        assert.deepEqual(errors, []);
      }
      // The imported company is listed.
      const res = await fetch(`${LIVE}/api/venture/companies?q=${encodeURIComponent(`E2E Robotics JS ${tag}`)}`);
      assert.equal((await res.json()).total, 1);
    } finally {
      await context.close();
    }
  });
}
