// Real parts for the search's browser tests: the fixture site built by the release `kbgen build`
// with a base URL under /kb/ (and this repository's KB under /atlas/), a real HTTP server on
// 127.0.0.1 that serves them there, and headless Chromium (Debian `chromium`) driven by
// puppeteer-core from tests/browser/node_modules.
//
// Environment: KBGEN_BIN (default target/release/kbgen, built with cargo when missing),
// CHROME_PATH or CHROMIUM (default /usr/bin/chromium).
import { createServer } from "node:http";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import puppeteer from "puppeteer-core";

export const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".xml": "application/xml",
  ".txt": "text/plain; charset=utf-8",
};

/** Serves `webroot` on 127.0.0.1 (a free port); resolves to the server. */
function serve(webroot) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
    let file = normalize(join(webroot, path));
    if (!file.startsWith(webroot + sep) && file !== webroot) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) {
      res.writeHead(404, { "content-type": TYPES[".txt"] }).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/**
 * The fixture site built and served under /kb/ (`base`), this repository's own KB under
 * /atlas/ (`atlas`), and a headless Chromium.
 */
export async function start() {
  const work = mkdtempSync(join(tmpdir(), "kbgen-search-browser-"));
  const server = await serve(work);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const base = `${origin}/kb/`;
  const atlas = `${origin}/atlas/`;
  const kbgen = process.env.KBGEN_BIN ?? join(repo, "target", "release", "kbgen");
  if (!process.env.KBGEN_BIN && !existsSync(kbgen)) {
    execFileSync("cargo", ["build", "--release", "--quiet"], { cwd: repo, stdio: "inherit" });
  }
  for (const [root, dir, url] of [[join(repo, "tests", "fixtures", "site"), "kb", base], [repo, "atlas", atlas]]) {
    execFileSync(kbgen, ["build", "--root", root, "--output", join(work, dir), "--base-url", url, "--force"], {
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    userDataDir: join(work, "profile"),
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  await browser.defaultBrowserContext().overridePermissions(origin, [
    "clipboard-read", "clipboard-write", "clipboard-sanitized-write",
  ]);
  return {
    base,
    atlas,
    browser,
    async stop() {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Pastes `text` into the focused field the way a reader does: the clipboard, then Ctrl+V. */
export async function paste(page, selector, text) {
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.focus(selector);
  await page.keyboard.down("Control");
  await page.keyboard.press("KeyV");
  await page.keyboard.up("Control");
}

/** Waits for #search-results to list results; returns them as plain data. */
export async function results(page) {
  await page.waitForSelector("#search-results li.search-hit a", { timeout: 10000 });
  return page.$$eval("#search-results li.search-hit", (lis) => lis.map((li) => ({
    href: li.querySelector("a")?.href,
    title: li.querySelector("a")?.textContent,
    platform: li.querySelector(".search-hit-platform")?.textContent,
    signature: li.querySelector("pre.search-hit-signature")?.textContent ?? null,
    marks: [...li.querySelectorAll("pre.search-hit-signature mark")].map((m) => m.textContent),
    fix: li.querySelector(".search-hit-fix")?.textContent ?? null,
  })));
}
