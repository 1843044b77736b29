#!/usr/bin/env python3
# The synthetic-KB generator of bench/run.sh and bench/search/ (docs/benchmarks.md, docs/search.md).
# It reads no file; it writes only under OUTDIR.
"""Writes a synthetic knowledge base of N error entries, the same content in three dialects:

  kbgen  the kbgen format (docs/format.md)
  hugo   a Hugo site rendering the same fields with equivalent templates
  zola   a Zola site rendering the same fields with equivalent templates

usage: synth.py N OUTDIR [--dialect kbgen|hugo|zola] [--seed S]

Text is Zipf-distributed pseudo-words, so search indexes and Markdown volume
are realistic (about 6 KB of source per entry). Same N and seed, same text.
"""
import argparse
import os
import random

CATS = ["cloud-platforms", "package-managers", "containers", "databases", "ci-cd", "languages", "editors", "ai-apis"]


def words_factory(rng):
    syl = ["ka", "lo", "mi", "ter", "zon", "pra", "vel", "nu", "sto", "rin", "ex", "qua", "dor", "fin", "gal", "hen",
           "jo", "ly", "mer", "os", "pe", "ru", "sa", "ti", "ur", "vo", "wi", "xe", "yu", "ze", "bra", "cli", "dre"]
    vocab = []
    seen = set()
    while len(vocab) < 6000:
        w = "".join(rng.choice(syl) for _ in range(rng.choice([1, 2, 2, 3, 3, 4])))
        if w not in seen:
            seen.add(w)
            vocab.append(w)
    weights = [1.0 / (i + 1) for i in range(len(vocab))]
    cum = []
    t = 0
    for w in weights:
        t += w
        cum.append(t)

    import bisect

    def words(n):
        return " ".join(vocab[bisect.bisect_left(cum, rng.random() * t)] for _ in range(n))

    return words


