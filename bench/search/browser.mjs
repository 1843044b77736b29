// Time to first result in headless Chromium: serves a built site on 127.0.0.1 and opens
// search/?q=... for each query with the browser cache off, timing from DOMContentLoaded to the
// first result in #search-results (search-ui.js and search.js load, then the manifest, the
// shards and the metadata come from the local server, get parsed, scored and rendered).
// Also from the arrival of the last index file (Resource Timing) to the first result.
//
// usage: node bench/search/browser.mjs SITE_DIR QUERIES.json [COUNT]
//   (puppeteer-core from tests/browser: run `npm ci` there first; CHROMIUM overrides
//   /usr/bin/chromium)  ->  JSON summary on stdout
import { createServer } from "node:http";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "..", "..", "tests", "browser", "package.json"));
const puppeteer = (await import(require.resolve("puppeteer-core"))).default;

const [site, queriesFile, count = "40"] = process.argv.slice(2);
const root = normalize(site);
const types = { ".html": "text/html", ".js": "text/javascript", ".json": "application/json", ".css": "text/css" };
const server = createServer((req, res) => {
  let file = join(root, decodeURIComponent(new URL(req.url, "http://x").pathname));
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
  if (!file.startsWith(root) || !existsSync(file)) return res.writeHead(404).end();
  res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
  res.end(readFileSync(file));
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}/`;
const profile = mkdtempSync(join(tmpdir(), "kbgen-bench-chromium-"));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  userDataDir: profile,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage();
await page.setCacheEnabled(false);
await page.evaluateOnNewDocument(() => {
  document.addEventListener("DOMContentLoaded", () => {
    const t0 = performance.now();
    new MutationObserver((_, obs) => {
      if (document.querySelector("#search-results li")) {
        const now = performance.now();
        const data = performance.getEntriesByType("resource").filter((r) => r.name.includes("/search/"));
        const lastFile = Math.max(...data.map((r) => r.responseEnd));
        window.__firstResult = [now - t0, now - lastFile, data.length];
        obs.disconnect();
      }
    }).observe(document.documentElement, { childList: true, subtree: true });
  });
});
const queries = JSON.parse(readFileSync(queriesFile, "utf8")).slice(0, Number(count));
const ms = [];
const afterFiles = [];
let right = 0;
for (const q of queries) {
  await page.goto(`${base}search/?q=${encodeURIComponent(q.query)}`);
  await page.waitForFunction(() => window.__firstResult !== undefined, { timeout: 20000 });
  const [total, after] = await page.evaluate(() => window.__firstResult);
  ms.push(total);
  afterFiles.push(after);
  const first = await page.$eval("#search-results li a", (a) => a.getAttribute("href"));
  if (first === new URL(`${q.expect}/`, base).href || first.endsWith(`/${q.expect}/`)) right += 1;
}
await browser.close();
server.close();
rmSync(profile, { recursive: true, force: true });
const at = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(1);
};
console.log(JSON.stringify({
  queries: ms.length,
  recall1: right / ms.length,
  // DOMContentLoaded -> first result, local server.
  ms: { median: at(ms, 0.5), p90: at(ms, 0.9), max: at(ms, 1) },
  // The last index file's arrival -> first result.
  afterFiles: { median: at(afterFiles, 0.5), p90: at(afterFiles, 0.9), max: at(afterFiles, 1) },
}));
