//! Content-quality warnings: what makes an entry worse for its reader without
//! breaking the build. `kbgen check` reports them; `--strict` makes them errors.
//!
//! Most rules look at one entry at a time and run in parallel. The two that
//! compare entries (a sentence repeated word for word across entries, the same
//! signature in two entries) hash each sentence or signature once and count
//! the hashes in one map, so a knowledge base of 100,000 entries costs one pass,
//! never a comparison of every pair. Each warning points at the line of the
//! offending field, list item or sentence.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use jiff::civil::Date;
use rayon::prelude::*;

use crate::check::prose::{self, MdField};
use crate::diagnostic::{Diagnostic, Report};
use crate::load::Site;
use crate::load::locate::{Locator, Place};
use crate::model::Entry;
use crate::model::sections::SECTIONS;
use crate::render::markdown;

/// A summary is the page's meta description: long enough to say something,
/// short enough that search engines show all of it.
pub const SUMMARY_MIN: usize = 40;
/// See [`SUMMARY_MIN`].
pub const SUMMARY_MAX: usize = 160;
/// An entry not re-checked for this long is probably out of date.
pub const STALE_MONTHS: i64 = 18;
/// A sentence found in this many entries is filler, not knowledge.
pub const REPEAT_MIN_ENTRIES: usize = 3;

/// One warning before its place in the file is resolved.
struct Finding<'a> {
    file: &'a str,
    rule: &'static str,
    field: Option<String>,
    place: Place,
    message: String,
}

/// Runs every content-quality rule over `site`; `today` dates the `stale` rule.
pub fn warnings(site: &Site, today: Date, report: &mut Report) {
    let stale_before = today
        .checked_sub(jiff::Span::new().months(STALE_MONTHS))
        .unwrap_or(today);
    let per_entry: Vec<(Vec<Finding<'_>>, Vec<Unit>)> = site
        .entries
        .par_iter()
        .map(|e| {
            let platform_name = site.platforms.get(&e.platform).map(|p| p.name.as_str());
            (entry_findings(e, stale_before, platform_name), units(e))
        })
        .collect();
    let mut findings = Vec::new();
    let mut units_by_entry = Vec::with_capacity(per_entry.len());
    for (f, u) in per_entry {
        findings.extend(f);
        units_by_entry.push(u);
    }
    findings.extend(repeated_text(&site.entries, &units_by_entry));
    findings.extend(duplicate_signatures(&site.entries));
    for (slug, p) in &site.platforms {
        let has_records = site.entries.iter().any(|e| &e.platform == slug)
            || site
                .unparsed
                .iter()
                .any(|id| id.split('/').next() == Some(slug));
        if !has_records {
            findings.push(Finding {
                file: &p.file,
                rule: "empty-platform",
                field: None,
                place: Place::Key("name"),
                message: format!(
                    "the platform `{slug}` has no entries; its page would be empty (add an entry or remove the folder)"
                ),
            });
        }
    }

    let mut locator = Locator::new(&site.root);
    for f in findings {
        let mut d = Diagnostic::warning(f.file, f.rule, f.message)
            .at_opt(locator.resolve(f.file, &f.place));
        if let Some(field) = f.field {
            d = d.field(field);
        }
        report.push(d);
    }
}

/// The rules that need only the entry itself.
fn entry_findings<'a>(
    e: &'a Entry,
    stale_before: Date,
    platform_name: Option<&str>,
) -> Vec<Finding<'a>> {
    let mut f = Findings { e, out: Vec::new() };
    f.missing_sections();
    f.summary_and_date(stale_before);
    let fields = prose::markdown_fields(e);
    f.placeholders(&fields);
    f.duplicate_headings(&fields, platform_name);
    f.out
}

/// The findings of one entry, as they are found.
struct Findings<'a> {
    e: &'a Entry,
    out: Vec<Finding<'a>>,
}

impl<'a> Findings<'a> {
    fn push(&mut self, rule: &'static str, field: &str, place: Place, message: String) {
        self.out.push(Finding {
            file: &self.e.file,
            rule,
            field: Some(field.to_owned()),
            place,
            message,
        });
    }

    fn at(&self, field: &str) -> Place {
        self.e
            .pos(field)
            .map_or(Place::File, |(l, c)| Place::At(l, c))
    }

    /// Sources, causes and fixes, which every entry should have.
    fn missing_sections(&mut self) {
        let e = self.e;
        if e.sources.is_empty() {
            self.push(
                "no-sources",
                "sources",
                Place::Key("sources"),
                "the entry cites no sources; add the docs, issues or threads its facts come from"
                    .into(),
            );
        }
        if e.causes.is_empty() {
            self.push(
                "no-causes",
                "causes",
                Place::Key("causes"),
                "the entry lists no causes; say why this error happens".into(),
            );
        }
        if e.fixes.is_empty() {
            self.push(
                "no-fixes",
                "fixes",
                Place::Key("fixes"),
                "the entry lists no fixes; say what makes the error go away".into(),
            );
        }
    }

