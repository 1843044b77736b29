"""Synthetic sites for the search benchmarks: bench/synth.py's entries, optionally with
this repository's KB copied in ("buried"). Imported by scale.py and buried.py."""
import importlib.util
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SYNTH_CANDIDATES = [
    os.environ.get("KBGEN_SYNTH", ""),
    # The generator bench/run.sh uses too.
    os.path.join(REPO, "bench", "synth.py"),
]


def synth():
    """bench/synth.py as a module; KBGEN_SYNTH names another generator to use instead."""
    path = next((p for p in SYNTH_CANDIDATES if p and os.path.exists(p)), None)
    if path is None:
        raise SystemExit("synth.py not found: bench/synth.py is missing and KBGEN_SYNTH is not set")
    spec = importlib.util.spec_from_file_location("synth", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def yaml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def make_site(n, out, bury=False, seed=7):
    """Writes the synthetic site of n entries to out (kept when it is already there), and with
    bury=True this repository's content/ and categories too. Returns synth's entries."""
    mod = synth()
    plats, entries = mod.make(n, seed)
    marker = os.path.join(out, ".synth-done")
    if not os.path.exists(marker):
        shutil.rmtree(out, ignore_errors=True)
        mod.kbgen(out, plats, entries)
        if bury:
            bury_repo(out, mod.CATS)
        with open(marker, "w") as fh:
            fh.write(f"{n} {seed} {bury}\n")
    return entries


def bury_repo(out, synth_cats):
    """Copies content/ of this repository into the site and merges the categories (the
    repository's definitions win where both define one)."""
    import yaml

    src = os.path.join(REPO, "content")
    for name in os.listdir(src):
        if os.path.isdir(os.path.join(src, name)):
            shutil.copytree(os.path.join(src, name), os.path.join(out, "content", name))
    with open(os.path.join(REPO, "kbgen.yaml")) as fh:
        repo = yaml.safe_load(fh)
    cats = dict(repo["categories"])
    for c in synth_cats:
        cats.setdefault(c, {"name": c.replace("-", " ").title()})
    lines = [f"title: {yaml_str(repo['title'])}", "base_url: https://kb.example.com/",
             "description: synthetic entries with this repository's KB among them", "categories:"]
    for slug, c in cats.items():
        lines.append(f"  {slug}:")
        lines.append(f"    name: {yaml_str(c['name'])}")
        if c.get("description"):
            lines.append(f"    description: {yaml_str(c['description'])}")
    with open(os.path.join(out, "kbgen.yaml"), "w") as fh:
        fh.write("\n".join(lines) + "\n")
