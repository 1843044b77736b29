// kbgen search: query plan, scoring and the static index reader. Pure ES module (no DOM), so
// node can test it. It mirrors src/search/query.rs function for function (the tokenizer is
// search-tokens.js); the shared vectors in tests/search/ hold both to the same ranking.
// The static index format is described in src/search/files.rs and docs/search.md.

import { isAsciiDigit, isPlaceholder, isWord, tokens } from "./search-tokens.js";

export { isPlaceholder, isStopword, isWord, tokens } from "./search-tokens.js";

export const MAX_SIGS = 16;
export const SIG_KEYS_MAX = 64;
export const KW_KEYS_MAX = 12;
const W_RECALL = 0.85;
const W_PRECISION = 0.15;
const LAMBDA = 0.4;
const MU = 0.6;

const ENCODER = new TextEncoder();

/** FNV-1a over UTF-8, as an unsigned 32-bit integer. */
export function fnv1a(s) {
  let h = 0x811c9dc5;
  for (const b of ENCODER.encode(s)) {
    h ^= b;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Distinct words and distinct adjacent word pairs ("a b"), first occurrence first. */
export function features(toks) {
  const words = [];
  const pairs = [];
  const seenW = new Set();
  const seenP = new Set();
  for (const t of toks) {
    if (!isPlaceholder(t) && !seenW.has(t)) {
      seenW.add(t);
      words.push(t);
    }
  }
  for (let k = 0; k + 1 < toks.length; k++) {
    if (!isPlaceholder(toks[k]) && !isPlaceholder(toks[k + 1])) {
      const p = `${toks[k]} ${toks[k + 1]}`;
      if (!seenP.has(p)) {
        seenP.add(p);
        pairs.push(p);
      }
    }
  }
  return [words, pairs];
}

function priority(t) {
  const chars = Array.from(t);
  const digit = chars.some(isAsciiDigit);
  const alpha = chars.some((c) => !isAsciiDigit(c));
  return chars.length + (digit && alpha ? 4 : 0);
}

/** Which index keys a query needs. */
export function plan(query) {
  const toks = tokens(query);
  const [terms, pairs] = features(toks);
  const byLen = terms.map((t, i) => [i, priority(t)]);
  byLen.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const kwKeys = byLen.slice(0, KW_KEYS_MAX).map(([i]) => terms[i]);
  const chars = Array.from(query);
  const endsInWord = chars.length > 0 && isWord(chars[chars.length - 1]);
  const last = toks.length > 0 ? toks[toks.length - 1] : null;
  const prefix = last !== null && endsInWord && !isPlaceholder(last) && Array.from(last).length >= 3
    && kwKeys.includes(last) ? `${last}*` : null;
  return { sigKeys: terms.slice(0, SIG_KEYS_MAX), pairKeys: pairs.slice(0, SIG_KEYS_MAX), kwKeys, prefix };
}

/**
 * Ranks entries: `sig(word)` -> {w, postings} or undefined, `kw(key)` -> [[doc, impact]...],
 * `title(word)` -> {w, docs} or undefined; `titleNone`: the title weight of a word in no title.
 */
export function score(p, sig, kw, title, titleNone) {
  let total = 0;
  const accs = new Map();
  for (const k of [...p.sigKeys, ...p.pairKeys]) {
    const e = sig(k);
    if (!e) continue;
    total += e.w;
    for (const post of e.postings) {
      let a = accs.get(post.sid);
      if (!a) {
        a = { n: 0, m: 0 };
        accs.set(post.sid, a);
      }
      a.n = post.n;
      a.m += e.w;
    }
  }
  const best = new Map();
  for (const sid of [...accs.keys()].sort((x, y) => x - y)) {
    const a = accs.get(sid);
    const r = a.m / a.n;
    const pr = a.m / total;
    const base = W_RECALL * r + W_PRECISION * pr;
    const s = base * base;
    const doc = Math.floor(sid / MAX_SIGS);
    const k = sid % MAX_SIGS;
    const e = best.get(doc);
    if (!e || s > e[0]) best.set(doc, [s, k]);
  }
  const kscore = new Map();
  const tscore = new Map();
  let kmax = 0;
  let ttotal = 0;
  for (const k of p.kwKeys) {
    const merged = new Map();
    for (const [doc, imp] of kw(k) ?? []) merged.set(doc, imp);
    if (p.prefix !== null && p.prefix === `${k}*`) {
      for (const [doc, imp] of kw(p.prefix) ?? []) merged.set(doc, Math.max(merged.get(doc) ?? 0, imp));
    }
    let m = 0;
    for (const [doc, imp] of merged) {
      if (imp > m) m = imp;
      kscore.set(doc, (kscore.get(doc) ?? 0) + imp);
    }
    kmax += m;
    const t = title(k);
    if (t) {
      ttotal += t.w;
      for (const doc of t.docs) tscore.set(doc, (tscore.get(doc) ?? 0) + t.w);
    } else {
      ttotal += titleNone;
    }
  }
  const docs = [...new Set([...best.keys(), ...kscore.keys(), ...tscore.keys()])].sort((x, y) => x - y);
  const out = [];
  for (const doc of docs) {
    const b = best.get(doc);
    const s = b ? b[0] : 0;
    const k = kscore.get(doc);
    const kn = k !== undefined && kmax > 0 ? k / kmax : 0;
    const t = tscore.get(doc);
    const tn = t !== undefined && ttotal > 0 ? t / ttotal : 0;
    const sc = Math.round((s + LAMBDA * kn + MU * tn) * 1e9) / 1e9;
    if (sc > 0) out.push({ doc, score: sc, signature: b ? b[1] : null });
  }
  out.sort((x, y) => y.score - x.score || x.doc - y.doc);
  return out;
}

function parseSig(v) {
  const postings = [];
  let sid = 0;
  for (let i = 1; i + 1 < v.length; i += 2) {
    sid += v[i];
    postings.push({ sid, n: v[i + 1] });
  }
  return { w: v[0], postings };
}

function parseTitle(v) {
  const docs = [];
  let doc = 0;
  for (let i = 1; i < v.length; i++) {
    doc += v[i];
    docs.push(doc);
  }
  return { w: v[0], docs };
}

function parseKw(v) {
  const out = [];
  let doc = 0;
  for (let i = 0; i + 1 < v.length; i += 2) {
    doc += v[i];
    out.push([doc, v[i + 1]]);
  }
  return out;
}

/**
 * Searches the static index. `load(path)` resolves a path under search/data/ (e.g.
 * "s/12.json") to its parsed JSON, or null. Three rounds: manifest, shards, result metadata.
 */
export async function search(query, load, limit = 10) {
  const p = plan(query);
  if (p.sigKeys.length === 0 && p.kwKeys.length === 0) return [];
  const man = await load("manifest.json");
  const kwAll = p.prefix !== null ? [...p.kwKeys, p.prefix] : p.kwKeys;
  const sigAll = [...p.sigKeys, ...p.pairKeys];
  const sIds = [...new Set(sigAll.map((k) => fnv1a(k) % man.s))];
  const kIds = [...new Set(kwAll.map((k) => fnv1a(k) % man.k))];
  const [sData, kData] = await Promise.all([
    Promise.all(sIds.map((i) => load(`s/${i}.json`))),
    Promise.all(kIds.map((i) => load(`k/${i}.json`))),
  ]);
  const sig = new Map();
  const sMaps = new Map(sIds.map((i, n) => [i, sData[n] ?? {}]));
  for (const k of sigAll) {
    const m = sMaps.get(fnv1a(k) % man.s);
    if (Object.hasOwn(m, k)) sig.set(k, parseSig(m[k]));
  }
  const kw = new Map();
  const kMaps = new Map(kIds.map((i, n) => [i, kData[n] ?? {}]));
  const title = new Map();
  for (const k of kwAll) {
    // A word's title postings (`^word`) are in the word's shard.
    const m = kMaps.get(fnv1a(k) % man.k);
    if (Object.hasOwn(m, k)) kw.set(k, parseKw(m[k]));
    if (Object.hasOwn(m, `^${k}`)) title.set(k, parseTitle(m[`^${k}`]));
  }
  const ranked = score(p, (k) => sig.get(k), (k) => kw.get(k), (k) => title.get(k), man.t)
    .slice(0, limit);
  const mIds = [...new Set(ranked.map((r) => Math.floor(r.doc / man.m)))];
  const metas = await Promise.all(mIds.map((i) => load(`m/${i}.json`)));
  const mMaps = new Map(mIds.map((i, n) => [i, metas[n] ?? []]));
  return ranked.map((r) => {
    const row = mMaps.get(Math.floor(r.doc / man.m))[r.doc % man.m] ?? [];
    const [id, url, title, summary, platform, quickFix, signatures = []] = row;
    const matched = r.signature !== null ? signatures[r.signature] ?? null : null;
    return { ...r, id, url, title, summary, platform, quickFix, signatures, matched };
  });
}
