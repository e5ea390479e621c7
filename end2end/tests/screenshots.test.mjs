// The pages a newcomer sees first, at desktop and phone width: each answers, hydrates and
// fits the phone's width. With QUARRY_E2E_DOCS set to a folder (docs/screenshots), each
// view is also saved there, with two pages of the demo chart pack, so the screenshots in
// the docs are always of the current build.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, open, BASE } from "./browser.mjs";

const DOCS = process.env.QUARRY_E2E_DOCS;
const PAGES = [
  ["overview", "/"],
  ["detail", "/commodities/gold"],
  ["landscape", "/venture"],
  ["jobs", "/jobs"],
];
const WIDTHS = [
  ["desktop", 1280, 800],
  ["phone", 375, 812],
];

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

for (const [name, path] of PAGES) {
  for (const [label, width, height] of WIDTHS) {
    test(`${name} (${path}) at ${label} width answers, hydrates and fits the screen`, async () => {
      const { page, context, errors, status } = await open(browser, path, { js: true, width });
      await page.setViewportSize({ width, height });
      assert.equal(status, 200);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `${path} is ${overflow}px wider than a ${width}px screen`);
      assert.deepEqual(errors, []);
      if (DOCS) {
        const file = join(DOCS, `${name}-${label}.png`);
        await page.screenshot({ path: file });
        assert.ok(statSync(file).size > 5000, `${file} looks empty`);
      }
      await context.close();
    });
  }
}

test("the demo chart pack is served as a PDF labelled DEMO", async () => {
  // The demo pack is drawn in the background at start-up: wait for it.
  let res;
  for (let i = 0; i < 120; i++) {
    res = await fetch(BASE + "/api/charts/pack/latest.pdf");
    if (res.status === 200) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  assert.equal(res.status, 200, "no pack within two minutes of start-up");
  const pdf = Buffer.from(await res.arrayBuffer());
  assert.equal(pdf.subarray(0, 5).toString(), "%PDF-");
  const dir = mkdtempSync(join(tmpdir(), "pack-"));
  writeFileSync(join(dir, "pack.pdf"), pdf);
  const text = execFileSync("pdftotext", ["-f", "1", "-l", "2", join(dir, "pack.pdf"), "-"]).toString();
  assert.match(text, /DEMO/, "the pack's pages say DEMO");
  if (DOCS) {
    // Pages 1 (the cover) and 2, at 60 dpi.
    execFileSync("pdftoppm", ["-png", "-r", "60", "-f", "1", "-l", "2", join(dir, "pack.pdf"), join(dir, "p")]);
    const pngs = readdirSync(dir).filter((f) => f.endsWith(".png")).sort();
    assert.equal(pngs.length, 2, `pages rendered: ${pngs}`);
    pngs.forEach((f, i) => copyFileSync(join(dir, f), join(DOCS, `pack-page-${i + 1}.png`)));
  }
});