    /// The summary's length (it is the meta description) and the age of `updated`.
    fn summary_and_date(&mut self, stale_before: Date) {
        let e = self.e;
        let len = e.summary.chars().count();
        if len > SUMMARY_MAX {
            self.push(
                "summary-length",
                "summary",
                self.at("summary"),
                format!(
                    "the summary is {len} characters; search engines cut meta descriptions after about {SUMMARY_MAX}, so keep it to {SUMMARY_MIN}-{SUMMARY_MAX}"
                ),
            );
        } else if len < SUMMARY_MIN {
            self.push(
                "summary-length",
                "summary",
                self.at("summary"),
                format!(
                    "the summary is only {len} characters; say in {SUMMARY_MIN}-{SUMMARY_MAX} what the reader sees and what it means (it is the page's meta description)"
                ),
            );
        }

        if e.updated < stale_before {
            self.push(
                "stale",
                "updated",
                self.at("updated"),
                format!(
                    "`updated` is {}, more than {STALE_MONTHS} months ago; re-check the entry against current versions, then update the date",
                    e.updated
                ),
            );
        }
    }

    /// Placeholders, in plain-text fields and in Markdown fields.
    fn placeholders(&mut self, fields: &[MdField<'_>]) {
        let e = self.e;
        let mut plain: Vec<(String, &str)> =
            vec![("title".into(), &e.title), ("summary".into(), &e.summary)];
        for (i, f) in e.faq.iter().enumerate() {
            plain.push((format!("faq[{i}].q"), &f.q));
        }
        for (i, s) in e.sources.iter().enumerate() {
            plain.push((format!("sources[{i}]"), &s.title));
        }
        for (name, text) in plain {
            let pos = e.pos(&name).unwrap_or((1, 1));
            for (marker, offset) in prose::placeholders_in_plain(text) {
                self.push(
                    "placeholder",
                    &name,
                    Place::in_text(pos, text, offset),
                    placeholder_message(marker),
                );
            }
        }
        for field in fields {
            for (marker, offset) in prose::placeholders(field.text) {
                self.push(
                    "placeholder",
                    &field.name,
                    field.place(offset),
                    placeholder_message(marker),
                );
            }
        }
    }

    /// Body headings that repeat a section the template already renders.
    fn duplicate_headings(&mut self, fields: &[MdField<'_>], platform_name: Option<&str>) {
        if let Some(body) = fields.iter().find(|f| f.name == "body") {
            for h in prose::headings(body.text) {
                if let Some(section) = section_for_heading(&h.text, platform_name) {
                    self.push(
                        "duplicate-heading",
                        "body",
                        body.place(h.offset),
                        format!(
                            "the body heading `{}` repeats the page's own `{section}` section; put these points in `{section}:` instead",
                            h.text
                        ),
                    );
                }
            }
        }
    }
}

fn placeholder_message(marker: &str) -> String {
    format!("placeholder text `{marker}` left in the entry; write the real content or remove it")
}

/// The field of the structured section a body heading duplicates, if any: one of the
/// headings [`SECTIONS`] gives a section, or `<Platform> checks`.
fn section_for_heading(heading: &str, platform_name: Option<&str>) -> Option<&'static str> {
    let h = prose::normalize(heading);
    if let Some(s) = SECTIONS.iter().find(|s| s.aliases.contains(&h.as_str())) {
        return Some(s.field);
    }
    let checks = platform_name.map(|p| format!("{} checks", p.to_lowercase()));
    (checks.as_deref() == Some(h.as_str())).then_some("checks")
}

/// One sentence or list item of an entry, by hash: which field and where.
#[derive(Debug, Clone, Copy)]
struct Unit {
    hash: u64,
    field: u16,
    offset: u32,
}

/// The prose fields the repetition rule compares: the summary, then every
/// Markdown field. FAQ questions are left out: short, natural prompts.
fn prose_fields(e: &Entry) -> Vec<MdField<'_>> {
    let mut fields = vec![MdField {
        name: "summary".into(),
        text: &e.summary,
        pos: e.pos("summary").unwrap_or((1, 1)),
        body_line: None,
    }];
    fields.extend(prose::markdown_fields(e));
    fields
}

fn is_list_item(name: &str) -> bool {
    ["causes[", "fixes[", "checks[", "steps[", "prevention["]
        .iter()
        .any(|p| name.starts_with(p))
}

fn hash_of(s: &str) -> u64 {
    let mut h = DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// The units of one entry, each hash once (the first place it occurs).
fn units(e: &Entry) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, field) in prose_fields(e).iter().enumerate() {
        let mut push = |normalized: &str, offset: usize| {
            let hash = hash_of(normalized);
            if seen.insert(hash) {
                out.push(Unit {
                    hash,
                    field: i.min(u16::MAX as usize) as u16,
                    offset: offset.min(u32::MAX as usize) as u32,
                });
            }
        };
        if is_list_item(&field.name) {
            let whole = prose::normalize(&markdown::plain_text(field.text));
            if whole.split(' ').count() >= prose::MIN_SENTENCE_WORDS {
                push(&whole, 0);
            }
        }
        for s in prose::sentences(field.text) {
            push(&s.normalized, s.offset);
        }
    }
    out
}

