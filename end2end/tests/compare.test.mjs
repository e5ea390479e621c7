// The compare view as a person uses it, with JavaScript off and on: tick instruments, set
// a start date, submit; the chart and the correlation matrix follow the URL.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, open, MODES, BASE } from "./browser.mjs";

const PATH = "/commodities/compare";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

async function api(query) {
  const res = await fetch(`${BASE}/api/commodities/compare?${query}`);
  return { status: res.status, body: await res.json() };
}

/** The correlation table's cells as text, row by row, and its header names. */
async function matrix(page) {
  const table = page.locator("table.data.correlation");
  const cols = await table.locator("thead th").allInnerTexts();
  const rows = await table.locator("tbody th").allInnerTexts();
  const cells = await table.locator("tbody tr").evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent.trim())),
  );
  return { cols: cols.map((c) => c.trim()), rows: rows.map((r) => r.trim()), cells };
}

// The browser reports a document answered with a 4xx as a failed resource load; that is
// the status the page means to send, not a script error.
const notStatusNoise = (errors) => errors.filter((e) => !/Failed to load resource: .*status of 40[04]/.test(e));

for (const mode of MODES) {
  test(`ticking instruments and a start date draws the chart and a symmetric matrix (${mode.name})`, async () => {
    const { page, context, errors, status } = await open(browser, PATH, mode);
    assert.equal(status, 200);
    // The default view: the form, a hint and the presets, no chart yet.
    assert.match(await page.locator(".compare-hint").innerText(), /Choose what to compare/);
    assert.ok((await page.getByRole("navigation", { name: "Presets" }).getByRole("link").count()) >= 3);
    assert.equal(await page.locator("svg[role=img]").count(), 0);
    assert.equal(await page.title(), "Compare · Quarry");

    const picks = ["gold", "silver", "wti"];
    for (const slug of picks) await page.locator(`input[name="pick"][value="${slug}"]`).check();
    await page.locator('input[name="from"]').fill("2021-01-01");
    await page.getByRole("button", { name: "Compare" }).click();
    await page.waitForURL((u) => {
      const q = new URL(u).searchParams;
      return q.getAll("pick").join(",") === picks.join(",") && q.get("from") === "2021-01-01";
    });
    await page.waitForSelector("table.data.correlation");

    const svg = page.locator("figure.compare-chart svg[role=img]");
    assert.equal(await svg.count(), 1);
    const title = await svg.locator("title").textContent();
    assert.match(title, /^Gold, Silver, WTI.* rebased to 100 on \d{4}-\d{2}-\d{2}$/);
    assert.equal(await svg.getAttribute("aria-labelledby"), "compare-chart-title compare-chart-desc");

    const { cols, rows, cells } = await matrix(page);
    assert.equal(cells.length, 3);
    assert.equal(rows.length, 3);
    assert.equal(cols.length, 3);
    assert.deepEqual(rows, cols, "row and column headers name the same instruments");
    for (let i = 0; i < 3; i++) {
      assert.equal(cells[i].length, 3, `row ${i}`);
      assert.equal(cells[i][i], "1.00", `diagonal ${i}`);
      for (let j = 0; j < 3; j++) {
        assert.equal(cells[i][j], cells[j][i], `symmetric at ${i},${j}`);
        if (cells[i][j] !== "—") {
          const r = parseFloat(cells[i][j]);
          assert.ok(r >= -1 && r <= 1, cells[i][j]);
        }
      }
    }

    // The same numbers as the API for the same parameters.
    const { status: apiStatus, body } = await api("instruments=gold,silver,wti&from=2021-01-01");
    assert.equal(apiStatus, 200);
    assert.deepEqual(body.instruments.map((i) => i.name), rows);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const r = body.correlation[i][j];
        assert.equal(cells[i][j], r === null ? "—" : r.toFixed(2), `cell ${i},${j}`);
      }
    }
    assert.ok(body.demo, "the demo server's figures are generated");
    assert.ok(title.endsWith(body.base_used), `${title} vs ${body.base_used}`);
    for (const inst of body.instruments) {
      const row = page.locator(`table.compare-legend tr[data-slug="${inst.slug}"]`);
      assert.equal((await row.locator("td.rebased").innerText()).trim(), inst.last_rebased.toFixed(1), inst.slug);
      assert.equal(await row.locator(".badge.demo").innerText(), "DEMO");
      assert.ok(inst.last_rebased > 0);
    }
    assert.match(await page.locator(".method").innerText(), /Pearson correlation of simple period returns/);
    // The ticks survive the round trip through the URL.
    for (const slug of picks) assert.ok(await page.locator(`input[name="pick"][value="${slug}"]`).isChecked(), slug);
    assert.equal(await page.locator('input[name="pick"]:checked').count(), 3);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`a preset with a monthly series compares at month ends (${mode.name})`, async () => {
    const { page, context, errors } = await open(browser, PATH, mode);
    await page.getByRole("navigation", { name: "Presets" }).getByRole("link", { name: "Gold vs copper" }).click();
    await page.waitForURL(/instruments=gold,copper/);
    await page.waitForSelector("table.data.correlation");
    const { cells } = await matrix(page);
    assert.deepEqual(cells.map((r) => r.length), [2, 2]);
    assert.equal(cells[0][0], "1.00");
    assert.equal(cells[0][1], cells[1][0]);
    assert.match(await page.locator(".method").innerText(), /month ends/);
    const { body } = await api("instruments=gold,copper");
    assert.equal(body.basis, "monthly");
    assert.equal(cells[0][1], body.correlation[0][1] === null ? "—" : body.correlation[0][1].toFixed(2));
    // Every common date is a month end.
    assert.match(body.last_common, /-(28|29|30|31)$/);
    assert.ok(await page.locator('input[name="pick"][value="copper"]').isChecked());
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`an unknown instrument, a bad date or a single instrument says what is wrong (${mode.name})`, async () => {
    let { page, context, errors, status } = await open(browser, `${PATH}?instruments=gold,unobtainium`, mode);
    assert.equal(status, 404);
    assert.match(await page.getByRole("alert").innerText(), /unknown instrument 'unobtainium'/);
    assert.equal(await page.locator("table.correlation").count(), 0);
    assert.deepEqual(notStatusNoise(errors), []);
    await context.close();

    ({ page, context, errors, status } = await open(browser, `${PATH}?instruments=gold,silver&from=2021-02-30`, mode));
    assert.equal(status, 400);
    const alert = page.getByRole("alert");
    assert.match(await alert.innerText(), /\(from\).*'2021-02-30' is not a date/);
    assert.equal(await alert.getAttribute("data-parameter"), "from");
    assert.deepEqual(notStatusNoise(errors), []);
    await context.close();
    const bad = await api("instruments=gold,silver&from=2021-02-30");
    assert.equal(bad.status, 400);
    assert.equal(bad.body.parameter, "from");

    ({ page, context, errors, status } = await open(browser, `${PATH}?instruments=gold`, mode));
    assert.equal(status, 200);
    assert.match(await page.locator(".compare-hint").innerText(), /Only one instrument chosen \(gold\)/);
    assert.ok(await page.locator('input[name="pick"][value="gold"]').isChecked());
    assert.equal(await page.locator("svg[role=img]").count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
    const one = await api("instruments=gold");
    assert.equal(one.status, 400);
    assert.equal(one.body.parameter, "instruments");
  });
}

test("the compare page fits a phone screen", async () => {
  const { page, context } = await open(browser, `${PATH}?instruments=gold,silver,platinum,palladium,wti,brent`, {
    js: false,
    width: 390,
  });
  await page.waitForSelector("table.data.correlation");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page is ${overflow}px wider than the screen`);
  await context.close();
});
