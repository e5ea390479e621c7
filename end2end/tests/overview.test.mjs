// The commodities overview as a person sees it, with JavaScript off and on.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, open, MODES, BASE } from "./browser.mjs";

let browser;
let universe;
before(async () => {
  browser = await launch();
  universe = await (await fetch(BASE + "/api/commodities/config")).json();
});
after(async () => browser?.close());

for (const mode of MODES) {
  test(`overview lists every instrument with value, as-of and a DEMO badge (${mode.name})`, async () => {
    const { page, context, errors, status } = await open(browser, "/", mode);
    assert.equal(status, 200);
    const rows = page.locator("tr[data-slug]");
    assert.equal(await rows.count(), universe.instruments.length);
    for (const inst of universe.instruments) {
      const row = page.locator(`tr[data-slug="${inst.slug}"]`);
      assert.ok((await row.locator("th").innerText()).includes(inst.name), inst.name);
      // As-of reads as the period of the data: a day, a month or a year, with its frequency.
      const asOf = await row.locator("td.asof").innerText();
      const period = { daily: /\d{4}-\d{2}-\d{2}/, monthly: /\d{4}-\d{2}(?!-)/, annual: /^\d{4}\s/ }[inst.frequency];
      assert.match(asOf, period, `${inst.slug}: ${asOf}`);
      assert.ok(asOf.includes(inst.frequency), `${inst.slug} says its frequency`);
      assert.match(await row.locator("td.last").innerText(), /\d/);
      assert.equal(await row.locator(".badge.demo").innerText(), "DEMO");
    }
    assert.ok(await page.locator(".demo-banner").isVisible(), "the demo banner is shown");
    // Monthly and annual series show a dash for the 1-day change, never a number.
    const copper1d = await page.locator('tr[data-slug="copper"] td.num').nth(1).innerText();
    assert.equal(copper1d.trim(), "—");
    assert.equal(await page.locator("svg.spark title").count(), universe.instruments.length);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`group filter shows one group and keeps the state in the URL (${mode.name})`, async () => {
    const { page, context, errors } = await open(browser, "/", mode);
    await page.evaluate(() => { window.__sameDocument = true; });
    await page.getByRole("navigation", { name: "Filter by group" }).getByRole("link", { name: "Energy" }).click();
    await page.waitForURL(/group=energy/);
    await page.waitForSelector('section[data-group="metals"][hidden]', { state: "attached" });
    assert.ok(await page.locator('section[data-group="energy"]').isVisible());
    assert.equal(await page.locator('section[data-group="metals"]').isVisible(), false);
    const visibleRows = await page.locator("section.group:not([hidden]) tr[data-slug]").count();
    assert.equal(visibleRows, universe.instruments.filter((i) => i.group === "energy").length);
    const sameDocument = await page.evaluate(() => window.__sameDocument === true);
    // With JavaScript the router applies the filter in place; without, it is a page load.
    assert.equal(sameDocument, mode.js);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`sorting by the 1Y change orders the rows (${mode.name})`, async () => {
    const { page, context, errors } = await open(browser, "/?group=metals", mode);
    await page.locator('section[data-group="metals"] a[data-sort="change_1y"]').click();
    await page.waitForURL(/sort=change_1y/);
    await page.waitForSelector('section[data-group="metals"] th[aria-sort="descending"]');
    const cells = await page.locator('section[data-group="metals"] tbody tr').evaluateAll((trs) =>
      trs.map((tr) => tr.querySelectorAll("td.num")[3].innerText.trim()),
    );
    const values = cells.filter((c) => c !== "—").map((c) => parseFloat(c.replace("%", "")));
    assert.ok(values.length >= 2, `1Y changes: ${cells}`);
    const sorted = [...values].sort((a, b) => b - a);
    assert.deepEqual(values, sorted);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`the page fits a phone screen (${mode.name})`, async () => {
    const { page, context } = await open(browser, "/", { ...mode, width: 390 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `page is ${overflow}px wider than the screen`);
    if (process.env.QUARRY_E2E_SCREENSHOTS) {
      await page.screenshot({ path: `${process.env.QUARRY_E2E_SCREENSHOTS}/phone-${mode.js ? "js" : "nojs"}.png`, fullPage: true });
    }
    await context.close();
  });
}

test("an unknown page answers 404 with a way back", async () => {
  const { page, context, status } = await open(browser, "/nowhere", { js: false });
  assert.equal(status, 404);
  assert.ok(await page.getByRole("link", { name: /commodities overview/ }).isVisible());
  await context.close();
});
