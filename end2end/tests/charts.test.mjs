// The Charts page: a chart view built with the form (state in the URL), presets, errors,
// downloads, and the chart pack made by "run now" on the live server. JavaScript off and on.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, open, MODES, BASE } from "./browser.mjs";

const LIVE = process.env.QUARRY_E2E_LIVE_URL;
const TOKEN = process.env.QUARRY_E2E_ADMIN_TOKEN;

let browser;
before(async () => { browser = await launch(); });
after(async () => browser?.close());

for (const mode of MODES) {
  test(`a chart view is drawn from the form and its state is the URL (${mode.name})`, async () => {
    const { page, context, errors, status } = await open(browser, "/charts", mode);
    assert.equal(status, 200);
    assert.match(await page.locator(".empty-state").first().innerText(), /Choose a series/);
    // Commodities and macro series are both offered.
    assert.ok(await page.locator('select[name="s1"] option[value="gold"]').count());
    assert.ok(await page.locator('select[name="s1"] option[value="walcl"]').count());
    await page.selectOption('select[name="s1"]', "gold");
    await page.locator('input[name="range"][value="1y"]').check();
    await page.locator('input[name="sma50"]').check();
    await Promise.all([page.waitForURL(/s1=gold/), page.getByRole("button", { name: "Draw" }).click()]);
    const url = new URL(page.url());
    assert.equal(url.searchParams.get("range"), "1y");
    assert.equal(url.searchParams.get("sma50"), "1");
    const svg = page.locator('section.chart-view svg[role="img"]');
    await svg.waitFor();
    assert.equal(await svg.locator("title").textContent(), "Gold, 1Y");
    assert.ok((await svg.innerHTML()).includes("SMA50"), "the overlay is drawn and in the legend");
    // The form keeps the choice; the downloads carry the canonical view.
    assert.equal(await page.locator('select[name="s1"]').inputValue(), "gold");
    const png = await page.getByRole("link", { name: "PNG" }).getAttribute("href");
    assert.equal(png, "/api/charts/view.png?series=gold&range=1y&overlays=sma50");
    const res = await fetch(BASE + png);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "image/png");
    const csv = await (await fetch(BASE + (await page.getByRole("link", { name: "CSV" }).getAttribute("href")))).text();
    assert.equal(csv.split("\n")[0], "date,gold,sma50");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`gold and silver get an axis each, and "Rebase to 100" puts them on one index (${mode.name})`, async () => {
    const { page, context, errors, status } = await open(browser, "/charts?series=gold,silver&range=5y", mode);
    assert.equal(status, 200);
    const svg = page.locator('section.chart-view svg[role="img"]');
    await svg.waitFor();
    assert.ok((await svg.innerHTML()).includes("Silver (daily) (right axis)"), "silver reads on its own axis");
    await page.locator('input[name="rebase"]').check();
    await Promise.all([page.waitForURL(/rebase=1/), page.getByRole("button", { name: "Draw" }).click()]);
    const rebased = page.locator('section.chart-view svg[role="img"]');
    await rebased.waitFor();
    const html = await rebased.innerHTML();
    assert.ok(!html.includes("right axis") && /index, \d{4}-\d{2}-\d{2} = 100/.test(html), "one axis, an index from 100");
    assert.match(await page.getByRole("link", { name: "PNG" }).getAttribute("href"), /rebase=1/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`a preset draws a ratio, and a bad view says why (${mode.name})`, async () => {
    const { page, context, errors } = await open(browser, "/charts", mode);
    await Promise.all([page.waitForURL(/ratio=1/), page.getByRole("link", { name: "Copper/gold ratio" }).click()]);
    const title = page.locator('section.chart-view svg[role="img"] title');
    await title.waitFor({ state: "attached" });
    assert.equal(await title.textContent(), "Copper / Gold, 10Y");
    assert.deepEqual(errors, []);
    await context.close();

    const bad = await open(browser, "/charts?series=gold&ratio=1", mode);
    assert.equal(bad.status, 400, "the page answers with the error's status");
    assert.match(await bad.page.locator('[role="alert"]').innerText(), /ratio needs exactly two series/);
    await bad.context.close();
  });
}

test("run now makes a chart pack that the Charts page lists and serves (live server)", { skip: !LIVE || !TOKEN ? "needs the live server" : false }, async () => {
  const run = await fetch(`${LIVE}/api/jobs/run`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Bearer ${TOKEN}` },
    body: "job=chart_pack",
  });
  assert.equal(run.status, 200, await run.text());
  let packs;
  for (let i = 0; i < 60; i++) {
    packs = await (await fetch(`${LIVE}/api/charts/packs`)).json();
    if (packs.packs.length) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.equal(packs.packs.length, 1, JSON.stringify(packs));
  assert.equal(packs.packs[0].pages, 11);
  assert.equal(packs.packs[0].demo, false);
  for (const mode of MODES) {
    const { page, context, errors } = await open(browser, "/charts", { ...mode, base: LIVE });
    assert.match(await page.locator(".latest-pack h2").innerText(), /Latest pack: \d{4}-\d{2}-\d{2}/);
    const href = await page.getByRole("link", { name: "Open the latest pack (PDF)" }).getAttribute("href");
    const pdf = await fetch(LIVE + href);
    assert.equal(pdf.headers.get("content-type"), "application/pdf");
    assert.equal(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString(), "%PDF-");
    assert.deepEqual(errors, []);
    await context.close();
  }
});
