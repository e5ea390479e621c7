// Cold load of a page on a slow phone: Chromium with DevTools' "Fast 3G" network (562.5 ms
// round trip, 1.44 Mbit/s down, 675 kbit/s up) and the CPU slowed 4x, no cache. Prints,
// for each path, when the HTML arrived, when the page first painted, when it was
// interactive (the islands hydrated: body[data-hydrated]) and the bytes transferred.
//
//   node cold-load.mjs BASE_URL [PATH ...]      (default paths: / and /venture)
import { launch } from "./tests/browser.mjs";

const base = process.argv[2] ?? "http://127.0.0.1:3000";
const paths = process.argv.length > 3 ? process.argv.slice(3) : ["/", "/venture"];
const RUNS = Number(process.env.RUNS ?? 3);

const browser = await launch();
console.log(`cold load, Fast 3G (RTT 562.5 ms, 1.44 Mbit/s down) + 4x CPU throttle, ${RUNS} runs each, median:`);
for (const path of paths) {
  const results = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false, latency: 562.5, downloadThroughput: (1.44e6 / 8), uploadThroughput: (0.675e6 / 8),
    });
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
    let bytes = 0;
    cdp.on("Network.loadingFinished", (e) => { bytes += e.encodedDataLength; });
    const start = Date.now();
    await page.goto(base + path, { waitUntil: "commit" });
    await page.waitForSelector("body[data-hydrated=true]", { timeout: 60000 });
    const interactive = Date.now() - start;
    const timing = await page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0];
      const paint = performance.getEntriesByName("first-contentful-paint")[0];
      return { html: nav.responseEnd, fcp: paint ? paint.startTime : NaN };
    });
    await page.waitForLoadState("networkidle");
    results.push({ interactive, html: timing.html, fcp: timing.fcp, bytes });
    await context.close();
  }
  const med = (k) => results.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(results.length / 2)];
  console.log(`  ${path.padEnd(10)} HTML ${med("html").toFixed(0)} ms, first paint ${med("fcp").toFixed(0)} ms, ` +
    `interactive ${med("interactive")} ms, ${(med("bytes") / 1024).toFixed(1)} KB transferred`);
}
await browser.close();