/// How many entries a message names besides the one it is about.
const NAMED: usize = 3;

/// How many entries hold a hash, and the first few of them.
#[derive(Default)]
struct Seen {
    count: usize,
    first: [u32; NAMED + 1],
}

impl Seen {
    fn first(&self) -> &[u32] {
        &self.first[..self.count.min(NAMED + 1)]
    }
}

/// `a/b, c/d and 4 more`: up to [`NAMED`] ids of `others` (the entry itself left out).
fn also_in(entries: &[Entry], others: impl Iterator<Item = usize>, total_others: usize) -> String {
    let named: Vec<&str> = others.take(NAMED).map(|k| entries[k].id.as_str()).collect();
    let more = total_others.saturating_sub(named.len());
    if more > 0 {
        format!("{} and {more} more", named.join(", "))
    } else {
        named.join(", ")
    }
}

fn repeated_text<'a>(entries: &'a [Entry], units: &[Vec<Unit>]) -> Vec<Finding<'a>> {
    let mut seen: HashMap<u64, Seen> = HashMap::new();
    for (i, list) in units.iter().enumerate() {
        for u in list {
            let s = seen.entry(u.hash).or_default();
            if s.count <= NAMED {
                s.first[s.count] = i as u32;
            }
            s.count += 1;
        }
    }
    let per_entry: Vec<Vec<Finding<'a>>> = units
        .par_iter()
        .enumerate()
        .map(|(i, list)| {
            let e = &entries[i];
            let repeated: Vec<&Unit> = list
                .iter()
                .filter(|u| seen[&u.hash].count >= REPEAT_MIN_ENTRIES)
                .collect();
            if repeated.is_empty() {
                return Vec::new();
            }
            let fields = prose_fields(e);
            repeated
                .into_iter()
                .map(|u| {
                    let s = &seen[&u.hash];
                    let field = &fields[u.field as usize];
                    let others = s.first().iter().map(|&k| k as usize).filter(|&k| k != i);
                    let also = also_in(entries, others, s.count - 1);
                    let quoted = quote(field.text, u.offset as usize);
                    Finding {
                        file: &e.file,
                        rule: "repeated-text",
                        field: Some(field.name.clone()),
                        place: field.place(u.offset as usize),
                        message: format!(
                            "\"{quoted}\" appears word for word in {} entries (also {also}); write what is specific to this error instead of shared filler",
                            s.count
                        ),
                    }
                })
                .collect()
        })
        .collect();
    per_entry.into_iter().flatten().collect()
}

/// The sentence or item at `offset` of `md`, as plain text, cut to 80 characters.
fn quote(md: &str, offset: usize) -> String {
    let from_sentence = prose::sentences(md)
        .into_iter()
        .find(|s| s.offset == offset)
        .map(|s| s.text);
    let text = from_sentence.unwrap_or_else(|| markdown::plain_text(md).replace('\n', " "));
    let mut out: String = text.chars().take(80).collect();
    if text.chars().count() > 80 {
        out.push('…');
    }
    out
}

fn duplicate_signatures(entries: &[Entry]) -> Vec<Finding<'_>> {
    let mut by_hash: HashMap<u64, Vec<(usize, usize)>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        for (k, sig) in e.signatures.iter().enumerate() {
            let normalized = sig.split_whitespace().collect::<Vec<_>>().join(" ");
            by_hash
                .entry(hash_of(&normalized))
                .or_default()
                .push((i, k));
        }
    }
    let mut out = Vec::new();
    for group in by_hash.values() {
        let mut ids: Vec<usize> = group.iter().map(|&(i, _)| i).collect();
        ids.dedup();
        if ids.len() < 2 {
            continue;
        }
        for &(i, k) in group {
            let e = &entries[i];
            let others = also_in(
                entries,
                ids.iter().copied().filter(|&j| j != i),
                ids.len() - 1,
            );
            let field = format!("signatures[{k}]");
            out.push(Finding {
                file: &e.file,
                rule: "duplicate-signature",
                place: e.pos(&field).map_or(Place::File, |(l, c)| Place::At(l, c)),
                field: Some(field),
                message: format!(
                    "the same signature is in {others} too; `kbgen lookup` cannot tell the entries apart (merge them, or make each signature specific)"
                ),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_that_repeat_sections() {
        assert_eq!(section_for_heading("Causes", None), Some("causes"));
        assert_eq!(section_for_heading("How to fix it:", None), Some("fixes"));
        assert_eq!(
            section_for_heading("Git checks", Some("Git")),
            Some("checks")
        );
        assert_eq!(
            section_for_heading("What this error means", Some("Git")),
            None
        );
    }

    #[test]
    fn quotes_are_cut() {
        let long = "word ".repeat(30);
        assert!(quote(&long, 0).ends_with('…'));
        assert_eq!(quote(&long, 0).chars().count(), 81);
    }
}
