// The venture pages as a person sees them, with JavaScript off and on: the landscape
// heatmap and its sector drill-down, a filtered and sorted funding table, a company page
// reached from a funding row, a fund's returns and chart, and the IPO pipeline. The
// server runs with --demo, so every venture table holds generated rows labelled DEMO.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, open, MODES, BASE } from "./browser.mjs";

let browser;
let landscape;
let sectors;

const api = async (path) => {
  const res = await fetch(BASE + path);
  return { status: res.status, body: await res.json() };
};

before(async () => {
  browser = await launch();
  // The venture demo and its aggregates are written at start-up; wait until the landscape
  // has rounds.
  for (let i = 0; i < 120; i++) {
    landscape = (await api("/api/venture/landscape")).body;
    if (landscape.total?.rounds > 0) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.ok(landscape.total.rounds > 0, "the demo landscape has rounds");
  sectors = (await api("/api/venture/sectors")).body.sectors;
});
after(async () => browser?.close());

/** The attribute `attr` of every element matching `selector`, in order. */
const attrs = (page, selector, attr) =>
  page.locator(selector).evaluateAll((els, a) => els.map((e) => e.getAttribute(a)), attr);

/** Every venture page shows the section navigation with its own entry marked. */
async function assertSubnav(page, href) {
  const nav = page.getByRole("navigation", { name: "Venture" });
  assert.ok(await nav.isVisible(), "the venture navigation is shown");
  assert.equal(await nav.locator('a[aria-current="page"]').getAttribute("href"), href);
}

for (const mode of MODES) {
  test(`the landscape is a heatmap of every sector by quarter, labelled DEMO (${mode.name})`, async () => {
    const { page, context, errors, status } = await open(browser, "/venture", mode);
    assert.equal(status, 200);
    assert.match(await page.title(), /^Venture landscape\b/);
    assert.equal(await page.locator("h1").innerText(), "Venture landscape");
    await assertSubnav(page, "/venture");
    const table = page.locator('table.heatmap[data-level="sector"]');
    assert.equal(await table.count(), 1);
    // Every sector of the taxonomy is a row, in the API's order, each linking its drill-down.
    const keys = await attrs(page, "table.heatmap tbody tr", "data-key");
    assert.deepEqual(keys, sectors.map((s) => s.slug));
    assert.deepEqual(keys, landscape.rows.map((r) => r.key));
    for (const s of sectors) {
      const link = page.locator(`table.heatmap tbody tr[data-key="${s.slug}"] th a`);
      assert.equal(await link.innerText(), s.label);
      assert.equal(await link.getAttribute("href"), `/venture?sector=${s.slug}`);
    }
    // Twelve quarter columns, as the API gives them, oldest first.
    assert.deepEqual(await attrs(page, "table.heatmap thead th[data-quarter]", "data-quarter"), landscape.quarters);
    assert.equal(landscape.quarters.length, 12);
    // Each cell holds the API's round count and dollars; shaded cells are exactly the non-empty ones.
    for (const r of landscape.rows) {
      const cells = page.locator(`table.heatmap tbody tr[data-key="${r.key}"] td.heat`);
      const got = await cells.evaluateAll((tds) =>
        tds.map((td) => ({ rounds: Number(td.dataset.rounds), amount: Number(td.dataset.amount), style: td.getAttribute("style") ?? "" })),
      );
      assert.equal(got.length, landscape.quarters.length, r.key);
      got.forEach((c, i) => {
        assert.equal(c.rounds, r.cells[i].rounds, `${r.key} ${landscape.quarters[i]} rounds`);
        assert.ok(Math.abs(c.amount - r.cells[i].amount_sold) <= 1, `${r.key} ${landscape.quarters[i]} amount`);
        assert.equal(/background/.test(c.style), r.cells[i].amount_sold > 0, `${r.key} ${landscape.quarters[i]} shading`);
      });
      const total = page.locator(`table.heatmap tbody tr[data-key="${r.key}"] td.total`);
      assert.equal(Number(await total.getAttribute("data-rounds")), r.total.rounds, `${r.key} total`);
    }
    // The largest cell is the darkest.
    assert.equal(await page.locator('table.heatmap td.heat[style*="0.90"]').count() >= 1, true);
    const grand = page.locator("table.heatmap tfoot td.grand");
    assert.equal(Number(await grand.getAttribute("data-rounds")), landscape.total.rounds);
    // A non-empty cell reads dollars and rounds.
    const full = page.locator("table.heatmap td.heat .amt").first();
    assert.match(await full.innerText(), /^\$\d+(\.\d)?[KMBT]?$/);
    // DEMO, the source line, the known-amount note, the biggest rounds, the CSV.
    assert.ok(await page.locator(".demo-notice .badge.demo").isVisible());
    const source = await page.locator(".source-line").innerText();
    assert.match(source, /DEMO/);
    assert.match(source, /Source: SEC EDGAR Form D \(via funding_tracker, computed \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\), data through \d{4}-\d{2}-\d{2}\./);
    assert.ok((await page.locator(".amounts-known").innerText()).includes(`Rounds with a known amount: ${landscape.rounds_with_amount} of ${landscape.total.rounds}`));
    assert.deepEqual((await attrs(page, "table.biggest tbody tr", "data-id")).map(Number), landscape.biggest.map((r) => r.id));
    assert.equal(await page.getByRole("link", { name: "Download CSV" }).getAttribute("href"), "/api/venture/landscape.csv");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`a sector link drills into that sector by stage (${mode.name})`, async () => {
    const sector = [...landscape.rows].sort((a, b) => b.total.rounds - a.total.rounds)[0];
    const { body: drilled } = await api(`/api/venture/landscape?sector=${sector.key}`);
    assert.ok(drilled.rows.length >= 2, "the busiest sector has several stages");
    const { page, context, errors } = await open(browser, "/venture", mode);
    await page.evaluate(() => { window.__sameDocument = true; });
    await page.locator(`table.heatmap tbody tr[data-key="${sector.key}"] th a`).click();
    await page.waitForURL(new RegExp(`sector=${sector.key}`));
    await page.waitForSelector('table.heatmap[data-level="stage"]');
    assert.equal(await page.locator("h1").innerText(), `${sector.label}: funding by stage`);
    assert.deepEqual(await attrs(page, "table.heatmap tbody tr", "data-key"), drilled.rows.map((r) => r.key));
    assert.equal(Number(await page.locator("table.heatmap tfoot td.grand").getAttribute("data-rounds")), drilled.total.rounds);
    assert.equal(drilled.total.rounds, sector.total.rounds, "the drill-down adds up to the sector's row");
    // A stage row opens the funding table for that sector, stage and period.
    const stageHref = await page.locator("table.heatmap tbody tr th a").first().getAttribute("href");
    assert.match(stageHref, new RegExp(`^/venture/funding\\?sector=${sector.key}&stage=${encodeURIComponent(drilled.rows[0].key)}&from=`));
    // Every biggest round belongs to the sector; the way back is a link.
    const bigSectors = await page.locator("table.biggest tbody td[data-col=sector]").allInnerTexts();
    assert.ok(bigSectors.every((s) => s === sector.label), bigSectors.join(","));
    assert.equal(await page.locator('a[data-up="sectors"]').getAttribute("href"), "/venture");
    assert.equal(await page.evaluate(() => window.__sameDocument === true), mode.js);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`the funding table filtered by sector and stage, sorted by amount, shows only those rows, biggest first (${mode.name})`, async () => {
    // The sector and stage with the most rounds that still leave some out.
    const all = (await api("/api/venture/funding?per_page=500")).body;
    const combos = {};
    for (const r of all.rows) combos[`${r.sector}|${r.stage}`] = (combos[`${r.sector}|${r.stage}`] ?? 0) + 1;
    const [combo] = Object.entries(combos).sort((a, b) => b[1] - a[1])[0];
    const [sector, stage] = combo.split("|");
    const query = `sector=${sector}&stage=${encodeURIComponent(stage)}&sort=amount`;
    const expected = (await api(`/api/venture/funding?${query}`)).body;
    assert.ok(expected.rows.length >= 2, `${combo}: ${expected.rows.length} rows`);
    assert.ok(expected.total < all.total, "the filter hides something");

    const { page, context, errors, status } = await open(browser, `/venture/funding?${query}`, mode);
    assert.equal(status, 200);
    assert.match(await page.title(), /^Funding rounds\b/);
    await assertSubnav(page, "/venture/funding");
    const rows = page.locator("table.funding tbody tr");
    assert.deepEqual((await attrs(page, "table.funding tbody tr", "data-id")).map(Number), expected.rows.map((r) => r.id));
    assert.ok((await attrs(page, "table.funding tbody tr", "data-sector")).every((s) => s === sector));
    assert.ok((await attrs(page, "table.funding tbody tr", "data-stage")).every((s) => s === stage));
    // Read the amount cells: biggest first, and the same dollars as the API.
    const amounts = (await attrs(page, 'table.funding tbody td[data-col="amount"]', "data-value")).map(Number);
    assert.deepEqual(amounts, [...amounts].sort((a, b) => b - a));
    amounts.forEach((a, i) => assert.ok(Math.abs(a - expected.rows[i].amount_sold) <= 1, `row ${i}`));
    for (const text of await page.locator('table.funding tbody td[data-col="amount"]').allInnerTexts()) {
      assert.match(text, /^\$\d+(\.\d)?[KMBT]?$/);
    }
    assert.equal(await page.locator('th[aria-sort="descending"] a[data-sort="amount"]').count(), 1);
    // Each row: the company page, labels, and DEMO instead of a filing link for demo rows.
    const first = expected.rows[0];
    const row = rows.first();
    assert.equal(await row.locator("th a.company").getAttribute("href"), `/venture/companies/${first.company_id}`);
    assert.equal(await row.locator('td[data-col="form"]').innerText(), first.form_type);
    assert.ok(await row.locator(".badge.demo").first().isVisible());
    assert.match(await page.locator(".pager .rows").innerText(), new RegExp(`^Rows 1–${expected.rows.length} of ${expected.total}$`));
    // The filters stay in the form, and the CSV link carries them.
    assert.equal(await page.locator('select[name="sector"]').inputValue(), sector);
    assert.equal(await page.locator('select[name="stage"]').inputValue(), stage);
    const csv = await page.getByRole("link", { name: "Download CSV" }).getAttribute("href");
    assert.equal(csv, `/api/venture/funding.csv?${query}`);
    const csvText = await (await fetch(BASE + csv)).text();
    assert.equal(csvText.trim().split("\n").length, expected.total + 1, "header plus one line a round");
    // Clicking the sorted header flips it.
    await page.locator('a[data-sort="amount"]').click();
    await page.waitForURL(/dir=asc/);
    await page.waitForSelector('table.funding[data-dir="asc"]');
    const asc = (await attrs(page, 'table.funding tbody td[data-col="amount"]', "data-value")).map(Number);
    assert.deepEqual(asc, [...amounts].sort((a, b) => a - b));
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`the funding filter form puts its state in the URL (${mode.name})`, async () => {
    const sector = landscape.rows.find((r) => r.total.rounds > 0).key;
    const expected = (await api(`/api/venture/funding?sector=${sector}`)).body;
    const { page, context, errors } = await open(browser, "/venture/funding", mode);
    await page.locator('select[name="sector"]').selectOption(sector);
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(new RegExp(`sector=${sector}`));
    await page.waitForSelector(`table.funding tbody tr[data-sector="${sector}"]`);
    const got = await attrs(page, "table.funding tbody tr", "data-sector");
    assert.ok(got.every((s) => s === sector), got.join(","));
    assert.equal(await page.locator(".table-tools [data-count]").getAttribute("data-count"), String(expected.total));
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`a bad funding filter shows the API's message with a 400 (${mode.name})`, async () => {
    const bad = await api("/api/venture/funding?min_amount=lots");
    assert.equal(bad.status, 400);
    assert.equal(bad.body.parameter, "min_amount");
    const { page, context, errors, status } = await open(browser, "/venture/funding?min_amount=lots", mode);
    assert.equal(status, 400);
    const alert = page.getByRole("alert");
    assert.ok((await alert.innerText()).includes(bad.body.message), await alert.innerText());
    assert.equal(await page.locator("table.funding").count(), 0);
    // The form stays, so there is a way out.
    assert.ok(await page.getByRole("button", { name: "Filter" }).isVisible());
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
    await context.close();
  });

  test(`a company page reached from a funding row shows its rounds (${mode.name})`, async () => {
    const { page, context, errors } = await open(browser, "/venture/funding", mode);
    const link = page.locator("table.funding tbody tr th a.company").first();
    const href = await link.getAttribute("href");
    const name = await link.innerText();
    const id = Number(href.split("/").pop());
    const { body: company } = await api(`/api/venture/companies/${id}`);
    await link.click();
    await page.waitForURL(new RegExp(`/venture/companies/${id}$`));
    await page.waitForSelector(`h1[data-company-id="${id}"]`);
    assert.match(await page.locator("h1").innerText(), new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    assert.match(await page.title(), new RegExp(`\\bQuarry$`));
    await assertSubnav(page, "/venture/companies");
    // The timeline holds every round, newest first, with the API's amounts.
    assert.ok(company.rounds.length >= 1);
    assert.deepEqual((await attrs(page, "ol.timeline li", "data-round-id")).map(Number), company.rounds.map((r) => r.id));
    const dates = await page.locator("ol.timeline time").allInnerTexts();
    assert.deepEqual(dates, [...dates].sort().reverse());
    const amounts = await attrs(page, "ol.timeline .amount", "data-value");
    company.rounds.forEach((r, i) => {
      if (r.amount_sold != null) assert.ok(Math.abs(Number(amounts[i]) - r.amount_sold) <= 1, `round ${r.id}`);
    });
    // Facts, the other sections and the provenance line.
    assert.equal(await page.locator('dd[data-fact="sector"]').innerText(), (sectors.find((s) => s.slug === company.company.sector) ?? {}).label);
    for (const h of ["Valuations", "Acquisitions", "IPO", "EDGAR filings"]) {
      assert.equal(await page.getByRole("heading", { name: h, exact: true }).count(), 1, h);
    }
    assert.ok(await page.locator("h1 .badge.demo").isVisible());
    assert.match(await page.locator(".provenance").innerText(), /DEMO\s+Source: generated demo data/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`a company's IPO section shows the offering terms and their filing, or none (${mode.name})`, async () => {
    const { body: pipeline } = await api("/api/venture/ipo-pipeline");
    const all = pipeline.groups.flatMap((g) => g.rows);
    for (const r of [all.find((x) => x.terms_source && x.price_low != null), all.find((x) => !x.terms_source)]) {
      const { page, context, errors } = await open(browser, `/venture/companies/${r.company_id}`, mode);
      const offering = page.locator("p.ipo-offering");
      if (r.terms_source) {
        const text = await offering.innerText();
        assert.ok(text.startsWith("Offering: "), text);
        assert.ok(text.includes(`$${r.price_high.toFixed(2)}`) && text.includes(`${r.terms_source.form}, ${r.terms_source.filed_on}`), text);
      } else {
        assert.equal(await offering.count(), 0, `${r.company} states no terms`);
      }
      assert.deepEqual(errors, []);
      await context.close();
    }
  });

  test(`an unknown company is a 404 and a bad id a 400, with the API's message (${mode.name})`, async () => {
    for (const [id, code] of [["99999999", 404], ["abc", 400]]) {
      const bad = await api(`/api/venture/companies/${id}`);
      assert.equal(bad.status, code);
      const { page, context, errors, status } = await open(browser, `/venture/companies/${id}`, mode);
      assert.equal(status, code, id);
      assert.ok((await page.getByRole("alert").innerText()).includes(bad.body.message), id);
      assert.ok(await page.getByRole("link", { name: "All companies" }).isVisible());
      assert.deepEqual(errors.filter((e) => !/status of 40[04]/.test(e)), []);
      await context.close();
    }
  });

  test(`a fund page shows its returns and the cash-flow chart (${mode.name})`, async () => {
    const { body: funds } = await api("/api/venture/funds");
    const fund = funds.rows.find((f) => f.returns.irr != null && f.returns.tvpi != null);
    assert.ok(fund, "a demo fund has an IRR");
    // The returns table: IRR as a percentage, multiples with an x, a note where IRR is missing.
    const list = await open(browser, "/venture/funds", mode);
    assert.equal(list.status, 200);
    await assertSubnav(list.page, "/venture/funds");
    assert.deepEqual((await attrs(list.page, "table.funds tbody tr", "data-id")).map(Number), funds.rows.map((f) => f.id));
    const row = list.page.locator(`table.funds tbody tr[data-id="${fund.id}"]`);
    assert.equal(await row.locator('td[data-col="irr"]').innerText(), `${(fund.returns.irr * 100).toFixed(1)}%`);
    assert.equal(await row.locator('td[data-col="tvpi"]').innerText(), `${fund.returns.tvpi.toFixed(2)}x`);
    for (const f of funds.rows.filter((f) => f.returns.irr == null && f.returns.irr_note)) {
      assert.equal(await list.page.locator(`table.funds tr[data-id="${f.id}"] td[data-col="irr"]`).innerText(), f.returns.irr_note);
    }
    await row.locator("th a").click();
    await list.page.waitForURL(new RegExp(`/venture/funds/${fund.id}$`));
    await list.page.waitForSelector(`h1[data-fund-id="${fund.id}"]`);
    assert.deepEqual(list.errors, []);
    await list.context.close();

    const { page, context, errors, status } = await open(browser, `/venture/funds/${fund.id}`, mode);
    assert.equal(status, 200);
    assert.match(await page.title(), new RegExp(`^${fund.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    const r = fund.returns;
    assert.equal(await page.locator('dd[data-metric="irr"]').innerText(), `${(r.irr * 100).toFixed(1)}%`);
    assert.equal(await page.locator('dd[data-metric="tvpi"]').innerText(), `${r.tvpi.toFixed(2)}x`);
    assert.equal(await page.locator('dd[data-metric="dpi"]').innerText(), `${r.dpi.toFixed(2)}x`);
    assert.equal(await page.locator('dd[data-metric="rvpi"]').innerText(), `${r.rvpi.toFixed(2)}x`);
    const pme = await page.locator('dd[data-metric="pme"]').innerText();
    assert.equal(pme, r.pme != null ? r.pme.toFixed(2) : r.pme_note);
    const svg = page.locator("figure.fund-chart svg");
    assert.equal(await svg.count(), 1);
    assert.ok(await svg.isVisible());
    assert.match(await svg.innerHTML(), /Paid-in/);
    const { body: detail } = await api(`/api/venture/funds/${fund.id}`);
    assert.equal(await page.locator("table.flows tbody tr").count(), detail.flows.length);
    assert.equal(await page.locator("table.holdings tbody tr").count(), detail.holdings.length);
    assert.ok(await page.locator("h1 .badge.demo").isVisible());
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`the IPO pipeline has a section per status, each entry with its filings (${mode.name})`, async () => {
    const { body: pipeline } = await api("/api/venture/ipo-pipeline");
    const { page, context, errors, status } = await open(browser, "/venture/ipo", mode);
    assert.equal(status, 200);
    assert.match(await page.title(), /^IPO pipeline\b/);
    await assertSubnav(page, "/venture/ipo");
    assert.deepEqual(await attrs(page, "section.ipo-group", "data-status"), ["filed", "amended", "priced", "withdrawn"]);
    for (const g of pipeline.groups) {
      const section = page.locator(`section.ipo-group[data-status="${g.status}"]`);
      assert.equal(Number(await section.getAttribute("data-count")), g.rows.length, g.status);
      assert.equal(await section.getByRole("heading").innerText(), `${g.label} (${g.rows.length})`);
      assert.deepEqual((await attrs(page, `section.ipo-group[data-status="${g.status}"] tbody tr`, "data-id")).map(Number), g.rows.map((r) => r.id));
    }
    assert.ok(pipeline.groups.every((g) => g.rows.length > 0), "the demo fills every status");
    // The offering terms: shown with the filing they come from where the API has them,
    // an empty cell (not "$0" or a dash) where it has none.
    const all = pipeline.groups.flatMap((g) => g.rows);
    assert.ok(all.some((r) => r.terms_source) && all.some((r) => !r.terms_source), "the demo has rows with and without terms");
    for (const r of all) {
      const cell = (await page.locator(`tr[data-id="${r.id}"] td[data-col="offering"]`).innerText()).trim();
      if (!r.terms_source) {
        assert.equal(cell, "", `${r.company} states no terms`);
        continue;
      }
      assert.ok(cell.includes(`${r.terms_source.form}, ${r.terms_source.filed_on}`), cell);
      if (r.price_high != null) assert.ok(cell.includes(`$${r.price_high.toFixed(2)}`), cell);
      if (r.price_low != null && r.price_low < r.price_high) assert.ok(cell.includes(`$${r.price_low.toFixed(2)}–`), cell);
      assert.doesNotMatch(cell, /\$0\b|—/);
    }
    // An entry's filings open from their summary.
    const entry = pipeline.groups.find((g) => g.status === "amended").rows[0];
    const row = page.locator(`tr[data-id="${entry.id}"]`);
    assert.equal(Number(await row.locator('td[data-col="amendments"]').innerText()), entry.amendments);
    const events = row.locator("details.events li");
    assert.equal(await events.count(), entry.events.length);
    assert.equal(await events.first().isVisible(), false);
    await row.locator("details.events summary").click();
    assert.ok(await events.first().isVisible());
    assert.deepEqual(await row.locator("details.events li").evaluateAll((lis) => lis.map((li) => li.dataset.form)), entry.events.map((e) => e.form));
    assert.ok(await page.locator(".demo-notice .badge.demo").isVisible());
    assert.match(await page.locator(".source-line").innerText(), /data through \d{4}-\d{2}-\d{2}/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`the other venture pages are populated, labelled DEMO, without errors (${mode.name})`, async () => {
    const { body: inv } = await api("/api/venture/investors");
    for (const [path, table, title] of [
      ["/venture/companies", "table.companies", /^Companies\b/],
      ["/venture/investors", "table.investors", /^Investors\b/],
      [`/venture/investors/${inv.rows[0].id}`, "table.rounds", new RegExp(`^${inv.rows[0].name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`)],
      ["/venture/acquisitions", "table.acquisitions", /^Mergers and acquisitions\b/],
    ]) {
      const { page, context, errors, status } = await open(browser, path, mode);
      assert.equal(status, 200, path);
      assert.match(await page.title(), title, path);
      assert.equal(await page.locator("h1").count(), 1, path);
      assert.ok((await page.locator(`${table} tbody tr`).count()) > 0, path);
      assert.ok(await page.locator(".badge.demo").first().isVisible(), path);
      assert.deepEqual(errors, [], path);
      await context.close();
    }
    // Investors come most active first, as the API ranks them.
    const { page, context } = await open(browser, "/venture/investors", mode);
    assert.deepEqual((await attrs(page, "table.investors tbody tr", "data-id")).map(Number), inv.rows.map((r) => r.id));
    await context.close();
  });
}
