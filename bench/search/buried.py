#!/usr/bin/env python3
"""This repository's KB buried among N synthetic entries, and the KB query set run on it.

usage: bench/search/buried.py [N] [--work DIR]      (N defaults to 10000)

Makes DIR/buried-N: bench/synth.py's N entries plus content/ of this repository, with
the categories of both kbgen.yaml files; builds it with the release kbgen; then runs
tests/search/kb-queries.json through `kbgen lookup`'s index (the ignored cargo test
kb_query_set_recall_buried) and through the browser's search.js (bench/search/measure.mjs).
Prints recall@1 per kind for both, and the bytes a cold query fetches; exits non-zero when
either recall@1 is below 0.95.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from synthkb import make_site  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=10000)
    ap.add_argument("--work", default=os.environ.get("KBGEN_BENCH_DIR", "/tmp/kbgen-bench"))
    a = ap.parse_args()
    site = os.path.join(a.work, f"buried-{a.n}")
    make_site(a.n, site, bury=True)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    kbgen = os.path.join(REPO, "target", "release", "kbgen")
    out = os.path.join(site, "public")
    subprocess.run([kbgen, "build", "--root", site, "--output", out, "--force"], check=True)
    env = dict(os.environ, KBGEN_BURIED_SITE=site)
    r = subprocess.run(["cargo", "test", "--release", "--quiet", "--test", "main", "--",
                        "--ignored", "--nocapture", "--exact",
                        "search_kb::kb_query_set_recall_buried"],
                       cwd=REPO, env=env, capture_output=True, text=True)
    lines = [l for l in r.stderr.splitlines() if "recall@1" in l or l.startswith(("miss", "  want", "  got"))]
    print("lookup:", "\n".join(lines))
    m = subprocess.run(["node", os.path.join(HERE, "measure.mjs"), out,
                        os.path.join(REPO, "tests", "search", "kb-queries.json"), "--failures"],
                       capture_output=True, text=True, check=True)
    d = json.loads(m.stdout)
    kinds = ", ".join(f"{k} {v['recall1']:.3f}" for k, v in d["kinds"].items())
    print(f"browser: recall@1 {d['recall1']:.3f} ({kinds}); KB per query median {d['kb']['median']}"
          f" max {d['kb']['max']}; rounds max {d['rounds']['max']}; ms median {d['ms']['median']}")
    if m.stderr.strip():
        print(m.stderr)
    if r.returncode != 0:
        sys.exit(r.returncode)
    if d["recall1"] < 0.95:
        sys.exit(f"browser search recall@1 {d['recall1']:.3f} is below 0.95")


if __name__ == "__main__":
    main()
