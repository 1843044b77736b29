// kbgen search box: runs assets/search.js against the site's static index (search/data/) and
// lists the results in #search-results. On the search page, ?q=TEXT runs on load; typing or
// pasting into the search field (#search-input, or an input/textarea named q) updates the list.
// Results are built with textContent only: no entry text is ever parsed as HTML.
import { search } from "./search.js";

const root = new URL("../", import.meta.url);
const data = new URL("search/data/", root);
let version = null;

async function getJson(path) {
  const url = new URL(path, data);
  if (path !== "manifest.json" && version) url.searchParams.set("v", version);
  const res = await fetch(url, path === "manifest.json" ? { cache: "no-cache" } : {});
  if (!res.ok) return null;
  const json = await res.json();
  if (path === "manifest.json") version = json.h;
  return json;
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text) e.textContent = text;
  return e;
}

function render(container, query, hits) {
  container.replaceChildren();
  const status = document.getElementById("search-status");
  if (status) status.textContent = query.trim() ? `${hits.length} result${hits.length === 1 ? "" : "s"}` : "";
  if (!query.trim()) return;
  if (hits.length === 0) {
    container.append(el("p", "search-empty", "No entry matches this text."));
    return;
  }
  const list = el("ol", "search-hits");
  for (const h of hits) {
    const li = el("li", "search-hit");
    const a = el("a", "search-hit-title", h.title);
    a.href = new URL(h.url, root).href;
    li.append(a, el("span", "search-hit-platform", h.platform));
    if (h.matched) li.append(el("pre", "search-hit-signature", h.matched));
    if (h.summary) li.append(el("p", "search-hit-summary", h.summary));
    if (h.quickFix) li.append(el("p", "search-hit-fix", h.quickFix));
    list.append(li);
  }
  container.append(list);
}

/** Runs `query` and renders the hits into `container`; returns the hits. */
export async function run(query, container, limit = 10) {
  container.setAttribute("aria-busy", "true");
  try {
    const hits = query.trim() ? await search(query, getJson, limit) : [];
    render(container, query, hits);
    return hits;
  } catch (err) {
    container.replaceChildren(el("p", "search-error", "Search is unavailable: " + err.message));
    return [];
  } finally {
    container.removeAttribute("aria-busy");
  }
}

function init() {
  const container = document.getElementById("search-results");
  if (!container) return;
  const input = document.getElementById("search-input")
    ?? document.querySelector("textarea[name=q], input[name=q]");
  const q = new URLSearchParams(location.search).get("q") ?? "";
  if (input && q) input.value = q;
  let seq = 0;
  const update = async (text) => {
    const mine = ++seq;
    const hits = await search(text, getJson, 10).catch(() => null);
    if (mine !== seq) return;
    if (hits === null) run(text, container);
    else render(container, text, hits);
  };
  if (q) update(q);
  if (input) {
    let timer;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const url = new URL(location.href);
        url.searchParams.set("q", input.value);
        history.replaceState(null, "", url);
        update(input.value);
      }, 150);
    });
  }
}

if (typeof document !== "undefined") {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
}
