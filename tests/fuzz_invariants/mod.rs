//! What must hold for any input to the record parser and to the Markdown
//! renderer, shared by the cargo-fuzz targets (`fuzz/fuzz_targets/`) and the
//! regression test that replays their corpora and crash inputs
//! (`tests/fuzz_regressions.rs`).
//!
//! Record parser: the first byte picks the form (`.md` entry, `.yaml` entry,
//! `kbgen.yaml`), the rest is the file. Parsing returns Ok or diagnostics that
//! name the file, every line it reports is a line of the file, and the prose and
//! link scanners of `kbgen check` map every finding back to a line of the file too.
//!
//! Markdown renderer: the input is one Markdown field, as a stranger could write
//! it and a record accepts. Whatever it holds, the HTML passes the hostile-HTML scan
//! (`tests/common/html_scan.rs`, the same one the site tests run over built
//! pages), heading ids are unique and none the theme reserves, and rendering
//! the same field twice gives the same output.

#![allow(dead_code)]

// The test binary has the scan as `common::html_scan`; a fuzz target, which includes this
// module alone, compiles the file here.
#[cfg(not(test))]
#[path = "../common/html_scan.rs"]
mod html_scan;
#[cfg(test)]
use crate::common::html_scan;

use kbgen::load::locate::Locator;

/// What the input turned into, for the regression test to tell apart.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Parsed,
    Refused(Vec<&'static str>),
    NotRun,
}

/// Runs one input through the parser and asserts the invariants; panics on a violation.
pub fn check_record(data: &[u8]) -> Outcome {
    let Some((&selector, bytes)) = data.split_first() else {
        return Outcome::NotRun;
    };
    let today = jiff::civil::Date::constant(2026, 11, 29);
    let lines = match kbgen::load::record::decode(bytes, "f") {
        Ok(text) => text.split('\n').count() as u32,
        Err(_) => u32::MAX,
    };
    let in_file = |line: u32| line >= 1 && line <= lines;
    if selector % 3 == 2 {
        let Ok(text) = kbgen::load::record::decode(bytes, "kbgen.yaml") else {
            return Outcome::NotRun;
        };
        let mut diags = Vec::new();
        return match kbgen::load::config::Config::parse(&text, &mut diags) {
            Some(_) => Outcome::Parsed,
            None => {
                assert!(!diags.is_empty(), "a refused kbgen.yaml says why");
                Outcome::Refused(diags.iter().map(|d| d.rule).collect())
            }
        };
    }
    let file = if selector % 3 == 0 {
        "content/p/s.md"
    } else {
        "content/p/s.yaml"
    };
    match kbgen::load::record::parse(bytes, file, "p", "s", today) {
        Ok(entry) => {
            assert_eq!(entry.id, "p/s");
            for (field, (line, _)) in &entry.positions {
                assert!(in_file(*line), "{field} at line {line} of {lines}");
            }
            let text = kbgen::load::record::decode(bytes, file).expect("parsed, so it decodes");
            let mut locator = Locator::with_texts([(file, text.as_str())]);
            for field in kbgen::check::prose::markdown_fields(&entry) {
                let mut offsets: Vec<usize> = Vec::new();
                offsets.extend(
                    kbgen::check::links::link_dests(field.text)
                        .iter()
                        .map(|l| l.1),
                );
                offsets.extend(
                    kbgen::check::prose::sentences(field.text)
                        .iter()
                        .map(|s| s.offset),
                );
                offsets.extend(
                    kbgen::check::prose::placeholders(field.text)
                        .iter()
                        .map(|p| p.1),
                );
                offsets.extend(
                    kbgen::check::prose::headings(field.text)
                        .iter()
                        .map(|h| h.offset),
                );
                for offset in offsets {
                    assert!(offset <= field.text.len(), "{} offset {offset}", field.name);
                    let place = field.place(offset);
                    if let Some((line, col)) = locator.resolve(file, &place) {
                        assert!(in_file(line) && col >= 1, "{} at {line}:{col}", field.name);
                    }
                }
            }
            Outcome::Parsed
        }
        Err(diags) => {
            assert!(!diags.is_empty(), "a refused record says why");
            for d in &diags {
                assert_eq!(d.file, file);
                assert!(!d.message.is_empty());
                if let Some(line) = d.line {
                    assert!(in_file(line), "{} at line {line} of {lines}", d.rule);
                }
            }
            Outcome::Refused(diags.iter().map(|d| d.rule).collect())
        }
    }
}

/// The places a Markdown field is rendered from: an entry at the site root, and
/// a page outside any platform under a base path.
const LINK_CONTEXTS: [kbgen::render::markdown::LinkContext<'static>; 2] = [
    kbgen::render::markdown::LinkContext {
        platform: "git",
        base_path: "/",
    },
    kbgen::render::markdown::LinkContext {
        platform: "",
        base_path: "/kb/",
    },
];

/// Renders one Markdown field, as a block and inline, and asserts the invariants;
/// panics on a violation. Bytes that are not UTF-8 are decoded lossily, and control
/// characters that a record refuses (`kbgen::util::text::forbidden_control`) are dropped,
/// since no field that reaches the renderer holds one.
pub fn check_markdown(data: &[u8]) {
    let mut md = String::from_utf8_lossy(data).into_owned();
    let mut buf = [0; 4];
    md.retain(|c| kbgen::util::text::forbidden_control(c.encode_utf8(&mut buf)).is_none());
    for ctx in LINK_CONTEXTS {
        let block = kbgen::render::markdown::render(&md, ctx);
        let again = kbgen::render::markdown::render(&md, ctx);
        assert_eq!(block.html, again.html, "render is deterministic");
        assert_eq!(block.headings, again.headings, "headings are deterministic");
        assert_eq!(
            block.record_links, again.record_links,
            "links are deterministic"
        );
        assert_safe(&block.html, &md, "render");
        let mut ids = std::collections::HashSet::new();
        for h in &block.headings {
            assert!(
                !kbgen::model::sections::is_reserved_id(&h.id),
                "heading id {:?} is reserved, from {md:?}",
                h.id
            );
            assert!(
                ids.insert(h.id.as_str()),
                "heading id {:?} twice, from {md:?}",
                h.id
            );
        }

        let inline = kbgen::render::markdown::render_inline(&md, ctx);
        assert_eq!(inline, kbgen::render::markdown::render_inline(&md, ctx));
        assert_safe(&inline, &md, "render_inline");
    }
    let plain = kbgen::render::markdown::plain_text(&md);
    assert_eq!(
        plain,
        kbgen::render::markdown::plain_text(&md),
        "plain_text is deterministic"
    );
}

fn assert_safe(html: &str, md: &str, how: &str) {
    let found = html_scan::violations(how, html);
    assert!(
        found.is_empty(),
        "{how} of {md:?} wrote unsafe HTML: {found:?}\n{html}"
    );
}
