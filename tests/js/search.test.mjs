// The shared search vectors (tests/search/*.json), run against theme/static/assets/search.js.
// The Rust side runs the same files in tests/search_vectors.rs; both must agree exactly.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

import { tokens, fnv1a, search, plan } from "../../theme/static/assets/search.js";

const here = dirname(fileURLToPath(import.meta.url));
const data = join(here, "..", "search");
const readJson = (name) => JSON.parse(readFileSync(join(data, name), "utf8"));
const load = async (path) => {
  try {
    return JSON.parse(readFileSync(join(data, "fixture-index", "search", "data", path), "utf8"));
  } catch {
    return null;
  }
};

test("FNV-1a matches the reference values", () => {
  assert.equal(fnv1a(""), 0x811c9dc5);
  assert.equal(fnv1a("a"), 0xe40c292c);
  assert.equal(fnv1a("foobar"), 0xbf9cf968);
  assert.equal(fnv1a("致命"), fnv1a("致命"));
});

test("normalisation vectors", () => {
  for (const { input, tokens: want } of readJson("normalize.json")) {
    assert.deepEqual(tokens(input), want, JSON.stringify(input));
  }
});

test("query vectors rank the right entry first, with Rust's exact ranking", async () => {
  const vectors = readJson("vectors.json");
  const expected = readJson("expected.json");
  assert.equal(vectors.length, expected.length);
  const failures = [];
  const kinds = {};
  for (let n = 0; n < vectors.length; n++) {
    const { query, expect, kind } = vectors[n];
    const hits = await search(query, load, 5);
    const got = hits.map((h) => [h.id, h.score, h.signature]);
    assert.deepEqual(got, expected[n].top, `ranking differs from Rust for ${JSON.stringify(query)}`);
    kinds[kind] ??= [0, 0];
    kinds[kind][1] += 1;
    if (hits[0]?.id === expect) kinds[kind][0] += 1;
    else failures.push(`[${kind}] ${JSON.stringify(query)}: want ${expect}, got ${hits[0]?.id}`);
  }
  console.log("recall@1:", Object.entries(kinds).map(([k, [a, b]]) => `${k} ${a}/${b}`).join(", "));
  assert.deepEqual(failures, []);
});

test("nothing matches: empty result", async () => {
  assert.deepEqual(await search("", load, 5), []);
  assert.deepEqual(await search("zzqxv wqpzk", load, 5), []);
});

test("prefix only for a word still being typed", () => {
  assert.equal(plan("postgres role does not exi").prefix, "exi*");
  assert.equal(plan("postgres role does not exi ").prefix, null);
});
