// The first hour of `scripts/run.sh --demo` on a machine without network (issue 16): every
// page the app routes (the list is read from src/app/mod.rs, so a new route cannot be left
// out), at desktop width and on a 375x812 phone, fits the screen, shows no resolver error
// outside a <details>, flags no demo row stale, and the jobs page stays short; the demo
// chart pack is a PDF labelled DEMO within two minutes of the server answering.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, open, BASE } from "./browser.mjs";

// When the server first answered (scripts/e2e.sh), else now: the clock of "two minutes".
const READY_AT = Number(process.env.QUARRY_E2E_READY_AT ?? Date.now());
const WIDTHS = [
  ["desktop", 1280, 900],
  ["phone", 375, 812],
];
const JOBS_PAGE_MAX_HEIGHT = 3000;
// What a failed name lookup or connection reads like (reqwest, hyper, the OS resolver).
const RESOLVER_ERROR =
  /dns error|failed to lookup address|lookup address information|name or service not known|temporary failure in name resolution|no address associated with hostname|nodename nor servname|error sending request|tcp connect error/i;

/** The route patterns of the app's router, as written in src/app/mod.rs. */
function appRoutes() {
  const source = readFileSync(new URL("../../src/app/mod.rs", import.meta.url), "utf8");
  const routes = [...source.matchAll(/<Route\s+path=path!\("([^"]*)"\)/g)].map((m) => m[1]);
  assert.ok(routes.length >= 20, `routes read from src/app/mod.rs: ${routes}`);
  return routes;
}

let browser;
let urls; // route pattern -> a URL of the demo that it answers
before(async () => {
  browser = await launch();
  // The venture demo is written at start-up: wait until it is there, then take a real
  // company, investor and fund for the routes that need one.
  const first = async (path) => {
    for (let i = 0; i < 120; i++) {
      const res = await fetch(BASE + path);
      const body = res.ok ? await res.json() : {};
      if (body.rows?.length) return body.rows[0].id;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`${path} never listed a row`);
  };
  const params = {
    "/commodities/:slug": { slug: "gold" },
    "/venture/companies/:id": { id: await first("/api/venture/companies") },
    "/venture/investors/:id": { id: await first("/api/venture/investors") },
    "/venture/funds/:id": { id: await first("/api/venture/funds") },
  };
  urls = new Map();
  for (const route of appRoutes()) {
    const names = [...route.matchAll(/:(\w+)/g)].map((m) => m[1]);
    assert.ok(names.length === 0 || params[route], `no demo value for the route ${route}: add one above`);
    urls.set(route, route.replace(/:(\w+)/g, (_, name) => encodeURIComponent(params[route][name])));
  }
});
after(async () => browser?.close());

/** What a person would flag on the page that is open. */
function survey(page) {
  return page.evaluate((resolver) => {
    // Text outside <details>: a full error may sit in one, closed, one click away.
    const body = document.body.cloneNode(true);
    body.querySelectorAll("details, script, style, template").forEach((d) => d.remove());
    const text = body.textContent.replace(/\s+/g, " ");
    const resolverError = new RegExp(resolver, "i").exec(text);
    const stale = [...document.querySelectorAll('[data-freshness="stale"], tr.stale, .stale-reason, .stale-list li')].map(
      (e) => e.closest("[data-slug], [data-stale-for], li")?.outerHTML.slice(0, 200) ?? e.outerHTML.slice(0, 200),
    );
    const staleWord = /\bSTALE\b/.exec(text);
    return {
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      wide: [...document.querySelectorAll("main *")]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
        .filter((e) => !e.closest(".table-wrap, pre, figure"))
        .slice(0, 3)
        .map((e) => `${e.tagName.toLowerCase()}.${e.className}`),
      height: document.documentElement.scrollHeight,
      resolverError: resolverError && text.slice(Math.max(0, resolverError.index - 80), resolverError.index + 80),
      stale: staleWord ? [...stale, text.slice(Math.max(0, staleWord.index - 80), staleWord.index + 40)] : stale,
    };
  }, RESOLVER_ERROR.source);
}

test("the route list covers every page of the app", () => {
  const routes = appRoutes();
  for (const path of ["/", "/commodities/:slug", "/venture/import", "/jobs", "/api", "/charts/pack"]) {
    assert.ok(routes.includes(path), path);
  }
});

for (const [label, width, height] of WIDTHS) {
  test(`every page at ${label} width (${width}x${height}) fits, shows no resolver error or stale demo row`, async () => {
    const problems = [];
    for (const [route, url] of urls) {
      const { page, context, errors, status } = await open(browser, url, { js: true, width });
      try {
        await page.setViewportSize({ width, height });
        const s = await survey(page);
        const where = `${url} (${route}) at ${width}px`;
        if (status !== 200) problems.push(`${where}: status ${status}`);
        if (s.overflow > 1) problems.push(`${where}: ${s.overflow}px wider than the screen (${s.wide.join(", ")})`);
        if (s.resolverError) problems.push(`${where}: a resolver error outside <details>: …${s.resolverError}…`);
        if (s.stale.length) problems.push(`${where}: flagged stale: ${s.stale.join(" | ")}`);
        if (route === "/jobs" && s.height >= JOBS_PAGE_MAX_HEIGHT) {
          problems.push(`${where}: the jobs page is ${s.height}px tall (limit ${JOBS_PAGE_MAX_HEIGHT})`);
        }
        if (errors.length) problems.push(`${where}: browser errors: ${errors.join("; ")}`);
      } finally {
        await context.close();
      }
    }
    assert.deepEqual(problems, []);
  });
}

test("the demo chart pack is a PDF labelled DEMO within two minutes of the server answering", async () => {
  const deadline = READY_AT + 120_000;
  let res;
  do {
    res = await fetch(BASE + "/api/charts/pack/latest.pdf");
    if (res.status === 200) break;
    await new Promise((r) => setTimeout(r, 1000));
  } while (Date.now() < deadline);
  assert.equal(res.status, 200, "no pack two minutes after the server first answered");
  const pdf = Buffer.from(await res.arrayBuffer());
  assert.equal(pdf.subarray(0, 5).toString(), "%PDF-");
  const dir = mkdtempSync(join(tmpdir(), "pack-"));
  writeFileSync(join(dir, "pack.pdf"), pdf);
  const text = execFileSync("pdftotext", [join(dir, "pack.pdf"), "-"]).toString();
  assert.match(text, /DEMO/);
});
