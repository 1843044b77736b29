// The default theme against real validators in a real browser.
//
//   node tests/browser/check.mjs --site DIR [--base /kb/] [--screenshots DIR]
//
// DIR is a built site (the fixture: `kbgen build --root tests/fixtures/site --output DIR`).
// 1. The Nu HTML Checker (vnu.jar, run with the machine's Java) checks every HTML page, the
//    stylesheet, the favicon and the search page as the browser shows it with results.
// 2. The site is served over HTTP on 127.0.0.1 and opened in headless Chromium: axe-core runs
//    on the home, category, platform, every entry, search-with-results and 404 pages, in light
//    and dark mode, with every rule axe enables by default (WCAG 2.x A/AA and best practices).
// 3. Reader checks in the browser: one h1, the skip link is the first stop and shows, focus is
//    visible, no sideways scrolling at 375 px, dark mode applies, copy buttons copy the exact
//    text, the print stylesheet hides the site chrome.
// 4. Every page's JSON-LD parses and uses only schema.org types and properties (schema.mjs).
// 5. Screenshots of the entry page at 375 and 1440 px, light and dark, and a print PDF.
// Any validator error, axe violation or failed check makes the exit code 1.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { checkJsonLd, loadVocabulary } from "./schema.mjs";
import { siteArgs, withChromium } from "./chromium.mjs";
import { serve } from "./server.mjs";

const require = createRequire(import.meta.url);
const axeSource = require("axe-core").source;
const vnuJar = require("vnu-jar");

const args = siteArgs("node tests/browser/check.mjs --site DIR [--base /kb/] [--screenshots DIR]");
const SITE = args.site;
const BASE = args.base ?? "/kb/";
const SHOTS = args.screenshots ?? "test-output/screenshots";

// The fixture's pages, by kind. The search page runs the site's real search script.
const ENTRY = "openrouter/expired-key-user-not-found/";
const SEARCH_QUERY = '{"error":{"message":"User not found.","code":401}}';
const PAGES = [
  { name: "home", path: "" },
  { name: "category", path: "categories/cloud-platforms/" },
  { name: "platform", path: "openrouter/" },
  { name: "entry", path: ENTRY },
  { name: "entry (yaml record)", path: "openrouter/no-auth-credentials/" },
  { name: "entry (minimal)", path: "git/not-a-repository/" },
  { name: "entry (hostile text)", path: "docker/template-looking/", images: 1 },
  { name: "search with results", path: `search/?q=${encodeURIComponent(SEARCH_QUERY)}`, results: true },
  { name: "404", path: "no-such-page/", status: 404 },
];

const failures = [];
const fail = (what) => {
  failures.push(what);
  console.log(`  FAIL ${what}`);
};

async function htmlFiles(dir) {
  const out = [];
  for (const d of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (d.isFile() && d.name.endsWith(".html")) out.push(join(d.parentPath ?? d.path, d.name));
  }
  return out.sort();
}

/** Runs vnu.jar over files; returns its messages. */
async function vnu(files) {
  const run = promisify(execFile);
  const argv = ["-jar", vnuJar, "--format", "json", "--stdout", "--also-check-css", "--also-check-svg", ...files];
  let stdout;
  try {
    ({ stdout } = await run("java", argv, { maxBuffer: 64 << 20 }));
  } catch (err) {
    // vnu exits 1 when it found errors; its report is still on stdout.
    if (!err.stdout) throw err;
    stdout = err.stdout;
  }
  return JSON.parse(stdout).messages;
}

