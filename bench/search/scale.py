#!/usr/bin/env python3
"""Search at scale: index build time, bytes per query and recall on synthetic KBs.

usage: bench/search/scale.py N [N...] [--work DIR] [--no-build]   (e.g. 1000 10000 100000)

For each N: writes bench/synth.py's site (kept between runs), builds it with the
release `kbgen build` (wall time and peak RSS from /usr/bin/time), times Index::new and
static_files alone (the ignored cargo test search_scale), makes pasted and typed queries of
six kinds from sampled entries, and runs bench/search/measure.mjs: the real search.js over
the built files, summing the gzipped bytes of everything a cold query fetches (scripts,
manifest, shards, metadata of 10 results). Prints one table row per N; `--json` prints all.
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from synthkb import make_site  # noqa: E402


def queries(entries, rng, per_kind):
    """Queries made from sampled entries: the signature as printed, with the reader's own id,
    inside a 6-line log, a JSON body with request ids added, and keywords typed from memory
    (the title's rarest words; the title's first words)."""
    out = []
    df = {}
    for e in entries:
        for w in set(e["title"].lower().split()):
            df[w] = df.get(w, 0) + 1
    for i in rng.sample(range(len(entries)), per_kind):
        e = entries[i]
        want = f"{e['platform']}/{e['slug']}"
        sig = e["signatures"][0]
        out.append({"kind": "exact", "query": sig, "expect": want})
        own = re.sub(r"\(id \d+\)", f"(id {rng.randrange(10**6):06d})", sig)
        out.append({"kind": "own-values", "query": own, "expect": want})
        log = (f"2026-11-29T10:{rng.randrange(60):02d}:07.120Z INFO  [worker-{rng.randrange(9)}] starting job {rng.randrange(10**9)}\n"
               f"2026-11-29T10:12:08.004Z WARN  retry 2/5 after 1500ms (/srv/app/jobs/run.py:{rng.randrange(400)})\n"
               f"2026-11-29T10:12:09.551Z ERROR request {rng.randrange(16**12):012x} failed: {own}\n"
               f"    at Client.send (/srv/app/node_modules/client/index.js:{rng.randrange(900)}:17)\n"
               f"    at async main (/srv/app/main.js:42:5)\n"
               f"2026-11-29T10:12:09.560Z INFO  shutting down worker pid={rng.randrange(10**5)}")
        out.append({"kind": "embedded", "query": log, "expect": want})
        if len(e["signatures"]) > 1:
            j = e["signatures"][1]
            wrapped = j[:-1] + f',"request_id":"req_{rng.randrange(16**16):016x}","user_id":"user_{rng.randrange(16**10):010x}"}}'
            out.append({"kind": "json-wrapped", "query": wrapped, "expect": want})
        words = e["title"].split()
        rare = sorted(words[:-2], key=lambda w: (df[w.lower()], w))[:3]
        out.append({"kind": "keywords", "query": " ".join(rare + [words[-1]]), "expect": want})
        out.append({"kind": "keywords-common", "query": " ".join(words[:3] + [words[-1]]), "expect": want})
    return out


def timed(cmd, **kw):
    """Runs cmd under /usr/bin/time -v: (completed process, wall seconds, peak RSS MiB)."""
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{r.stderr}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", r.stderr).group(1)
    secs = sum(float(x) * 60 ** k for k, x in enumerate(reversed(wall.split(":"))))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1)) / 1024
    return r, secs, rss


def run(n, work, per_kind, build):
    site = os.path.join(work, f"s{n}")
    entries = make_site(n, site)
    out = os.path.join(site, "public")
    kbgen = os.path.join(REPO, "target", "release", "kbgen")
    res = {"n": n}
    if build or not os.path.exists(os.path.join(out, "search", "data", "manifest.json")):
        _, res["build_s"], res["build_rss_mib"] = timed([kbgen, "build", "--root", site, "--output", out, "--force"])
    env = dict(os.environ, KBGEN_SCALE_SITE=site)
    t = subprocess.run(["cargo", "test", "--release", "--quiet", "--test", "main", "--",
                        "--ignored", "--nocapture", "--exact",
                        "search_scale::index_build_time"],
                       cwd=REPO, env=env, capture_output=True, text=True, check=True)
    res["index"] = next((l for l in t.stderr.splitlines() if "Index::for_site" in l), "")
    qs = queries(entries, random.Random(n), per_kind)
    qfile = os.path.join(site, "queries.json")
    with open(qfile, "w") as fh:
        json.dump(qs, fh)
    m = subprocess.run(["node", os.path.join(HERE, "measure.mjs"), out, qfile],
                       capture_output=True, text=True, check=True)
    res["search"] = json.loads(m.stdout)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", type=int, nargs="*", default=[1000, 10000])
    ap.add_argument("--work", default=os.environ.get("KBGEN_BENCH_DIR", "/tmp/kbgen-bench"))
    ap.add_argument("--per-kind", type=int, default=40)
    ap.add_argument("--no-build", action="store_true", help="reuse an existing build")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    subprocess.run(["cargo", "test", "--release", "--quiet", "--no-run", "--test", "main"],
                   cwd=REPO, check=True, capture_output=True)
    results = [run(n, a.work, a.per_kind, not a.no_build) for n in a.sizes]
    if a.json:
        print(json.dumps(results, indent=1))
        return
    kinds = ["exact", "own-values", "embedded", "json-wrapped", "keywords", "keywords-common"]
    print("| entries | " + " | ".join(kinds) + " | KiB per query, median / max | requests, median | rounds | search ms, median / max | kbgen build, s / peak RSS MiB |")
    print("|---" * (len(kinds) + 6) + "|")
    for r in results:
        s = r["search"]
        rec = " | ".join(f"{s['kinds'][k]['recall1']:.2f}" if k in s["kinds"] else "-" for k in kinds)
        build = f"{r['build_s']:.1f} / {r['build_rss_mib']:.0f}" if "build_s" in r else "-"
        print(f"| {r['n']:,} | {rec} | {s['kb']['median']:.0f} / {s['kb']['max']:.0f} | {s['requests']['median']:.0f} |"
              f" {s['rounds']['max']:.0f} | {s['ms']['median']:.1f} / {s['ms']['max']:.1f} | {build} |")
    for r in results:
        print(r["index"])


if __name__ == "__main__":
    main()