def q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def make(n, seed):
    rng = random.Random(seed)
    words = words_factory(rng)
    nplat = max(2, min(400, n // 25))
    plats = [f"plat{i:03d}" for i in range(nplat)]
    entries = []
    for i in range(n):
        p = plats[i % nplat]
        slug = f"err-{i:06d}"
        code = rng.choice([400, 401, 403, 404, 409, 429, 500, 502, 503])
        e = {
            "platform": p,
            "slug": slug,
            "title": words(6).capitalize() + f" error {code}",
            "summary": words(22).capitalize() + ".",
            "signatures": [f"Error {code}: " + words(8) + f" (id {rng.randrange(10**6):06d})",
                           f'{{"error":{{"message":"{words(4)}","code":{code}}}}}'][: rng.choice([1, 2])],
            "updated": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
            "tags": sorted({words(1) for _ in range(3)}),
            "quick_fix": words(25).capitalize() + ". Run `" + words(2) + " --fix`.",
            "causes": [words(18).capitalize() + "." for _ in range(3)],
            "fixes": [words(14).capitalize() + ": `" + words(3) + "`." for _ in range(4)],
            "steps": [words(16).capitalize() + "." for _ in range(5)],
            "prevention": [words(15).capitalize() + "." for _ in range(2)],
            "sources": [{"title": words(5), "url": f"https://docs.example.com/{p}/{words(1)}-{j}"} for j in range(2)],
            "evidence": words(40).capitalize() + ".",
            "faq": [{"q": words(8).capitalize() + "?", "a": words(30).capitalize() + "."} for _ in range(3)],
            "body": "## What this error means\n\n" + "\n\n".join(words(80).capitalize() + "." for _ in range(3))
                    + "\n\n```bash\n" + words(4) + " --verbose\n```\n",
        }
        entries.append(e)
    for i, e in enumerate(entries):
        e["related"] = [f"{entries[j]['platform']}/{entries[j]['slug']}" for j in ((i + 1) % n, (i + 7) % n) if j != i]
    return plats, entries


def yaml_front(e, extra_indent=""):
    out = [f"title: {q(e['title'])}", f"summary: {q(e['summary'])}", "signatures:"]
    out += [f"  - {q(s)}" for s in e["signatures"]]
    out += [f"updated: {e['updated']}", "tags: [" + ", ".join(e["tags"]) + "]", f"quick_fix: {q(e['quick_fix'])}"]
    for k in ("causes", "fixes", "steps", "prevention"):
        out.append(f"{k}:")
        out += [f"  - {q(x)}" for x in e[k]]
    out.append("sources:")
    for s in e["sources"]:
        out += [f"  - title: {q(s['title'])}", f"    url: {s['url']}"]
    out.append(f"evidence: {q(e['evidence'])}")
    out.append("faq:")
    for f in e["faq"]:
        out += [f"  - q: {q(f['q'])}", f"    a: {q(f['a'])}"]
    out.append("related: [" + ", ".join(e["related"]) + "]")
    return "\n".join(extra_indent + l for l in out)


def w(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        fh.write(text)


def kbgen(out, plats, entries):
    cats = "\n".join(f"  {c}:\n    name: {c.replace('-', ' ').title()}" for c in CATS)
    w(f"{out}/kbgen.yaml", f"title: Synthetic KB\nbase_url: https://kb.example.com/\ndescription: synthetic\ncategories:\n{cats}\n")
    for i, p in enumerate(plats):
        w(f"{out}/content/{p}/_platform.yaml", f"name: Platform {i}\ncategory: {CATS[i % len(CATS)]}\n")
    for e in entries:
        w(f"{out}/content/{e['platform']}/{e['slug']}.md", "---\n" + yaml_front(e) + "\n---\n\n" + e["body"])


LIST_FIELDS = ("causes", "fixes", "steps", "prevention")


def hugo(out, plats, entries):
    w(f"{out}/hugo.toml", 'baseURL = "https://kb.example.com/"\ntitle = "Synthetic KB"\n'
      '[taxonomies]\n  category = "categories"\n[services.rss]\n  limit = 50\n')
    for i, p in enumerate(plats):
        w(f"{out}/content/{p}/_index.md", f"---\ntitle: Platform {i}\ncategories: [{CATS[i % len(CATS)]}]\n---\n")
    for e in entries:
        i = plats.index(e["platform"])
        fm = yaml_front(e).replace("\nupdated: ", "\ndate: ") + f"\ncategories: [{CATS[i % len(CATS)]}]"
        w(f"{out}/content/{e['platform']}/{e['slug']}.md", "---\n" + fm + "\n---\n\n" + e["body"])
    lists = "".join(
        f'{{{{ with .Params.{k} }}}}<h2>{k}</h2><ol>{{{{ range . }}}}<li>{{{{ . | markdownify }}}}</li>{{{{ end }}}}</ol>{{{{ end }}}}\n'
        for k in LIST_FIELDS)
    w(f"{out}/layouts/_default/baseof.html",
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title>'
      '<meta name="description" content="{{ .Summary | plainify }}"></head><body>'
      '<nav><a href="{{ "/" | relURL }}">Home</a></nav>{{ block "main" . }}{{ end }}</body></html>\n')
    w(f"{out}/layouts/_default/single.html",
      '{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Params.summary }}</p>'
      '{{ range .Params.signatures }}<pre><code>{{ . }}</code></pre>{{ end }}'
      '<p>{{ .Params.quick_fix | markdownify }}</p>{{ .Content }}\n' + lists +
      '{{ with .Params.sources }}<ul>{{ range . }}<li><a href="{{ .url }}">{{ .title }}</a></li>{{ end }}</ul>{{ end }}'
      '<p>{{ .Params.evidence | markdownify }}</p>'
      '{{ with .Params.faq }}<dl>{{ range . }}<dt>{{ .q }}</dt><dd>{{ .a | markdownify }}</dd>{{ end }}</dl>{{ end }}'
      '{{ with .Params.related }}<ul>{{ range . }}<li><a href="{{ (printf "/%s/" .) | relURL }}">{{ . }}</a></li>{{ end }}</ul>{{ end }}'
      '</article>{{ end }}\n')
    w(f"{out}/layouts/_default/list.html",
      '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> '
      '{{ .Params.summary }}</li>{{ end }}</ul>{{ end }}\n')


def zola(out, plats, entries):
    w(f"{out}/config.toml", 'base_url = "https://kb.example.com"\ntitle = "Synthetic KB"\n'
      'build_search_index = true\ngenerate_feeds = true\nfeed_limit = 50\ntaxonomies = [{name = "categories"}]\n'
      '[markdown]\n[search]\ninclude_content = true\n')
    w(f"{out}/content/_index.md", "+++\ntitle = \"Home\"\n+++\n")
    for i, p in enumerate(plats):
        w(f"{out}/content/{p}/_index.md", f"+++\ntitle = \"Platform {i}\"\nsort_by = \"date\"\n+++\n")
    for e in entries:
        i = plats.index(e["platform"])
        extra = yaml_front(e).split("\n")
        # Zola: YAML front matter, custom fields under extra, taxonomies under taxonomies
        head = [f"title: {q(e['title'])}", f"description: {q(e['summary'])}", f"date: {e['updated']}",
                "taxonomies:", f"  categories: [{CATS[i % len(CATS)]}]",
                "extra:"]
        body_fields = [l for l in extra if not l.startswith(("title:", "updated:", "tags:"))]
        w(f"{out}/content/{e['platform']}/{e['slug']}.md",
          "---\n" + "\n".join(head + ["  " + l for l in body_fields]) + "\n---\n\n" + e["body"])
    lists = "".join(
        f'{{% if page.extra.{k} %}}<h2>{k}</h2><ol>{{% for x in page.extra.{k} %}}<li>{{{{ x | markdown(inline=true) | safe }}}}</li>{{% endfor %}}</ol>{{% endif %}}\n'
        for k in LIST_FIELDS)
    w(f"{out}/templates/base.html",
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{% block title %}{{ config.title }}{% endblock %}</title>'
      '</head><body><nav><a href="{{ config.base_url }}">Home</a></nav>{% block content %}{% endblock %}</body></html>\n')
    w(f"{out}/templates/page.html",
      '{% extends "base.html" %}{% block title %}{{ page.title }}{% endblock %}{% block content %}<article><h1>{{ page.title }}</h1>'
      '<p>{{ page.description }}</p>{% for s in page.extra.signatures %}<pre><code>{{ s }}</code></pre>{% endfor %}'
      '<p>{{ page.extra.quick_fix | markdown(inline=true) | safe }}</p>{{ page.content | safe }}\n' + lists +
      '{% if page.extra.sources %}<ul>{% for s in page.extra.sources %}<li><a href="{{ s.url }}">{{ s.title }}</a></li>{% endfor %}</ul>{% endif %}'
      '<p>{{ page.extra.evidence | markdown(inline=true) | safe }}</p>'
      '{% if page.extra.faq %}<dl>{% for f in page.extra.faq %}<dt>{{ f.q }}</dt><dd>{{ f.a | markdown(inline=true) | safe }}</dd>{% endfor %}</dl>{% endif %}'
      '{% if page.extra.related %}<ul>{% for r in page.extra.related %}<li><a href="{{ config.base_url }}/{{ r }}/">{{ r }}</a></li>{% endfor %}</ul>{% endif %}'
      '</article>{% endblock %}\n')
    w(f"{out}/templates/section.html",
      '{% extends "base.html" %}{% block content %}<h1>{{ section.title }}</h1><ul>{% for p in section.pages %}'
      '<li><a href="{{ p.permalink }}">{{ p.title }}</a> {{ p.description }}</li>{% endfor %}</ul>{% endblock %}\n')
    w(f"{out}/templates/index.html",
      '{% extends "base.html" %}{% block content %}<h1>{{ config.title }}</h1><ul>{% for s in section.subsections %}'
      '<li>{{ s }}</li>{% endfor %}</ul>{% endblock %}\n')
    w(f"{out}/templates/taxonomy_list.html", '{% extends "base.html" %}{% block content %}<ul>{% for t in terms %}<li><a href="{{ t.permalink }}">{{ t.name }}</a></li>{% endfor %}</ul>{% endblock %}\n')
    w(f"{out}/templates/taxonomy_single.html", '{% extends "base.html" %}{% block content %}<ul>{% for p in term.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a></li>{% endfor %}</ul>{% endblock %}\n')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--dialect", default="kbgen", choices=["kbgen", "hugo", "zola"])
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    plats, entries = make(a.n, a.seed)
    {"kbgen": kbgen, "hugo": hugo, "zola": zola}[a.dialect](a.out, plats, entries)


if __name__ == "__main__":
    main()