async function checkMarkup(searchDom) {
  console.log("== Nu HTML Checker (vnu.jar)");
  const files = [...(await htmlFiles(SITE)), join(SITE, "assets/style.css"), join(SITE, "favicon.svg")];
  const tmp = await mkdtemp(join(tmpdir(), "kbgen-vnu-"));
  const live = join(tmp, "search-with-results.html");
  await writeFile(live, searchDom);
  files.push(live);
  const messages = await vnu(files);
  const counts = new Map(files.map((f) => [f, { errors: 0, warnings: 0 }]));
  for (const m of messages) {
    const file = decodeURIComponent((m.url ?? "").replace(/^file:/, ""));
    const c = counts.get(file) ?? { errors: 0, warnings: 0 };
    counts.set(file, c);
    const where = `${file === live ? "search page as shown (with results)" : relative(SITE, file)}:${m.lastLine ?? "?"}.${m.firstColumn ?? "?"}`;
    if (m.type === "error" || m.type === "non-document-error") {
      c.errors++;
      fail(`vnu ${where}: ${m.message}`);
    } else {
      c.warnings++;
      console.log(`  warning ${where}: ${m.message}`);
    }
  }
  for (const [file, c] of counts) {
    const name = file === live ? "search page as shown (with results)" : relative(SITE, file);
    console.log(`  ${name}: ${c.errors} errors, ${c.warnings} warnings`);
  }
  await rm(tmp, { recursive: true, force: true });
}

async function checkStructuredData() {
  console.log("== JSON-LD against the schema.org vocabulary (schema-dts)");
  const types = loadVocabulary();
  for (const file of await htmlFiles(SITE)) {
    const rel = relative(SITE, file);
    const html = await readFile(file, "utf8");
    const blocks = [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    const seen = new Set();
    for (const text of blocks) {
      let doc;
      try {
        doc = JSON.parse(text);
      } catch (err) {
        fail(`JSON-LD in ${rel} does not parse: ${err.message}`);
        continue;
      }
      for (const p of checkJsonLd(doc, types)) fail(`JSON-LD in ${rel}: ${p}`);
      for (const node of doc["@graph"] ?? [doc]) seen.add(node["@type"]);
    }
    const redirect = html.includes('http-equiv="refresh"');
    if (rel.split("/").length === 3 && rel.endsWith("/index.html") && !rel.startsWith("categories/") && !redirect) {
      // An entry page (an alias's page only redirects): an article and its breadcrumbs, and
      // the FAQ when the entry has one.
      const want = ["TechArticle", "BreadcrumbList", ...(html.includes('id="faq"') ? ["FAQPage"] : [])];
      for (const t of want) if (!seen.has(t)) fail(`JSON-LD in ${rel}: no ${t}`);
      const article = JSON.parse(blocks[0] ?? "{}")["@graph"]?.find((n) => n["@type"] === "TechArticle") ?? {};
      for (const p of ["headline", "description", "dateModified", "about"]) if (!article[p]) fail(`JSON-LD in ${rel}: TechArticle without ${p}`);
    }
    console.log(`  ${rel}: ${blocks.length} block(s) ${[...seen].join(", ")}`);
  }
}

async function openPage(browser, url, { scheme = "light", width = 1280, height = 900, results = false } = {}) {
  const page = await browser.newPage();
  // Script errors, and any file of the site's own (assets, search index) that fails to load.
  const consoleErrors = [];
  page.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") && consoleErrors.push(m.text()));
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  page.on("requestfailed", (r) => consoleErrors.push(`request failed: ${r.url()}`));
  page.on("response", (r) => {
    const own = new URL(r.url()).pathname;
    if (r.status() >= 400 && /\/(assets|search)\/|favicon/.test(own)) consoleErrors.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  await page.setViewport({ width, height });
  await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: scheme }]);
  const response = await page.goto(url, { waitUntil: "networkidle0" });
  if (results) await page.waitForSelector("#search-results li", { timeout: 10000 });
  return { page, response, consoleErrors };
}

async function runAxe(page) {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations", "incomplete"] });
    const brief = (list) => list.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ") + " :: " + (n.failureSummary ?? "").replace(/\s+/g, " ")) }));
    return { violations: brief(r.violations), incomplete: brief(r.incomplete) };
  });
}

