// The group pages and the instrument page (charts, range selector, signals, sources,
// recent observations), with JavaScript off and on.
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

const GROUPS = ["metals", "energy", "ai-materials", "space-tech"];

for (const mode of MODES) {
  test(`every group page lists its instruments with values and signals (${mode.name})`, async () => {
    for (const group of GROUPS) {
      const { page, context, errors, status } = await open(browser, `/commodities/${group}`, mode);
      assert.equal(status, 200, group);
      const api = await (await fetch(`${BASE}/api/commodities/${group}`)).json();
      const slugs = await page.locator("table.overview tr[data-slug]").evaluateAll((trs) => trs.map((t) => t.dataset.slug));
      assert.deepEqual(slugs, api.instruments.map((i) => i.slug), group);
      assert.equal(await page.locator("table.group-signals tr[data-slug]").count(), api.instruments.length, group);
      // The heading is the group's name, and the section nav marks the page.
      assert.equal(await page.locator("h1").innerText(), api.groups[0].name);
      assert.equal(await page.locator(`.subnav a[aria-current="page"]`).getAttribute("href"), `/commodities/${group}`);
      assert.deepEqual(errors, [], group);
      await context.close();
    }
  });

  test(`the instrument page shows price, charts, signals and sources; a range change redraws (${mode.name})`, async () => {
    const detail = await (await fetch(`${BASE}/api/commodities/gold`)).json();
    const { page, context, errors, status } = await open(browser, "/commodities/gold", mode);
    assert.equal(status, 200);
    assert.match(await page.locator("h1").innerText(), /Gold/);
    assert.equal(await page.locator(".headline .asof").innerText().then((t) => t.slice(0, 10)), detail.as_of);
    assert.match(await page.locator(".headline .source").innerText(), /\S/);
    // Three charts, each an accessible image with a title naming the range.
    for (const cls of ["price", "rsi", "macd"]) {
      const svg = page.locator(`figure.${cls} svg[role="img"]`);
      assert.equal(await svg.count(), 1, cls);
      assert.match(await svg.locator("title").textContent(), /1Y/, cls);
    }
    assert.equal(await page.locator('.ranges a[aria-current="true"]').innerText(), "1Y");
    // Every signal of the API is in the stats table, with the same stance.
    // textContent: the stance is capitalised by CSS only.
    assert.equal((await page.locator('tr[data-indicator="stance"] td').textContent()).trim(), detail.signals.stance);
    const rsi = await page.locator('tr[data-indicator="rsi14"] td').innerText();
    assert.equal(rsi, detail.signals.rsi14.toFixed(2));
    // Sources: each with its licence; DEMO data says so.
    assert.equal(await page.locator("table.sources tbody tr").count(), detail.sources.length);
    assert.ok(await page.locator("h1 .badge.demo").isVisible());
    const spanBefore = await page.locator("[data-span]").getAttribute("data-span");

    await page.evaluate(() => { window.__sameDocument = true; });
    await page.locator('.ranges a[data-range="5y"]').click();
    await page.waitForURL(/range=5y/);
    await page.waitForSelector('.ranges a[data-range="5y"][aria-current="true"]');
    await page.waitForFunction(() => document.querySelector("figure.price svg title")?.textContent.includes("5Y"));
    const spanAfter = await page.locator("[data-span]").getAttribute("data-span");
    const [from1] = spanBefore.split("/");
    const [from5, to5] = spanAfter.split("/");
    assert.ok(from5 < from1, `5Y starts earlier: ${spanBefore} -> ${spanAfter}`);
    const years = (new Date(to5) - new Date(from5)) / (365.25 * 864e5);
    assert.ok(years > 4.9 && years <= 5.01, `5Y spans five years: ${spanAfter}`);
    assert.equal(await page.evaluate(() => window.__sameDocument === true), mode.js, "in place with JavaScript only");
    // The CSV link follows the range.
    const csv = await page.locator('a[href*="history.csv"]').getAttribute("href");
    assert.ok(csv.includes(`from=${from5}`), csv);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`a monthly instrument says which indicators do not apply and offers no short ranges (${mode.name})`, async () => {
    const { page, context, errors, status } = await open(browser, "/commodities/copper", mode);
    assert.equal(status, 200);
    assert.equal(await page.locator("figure.price svg").count(), 1);
    assert.equal(await page.locator("figure.rsi").count(), 0);
    assert.match(await page.locator(".chart-notes").innerText(), /daily indicators: n\/a for monthly data/);
    assert.equal(await page.locator('tr[data-indicator="rsi14"] td').innerText(), "n/a");
    assert.equal(await page.locator('.ranges [data-range="1m"]').getAttribute("aria-disabled"), "true");
    assert.equal(await page.locator('.ranges a[aria-current="true"]').innerText(), "10Y");
    // Recent observations read as months, never as days.
    const first = await page.locator("table.recent tbody tr td").first().innerText();
    assert.match(first, /^\d{4}-\d{2}$/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`an unknown instrument is a 404 and a bad range a 400, each with a message (${mode.name})`, async () => {
    let r = await open(browser, "/commodities/unobtainium", mode);
    assert.equal(r.status, 404);
    assert.match(await r.page.locator('[role="alert"]').innerText(), /unknown instrument 'unobtainium'/);
    await r.context.close();
    r = await open(browser, "/commodities/gold?range=2w", mode);
    assert.equal(r.status, 400);
    assert.match(await r.page.locator('[role="alert"]').innerText(), /unknown range '2w'/);
    await r.context.close();
  });
}

test("the overview links each instrument to its page", async () => {
  const { page, context } = await open(browser, "/", { js: false });
  const hrefs = await page.locator("tr[data-slug] a.instrument").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  assert.deepEqual(hrefs, universe.instruments.map((i) => `/commodities/${i.slug}`));
  await context.close();
});
