"""Synthetic sites for the search benchmarks: bench/synth.py's entries, optionally with
this repository's KB copied in ("buried"). Imported by scale.py and buried.py."""
import importlib.util
import os
import re
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def synth():
    """bench/synth.py, the generator bench/run.sh uses too, as a module."""
    spec = importlib.util.spec_from_file_location("synth", os.path.join(REPO, "bench", "synth.py"))
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
    """Copies content/ of this repository into the site, and writes the repository's
    kbgen.yaml there with the synthetic categories it lacks added (the repository's
    definitions win where both define one). The file is edited as text, so no YAML
    library is needed: categories are the two-space-indented keys of its top-level
    `categories:` block."""
    src = os.path.join(REPO, "content")
    for name in os.listdir(src):
        if os.path.isdir(os.path.join(src, name)):
            shutil.copytree(os.path.join(src, name), os.path.join(out, "content", name))
    with open(os.path.join(REPO, "kbgen.yaml")) as fh:
        lines = fh.read().splitlines()
    if "categories:" not in lines:
        raise SystemExit("kbgen.yaml: no top-level `categories:` line to add the synthetic categories to")
    start = lines.index("categories:") + 1
    end = next((i for i in range(start, len(lines)) if lines[i] and not lines[i].startswith((" ", "#"))),
               len(lines))
    have = {m.group(1) for m in (re.fullmatch(r"  ([a-z0-9-]+):\s*", l) for l in lines[start:end]) if m}
    extra = []
    for c in synth_cats:
        if c not in have:
            extra += [f"  {c}:", f"    name: {yaml_str(c.replace('-', ' ').title())}"]
    lines[end:end] = extra
    lines = ["base_url: https://kb.example.com/" if l.startswith("base_url:") else l for l in lines]
    with open(os.path.join(out, "kbgen.yaml"), "w") as fh:
        fh.write("\n".join(lines) + "\n")
