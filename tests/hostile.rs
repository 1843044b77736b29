//! The hostile fixture site (`tests/fixtures/hostile/`), built as a contributor's pull
//! request would be: every field that renders Markdown carries every known vector (raw
//! HTML, bad-scheme links, heading attributes with handlers, ids that clobber the theme's),
//! and every plain-text field carries text that tries to close its HTML, JSON, XML or
//! template context.
//!
//! Three things must hold, with and without `--drafts`:
//! - the site is valid: `kbgen check` finds no error and `kbgen build` succeeds;
//! - every built page, feed and data file passes the hostile-output scan
//!   (`tests/common/html_scan.rs`);
//! - everything around the vectors is on the pages: each field's marker word, the vector
//!   block's end marker once per field that carries it, and each plain-text field exactly
//!   as written. A field that silently stops rendering, or a fixture that stops reaching
//!   the renderer, fails here instead of passing the scan by saying nothing.
//!
//! And the fixture's vectors are live: rendered without a sanitizer, or read as the raw
//! HTML they are, the scan flags each kind of them. Weakening the fixture fails that test.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::html_scan::{decode_entities, violations};
use crate::common::{fixture, kbgen_pinned, text};

const SITE: &str = "hostile";

/// The published entries, with how many fields of each carry a whole vector block
/// (so its `ZZEND` marker shows that many times on the page) and the field markers
/// the page must show.
const ENTRIES: &[(&str, usize, &[&str])] = &[
    ("raw-html/every-field", 9, EVERY_FIELD),
    ("raw-html/every-field-yaml", 9, EVERY_FIELD),
    ("markdown-only/every-field", 9, EVERY_FIELD),
    ("markdown-only/every-field-yaml", 9, EVERY_FIELD),
    // One vector per list item: each block ends its list (causes, fixes) with a ZZEND item.
    ("raw-html/one-per-item", 2, &["ZZBODY"]),
];

/// Built only with `--drafts`: its body, quick fix and FAQ answer carry a block each.
const DRAFT: (&str, usize, &[&str]) = ("raw-html/draft-vectors", 3, &["ZZFAQQ"]);

/// The field-specific list items of the every-field entries.
const EVERY_FIELD: &[&str] = &[
    "ZZCAUSES",
    "ZZFIXES",
    "ZZCHECKS",
    "ZZSTEPS",
    "ZZPREVENTION",
    "ZZFAQQ",
];

/// Every entry's plain-text fields carry these.
const PLAIN_MARKERS: &[&str] = &["ZZTITLE", "ZZSUMMARY", "ZZSIGNATURE", "ZZSOURCE"];

/// Text around the vectors of the raw-HTML block, one of each per copy of the block.
const RAW_BLOCK_LABELS: &[&str] = &[
    "raw-HTML and link vectors",
    "split.",
    "Images:",
    "Controls:",
    "Schemes:",
    "More schemes:",
    "Styles:",
    "Media:",
    "Noscript:",
    "Elsewhere:",
    "Theme ids:",
    "A raw heading with the quick fix",
    "Markdown links:",
    "Markdown images:",
    "Autolinks:",
    "Reference links:",
    "Footnotes",
    "A footnote labelled with the skip link",
    "Escaped:",
];

/// Text around the vectors of the Markdown-only block, one of each per copy.
const QUIET_BLOCK_LABELS: &[&str] = &[
    "Markdown-only vectors",
    "Setext heading",
    "Deep",
    "Footnotes",
    "A footnote labelled with the quick fix",
    "A safe link whose title tries to break out",
    "code under a hostile info string",
    "Escaped:",
];

/// The files a built site has that the scan reads.
const SCANNED: &[&str] = &["html", "xml", "json", "txt"];

fn build(extra: &[&str]) -> (tempfile::TempDir, PathBuf, String) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let root = fixture(SITE);
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let run = kbgen_pinned(&args);
    let log = text(&run);
    assert!(run.status.success(), "the hostile site must build:\n{log}");
    (tmp, out, log)
}

fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Every file of the output the scan reads, by path relative to the output root.
fn scanned_files(out: &Path) -> BTreeMap<String, String> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            e.path()
                .extension()
                .is_some_and(|x| SCANNED.contains(&x.to_string_lossy().as_ref()))
        })
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(out)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let text =
                std::fs::read_to_string(e.path()).unwrap_or_else(|err| panic!("{rel}: {err}"));
            (rel, text)
        })
        .collect()
}

