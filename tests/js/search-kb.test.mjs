// The KB query set (tests/search/kb-queries.json) through the browser's code path: the real
// theme/static/assets/search.js over the static index that `kbgen build` writes for this repository's
// own KB. Each ranking must equal `kbgen lookup --format json` on the same text, and recall@1
// must meet the same targets as tests/search_kb.rs.
//
// The site comes from KBGEN_KB_SITE (a `kbgen build` output, as .ci/run makes it); without it,
// the test builds the repository with `cargo run --release` into a temporary folder.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

import { search } from "../../theme/static/assets/search.js";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const queries = JSON.parse(readFileSync(join(repo, "tests", "search", "kb-queries.json"), "utf8"));

let site = process.env.KBGEN_KB_SITE;
let cleanup = null;
if (!site) {
  site = mkdtempSync(join(tmpdir(), "kbgen-kb-"));
  cleanup = site;
  execFileSync("cargo", ["run", "--release", "--quiet", "--", "build", "--output", site, "--force"], {
    cwd: repo,
    stdio: ["ignore", "ignore", "inherit"],
  });
}
const kbgen = join(repo, "target", "release", "kbgen");

const load = async (path) => {
  try {
    return JSON.parse(readFileSync(join(site, "search", "data", path), "utf8"));
  } catch {
    return null;
  }
};

test("KB query set: recall@1 through search.js, equal to kbgen lookup", async () => {
  const kinds = {};
  const misses = [];
  const differ = [];
  for (const { query, kind, expect } of queries) {
    const hits = await search(query, load, 3);
    kinds[kind] ??= [0, 0];
    kinds[kind][1] += 1;
    if (hits[0]?.id === expect) kinds[kind][0] += 1;
    else misses.push({ kind, text: `[${kind}] ${JSON.stringify(query)}: want ${expect}, got ${hits[0]?.id}` });
    let out = "";
    try {
      out = execFileSync(kbgen, ["lookup", "--root", repo, "--format", "json", "--limit", "3"], {
        input: query,
        encoding: "utf8",
      });
    } catch (e) {
      out = e.stdout ?? "";
    }
    const rust = JSON.parse(out || '{"matches":[]}').matches.map((m) => [m.id, m.score]);
    const js = hits.map((h) => [h.id, h.score]);
    if (JSON.stringify(rust) !== JSON.stringify(js)) {
      differ.push(`${JSON.stringify(query)}\n  rust ${JSON.stringify(rust)}\n  js   ${JSON.stringify(js)}`);
    }
  }
  const right = Object.values(kinds).reduce((a, [ok]) => a + ok, 0);
  console.log(`recall@1 ${right}/${queries.length}:`,
    Object.entries(kinds).map(([k, [a, b]]) => `${k} ${a}/${b}`).join(", "));
  for (const m of misses) console.log("miss", m.text);
  assert.deepEqual(differ, [], "search.js and kbgen lookup rank differently");
  const strict = misses.filter((m) => ["exact", "embedded", "near-miss"].includes(m.kind));
  assert.deepEqual(strict.map((m) => m.text), []);
  assert.ok(right >= 0.98 * queries.length, `recall@1 ${right}/${queries.length} is below 0.98`);
  assert.ok(queries.length >= 60);
});

test.after(() => {
  if (cleanup) rmSync(cleanup, { recursive: true, force: true });
});
