// The /api page, rendered from /api/openapi.json: it lists every documented endpoint and
// fits a phone screen (long paths and curl lines wrap or scroll inside their own box).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, open, BASE, MODES } from "./browser.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

for (const mode of MODES) {
  test(`the API page fits a 375 x 812 screen and lists every documented path (${mode.name})`, async () => {
    const doc = await (await fetch(BASE + "/api/openapi.json")).json();
    const { page, context, errors, status } = await open(browser, "/api", { ...mode, width: 375 });
    await page.setViewportSize({ width: 375, height: 812 });
    assert.equal(status, 200);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `/api is ${overflow}px wider than a 375px screen`);
    // No endpoint box pokes out of the screen either (a scrolled box stays inside).
    const widest = await page.locator("article.endpoint").evaluateAll((els) =>
      Math.max(...els.map((e) => e.getBoundingClientRect().right)),
    );
    assert.ok(widest <= 375 + 1, `an endpoint reaches ${widest}px`);
    const shown = new Set(await page.locator("article.endpoint code.path").allInnerTexts());
    for (const path of Object.keys(doc.paths)) assert.ok(shown.has(path), `${path} is not on /api`);
    assert.ok([...shown].some((p) => p.startsWith("/api/venture/")));
    assert.deepEqual(errors, []);
    await context.close();
  });
}
