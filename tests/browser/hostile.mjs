// The hostile fixture site, attacked in a real browser.
//
//   node tests/browser/hostile.mjs --site DIR [--base /kb/]
//
// DIR is a build of tests/fixtures/hostile (`kbgen build --root tests/fixtures/hostile --drafts
// --output DIR`), whose every field carries script, event handlers, script-running URLs and ids
// that clobber the theme's. Every HTML page of DIR, and the search page with hostile queries, is
// served on 127.0.0.1 and opened in headless Chromium with hooks installed before any script of
// the page runs: alert, confirm, prompt, print and window.open are recorded instead of run, and so
// is any write to window.__pwned (the fixture's vectors call alert(document.domain) or set
// window.__pwned=1, so either shows that one ran, dialog or not). Then the reader's moves: every
// focusable element is focused, every element gets mouse and pointer events, each element of
// <main> with text of its own is hovered with the real mouse, Tab is pressed through the page (at
// most 200 times), every <summary> is clicked. Both move counts are bounded (a real mouse move
// costs a frame); the synthetic events reach every element whatever the bounds.
//
// A page fails on any dialog, recorded call or __pwned write, uncaught error, navigation that
// leaves the site, and on a live DOM (after the browser's own parsing, the theme's scripts and
// all those events) that holds what no page may: on* attributes, javascript:/data:/vbscript: URLs,
// elements that embed or re-parse (iframe, object, embed, base, svg, math, style), scripts or
// forms that are not the theme's, a refresh, or the theme's ids more often than the theme writes
// them. A canary page checks first that the hooks and the DOM audit see a live vector at all.
// Exit code 1 on any failure.
import { readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { siteArgs, withChromium } from "./chromium.mjs";
import { serve } from "./server.mjs";

const args = siteArgs("node tests/browser/hostile.mjs --site DIR [--base /kb/]");
const SITE = args.site;
const BASE = args.base ?? "/kb/";
const MAX_TABS = 200;
const MAX_HOVERS = 400;

// The theme's ids (tests/common/html_scan.rs keeps the same list for the built files).
const RESERVED_IDS = [
  "main", "signatures", "quick-fix", "quick-fix-heading", "causes", "fixes", "checks", "steps", "prevention",
  "sources", "evidence", "faq", "related", "toc", "toc-heading", "updated", "more-errors", "search",
  "search-results", "search-input", "search-status", "site-search",
];
const SEARCH_PAGE_IDS = ["search-results", "search-input", "search-status"];

// Queries that put hostile titles, summaries and signatures into the search page's results.
const SEARCH_QUERIES = [
  "ZZTITLE",
  "<img src=x onerror=alert(document.domain)>",
  "</script><script>window.__pwned=1</script><!--",
  '{"a":"</script>"}',
];

const failures = [];
const fail = (what) => {
  failures.push(what);
  console.log(`  FAIL ${what}`);
};

async function htmlPages(dir) {
  const out = [];
  for (const d of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (d.isFile() && d.name.endsWith(".html")) out.push(relative(dir, join(d.parentPath ?? d.path, d.name)).split(sep).join("/"));
  }
  return out.sort();
}

/** Runs in every frame before the page's own scripts: records what a vector would do. */
function hooks() {
  const calls = [];
  const record = (what) => calls.push(what);
  const fixed = (name, value) => Object.defineProperty(window, name, { value, writable: false, configurable: false });
  fixed("__hostileCalls", calls);
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    fixed(name, (...a) => {
      record(`${name}(${a.map(String).join(", ")})`);
      return name === "confirm" ? false : null;
    });
  }
  fixed("open", (...a) => {
    record(`open(${a.map(String).join(", ")})`);
    return null;
  });
  Object.defineProperty(window, "__pwned", {
    get: () => undefined,
    set: (v) => record(`window.__pwned = ${String(v)}`),
    configurable: false,
  });
}

