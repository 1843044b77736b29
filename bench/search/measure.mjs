// Runs the site's own search code (theme/static/assets/search.js) over a built static index, as a
// cold browser would: per query, the gzipped bytes and requests of the scripts, the manifest,
// the shards and the result metadata, the sequential rounds, and whether the expected entry
// ranks first. Reading the files from disk is not timed: `ms` is the time from "the files have
// arrived" to the ranked results, JSON parsing included.
//
// usage: node bench/search/measure.mjs SITE_DIR QUERIES.json [--failures]
//   QUERIES.json: [{"query", "kind", "expect"}...]  ->  JSON summary on stdout
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { search } from "../../theme/static/assets/search.js";

const [site, queriesFile, flag] = process.argv.slice(2);
const assets = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "theme", "static", "assets");
const gz = (buf) => gzipSync(buf, { level: 6 }).length;
const scripts = ["search-ui.js", "search.js", "search-tokens.js"];
const scriptBytes = scripts.map((f) => gz(readFileSync(join(assets, f)))).reduce((a, b) => a + b, 0);

const files = new Map();
const read = (path) => {
  if (!files.has(path)) {
    let raw = null;
    try {
      raw = readFileSync(join(site, "search", "data", path));
    } catch {
      raw = null;
    }
    files.set(path, raw === null ? null : { text: raw.toString("utf8"), gz: gz(raw) });
  }
  return files.get(path);
};

const queries = JSON.parse(readFileSync(queriesFile, "utf8"));
const kinds = {};
const all = { kb: [], requests: [], rounds: [], ms: [] };
const failures = [];
for (const q of queries) {
  let bytes = scriptBytes;
  let requests = scripts.length;
  const rounds = new Set();
  const cache = new Map();
  // A first run reads every file the query asks for and counts it; the timed run then gets
  // them from memory, as if they had just arrived.
  const load = async (path) => {
    const f = read(path);
    if (!cache.has(path)) {
      cache.set(path, true);
      requests += 1;
      bytes += f ? f.gz : 0;
      rounds.add(path === "manifest.json" ? 0 : path.startsWith("m/") ? 2 : 1);
    }
    return f ? JSON.parse(f.text) : null;
  };
  await search(q.query, load, 10);
  const t = performance.now();
  const hits = await search(q.query, async (p) => {
    const f = read(p);
    return f ? JSON.parse(f.text) : null;
  }, 10);
  const ms = performance.now() - t;
  const k = (kinds[q.kind] ??= { n: 0, top1: 0, kb: [], requests: [], ms: [] });
  k.n += 1;
  if (hits[0]?.id === q.expect) k.top1 += 1;
  else failures.push(`[${q.kind}] ${JSON.stringify(q.query)}\n  want ${q.expect}\n  got  ${hits.slice(0, 3).map((h) => `${h.id} ${h.score.toFixed(3)}`).join(", ")}`);
  k.kb.push(bytes / 1024);
  k.requests.push(requests);
  k.ms.push(ms);
  all.kb.push(bytes / 1024);
  all.requests.push(requests);
  all.rounds.push(rounds.size);
  all.ms.push(ms);
}
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2);
};
const summary = (xs) => ({ median: pct(xs, 0.5), p90: pct(xs, 0.9), max: pct(xs, 1) });
const right = Object.values(kinds).reduce((a, k) => a + k.top1, 0);
const out = {
  queries: queries.length,
  recall1: +(right / queries.length).toFixed(3),
  scriptKB: +(scriptBytes / 1024).toFixed(1),
  kb: summary(all.kb),
  requests: summary(all.requests),
  rounds: summary(all.rounds),
  ms: summary(all.ms),
  kinds: {},
};
for (const [name, k] of Object.entries(kinds)) {
  out.kinds[name] = {
    n: k.n, recall1: +(k.top1 / k.n).toFixed(3), kbMedian: pct(k.kb, 0.5), kbMax: pct(k.kb, 1),
    requestsMedian: pct(k.requests, 0.5), msMedian: pct(k.ms, 0.5),
  };
}
if (flag === "--failures") for (const f of failures) console.error(f);
console.log(JSON.stringify(out, null, 1));
