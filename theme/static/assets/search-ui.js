// kbgen search box, loaded on every page (ES module; the page works without it).
//
// - The header box (#site-search) is a one-line input: a multi-line paste there would lose its
//   line breaks, so it goes to the search page with the whole text (`search/?q=...`) instead.
// - On the search page, #search-results lists the results of assets/search.js over the
//   site's static index (search/data/): `?q=TEXT` runs on load, and typing or pasting into
//   #search-input (a textarea that keeps line breaks) updates the list. #search-status
//   (role=status) announces the count. Arrow keys move between results, Escape goes back.
// - Results are built with textContent and <mark> elements only: no entry text is ever parsed
//   as HTML.
//
// assets/search.js is imported when a search runs (the search page preloads it), so other
// pages load only this file.

const root = new URL("../", import.meta.url);
const data = new URL("search/data/", root);
const searchPage = new URL("search/", root);
let version = null;
let engine = null;

const loadEngine = () => (engine ??= import("./search.js"));

async function fetchJson(path) {
  const url = new URL(path, data);
  if (path !== "manifest.json" && version) url.searchParams.set("v", version);
  const res = await fetch(url, path === "manifest.json" ? { cache: "no-cache" } : {});
  if (!res.ok) return null;
  const json = await res.json();
  if (path === "manifest.json") version = json.h;
  return json;
}

// Each index file is fetched once per page: the next keystroke reuses what the last one got.
const files = new Map();
function getJson(path) {
  if (!files.has(path)) {
    files.set(path, fetchJson(path).catch((err) => {
      files.delete(path);
      throw err;
    }));
  }
  return files.get(path);
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text) e.textContent = text;
  return e;
}

/** `text` with the words the query has wrapped in <mark>. */
function highlighted(text, query, { tokens, isPlaceholder }) {
  const wanted = new Set(tokens(query).filter((t) => !isPlaceholder(t)));
  const out = document.createDocumentFragment();
  let at = 0;
  for (const m of text.matchAll(/[\p{L}\p{N}_]+/gu)) {
    if (!wanted.has(m[0].normalize("NFKC").toLowerCase())) continue;
    if (m.index > at) out.append(text.slice(at, m.index));
    out.append(el("mark", null, m[0]));
    at = m.index + m[0].length;
  }
  if (at < text.length) out.append(text.slice(at));
  return out;
}

function render(container, query, hits, mod) {
  container.replaceChildren();
  const status = document.getElementById("search-status");
  const blank = !query.trim();
  if (status) {
    status.textContent = blank ? "" : hits.length === 0
      ? "No entry matches this text."
      : `${hits.length} result${hits.length === 1 ? "" : "s"}, best first.`;
  }
  if (blank) return;
  if (hits.length === 0) {
    container.append(el("p", "search-empty", "No entry matches this text. Try fewer lines, or the error's key words."));
    return;
  }
  const list = el("ol", "search-hits");
  for (const h of hits) {
    const li = el("li", "search-hit");
    const a = el("a", "search-hit-title", h.title);
    a.href = new URL(h.url, root).href;
    const meta = el("p", "search-hit-platform meta", h.platform);
    li.append(a, meta);
    if (h.matched) {
      const pre = el("pre", "search-hit-signature signature");
      pre.append(highlighted(h.matched, query, mod));
      li.append(pre);
    }
    if (h.summary) li.append(el("p", "search-hit-summary", h.summary));
    if (h.quickFix) {
      const fix = el("p", "search-hit-fix");
      fix.append(el("strong", null, "Quick fix: "), h.quickFix);
      li.append(fix);
    }
    list.append(li);
  }
  container.append(list);
}

/** Arrow keys between result links; Escape (or Up on the first) back to `input`. */
function keyboard(container, input) {
  const links = () => [...container.querySelectorAll("a.search-hit-title")];
  container.addEventListener("keydown", (e) => {
    const all = links();
    const at = all.indexOf(document.activeElement);
    if (at < 0) return;
    if (e.key === "ArrowDown" && at + 1 < all.length) all[at + 1].focus();
    else if (e.key === "ArrowUp" && at > 0) all[at - 1].focus();
    else if ((e.key === "ArrowUp" || e.key === "Escape") && input) input.focus();
    else return;
    e.preventDefault();
  });
  input?.addEventListener("keydown", (e) => {
    // Down from the end of the text (a textarea uses Down between its own lines).
    if (e.key !== "ArrowDown" || input.selectionStart !== input.value.length) return;
    const first = links()[0];
    if (!first) return;
    e.preventDefault();
    first.focus();
  });
}

function initSearchPage(container) {
  const input = document.getElementById("search-input")
    ?? document.querySelector("textarea[name=q], input[name=q]:not(#site-search)");
  const q = new URLSearchParams(location.search).get("q") ?? "";
  if (input && q) input.value = q;
  let seq = 0;
  const update = async (text) => {
    const mine = ++seq;
    container.setAttribute("aria-busy", "true");
    let hits;
    let mod;
    try {
      mod = await loadEngine();
      hits = text.trim() ? await mod.search(text, getJson, 10) : [];
    } catch (err) {
      hits = null;
      if (mine === seq) container.replaceChildren(el("p", "search-error", `Search is unavailable: ${err.message}`));
    }
    if (mine !== seq) return;
    container.removeAttribute("aria-busy");
    if (hits !== null) render(container, text, hits, mod);
  };
  keyboard(container, input);
  // The script and the manifest load while the page settles, not after the first keystroke.
  loadEngine().catch(() => {});
  getJson("manifest.json").catch(() => {});
  if (q) update(q);
  if (!input) return null;
  let timer;
  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const url = new URL(location.href);
      url.searchParams.set("q", input.value);
      history.replaceState(null, "", url);
      update(input.value);
    }, 120);
  };
  input.addEventListener("input", changed);
  input.form?.addEventListener("submit", (e) => {
    e.preventDefault();
    clearTimeout(timer);
    changed();
  });
  return { input, changed };
}

function init() {
  const container = document.getElementById("search-results");
  const page = container ? initSearchPage(container) : null;
  const header = document.getElementById("site-search");
  if (!header) return;
  // A one-line input drops line breaks: take a multi-line paste to the search page's textarea.
  header.addEventListener("paste", (e) => {
    const text = e.clipboardData?.getData("text/plain") ?? "";
    if (!/[\r\n]/.test(text)) return;
    e.preventDefault();
    if (page) {
      page.input.value = text;
      page.input.focus();
      page.changed();
    } else {
      const url = new URL(searchPage);
      url.searchParams.set("q", text);
      location.assign(url);
    }
  });
}

if (typeof document !== "undefined") {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
}