/// The part of a page after `<body`: what the reader sees, without the head's JSON-LD.
fn body_of(html: &str) -> &str {
    html.find("<body").map_or(html, |at| &html[at..])
}

/// The markup between `open` and the next `close` after it, for each occurrence.
fn between<'h>(html: &'h str, open: &str, close: &str) -> Vec<&'h str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(open) {
        let after = &rest[at + open.len()..];
        let end = after.find(close).unwrap_or(after.len());
        out.push(&after[..end]);
        rest = &after[end..];
    }
    out
}

/// [`between`], with character references decoded: the text a reader sees.
fn texts_between(html: &str, open: &str, close: &str) -> Vec<String> {
    between(html, open, close)
        .into_iter()
        .map(decode_entities)
        .collect()
}

/// A record's fields as JSON: the front matter of a `.md` record, or the whole `.yaml` one.
fn record(id: &str) -> serde_json::Value {
    let dir = fixture(SITE).join("content");
    let md = dir.join(format!("{id}.md"));
    let (path, yaml) = if md.is_file() {
        let text = std::fs::read_to_string(&md).unwrap();
        let front = text
            .strip_prefix("---\n")
            .and_then(|t| t.split_once("\n---\n"))
            .map(|(f, _)| f.to_owned())
            .unwrap_or_else(|| panic!("{id}.md has front matter"));
        (md, front)
    } else {
        let path = dir.join(format!("{id}.yaml"));
        let text = std::fs::read_to_string(&path).unwrap();
        (path, text)
    };
    serde_saphyr::from_str(&yaml).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_hostile_site_checks_without_errors() {
    let root = fixture(SITE);
    let run = kbgen_pinned(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&run.stdout)
        .unwrap_or_else(|e| panic!("check --format json prints JSON ({e}):\n{}", text(&run)));
    let errors = report["errors"].as_array().expect("an errors list");
    assert!(
        errors.is_empty(),
        "the hostile site is a valid site; `kbgen check` found:\n{}",
        serde_json::to_string_pretty(errors).unwrap()
    );
}

#[test]
fn every_built_file_passes_the_hostile_output_scan() {
    for extra in [&[][..], &["--drafts"][..]] {
        let (_tmp, out, _) = build(extra);
        let files = scanned_files(&out);
        for kind in SCANNED.iter().filter(|k| **k != "txt") {
            assert!(
                files.keys().any(|f| f.ends_with(&format!(".{kind}"))),
                "no .{kind} file was built: {:?}",
                files.keys()
            );
        }
        let found: Vec<String> = files
            .iter()
            .flat_map(|(rel, text)| violations(rel, text))
            .collect();
        assert!(
            found.is_empty(),
            "built {extra:?} from untrusted content, {} file(s) hold what no page may:\n{}",
            found
                .iter()
                .map(|f| f.split(':').next().unwrap())
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            found.join("\n")
        );
    }
}

#[test]
fn every_field_reaches_its_page() {
    let (_tmp, out, log) = build(&["--drafts"]);
    assert!(log.contains("Built 6 entries"), "{log}");
    let mut problems = Vec::new();
    for &(id, blocks, markers) in ENTRIES.iter().chain([&DRAFT]) {
        let html = read(&out, &format!("{id}/index.html"));
        let body = body_of(&html);
        for marker in PLAIN_MARKERS.iter().chain(markers) {
            if !body.contains(marker) {
                problems.push(format!("{id}: {marker} is not on the page"));
            }
        }
        for marker in ["ZZSTART", "ZZEND"] {
            let n = body.matches(marker).count();
            if n != blocks {
                problems.push(format!(
                    "{id}: {marker} is on the page {n} times, not once for each of the {blocks} fields that carry the vector block"
                ));
            }
        }
        // Each copy of a whole block shows all of its text, not just its ends.
        if id.ends_with("every-field") || id.ends_with("every-field-yaml") {
            let labels = if id.starts_with("raw-html/") {
                RAW_BLOCK_LABELS
            } else {
                QUIET_BLOCK_LABELS
            };
            for label in labels {
                let n = body.matches(label).count();
                if n < blocks {
                    problems.push(format!("{id}: `{label}` shows {n} times, in fewer than the {blocks} copies of its block"));
                }
            }
        }
    }
    for (platform, labels) in [
        ("raw-html", RAW_BLOCK_LABELS),
        ("markdown-only", QUIET_BLOCK_LABELS),
    ] {
        let html = read(&out, &format!("{platform}/index.html"));
        let body = body_of(&html);
        for label in labels.iter().chain(&["ZZSTART", "ZZEND"]) {
            if !body.contains(label) {
                problems.push(format!(
                    "{platform}/: the description's `{label}` is not on the platform page"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn plain_text_fields_are_shown_exactly_as_written() {
    let (_tmp, out, _) = build(&["--drafts"]);
    let api: serde_json::Value = serde_json::from_str(&read(&out, "api/entries.json")).unwrap();
    let atom = read(&out, "atom.xml");
    let atom_titles = texts_between(&atom, "<title>", "</title>");
    let mut problems = Vec::new();
    for &(id, _, _) in ENTRIES.iter().chain([&DRAFT]) {
        let rec = record(id);
        let title = rec["title"].as_str().unwrap();
        let summary = rec["summary"].as_str().unwrap();
        let signatures = strings(&rec["signatures"]);
        let html = read(&out, &format!("{id}/index.html"));
        let mut expect = |what: &str, shown: Vec<String>, wanted: Vec<String>| {
            if shown != wanted {
                problems.push(format!(
                    "{id}: {what}\n  shown:   {shown:?}\n  written: {wanted:?}"
                ));
            }
        };
        expect(
            "title",
            texts_between(&html, "<h1>", "</h1>"),
            vec![title.to_owned()],
        );
        expect(
            "summary",
            texts_between(&html, "<p class=\"summary\">", "</p>"),
            vec![summary.to_owned()],
        );
        let shown: Vec<String> = between(&html, "<pre class=\"signature\">", "</pre>")
            .into_iter()
            .map(|pre| texts_between(pre, "<code>", "</code>").concat())
            .collect();
        expect("signatures", shown, signatures.clone());
        let questions: Vec<String> = rec["faq"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| f["q"].as_str().unwrap().to_owned())
            .collect();
        expect(
            "FAQ questions",
            texts_between(&html, "<dt>", "</dt>"),
            questions,
        );
        let sources = rec["sources"].as_array().expect("every entry has sources");
        let list = between(&html, "<ul class=\"sources\">", "</ul>").concat();
        let shown_titles = texts_between(&list, "\">", "</a>");
        let wanted_titles = sources
            .iter()
            .map(|s| s["title"].as_str().unwrap().to_owned())
            .collect();
        expect("source titles", shown_titles, wanted_titles);
        let shown_urls = texts_between(&list, "<a href=\"", "\"");
        let wanted_urls = sources
            .iter()
            .map(|s| s["url"].as_str().unwrap().to_owned())
            .collect();
        expect("source URLs", shown_urls, wanted_urls);

        // JSON-LD: the headline survives the trip through a <script> element.
        let ld = texts_between(&html, "<script type=\"application/ld+json\">", "</script>");
        let headline = ld
            .first()
            .and_then(|raw| serde_json::from_str::<serde_json::Value>(raw).ok())
            .and_then(|doc| {
                doc["@graph"]
                    .as_array()?
                    .iter()
                    .find(|n| n["@type"] == "TechArticle")
                    .map(|n| n["headline"].clone())
            });
        if headline.as_ref().and_then(|h| h.as_str()) != Some(title) {
            problems.push(format!(
                "{id}: JSON-LD headline is {headline:?}, not the title"
            ));
        }
        // The JSON API and the feed.
        let entry = api.as_array().unwrap().iter().find(|e| e["id"] == id);
        match entry {
            Some(e) => {
                if e["title"] != title
                    || e["summary"] != summary
                    || strings(&e["signatures"]) != signatures
                {
                    problems.push(format!(
                        "{id}: api/entries.json does not hold the fields as written: {e}"
                    ));
                }
            }
            None => problems.push(format!("{id}: not in api/entries.json")),
        }
        if !atom_titles.iter().any(|t| t == title) {
            problems.push(format!(
                "{id}: atom.xml has no <title> with the title as written"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let (_tmp, out, log) = build(&[]);
    assert!(log.contains("Built 5 entries"), "{log}");
    assert!(!out.join(DRAFT.0).join("index.html").exists());
    for (id, _, _) in ENTRIES {
        assert!(
            out.join(id).join("index.html").is_file(),
            "{id} was not built"
        );
    }
}

/// The vector blocks as the fixture writes them: the body of each `.md` entry.
fn fixture_bodies() -> Vec<(String, String)> {
    [
        "raw-html/every-field",
        "markdown-only/every-field",
        "raw-html/draft-vectors",
    ]
    .iter()
    .map(|id| {
        let text = std::fs::read_to_string(fixture(SITE).join(format!("content/{id}.md"))).unwrap();
        let body = text.split_once("\n---\n").unwrap().1.to_owned();
        ((*id).to_owned(), body)
    })
    .collect()
}

#[test]
fn the_fixture_vectors_are_live() {
    let kinds = |found: &[String], wanted: &[&str], what: &str| {
        let missing: Vec<&&str> = wanted
            .iter()
            .filter(|w| !found.iter().any(|f| f.contains(**w)))
            .collect();
        assert!(
            missing.is_empty(),
            "{what}: the scan does not see {missing:?}: the fixture lacks those vectors.\nIt sees:\n{}",
            found.join("\n")
        );
    };
    let bodies = fixture_bodies();
    // The raw-HTML block, read as the HTML it is, holds every kind of vector.
    let raw = &bodies[0].1;
    kinds(
        &violations("fragment.html", raw),
        &[
            "<script> outside",
            "event handler attribute `onerror`",
            "event handler attribute `onload`",
            "event handler attribute `ontoggle`",
            "event handler attribute `onfocus`",
            "event handler attribute `onmouseover`",
            "event handler attribute `onbegin`",
            "`javascript:` URL in `href`",
            "`javascript:` URL in `xlink:href`",
            "`javascript:` URL in `src`",
            "`javascript:` URL in `data`",
            "`javascript:` URL in `action`",
            "`javascript:` URL in `poster`",
            "`javascript:` URL in `srcset`",
            "`data:` URL in `href`",
            "`data:` URL in `srcset`",
            "`vbscript:` URL in `href`",
            "<svg> element",
            "<math> element",
            "<iframe> element",
            "<object> element",
            "<embed> element",
            "<base> element",
            "<style> element",
            "`srcdoc` attribute",
            "`formaction` attribute",
            "`autofocus` attribute",
            "`http-equiv` attribute",
            "<form> in rendered content",
            "<input> that is not a checkbox",
            "<textarea> in rendered content",
            "<select> in rendered content",
            "<button> in rendered content",
            "<link> in rendered content",
            "<noscript> in rendered content",
            "<template> in rendered content",
            "<body> in rendered content",
            "`url(` in a style attribute",
            "`expression(` in a style attribute",
            "style `position:fixed` in rendered content",
            "the theme's id `search-results`",
            "the theme's id `search-input`",
            "the theme's id `search-status`",
            "the theme's id `site-search`",
            "the theme's id `main`",
            "the theme's id `quick-fix`",
            "the theme's id `causes`",
            "the theme's id `faq`",
            "`name` attribute in rendered content",
        ],
        "raw-HTML block",
    );
    // The Markdown-only block, rendered without any sanitizer or id rule, is just as live:
    // handlers on headings, the theme's ids on headings and footnotes.
    for (id, body) in [&bodies[1], &bodies[0]] {
        let mut html = String::new();
        let options = pulldown_cmark::Options::ENABLE_HEADING_ATTRIBUTES
            | pulldown_cmark::Options::ENABLE_FOOTNOTES
            | pulldown_cmark::Options::ENABLE_TABLES;
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(body, options));
        kinds(
            &violations("fragment.html", &html),
            &[
                "event handler attribute `onfocus`",
                "event handler attribute `onmouseover`",
                "event handler attribute `onclick`",
                "`autofocus` attribute",
                "`tabindex` attribute in rendered content",
                "the theme's id `search-results`",
                "the theme's id `search-input`",
                "the theme's id `causes`",
                "the theme's id `main`",
                "control character U+001B",
            ],
            &format!("{id}, Markdown rendered with no sanitizer"),
        );
    }
}