/** Runs in the page after the reader's moves: what the live DOM holds that no page may. */
function audit({ reserved, searchIds, searchPage }) {
  const problems = [];
  const show = (el) => {
    const html = el.outerHTML;
    return (html.length > 160 ? html.slice(0, html.indexOf(">") + 1 || 160) : html).slice(0, 200);
  };
  const badUrl = (v) => /^(javascript|vbscript|data):/i.test(String(v).replace(/[\u0000-\u0020\u007f-\u009f]/g, ""));
  const urlAttrs = ["href", "src", "action", "formaction", "xlink:href", "poster", "data", "background", "cite", "ping", "codebase", "longdesc"];
  const embedding = ["iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal", "svg", "math", "style"];
  const inHead = (el) => el.closest("head") !== null;
  for (const el of document.querySelectorAll("*")) {
    const tag = el.localName;
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      if (name.startsWith("on")) problems.push(`event handler attribute ${name}: ${show(el)}`);
      if (["srcdoc", "formaction", "autofocus", "http-equiv"].includes(name)) problems.push(`${name} attribute: ${show(el)}`);
      if (urlAttrs.includes(name) && badUrl(a.value)) problems.push(`${name} with a script-running URL: ${show(el)}`);
      if (name === "srcset" && a.value.split(",").some((c) => badUrl(c.trim().split(/\s+/)[0] ?? ""))) problems.push(`srcset with a script-running URL: ${show(el)}`);
      if (name === "style" && /url\(|expression\(|javascript:|@import|position\s*:\s*fixed/i.test(a.value)) problems.push(`style attribute: ${show(el)}`);
    }
    if ((tag === "a" || tag === "area") && el.href && /^(javascript|vbscript|data):$/.test(el.protocol)) problems.push(`link to ${el.protocol}: ${show(el)}`);
    if (embedding.includes(tag)) problems.push(`<${tag}> element: ${show(el)}`);
    if (tag === "script") {
      const own =
        inHead(el) &&
        ((el.type === "application/ld+json" && !el.src) ||
          (/\/assets\/[a-z0-9-]+\.js$/.test(new URL(el.src || "x:", location.href).pathname) &&
            new URL(el.src, location.href).origin === location.origin && !el.textContent.trim()));
      if (!own) problems.push(`script that is not the theme's: ${show(el)}`);
    }
    if (tag === "meta" && !inHead(el)) problems.push(`<meta> outside <head>: ${show(el)}`);
    if (tag === "link" && !inHead(el)) problems.push(`<link> outside <head>: ${show(el)}`);
    if (tag === "form") {
      const own = ["search-box", "search-page-form"].some((c) => el.classList.contains(c)) &&
        new URL(el.action).origin === location.origin && new URL(el.action).pathname.endsWith("/search/");
      if (!own) problems.push(`form that is not the theme's search form: ${show(el)}`);
    }
    if (["button", "textarea", "select", "input"].includes(tag) && el.closest(".prose, li, dd, dt, td, th, blockquote, pre")) {
      // Task-list boxes, and the copy buttons the theme's script puts on code blocks.
      const taskBox = tag === "input" && el.type === "checkbox";
      const copyButton = tag === "button" && el.className === "copy-button" && el.type === "button" &&
        [...el.attributes].every((a) => ["type", "class", "aria-label"].includes(a.name));
      if (!taskBox && !copyButton) problems.push(`<${tag}> in rendered content: ${show(el)}`);
    }
  }
  for (const id of reserved) {
    const n = document.querySelectorAll(`[id="${id}"]`).length;
    const max = searchIds.includes(id) ? (searchPage ? 1 : 0) : id === "site-search" ? (searchPage ? 0 : 1) : 1;
    if (n > max) problems.push(`the theme's id "${id}" ${n} times (the theme writes it ${max === 1 ? "once" : "never"} here)`);
    const named = [...document.getElementsByName(id)];
    if (named.length) problems.push(`name="${id}" on ${named.map(show).join(", ")}`);
  }
  // DOM clobbering: the document's own methods and collections are still what they are.
  for (const prop of ["getElementById", "querySelector", "querySelectorAll", "createElement", "getElementsByName"]) {
    if (typeof document[prop] !== "function") problems.push(`document.${prop} is clobbered`);
  }
  for (const prop of ["body", "head", "forms", "images", "links", "scripts", "cookie", "domain", "location"]) {
    if (document[prop] instanceof Element && prop !== "body" && prop !== "head") problems.push(`document.${prop} is an element`);
  }
  if (document.body?.localName !== "body" || document.head?.localName !== "head") problems.push("document.body or document.head is clobbered");
  const refresh = document.querySelector('meta[http-equiv="refresh" i]');
  if (refresh) problems.push(`refresh: ${show(refresh)}`);
  return problems;
}

/** Everything the reader does on a page; returns counts for the log. */
async function moves(page) {
  const counts = { focused: 0, events: 0, hovered: 0, tabs: 0, summaries: 0 };
  Object.assign(
    counts,
    await page.evaluate(() => {
      const focusable = "a[href], area[href], button, input, select, textarea, summary, details, iframe, object, embed, [tabindex], [contenteditable], [autofocus], h1, h2, h3, h4, h5, h6, main, video, audio";
      let focused = 0;
      for (const el of document.querySelectorAll(focusable)) {
        try {
          el.focus({ preventScroll: true });
          focused++;
        } catch {}
      }
      let events = 0;
      for (const el of document.querySelectorAll("body *")) {
        for (const type of ["pointerover", "pointerenter", "pointermove"]) el.dispatchEvent(new PointerEvent(type, { bubbles: true }));
        for (const type of ["mouseover", "mouseenter", "mousemove"]) el.dispatchEvent(new MouseEvent(type, { bubbles: true }));
        events++;
      }
      document.activeElement?.blur?.();
      return { focused, events };
    }),
  );
  // The real mouse over each element of <main> that has text of its own, one screen at a time.
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  const screen = page.viewport()?.height ?? 800;
  for (let top = 0; top < height && counts.hovered < MAX_HOVERS; top += screen) {
    const points = await page.evaluate((top) => {
      window.scrollTo(0, top);
      const points = [];
      for (const e of document.querySelectorAll("main *")) {
        if (![...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
        const r = e.getBoundingClientRect();
        const [x, y] = [r.left + Math.min(r.width / 2, 8), r.top + Math.min(r.height / 2, 8)];
        if (r.width > 0 && r.height > 0 && y >= 0 && y < window.innerHeight && x >= 0 && x < window.innerWidth) points.push([x, y]);
      }
      return points;
    }, top);
    for (const [x, y] of points.slice(0, MAX_HOVERS - counts.hovered)) {
      await page.mouse.move(x, y);
      counts.hovered++;
    }
  }
  // Tab through the page, from the top, until focus comes back round.
  await page.evaluate(() => window.scrollTo(0, 0));
  let first = null;
  for (; counts.tabs < MAX_TABS; counts.tabs++) {
    await page.keyboard.press("Tab");
    const now = await page.evaluate(() => {
      const a = document.activeElement;
      return a ? `${a.localName}#${a.id}.${a.className}@${[...document.querySelectorAll("*")].indexOf(a)}` : "";
    });
    if (first === null) first = now;
    else if (now === first) break;
  }
  for (const summary of await page.$$("summary")) {
    try {
      await summary.click();
      counts.summaries++;
    } catch {}
    await summary.dispose();
  }
  await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
  await new Promise((r) => setTimeout(r, 400));
  return counts;
}

/** Opens `url` with every watch in place, runs `act`, and returns what went wrong, with the
 * counts of the reader's moves. */
async function visit(browser, origin, url, { searchPage = false, status = 200, act = moves } = {}) {
  const page = await browser.newPage();
  const problems = [];
  const siteRoot = origin + BASE;
  await page.evaluateOnNewDocument(hooks);
  await page.setRequestInterception(true);
  page.on("request", (req) => {
    const u = req.url();
    if (u.startsWith(origin + "/")) return req.continue();
    if (req.isNavigationRequest()) problems.push(`navigation to ${u}`);
    // Nothing leaves the machine: other hosts' images and the like are refused, not fetched.
    return req.abort("blockedbyclient");
  });
  page.on("framenavigated", (frame) => {
    const u = frame.url();
    if (frame === page.mainFrame() && u && !u.startsWith(siteRoot)) problems.push(`the page navigated to ${u}`);
    if (frame !== page.mainFrame() && u && u !== "about:blank" && !u.startsWith(siteRoot)) problems.push(`a frame navigated to ${u}`);
  });
  page.on("dialog", async (d) => {
    problems.push(`${d.type()} dialog: ${d.message()}`);
    await d.dismiss().catch(() => {});
  });
  page.on("popup", (p) => problems.push(`a popup opened: ${p?.url()}`));
  page.on("pageerror", (e) => problems.push(`uncaught error: ${e.message ?? e}`));
  page.on("console", (m) => {
    const text = m.text();
    if (m.type() === "error" && !text.startsWith("Failed to load resource")) problems.push(`console error: ${text}`);
  });
  let counts = {};
  try {
    const response = await page.goto(url, { waitUntil: "load", timeout: 20000 });
    if (response && response.status() !== status) problems.push(`HTTP ${response.status()}, not ${status}`);
    await new Promise((r) => setTimeout(r, 300));
    counts = await act(page);
    const frames = page.frames();
    if (frames.length > 1) problems.push(`${frames.length - 1} frame(s) in the page`);
    for (const frame of frames) {
      const calls = await frame.evaluate(() => window.__hostileCalls ?? ["(the hooks are missing in this frame)"]).catch(() => []);
      for (const c of calls) problems.push(`script ran: ${c}${frame === page.mainFrame() ? "" : ` (in a frame at ${frame.url()})`}`);
    }
    for (const p of await page.evaluate(audit, { reserved: RESERVED_IDS, searchIds: SEARCH_PAGE_IDS, searchPage })) problems.push(p);
    const here = page.url();
    if (!here.startsWith(siteRoot)) problems.push(`ended up at ${here}`);
  } catch (err) {
    problems.push(`could not finish: ${err.message}`);
  }
  await page.close().catch(() => {});
  return { problems, counts };
}

/** Visits a page of the site; any problem fails the run. */
async function check(browser, origin, url, label, options) {
  const { problems, counts } = await visit(browser, origin, url, options);
  const summary = Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(", ");
  if (problems.length) for (const p of problems) fail(`${label}: ${p}`);
  else console.log(`  ok ${label}${summary ? ` (${summary})` : ""}`);
}

/** The hooks and the audit must see a vector that runs, or a clean run means nothing. */
async function canary(browser, origin) {
  console.log("== canary: a page where a vector does run");
  const { problems } = await visit(browser, origin, origin + BASE, {
    act: async (page) => {
      await page.evaluate(() => {
        const img = document.createElement("img");
        img.setAttribute("onerror", "alert(document.domain); window.__pwned = 1");
        img.src = "x-canary.png";
        const div = document.createElement("div");
        div.id = "search-results";
        document.querySelector("main").append(img, div);
      });
      await new Promise((r) => setTimeout(r, 500));
      return {};
    },
  });
  const seen = (text) => problems.some((p) => p.includes(text));
  const wanted = ["script ran: alert(", "window.__pwned = 1", "event handler attribute onerror", 'the theme\'s id "search-results"'];
  const missing = wanted.filter((w) => !seen(w));
  if (missing.length) {
    console.log(`  FAIL the canary went unseen: no ${missing.join("; no ")}`);
    return false;
  }
  console.log("  ok the hooks and the audit see a live vector");
  return true;
}

const site = await serve(SITE, BASE);
let canaryOk = false;
try {
  await withChromium(async (browser) => {
    canaryOk = await canary(browser, site.origin);
    const pages = await htmlPages(SITE);
    console.log(`== every page (${pages.length}), with the reader's moves`);
    for (const rel of pages) {
      const path = rel === "index.html" ? "" : rel.endsWith("/index.html") ? rel.slice(0, -"index.html".length) : rel;
      await check(browser, site.origin, site.origin + BASE + path, rel, { searchPage: rel === "search/index.html" });
    }
    console.log("== the 404 page as a static host serves it");
    await check(browser, site.origin, site.origin + BASE + "no-such-page/", "404 (served)", { status: 404 });
    console.log("== the search page with hostile queries");
    for (const q of SEARCH_QUERIES) {
      await check(browser, site.origin, `${site.origin}${BASE}search/?q=${encodeURIComponent(q)}`, `search ${JSON.stringify(q)}`, {
        searchPage: true,
        act: async (page) => {
          await page.waitForFunction(() => document.getElementById("search-status")?.textContent.trim(), { timeout: 10000 }).catch(() => {});
          return moves(page);
        },
      });
    }
  });
} finally {
  await site.close();
}
if (!canaryOk || failures.length) {
  console.log(`\n${failures.length} problem(s)${canaryOk ? "" : ", and the canary went unseen"}; see FAIL lines above.`);
  process.exit(1);
}
console.log("\nNo vector ran, and no page holds what it must not.");
