// Live data in the browser: a second Quarry fed by a local upstream that answers in every
// provider's real format (examples/upstream.rs). Real values with their sources, the jobs
// page, "run now" for the signed-in admin, and a source that breaks going stale with its reason.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, open, MODES, PASSWORD } from "./browser.mjs";

const LIVE = process.env.QUARRY_E2E_LIVE_URL;
const UPSTREAM = process.env.QUARRY_E2E_UPSTREAM_URL;
const TOKEN = process.env.QUARRY_E2E_ADMIN_TOKEN;
const skip = !LIVE || !UPSTREAM || !TOKEN || !PASSWORD
  ? "set QUARRY_E2E_LIVE_URL, QUARRY_E2E_UPSTREAM_URL, QUARRY_E2E_ADMIN_TOKEN and QUARRY_E2E_ADMIN_PASSWORD"
  : false;

let browser;
before(async () => {
  if (skip) return;
  browser = await launch();
  // The start-up backfill fills every instrument from the upstream; wait for it.
  for (let i = 0; i < 120; i++) {
    const ov = await (await fetch(`${LIVE}/api/commodities/overview`)).json();
    if (ov.instruments.every((e) => e.source)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("the live server never filled its instruments");
});
after(async () => browser?.close());

async function runJob(job) {
  const res = await fetch(`${LIVE}/api/jobs/run`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Bearer ${TOKEN}` },
    body: `job=${job}`,
  });
  assert.equal(res.status, 200);
  const { slot } = await res.json();
  for (let i = 0; i < 120; i++) {
    const jobs = await (await fetch(`${LIVE}/api/jobs`)).json();
    const run = jobs.find((j) => j.name === job).recent_runs.find((r) => r.slot === slot);
    if (run && run.status !== "running") return run;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${job} did not finish`);
}

for (const mode of MODES) {
  test(`real values carry their source and as-of date, with no demo label (${mode.name})`, { skip }, async () => {
    const { page, context, errors } = await open(browser, "/", { ...mode, base: LIVE });
    assert.equal(await page.locator(".demo-banner").count(), 0);
    const gold = page.locator('tr[data-slug="gold"]');
    assert.match(await gold.locator(".badge").innerText(), /LBMA/);
    assert.match(await page.locator('tr[data-slug="wti"] .badge').innerText(), /FRED/);
    assert.match(await page.locator('tr[data-slug="lithium"] .badge').innerText(), /USGS/);
    assert.equal(await page.locator(".badge.demo").count(), 0);
    assert.match(await gold.locator("td.asof").innerText(), /\d{4}/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`the jobs page shows schedules, runs and the health of every feed (${mode.name})`, { skip }, async () => {
    // Signed in: the run-now column is the admin's.
    const { page, context, errors } = await open(browser, "/jobs", { ...mode, base: LIVE, signedIn: true });
    const prices = page.locator('tr[data-job="commodity_prices"]');
    assert.match(await prices.innerText(), /0 5 \* \* \* \*/);
    assert.match(await prices.innerText(), /UTC/);
    // The EDGAR jobs are in this build: scheduled, with a next run, and runnable.
    const vc = await page.locator('tr[data-job="vc_sync"]').innerText();
    assert.match(vc, /0 0 7 \* \* \*/);
    assert.match(vc, /\d{4}-\d{2}-\d{2} 07:00 UTC/);
    assert.doesNotMatch(vc, /not in this build yet/);
    // One row per provider; with none failing, every feed is one click away.
    assert.match(await page.locator('tr[data-provider="lbma"]').innerText(), /\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    assert.match(await page.locator('tr[data-provider="eia"]').innerText(), /3 feeds off: EIA API key not configured/);
    assert.equal(await page.locator('tr[data-provider="lbma"] .failing-feeds').innerText(), "none");
    const gold = page.locator('tr[data-feed="lbma/gold_pm"]');
    assert.equal(await gold.isVisible(), false);
    await page.locator("details.feeds > summary").click();
    assert.match(await gold.innerText(), /\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    assert.match(await page.locator('tr[data-feed="eia/RWTC"]').innerText(), /EIA API key not configured/);
    // One "Run now" per job this build implements, as /api/jobs says.
    const jobs = await (await fetch(`${LIVE}/api/jobs`)).json();
    const runnable = jobs.filter((j) => j.registered).map((j) => j.name);
    assert.ok(runnable.includes("chart_pack") && runnable.includes("commodity_prices"), runnable.join());
    assert.ok(["vc_sync", "funding_tracker", "ipo_monitor"].every((j) => runnable.includes(j)), runnable.join());
    assert.equal(await page.getByRole("button", { name: "Run now" }).count(), runnable.length);
    // The start-up backfill is listed with its outcome.
    assert.match(await page.locator('tr[data-job="backfill"]').innerText(), /succeeded/);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("run now is offered to the signed-in admin only, and starts the job (JavaScript on)", { skip }, async () => {
  const anon = await open(browser, "/jobs", { js: true, base: LIVE });
  assert.equal(await anon.page.locator("form.run-now").count(), 0, "no run-now form for a visitor");
  assert.ok(await anon.page.locator(".sign-in-first a").isVisible());
  await anon.context.close();
  const { page, context, errors } = await open(browser, "/jobs", { js: true, base: LIVE, signedIn: true });
  const form = page.locator('tr[data-job="space_tech"] form.run-now');
  assert.equal(await form.locator('input[name="token"]').count(), 0, "nobody pastes a token any more");
  await form.getByRole("button", { name: "Run now" }).click();
  await page.getByRole("status").filter({ hasText: "Started space_tech" }).waitFor();
  // The list refetches after the action; the new run shows up once it has finished.
  await page.locator('tr[data-job="space_tech"] li[data-status="succeeded"]').first().waitFor({ timeout: 20000 });
  assert.deepEqual(errors, []);
  await context.close();
});

test("a source that starts serving HTML marks its instruments stale, with the reason, on both pages", { skip }, async () => {
  await fetch(`${UPSTREAM}/_control/break?provider=lbma`, { method: "POST" });
  try {
    const run = await runJob("commodity_prices");
    assert.equal(run.status, "partial");
    for (const mode of MODES) {
      const { page, context } = await open(browser, "/", { ...mode, base: LIVE });
      const gold = page.locator('tr[data-slug="gold"]');
      assert.match(await gold.locator(".tag.warn").innerText(), /stale/i);
      assert.match(await page.locator('tr[data-stale-for="gold"] .stale-reason').innerText(), /HTML page arrived where JSON was expected/);
      assert.equal(await page.locator('tr[data-stale-for="wti"]').count(), 0);
      await context.close();
      const jobs = await open(browser, "/jobs", { ...mode, base: LIVE });
      assert.match(await jobs.page.locator('.stale-list li[data-slug="gold"]').innerText(), /LBMA gold_pm/);
      // A failing feed is named on its provider's row, and the list of feeds is open.
      assert.match(await jobs.page.locator('tr[data-provider="lbma"] .failing-feeds').innerText(), /gold_pm \(\d+ in a row\)/);
      assert.match(await jobs.page.locator('tr[data-feed="lbma/gold_pm"]').innerText(), /HTML page/);
      await jobs.context.close();
    }
  } finally {
    await fetch(`${UPSTREAM}/_control/mend?provider=lbma`, { method: "POST" });
  }
  const run = await runJob("commodity_prices");
  assert.equal(run.status, "succeeded");
  const ov = await (await fetch(`${LIVE}/api/commodities/overview`)).json();
  assert.equal(ov.instruments.find((e) => e.slug === "gold").stale, false);
});

test("run now works without JavaScript for the signed-in admin", { skip }, async () => {
  const { page, context } = await open(browser, "/jobs", { js: false, base: LIVE, signedIn: true });
  const form = page.locator('tr[data-job="ai_materials"] form.run-now');
  await Promise.all([page.waitForNavigation(), form.getByRole("button", { name: "Run now" }).click()]);
  assert.ok(new URL(page.url()).pathname === "/jobs");
  assert.match(await page.getByRole("status").filter({ hasText: "Started ai_materials" }).innerText(), /Started ai_materials/);
  // Back on the jobs page, the new run is listed (running or already finished).
  assert.ok((await page.locator('tr[data-job="ai_materials"] li[data-status]').count()) >= 1);
  await context.close();
});
