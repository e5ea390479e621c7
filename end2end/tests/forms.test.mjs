// Every form of the app, submitted as a person does (issue 16 §5): with JavaScript on the
// answer replaces the page in place, so the document (and a marker left on `window`)
// survives; with JavaScript off the same form is an ordinary page load that lands on the
// same answer. The filters and searches run on the demo server; the import preview (a dry
// run) and "run now" need the admin signed in on the live server.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, open, MODES, BASE, PASSWORD } from "./browser.mjs";

const LIVE = process.env.QUARRY_E2E_LIVE_URL;
const skipLive = !LIVE || !PASSWORD ? "set QUARRY_E2E_LIVE_URL and QUARRY_E2E_ADMIN_PASSWORD" : false;

const api = async (path, base = BASE) => (await fetch(base + path)).json();

let browser;
let landscape;
let company;
let investor;
before(async () => {
  browser = await launch();
  for (let i = 0; i < 120; i++) {
    landscape = await api("/api/venture/landscape");
    if (landscape.total?.rounds > 0) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  company = (await api("/api/venture/companies")).rows[0];
  investor = (await api("/api/venture/investors")).rows[0];
});
after(async () => browser?.close());

/** Opens `path`, leaves a marker on `window`, runs `act`, and says whether the marker is still there. */
async function submitted(mode, path, act, base = BASE, signedIn = false) {
  const { page, context, errors } = await open(browser, path, { js: mode.js, base, signedIn });
  await page.evaluate(() => { window.__sameDocument = true; });
  await act(page);
  const same = await page.evaluate(() => window.__sameDocument === true);
  return { page, context, errors, same };
}

// Each GET form: what to fill, the URL it must land on, and what the answer must show.
const FORMS = [
  {
    name: "the landscape's period",
    path: "/venture",
    async act(page) {
      const from = landscape.quarters.at(-4).replace(/^(\d{4})-Q(\d)$/, (_, y, q) => `${y}-${String(q * 3 - 2).padStart(2, "0")}-01`);
      await page.locator('form.period input[name="from"]').fill(from);
      await page.getByRole("button", { name: "Show" }).click();
      await page.waitForURL(new RegExp(`from=${from}`));
      // The quarters shown are the API's for that period.
      const expected = await api(`/api/venture/landscape?from=${from}&to=${landscape.to}`);
      await page.waitForFunction((n) => document.querySelectorAll("table.heatmap thead th[data-quarter]").length === n, expected.quarters.length);
    },
  },
  {
    name: "the funding filters",
    path: "/venture/funding",
    async act(page) {
      const sector = landscape.rows.find((r) => r.total.rounds > 0).key;
      await page.locator('select[name="sector"]').selectOption(sector);
      await page.getByRole("button", { name: "Filter" }).click();
      await page.waitForURL(new RegExp(`sector=${sector}`));
      await page.waitForSelector(`table.funding tbody tr[data-sector="${sector}"]`);
      const sectors = await page.locator("table.funding tbody tr").evaluateAll((trs) => trs.map((t) => t.dataset.sector));
      assert.ok(sectors.every((s) => s === sector), sectors.join());
    },
  },
  {
    name: "the company search",
    path: "/venture/companies",
    async act(page) {
      await page.getByRole("search", { name: "Search companies" }).locator('input[name="q"]').fill(company.name);
      await page.getByRole("button", { name: "Search" }).click();
      await page.waitForURL(/\?q=/);
      await page.waitForFunction((name) => [...document.querySelectorAll("table.companies tbody tr")].length >= 1 &&
        [...document.querySelectorAll("table.companies tbody tr")].every((tr) => tr.innerText.includes(name)), company.name);
    },
  },
  {
    name: "the investor search",
    path: "/venture/investors",
    async act(page) {
      await page.getByRole("search", { name: "Search investors" }).locator('input[name="q"]').fill(investor.name);
      await page.getByRole("button", { name: "Search" }).click();
      await page.waitForURL(/\?q=/);
      await page.waitForSelector(`table.investors tbody tr[data-id="${investor.id}"]`);
    },
  },
  {
    name: "the compare form",
    path: "/commodities/compare",
    async act(page) {
      for (const slug of ["gold", "copper"]) await page.locator(`input[name="pick"][value="${slug}"]`).check();
      await page.getByRole("button", { name: "Compare" }).click();
      await page.waitForURL((u) => ["gold", "copper"].every((s) => new URL(u).searchParams.getAll("pick").includes(s)));
      await page.waitForSelector("table.data.correlation");
    },
  },
  {
    name: "the chart form",
    path: "/charts",
    async act(page) {
      await page.selectOption('select[name="s1"]', "silver");
      await page.getByRole("button", { name: "Draw" }).click();
      await page.waitForURL(/s1=silver/);
      await page.locator('section.chart-view svg[role="img"]').waitFor();
    },
  },
];

for (const mode of MODES) {
  for (const form of FORMS) {
    test(`${form.name}: the answer comes ${mode.js ? "in place" : "as a page load"} (${mode.name})`, async () => {
      const { context, errors, same } = await submitted(mode, form.path, form.act);
      assert.equal(same, mode.js, mode.js ? "the document was reloaded" : "a form without JavaScript is a page load");
      assert.deepEqual(errors, []);
      await context.close();
    });
  }

  test(`the import preview (a dry run) shows its verdict and leaves the address reloadable (${mode.name})`, { skip: skipLive }, async () => {
    const name = `preview-js-${mode.js ? "on" : "off"}.csv`;
    const csv = "record,name,sector\ncompany,Preview Robotics,ai-software\n";
    const { page, context, errors, same } = await submitted(
      mode,
      "/venture/import",
      async (page) => {
        const form = page.locator("form.import-form");
        await form.locator('input[name="dry_run"]').check();
        await form.locator('input[name="file"]').setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(csv) });
        await form.getByRole("button", { name: "Import" }).click();
        await page.locator("h1", { hasText: `${name} is valid (dry run: nothing was written)` }).waitFor();
      },
      LIVE,
      true,
    );
    assert.equal(same, mode.js);
    assert.match(await page.locator("table.import-summary").innerText(), /companies\s+1\s+0\s+0/);
    if (mode.js) {
      // The answer to a POST has no address of its own: the page keeps the form's, so a
      // reload or a shared link shows the form, not a 405 from the POST-only endpoint.
      assert.equal(new URL(page.url()).pathname, "/venture/import");
      const res = await page.reload();
      assert.equal(res.status(), 200);
      assert.ok(await page.locator("form.import-form").isVisible());
    }
    assert.deepEqual(errors, []);
    // Nothing was written.
    assert.equal((await api(`/api/venture/companies?q=${encodeURIComponent("Preview Robotics")}`, LIVE)).total, 0);
    await context.close();
  });
}

test("run now starts a job in place (JavaScript on)", { skip: skipLive }, async () => {
  const { page, context, errors, same } = await submitted(
    { js: true },
    "/jobs",
    async (page) => {
      const form = page.locator('tr[data-job="commodity_signals"] form.run-now');
      await form.getByRole("button", { name: "Run now" }).click();
      await page.getByRole("status").filter({ hasText: "Started commodity_signals" }).waitFor();
    },
    LIVE,
    true,
  );
  assert.equal(same, true, "the document was reloaded");
  assert.equal(new URL(page.url()).pathname, "/jobs");
  assert.deepEqual(errors, []);
  await context.close();
});
