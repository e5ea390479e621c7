// The venture import page as an admin uses it: a file chosen in the form, the token first,
// the summary on the answer page; a wrong token is refused on the page. JavaScript off (a
// plain multipart post) and on (the same post, the answer swapped in without a reload).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, open, MODES } from "./browser.mjs";

const LIVE = process.env.QUARRY_E2E_LIVE_URL;
const TOKEN = process.env.QUARRY_E2E_ADMIN_TOKEN;
const skip = !LIVE || !TOKEN ? "set QUARRY_E2E_LIVE_URL and QUARRY_E2E_ADMIN_TOKEN" : false;

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
      const form = page.locator("form.import-form");
      const file = { name: `e2e-js-${tag}.csv`, mimeType: "text/csv", buffer: Buffer.from(csv(`E2E Robotics JS ${tag}`)) };

      await form.locator('input[name="token"]').fill("guess");
      await form.locator('input[name="file"]').setInputFiles(file);
      await form.getByRole("button", { name: "Import" }).click();
      await page.getByRole("alert").filter({ hasText: "admin token is wrong" }).waitFor();

      await page.goBack();
      await page.locator("form.import-form").waitFor();
      const again = page.locator("form.import-form");
      await again.locator('input[name="token"]').fill(TOKEN);
      await again.locator('input[name="file"]').setInputFiles(file);
      await again.getByRole("button", { name: "Import" }).click();
      await page.locator("h1", { hasText: `Imported e2e-js-${tag}.csv` }).waitFor();
      const rows = await page.locator("table.import-summary tbody tr").allInnerTexts();
      const cells = (table) => rows.find((r) => r.startsWith(table)).split(/\s+/).slice(1).map(Number);
      assert.deepEqual(cells("companies"), [1, 0, 0]);
      assert.deepEqual(cells("rounds"), [1, 0, 0]);
      if (mode.js) {
        assert.equal(await page.evaluate(() => window.__samePage), true, "the answer was swapped in, not a reload");
        // The wrong token's 401 is logged by the browser as a failed load; nothing else may be.
        assert.deepEqual(errors.filter((e) => !/status of 401/.test(e)), []);
      }
      // The imported company is listed.
      const res = await fetch(`${LIVE}/api/venture/companies?q=${encodeURIComponent(`E2E Robotics JS ${tag}`)}`);
      assert.equal((await res.json()).total, 1);
    } finally {
      await context.close();
    }
  });
}
