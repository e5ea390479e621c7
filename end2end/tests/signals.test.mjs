// The signals table and the trending page as a person sees them, with JavaScript off and on.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, open, MODES, BASE } from "./browser.mjs";

let browser;
let universe;
let signals;

const api = async (path) => {
  const res = await fetch(BASE + path);
  return { status: res.status, body: await res.json() };
};

before(async () => {
  browser = await launch();
  universe = await (await fetch(BASE + "/api/commodities/config")).json();
  // Demo signals are computed at start-up; wait until every instrument has its row.
  for (let i = 0; i < 120; i++) {
    signals = (await api("/api/commodities/signals")).body;
    if (signals.rows.length === universe.instruments.length) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.equal(signals.rows.length, universe.instruments.length, "every instrument has signals");
});
after(async () => browser?.close());

// What the page shows for a value: the same rules as src/commodities/pages/signals.rs.
const fmtRsi = (v) => v.toFixed(1);
const fmtChange = (v) => `${v > 0 ? "+" : ""}${v.toFixed(2)}%`;
const period = { daily: /^\d{4}-\d{2}-\d{2}\b/, monthly: /^\d{4}-\d{2}(?!-)\b/, annual: /^\d{4}(?!-)\b/ };

/** The text of one cell of every row, top to bottom. */
const column = (page, col) =>
  page.locator("table.signals tbody tr").evaluateAll(
    (trs, c) => trs.map((tr) => tr.querySelector(`td[data-col="${c}"]`).innerText.trim()),
    col,
  );
const rowSlugs = (page, selector) => page.locator(selector).evaluateAll((trs) => trs.map((tr) => tr.dataset.slug));

for (const mode of MODES) {
  test(`signals lists every instrument with its indicators and a DEMO badge (${mode.name})`, async () => {
    const { page, context, errors, status } = await open(browser, "/commodities/signals", mode);
    assert.equal(status, 200);
    assert.match(await page.title(), /^Commodity signals\b/);
    assert.equal(await page.locator("table.data.signals tbody tr[data-slug]").count(), signals.rows.length);
    // The API sorts by name by default, and so does the page.
    assert.deepEqual(await rowSlugs(page, "table.signals tbody tr"), signals.rows.map((r) => r.slug));
    assert.equal(await page.locator('th[aria-sort="ascending"] a[data-sort="name"]').count(), 1);
    let rsiChecked = 0;
    for (const r of signals.rows) {
      const row = page.locator(`tr[data-slug="${r.slug}"]`);
      const link = row.locator("th a");
      assert.equal(await link.innerText(), r.name);
      assert.equal(await link.getAttribute("href"), `/commodities/${r.slug}`);
      assert.equal(await row.locator(".badge.demo").innerText(), "DEMO");
      const asOf = await row.locator('td[data-col="date"]').innerText();
      assert.match(asOf, period[r.frequency], `${r.slug}: ${asOf}`);
      assert.equal(await row.locator(".stance").textContent(), r.stance);
      assert.ok(await row.locator(`.stance.${r.stance}`).isVisible());
      if (r.rsi14 != null) {
        assert.equal(await row.locator('td[data-col="rsi14"]').innerText(), fmtRsi(r.rsi14), `${r.slug} RSI`);
        rsiChecked++;
      }
      if (r.roc_1y != null) {
        assert.equal(await row.locator('td[data-col="roc_1y"]').innerText(), fmtChange(r.roc_1y), `${r.slug} ROC 1Y`);
      }
      if (r.vol_20d != null) {
        assert.equal(await row.locator('td[data-col="vol_20d"]').innerText(), `${(r.vol_20d * 100).toFixed(1)}%`);
      }
    }
    assert.ok(rsiChecked >= 3, `RSI compared for ${rsiChecked} rows`);
    // The stance rule is on the page, word for word.
    const rule = page.locator("section.stance-rule");
    assert.equal(await rule.getByRole("heading").innerText(), "How the stance is decided");
    assert.ok(await rule.isVisible());
    assert.ok((await rule.innerText()).includes(signals.stance_rule));
    assert.ok(await page.locator(".demo-notice .badge.demo").isVisible(), "the demo notice is shown");
    const csv = await page.getByRole("link", { name: "Download CSV" }).getAttribute("href");
    assert.equal(csv, "/api/commodities/signals.csv");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`the stance filter shows only that stance and keeps the state in the URL (${mode.name})`, async () => {
    // Bearish if the demo data has bearish rows, else the stance with the most rows.
    const counts = {};
    for (const r of signals.rows) counts[r.stance] = (counts[r.stance] ?? 0) + 1;
    const stance = counts.bearish ? "bearish" : Object.entries(counts).sort((a, b) => b[1] - a[1])[0][0];
    const expected = (await api(`/api/commodities/signals?stance=${stance}`)).body.rows;
    assert.ok(expected.length > 0);
    // The filter must hide something for the test to mean anything.
    assert.ok(expected.length < signals.rows.length, `every row is ${stance}`);

    const { page, context, errors } = await open(browser, "/commodities/signals", mode);
    await page.evaluate(() => { window.__sameDocument = true; });
    const nav = page.getByRole("navigation", { name: "Filter by stance" });
    await nav.getByRole("link", { name: stance, exact: true }).click();
    await page.waitForURL(new RegExp(`stance=${stance}`));
    await page.waitForSelector(`table.signals[data-stance="${stance}"]`);
    const stances = await page.locator("table.signals tbody tr[data-slug] .stance").allTextContents();
    assert.equal(stances.length, expected.length);
    assert.ok(stances.every((s) => s === stance), stances.join(","));
    assert.deepEqual(await rowSlugs(page, "table.signals tbody tr"), expected.map((r) => r.slug));
    assert.equal(await nav.locator('a[aria-current="true"]').innerText(), stance);
    assert.equal(await page.locator(".table-tools [data-count]").getAttribute("data-count"), String(expected.length));
    // The CSV link follows the filter.
    const csv = await page.getByRole("link", { name: "Download CSV" }).getAttribute("href");
    assert.equal(csv, `/api/commodities/signals.csv?stance=${stance}`);
    const csvRes = await fetch(BASE + csv);
    assert.equal(csvRes.status, 200);
    // A group filter keeps the stance.
    const groupHref = await page.getByRole("navigation", { name: "Filter by group" }).getByRole("link", { name: "Energy" }).getAttribute("href");
    assert.equal(groupHref, `/commodities/signals?group=energy&stance=${stance}`);
    // With JavaScript the router loads the table in place; without, it is a page load.
    assert.equal(await page.evaluate(() => window.__sameDocument === true), mode.js);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`sorting by RSI orders the rows, biggest first, n/a last (${mode.name})`, async () => {
    const expected = (await api("/api/commodities/signals?group=metals&sort=rsi14&dir=desc")).body.rows;
    const { page, context, errors } = await open(browser, "/commodities/signals?group=metals", mode);
    await page.locator('a[data-sort="rsi14"]').click();
    await page.waitForURL(/sort=rsi14/);
    await page.waitForSelector('table.signals[data-sort="rsi14"] th[aria-sort="descending"] a[data-sort="rsi14"]');
    const cells = await column(page, "rsi14");
    const values = cells.filter((c) => c !== "n/a" && c !== "—").map(Number);
    assert.ok(values.length >= 2, `RSI: ${cells}`);
    assert.deepEqual(values, [...values].sort((a, b) => b - a));
    // Rows without an RSI come after every row with one.
    const firstMissing = cells.findIndex((c) => c === "n/a" || c === "—");
    if (firstMissing >= 0) assert.ok(cells.slice(firstMissing).every((c) => c === "n/a" || c === "—"), cells.join(","));
    assert.deepEqual(await rowSlugs(page, "table.signals tbody tr"), expected.map((r) => r.slug));
    // Every row is still a metal: sorting keeps the group filter.
    const groups = await column(page, "group");
    assert.ok(groups.every((g) => g === "Metals"), groups.join(","));
    // Clicking the sorted column again flips it.
    await page.locator('a[data-sort="rsi14"]').click();
    await page.waitForURL(/dir=asc/);
    await page.waitForSelector('table.signals[data-dir="asc"] th[aria-sort="ascending"] a[data-sort="rsi14"]');
    const asc = (await column(page, "rsi14")).filter((c) => c !== "n/a" && c !== "—").map(Number);
    assert.deepEqual(asc, [...values].sort((a, b) => a - b));
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`a monthly series shows n/a where its frequency has no indicator (${mode.name})`, async () => {
    const copper = signals.rows.find((r) => r.slug === "copper");
    assert.equal(copper.frequency, "monthly");
    assert.ok(copper.not_applicable.includes("rsi14"));
    const { page, context, errors } = await open(browser, "/commodities/signals", mode);
    const row = page.locator('tr[data-slug="copper"]');
    for (const col of ["rsi14", "macd", "vol_20d", "change_1d", "cross"]) {
      const cell = row.locator(`td[data-col="${col}"]`);
      assert.equal(await cell.innerText(), "n/a", col);
      assert.match(await cell.locator(".na").getAttribute("title"), /monthly series have no/, col);
    }
    // What a monthly series does have is shown as a number.
    assert.equal(await row.locator('td[data-col="roc_1y"]').innerText(), fmtChange(copper.roc_1y));
    assert.match(await row.locator('td[data-col="date"]').innerText(), /^\d{4}-\d{2}\s/);
    // A daily series has no n/a at all.
    const gold = page.locator('tr[data-slug="gold"]');
    assert.equal(await gold.locator(".na").count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`an unknown stance in the URL shows the API's message (${mode.name})`, async () => {
    const bad = await api("/api/commodities/signals?stance=sideways");
    assert.equal(bad.status, 400);
    const { page, context, errors, status } = await open(browser, "/commodities/signals?stance=sideways", mode);
    assert.equal(status, 400);
    const alert = page.getByRole("alert");
    assert.ok(await alert.isVisible());
    assert.ok((await alert.innerText()).includes(bad.body.message), await alert.innerText());
    assert.equal(await page.locator("table.signals").count(), 0);
    // The filters stay, so there is a way out.
    assert.ok(await page.getByRole("navigation", { name: "Filter by stance" }).getByRole("link", { name: "bearish" }).isVisible());
    // Chromium reports the 400 of the document itself as a console error; nothing else may fail.
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
    await context.close();
  });

  test(`trending shows every list, ranked as the API ranks them (${mode.name})`, async () => {
    const { body: t } = await api("/api/commodities/trending");
    const { page, context, errors, status } = await open(browser, "/commodities/trending", mode);
    assert.equal(status, 200);
    assert.match(await page.title(), /^Trending commodities\b/);
    for (const p of ["1d", "1w", "1m", "1y"]) {
      for (const [kind, lists] of [["gainers", t.gainers], ["losers", t.losers]]) {
        const sel = `table[data-list="${kind}-${p}"] tbody tr[data-slug]`;
        assert.deepEqual(await rowSlugs(page, sel), lists[p].map((m) => m.slug), `${kind}-${p}`);
        if (lists[p].length === 0) {
          assert.equal(await page.locator(`table[data-list="${kind}-${p}"] tbody`).innerText(), "None today");
        }
      }
    }
    // The 1D gainers: names link the instrument, changes read as the API's, marked up.
    const gainers = t.gainers["1d"];
    assert.ok(gainers.length > 0, "demo data has 1-day gainers");
    const rows = page.locator('table[data-list="gainers-1d"] tbody tr[data-slug]');
    for (let i = 0; i < gainers.length; i++) {
      const row = rows.nth(i);
      assert.equal(await row.locator("th a").getAttribute("href"), `/commodities/${gainers[i].slug}`);
      const change = row.locator('td[data-col="value"]');
      assert.equal(await change.innerText(), fmtChange(gainers[i].value));
      assert.match(await change.getAttribute("class"), /\bup\b/);
      assert.match(await row.locator("td.asof").innerText(), period[gainers[i].frequency]);
      assert.equal(await row.locator(".badge.demo").innerText(), "DEMO");
    }
    const loser = page.locator('table[data-list="losers-1d"] tbody tr[data-slug] td[data-col="value"]').first();
    if (t.losers["1d"].length) assert.match(await loser.getAttribute("class"), /\bdown\b/);
    for (const [list, movers] of [["zscore", t.largest_zscore], ["new-highs", t.new_highs], ["new-lows", t.new_lows]]) {
      assert.deepEqual(await rowSlugs(page, `table[data-list="${list}"] tbody tr[data-slug]`), movers.map((m) => m.slug), list);
      if (movers.length === 0) assert.equal(await page.locator(`table[data-list="${list}"] tbody`).innerText(), "None today");
    }
    assert.ok((await page.locator(".movers-note").innerText()).includes("Monthly series take part in the 1M and 1Y rankings only"));
    assert.equal(await page.getByRole("navigation", { name: "Items per list" }).locator('a[aria-current="true"]').innerText(), "Top 5");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`the list length is chosen in the URL (${mode.name})`, async () => {
    const { body: t } = await api("/api/commodities/trending?limit=10");
    const { page, context, errors } = await open(browser, "/commodities/trending", mode);
    await page.getByRole("navigation", { name: "Items per list" }).getByRole("link", { name: "Top 10" }).click();
    await page.waitForURL(/limit=10/);
    await page.waitForSelector('nav[aria-label="Items per list"] a[aria-current="true"][href$="limit=10"]');
    assert.deepEqual(await rowSlugs(page, 'table[data-list="zscore"] tbody tr[data-slug]'), t.largest_zscore.map((m) => m.slug));
    assert.ok(t.largest_zscore.length > 5, "ten z-scores when the universe has more than five instruments");
    assert.deepEqual(await rowSlugs(page, 'table[data-list="losers-1y"] tbody tr[data-slug]'), t.losers["1y"].map((m) => m.slug));
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("a bad limit on the trending page shows the API's message", async () => {
  const bad = await api("/api/commodities/trending?limit=500");
  assert.equal(bad.status, 400);
  const { page, context, status } = await open(browser, "/commodities/trending?limit=500", { js: false });
  assert.equal(status, 400);
  assert.ok((await page.getByRole("alert").innerText()).includes(bad.body.message));
  await context.close();
});