async function checkAccessibility(browser, origin) {
  console.log("== axe-core in headless Chromium");
  let searchDom = "";
  for (const p of PAGES) {
    for (const scheme of ["light", "dark"]) {
      const { page, response, consoleErrors } = await openPage(browser, origin + BASE + p.path, { scheme, results: p.results });
      const label = `${p.name} [${scheme}]`;
      if (response.status() !== (p.status ?? 200)) fail(`${label}: HTTP ${response.status()}`);
      if (p.results && scheme === "light") searchDom = "<!DOCTYPE html>\n" + (await page.evaluate(() => document.documentElement.outerHTML));
      const { violations, incomplete } = await runAxe(page);
      console.log(`  ${label}: ${violations.length} violations, ${incomplete.length} needing review`);
      for (const v of violations) fail(`axe ${label}: ${v.id} (${v.impact}) ${v.help}\n      ${v.nodes.join("\n      ")}`);
      for (const v of incomplete) console.log(`    review ${v.id}: ${v.help} (${v.nodes.length} nodes)`);
      for (const e of consoleErrors) fail(`${label}: ${e}`);
      await page.close();
    }
  }
  return searchDom;
}

async function checkReader(browser, origin) {
  console.log("== reader checks");
  for (const p of PAGES) {
    const url = origin + BASE + p.path;
    // Structure and keyboard: one h1, the skip link is the first stop and is seen, focus shows.
    const { page } = await openPage(browser, url, { results: p.results });
    const facts = await page.evaluate(() => ({
      h1: document.querySelectorAll("h1").length,
      main: document.querySelectorAll("main#main").length,
      banner: document.querySelectorAll("body > header").length,
      footer: document.querySelectorAll("body > footer").length,
      lang: document.documentElement.lang,
    }));
    if (facts.h1 !== 1) fail(`${p.name}: ${facts.h1} h1 elements`);
    // The site's own images load: root-relative sources written without the base path get it.
    const images = (
      await page.evaluate(() =>
        [...document.images].map((i) => ({ src: i.getAttribute("src"), loaded: i.complete && i.naturalWidth > 0 })),
      )
    ).filter((img) => img.src?.startsWith(BASE));
    for (const img of images) if (!img.loaded) fail(`${p.name}: image ${img.src} does not load`);
    if (p.images && images.length < p.images) fail(`${p.name}: ${images.length} images, expected ${p.images}`);
    if (facts.main !== 1 || facts.banner !== 1 || facts.footer !== 1) fail(`${p.name}: landmarks ${JSON.stringify(facts)}`);
    if (!facts.lang) fail(`${p.name}: no lang`);
    await page.keyboard.press("Tab");
    const skip = await page.evaluate(() => {
      const a = document.activeElement;
      const r = a.getBoundingClientRect();
      const s = getComputedStyle(a);
      return { cls: a.className, href: a.getAttribute("href"), top: r.top, bottom: r.bottom, outline: s.outlineStyle + " " + s.outlineWidth };
    });
    if (skip.cls !== "skip-link" || skip.href !== "#main") fail(`${p.name}: first Tab stop is not the skip link (${JSON.stringify(skip)})`);
    else if (skip.top < 0 || skip.bottom <= 0) fail(`${p.name}: focused skip link is off screen`);
    await page.keyboard.press("Enter");
    const afterSkip = await page.evaluate(() => document.activeElement.id);
    if (afterSkip !== "main") fail(`${p.name}: the skip link moves focus to #${afterSkip}, not #main`);
    await page.keyboard.press("Tab");
    const focus = await page.evaluate(() => {
      const a = document.activeElement;
      const s = getComputedStyle(a);
      return { tag: a.tagName, outline: s.outlineStyle, width: parseFloat(s.outlineWidth) };
    });
    if (focus.outline === "none" || focus.width < 2) fail(`${p.name}: focused ${focus.tag} has no visible outline (${JSON.stringify(focus)})`);
    await page.close();

    // 375 px: nothing wider than the screen.
    const narrow = await openPage(browser, url, { width: 375, height: 800, results: p.results });
    const wide = await narrow.page.evaluate(() => {
      const w = document.documentElement.clientWidth;
      const over = [...document.querySelectorAll("body *")].filter((e) => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.right > w + 1 && !e.closest("pre, table");
      });
      return { scroll: document.documentElement.scrollWidth, w, over: over.slice(0, 3).map((e) => e.tagName + "." + e.className) };
    });
    if (wide.scroll > wide.w || wide.over.length) fail(`${p.name}: wider than 375 px (${JSON.stringify(wide)})`);
    await narrow.page.close();
  }

  // Dark mode changes the colours; print hides the chrome.
  const colours = {};
  for (const scheme of ["light", "dark"]) {
    const { page } = await openPage(browser, origin + BASE + ENTRY, { scheme });
    colours[scheme] = await page.evaluate(() => getComputedStyle(document.body).backgroundColor + " " + getComputedStyle(document.body).color);
    await page.close();
  }
  if (colours.light === colours.dark) fail(`dark mode does not change the page colours (${colours.light})`);

  const { page } = await openPage(browser, origin + BASE + ENTRY);
  await page.emulateMediaType("print");
  const printed = await page.evaluate(() => ({
    hidden: ["body > header", "body > footer", ".copy-button", ".skip-link", "#search-input, #site-search"]
      .flatMap((s) => [...document.querySelectorAll(s)])
      .filter((e) => e.checkVisibility())
      .map((e) => e.tagName + "." + e.className),
    article: getComputedStyle(document.querySelector("article")).display,
    background: getComputedStyle(document.body).backgroundColor,
  }));
  if (printed.hidden.length) fail(`print: site chrome still shown: ${printed.hidden.join(", ")}`);
  if (printed.article === "none") fail("print: the entry is hidden");
  if (printed.background !== "rgb(255, 255, 255)") fail(`print: background ${printed.background}`);
  await mkdir(SHOTS, { recursive: true });
  await page.pdf({ path: join(SHOTS, "entry-print.pdf"), format: "A4", printBackground: true });
  await page.close();

  // Copy buttons: one per signature and code block; a click copies exactly the block's text.
  const ctx = browser.defaultBrowserContext();
  await ctx.overridePermissions(origin, ["clipboard-read", "clipboard-write", "clipboard-sanitized-write"]);
  const copy = await openPage(browser, origin + BASE + ENTRY);
  const blocks = await copy.page.evaluate(() =>
    [...document.querySelectorAll("main pre")].map((pre) => ({
      text: (pre.querySelector("code") ?? pre).textContent,
      buttons: pre.querySelectorAll(":scope > .copy-button").length,
      slots: pre.querySelectorAll(".copy-slot").length,
    })),
  );
  if (blocks.length < 3) fail(`entry: expected signatures and code blocks, found ${blocks.length} pre elements`);
  blocks.forEach((b, i) => (b.buttons !== 1 || b.slots !== 0) && fail(`entry: pre #${i} has ${b.buttons} copy buttons, ${b.slots} empty slots`));
  const buttons = await copy.page.$$("main .copy-button");
  for (let i = 0; i < buttons.length && i < blocks.length; i++) {
    await buttons[i].click();
    await copy.page.waitForFunction((i) => document.querySelectorAll("main .copy-button")[i].textContent === "Copied", {}, i);
    const copied = await copy.page.evaluate(() => navigator.clipboard.readText());
    if (copied !== blocks[i].text.replace(/\n$/, "")) fail(`entry: copy button #${i} copied ${JSON.stringify(copied)}, not ${JSON.stringify(blocks[i].text)}`);
  }
  console.log(`  copy buttons: ${buttons.length} on ${blocks.length} blocks`);
  await copy.page.close();
}

async function screenshots(browser, origin) {
  await mkdir(SHOTS, { recursive: true });
  for (const width of [375, 1440]) {
    for (const scheme of ["light", "dark"]) {
      const { page } = await openPage(browser, origin + BASE + ENTRY, { scheme, width, height: 900 });
      const path = join(SHOTS, `entry-${width}-${scheme}.png`);
      await page.screenshot({ path, fullPage: true });
      await page.close();
    }
  }
  console.log(`== screenshots in ${SHOTS}/`);
}

const site = await serve(SITE, BASE);
try {
  await checkStructuredData();
  const searchDom = await withChromium(async (browser) => {
    const dom = await checkAccessibility(browser, site.origin);
    await checkReader(browser, site.origin);
    await screenshots(browser, site.origin);
    return dom;
  });
  await checkMarkup(searchDom);
} finally {
  await site.close();
}
if (failures.length) {
  console.log(`\n${failures.length} problem(s); see FAIL lines above.`);
  process.exit(1);
}
console.log("\nAll checks passed.");
