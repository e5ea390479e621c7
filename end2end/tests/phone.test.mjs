// A 375x812 phone (issue 16 §5): the price tables keep every change column, a table too
// wide for the screen scrolls sideways inside its own frame with the instrument's name in
// view, chart text reads at 10 px or more, and the page itself never scrolls sideways.
// first-hour.test.mjs checks the last on every page; this file checks tables and charts.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, open, MODES, BASE } from "./browser.mjs";

const PHONE = { width: 375, height: 812 };

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

/** Per table matching `selector`: its change headers shown, and how its frame scrolls. */
function tables(page, selector) {
  return page.locator(selector).evaluateAll((tables) =>
    tables
      .filter((t) => t.closest("[hidden]") === null)
      .map((t) => {
        const shown = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden";
        const heads = [...t.tHead.rows[0].cells];
        const changes = heads.filter((th) => /^(1D|1W|1M|3M|1Y|Change)\b/.test(th.textContent.trim()));
        const frame = t.closest(".table-wrap");
        return {
          changes: changes.map((th) => th.textContent.trim()),
          hidden: changes.filter((th) => !shown(th)).map((th) => th.textContent.trim()),
          // Every body cell under a change header is shown too.
          hiddenCells: [...t.tBodies[0].rows]
            .filter((r) => r.cells.length === heads.length)
            .flatMap((r) => changes.map((th) => r.cells[th.cellIndex]))
            .filter((c) => !shown(c)).length,
          wider: t.scrollWidth > (frame ?? t).clientWidth + 1,
          scrolls: frame !== null && ["auto", "scroll"].includes(getComputedStyle(frame).overflowX),
        };
      }),
  );
}

for (const mode of MODES) {
  for (const path of ["/", "/commodities/metals", "/commodities/energy"]) {
    test(`${path} on a phone keeps the 1D, 1M and 1Y columns, scrolling inside the table (${mode.name})`, async () => {
      const { page, context, errors } = await open(browser, path, { js: mode.js, width: PHONE.width });
      await page.setViewportSize(PHONE);
      const found = await tables(page, "table.overview");
      assert.ok(found.length >= 1, "a price table is shown");
      for (const t of found) {
        assert.deepEqual(t.changes, ["1D", "1M", "1Y"]);
        assert.deepEqual(t.hidden, [], "change columns hidden on a phone");
        assert.equal(t.hiddenCells, 0, "change cells hidden on a phone");
        assert.ok(!t.wider || t.scrolls, "a table wider than the screen scrolls inside its frame");
      }
      // Scrolled to its end, a table still names the instrument of each row.
      const wrap = page.locator(".table-wrap:has(table.overview)").first();
      await wrap.evaluate((w) => { w.scrollLeft = w.scrollWidth; });
      const name = wrap.locator("tbody tr[data-slug] th").first();
      const box = await name.boundingBox();
      assert.ok(box && box.x >= 0 && box.x < PHONE.width / 2, `the instrument's name scrolled away: ${JSON.stringify(box)}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone`);
      assert.deepEqual(errors, []);
      await context.close();
    });
  }

  test(`the trending and signals tables keep their change columns on a phone (${mode.name})`, async () => {
    for (const [path, selector] of [["/commodities/trending", "table.movers"], ["/commodities/signals", "table.signals"]]) {
      const { page, context, errors } = await open(browser, path, { js: mode.js, width: PHONE.width });
      await page.setViewportSize(PHONE);
      const found = await tables(page, selector);
      assert.ok(found.length >= 1, path);
      assert.ok(found.some((t) => t.changes.length > 0), `${path}: no change column at all`);
      for (const t of found) {
        assert.deepEqual(t.hidden, [], path);
        assert.equal(t.hiddenCells, 0, path);
        assert.ok(!t.wider || t.scrolls, `${path}: a table wider than the screen scrolls inside its frame`);
      }
      assert.deepEqual(errors, [], path);
      await context.close();
    }
  });
}

for (const mode of MODES) {
  test(`the IPO pipeline on a phone scrolls inside its tables with the company in view (${mode.name})`, async () => {
    const { page, context, errors } = await open(browser, "/venture/ipo", { js: mode.js, width: PHONE.width });
    await page.setViewportSize(PHONE);
    const frames = page.locator(".table-wrap:has(table.ipo)");
    assert.ok((await frames.count()) >= 1, "an IPO table is shown");
    const scroll = await frames.evaluateAll((ws) =>
      ws.map((w) => ({ wider: w.scrollWidth > w.clientWidth + 1, scrolls: ["auto", "scroll"].includes(getComputedStyle(w).overflowX) })),
    );
    assert.ok(scroll.every((f) => !f.wider || f.scrolls), JSON.stringify(scroll));
    // Scrolled to the Offering column and beyond, the row still names its company.
    const wrap = frames.first();
    await wrap.evaluate((w) => { w.scrollLeft = w.scrollWidth; });
    const box = await wrap.locator("tbody tr th").first().boundingBox();
    assert.ok(box && box.x >= 0 && box.x < PHONE.width / 2, `the company scrolled away: ${JSON.stringify(box)}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("chart text on a phone reads at 10 px or more, the chart scrolling inside its figure", async () => {
  const fund = (await (await fetch(BASE + "/api/venture/funds")).json()).rows[0];
  for (const path of ["/commodities/gold", "/charts?series=gold", "/commodities/compare?instruments=gold,copper", `/venture/funds/${fund.id}`]) {
    const { page, context, errors } = await open(browser, path, { js: true, width: PHONE.width });
    await page.setViewportSize(PHONE);
    const sizes = await page.evaluate(() =>
      [...document.querySelectorAll("main svg text")].map((t) => {
        // The rendered size: the font size in the SVG's units times the SVG's scale.
        const m = t.getScreenCTM();
        return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
      }),
    );
    assert.ok(sizes.length > 0, `${path}: no chart text`);
    assert.ok(Math.min(...sizes) >= 10, `${path}: chart text as small as ${Math.min(...sizes).toFixed(1)} px`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `${path} is ${overflow}px wider than the phone`);
    assert.deepEqual(errors, [], path);
    await context.close();
  }
});
