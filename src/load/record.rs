//! The record model: one error entry, from file bytes to a validated [`Entry`].
//!
//! A record is either Markdown with YAML front matter or pure YAML. Both go
//! through the same steps: decode (BOM, CRLF, UTF-8, NUL), split the front
//! matter, parse it strictly into [`RawEntry`] (unknown fields are errors), then
//! resolve it into an [`Entry`] whose every field the renderer can trust. Every
//! problem found in one file is reported, with the line of the original file.

use crate::model::{BodySpan, Entry, Faq, Source};
use crate::util::text::{control_message, forbidden_control, is_slug, normalize_newlines};
use crate::util::time::parse_date;
use crate::util::url::check_url;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::load::yaml::{self, Spanned};
use crate::model::positions::PositionsBuilder;

/// An entry as written in its file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "kbgen entry",
    description = "One error entry of a kbgen knowledge base."
)]
pub struct RawEntry {
    /// The page title, plain text.
    #[schemars(length(min = 1))]
    pub title: Spanned<String>,
    /// One sentence, plain text: what the reader sees and what it means (40-160 characters).
    #[schemars(length(min = 1))]
    pub summary: Spanned<String>,
    /// The error text exactly as a tool prints it; shown verbatim.
    #[schemars(length(min = 1), inner(length(min = 1)))]
    pub signatures: Spanned<Vec<Spanned<String>>>,
    /// Date of the last real update, YYYY-MM-DD, not in the future.
    pub updated: Spanned<DateText>,
    /// Lower-case words joined by `-`.
    #[serde(default)]
    #[schemars(inner(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$")))]
    pub tags: Option<Vec<Spanned<String>>>,
    /// The one thing to try first (Markdown).
    #[serde(default)]
    pub quick_fix: Option<Spanned<String>>,
    /// Why this happens (Markdown items).
    #[serde(default)]
    pub causes: Option<Vec<Spanned<String>>>,
    /// Quick fixes, in order (Markdown items).
    #[serde(default)]
    pub fixes: Option<Vec<Spanned<String>>>,
    /// Platform- or tool-specific checks (Markdown items).
    #[serde(default)]
    pub checks: Option<Vec<Spanned<String>>>,
    /// Step-by-step troubleshooting, in order (Markdown items).
    #[serde(default)]
    pub steps: Option<Vec<Spanned<String>>>,
    /// How to keep it from happening again (Markdown items).
    #[serde(default)]
    pub prevention: Option<Vec<Spanned<String>>>,
    /// Where the facts come from.
    #[serde(default)]
    pub sources: Option<Vec<Spanned<RawSource>>>,
    /// What the sources show, and how sure that is (Markdown).
    #[serde(default)]
    pub evidence: Option<Spanned<String>>,
    /// Questions readers ask.
    #[serde(default)]
    pub faq: Option<Vec<Spanned<RawFaq>>>,
    /// Ids (`platform/slug`) of related entries.
    #[serde(default)]
    #[schemars(inner(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*/[a-z0-9]+(-[a-z0-9]+)*$")))]
    pub related: Option<Vec<Spanned<String>>>,
    /// Drafts are left out of builds unless `--drafts`.
    #[serde(default)]
    pub draft: Option<bool>,
    /// The Markdown body (pure-YAML records only).
    #[serde(default)]
    pub body: Option<Spanned<String>>,
}

/// A date as written: YAML may give it as a string or, unquoted, as a timestamp-like scalar.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct DateText(#[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))] pub String);

/// One item of `sources`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    /// What the link is.
    pub title: Spanned<String>,
    /// http or https only.
    #[schemars(regex(pattern = r"^https?://"))]
    pub url: Spanned<String>,
}

/// One item of `faq`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFaq {
    /// The question, plain text.
    pub q: Spanned<String>,
    /// The answer (Markdown).
    pub a: Spanned<String>,
}

/// Decodes file bytes: refuses NUL bytes and invalid UTF-8, drops a BOM, folds CRLF.
pub fn decode(bytes: &[u8], file: &str) -> Result<String, Box<Diagnostic>> {
    if bytes.is_empty() || bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Box::new(Diagnostic::error(
            file,
            "empty-file",
            "the file is empty",
        )));
    }
    // `contains` of a byte is a memchr; the position is looked for only when there is one.
    if bytes.contains(&0) {
        let i = bytes.iter().position(|&b| b == 0).unwrap_or_default();
        let (line, col) = byte_pos(bytes, i);
        return Err(Box::new(
            Diagnostic::error(
                file,
                "encoding",
                "the file contains a NUL byte; records are UTF-8 text",
            )
            .at(line, col),
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let (line, col) = byte_pos(bytes, e.valid_up_to());
            return Err(Box::new(
                Diagnostic::error(file, "encoding", "the file is not valid UTF-8").at(line, col),
            ));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Ok(normalize_newlines(text).into_owned())
}

/// Whether `text`, cut from a file that [`decode`] left as it was, is also what decoding
/// makes of it there: no NUL and no CR (a `str` is UTF-8 already). For reading back part
/// of such a file, which may have changed since.
pub fn decodes_to_itself(text: &str) -> bool {
    // Two memchr scans of the bytes; a pattern of two chars is matched a char at a time.
    let b = text.as_bytes();
    !b.contains(&0) && !b.contains(&b'\r')
}

fn byte_pos(bytes: &[u8], i: usize) -> (u32, u32) {
    let before = &bytes[..i];
    // Line breaks are LF, CRLF or a lone CR, as in `normalize_newlines`.
    let breaks = before
        .iter()
        .enumerate()
        .filter(|&(k, &b)| b == b'\n' || (b == b'\r' && before.get(k + 1) != Some(&b'\n')))
        .count();
    let line = breaks as u32 + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |p| p + 1);
    let col = String::from_utf8_lossy(&before[start..]).chars().count() as u32 + 1;
    (line, col)
}

/// The front matter of a Markdown record, padded so YAML lines are file lines.
pub struct Split<'a> {
    pub yaml: String,
    pub body: &'a str,
    /// Where `body` starts in the text.
    pub body_start: usize,
    pub body_line: u32,
}

/// Splits `---` front matter from the body of a `.md` record.
pub fn split_front_matter<'a>(text: &'a str, file: &str) -> Result<Split<'a>, Box<Diagnostic>> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(Box::new(
            Diagnostic::error(
                file,
                "front-matter",
                "a Markdown entry must start with a `---` line that opens its YAML front matter",
            )
            .at(1, 1),
        ));
    }
    let mut offset = first.len();
    let mut line_no = 1u32;
    for line in lines {
        line_no += 1;
        let bare = line.trim_end();
        if bare == "---" || bare == "..." {
            let yaml = format!("\n{}", &text[first.len()..offset]);
            let body_start = offset + line.len();
            return Ok(Split {
                yaml,
                body: &text[body_start..],
                body_start,
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(Box::new(
        Diagnostic::error(
            file,
            "front-matter",
            "the front matter opened on line 1 is never closed with `---`",
        )
        .at(1, 1),
    ))
}

/// Parses one record file into an entry.
///
/// `file` is the path relative to the site root, `platform` and `slug` come from it.
pub fn parse(
    bytes: &[u8],
    file: &str,
    platform: &str,
    slug: &str,
    today: Date,
) -> Result<Entry, Vec<Diagnostic>> {
    parse_with(bytes, file, platform, slug, today, true)
}

/// [`parse`]; without `keep_body`, the body of a `.md` record is left in its file, to be
/// read back with [`Site::body`](crate::Site::body) (see [`BodySpan`]).
pub fn parse_with(
    bytes: &[u8],
    file: &str,
    platform: &str,
    slug: &str,
    today: Date,
    keep_body: bool,
) -> Result<Entry, Vec<Diagnostic>> {
    let text = decode(bytes, file).map_err(|d| vec![*d])?;
    let is_md = file.ends_with(".md");
    let (yaml_text, body, body_line, body_span) = if is_md {
        let split = split_front_matter(&text, file).map_err(|d| vec![*d])?;
        let start = split.body_start + (split.body.len() - split.body.trim_start().len());
        let span = BodySpan {
            start: start as u32,
            end: (start + split.body.trim().len()) as u32,
            text_len: text.len() as u32,
            released: !keep_body,
            verbatim: text.as_bytes() == bytes,
            may_link: crate::check::links::may_link(split.body),
        };
        (split.yaml, split.body, split.body_line, Some(span))
    } else {
        (text.clone(), "", 0, None)
    };
    if yaml_text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        let what = if is_md {
            "the front matter"
        } else {
            "the file"
        };
        return Err(vec![
            Diagnostic::error(
                file,
                "required",
                format!("{what} has no fields; an entry needs at least `title`, `summary`, `signatures` and `updated`"),
            )
            .at(1, 1),
        ]);
    }
    let raw: RawEntry =
        yaml::from_str(&yaml_text, file).map_err(|d| vec![front_matter_shape(*d, is_md)])?;
    resolve(
        raw,
        Resolve {
            file,
            platform,
            slug,
            body,
            body_line,
            body_span,
            is_md,
            today,
        },
    )
}

fn front_matter_shape(mut d: Diagnostic, is_md: bool) -> Diagnostic {
    let top_level_not_a_mapping = d.field.is_none() && d.message.contains("mapping");
    if d.message.contains("expected struct RawEntry") || top_level_not_a_mapping {
        let what = if is_md {
            "front matter"
        } else {
            "a YAML entry"
        };
        d.message = format!(
            "{what} must be a mapping of fields (`title: ...`), not a list or a single value"
        );
        d.rule = "wrong-type";
    }
    d
}

struct Resolve<'a> {
    file: &'a str,
    platform: &'a str,
    slug: &'a str,
    body: &'a str,
    body_line: u32,
    body_span: Option<BodySpan>,
    is_md: bool,
    today: Date,
}

fn resolve(raw: RawEntry, r: Resolve<'_>) -> Result<Entry, Vec<Diagnostic>> {
    let file = r.file;
    let mut diags = Vec::new();
    let mut positions = PositionsBuilder::default();
    let mut err = |rule, field: String, pos: (u32, u32), msg: String| {
        diags.push(
            Diagnostic::error(file, rule, msg)
                .field(field)
                .at(pos.0, pos.1),
        );
    };

    for (field, value, pos) in text_fields(&raw) {
        if let Some((_, c)) = forbidden_control(value) {
            err("control-character", field, pos, control_message(c));
        }
    }
    if r.is_md
        && let Some((at, c)) = forbidden_control(r.body)
    {
        let before = &r.body[..at];
        let line = r.body_line + before.matches('\n').count() as u32;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
        err(
            "control-character",
            "body".into(),
            (line, column),
            control_message(c),
        );
    }

    let text_field = |name: &str, v: &Spanned<String>, positions: &mut PositionsBuilder| {
        positions.insert(name, v.pos());
        v.value.trim().to_owned()
    };
    let title = text_field("title", &raw.title, &mut positions);
    let summary = text_field("summary", &raw.summary, &mut positions);
    for (name, value, pos) in [
        ("title", &title, raw.title.pos()),
        ("summary", &summary, raw.summary.pos()),
    ] {
        if value.is_empty() {
            err(
                "required",
                name.into(),
                pos,
                format!("`{name}` must not be empty"),
            );
        } else if value.contains('\n') {
            err(
                "wrong-type",
                name.into(),
                pos,
                format!("`{name}` must be one line of plain text"),
            );
        }
    }

    positions.insert("signatures", raw.signatures.pos());
    let mut signatures = Vec::new();
    for (i, s) in raw.signatures.value.iter().enumerate() {
        positions.insert_item("signatures", i, None, s.pos());
        // Signatures are verbatim: only a trailing newline from a `|` block scalar is dropped.
        let sig = s.value.trim_end_matches('\n');
        if sig.trim().is_empty() {
            err(
                "required",
                format!("signatures[{i}]"),
                s.pos(),
                "a signature must not be empty".into(),
            );
        } else {
            signatures.push(sig.to_owned());
        }
    }
    if raw.signatures.value.is_empty() {
        err(
            "required",
            "signatures".into(),
            raw.signatures.pos(),
            "`signatures` needs at least one error text, exactly as the tool prints it".into(),
        );
    }

    positions.insert("updated", raw.updated.pos());
    let updated = match parse_date(&raw.updated.value.0) {
        Ok(d) if d > r.today => {
            err(
                "future-date",
                "updated".into(),
                raw.updated.pos(),
                format!(
                    "`updated` is {d}, which is in the future (today is {})",
                    r.today
                ),
            );
            d
        }
        Ok(d) => d,
        Err(why) => {
            err("bad-date", "updated".into(), raw.updated.pos(), why);
            r.today
        }
    };

    let mut tags = Vec::new();
    for (i, t) in raw.tags.iter().flatten().enumerate() {
        positions.insert_item("tags", i, None, t.pos());
        if is_slug(&t.value) {
            tags.push(t.value.clone());
        } else {
            err(
                "bad-tag",
                format!("tags[{i}]"),
                t.pos(),
                format!("tag `{}` must be lower-case words joined by `-`", t.value),
            );
        }
    }

    let mut list = |name: &str, items: Option<Vec<Spanned<String>>>| -> Vec<String> {
        let items = items.unwrap_or_default();
        if let Some(first) = items.first() {
            positions.or_insert(name, first.pos());
        }
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            if !item.value.trim().is_empty() {
                positions.insert_item(name, out.len(), None, item.pos());
                out.push(trimmed(item.value));
            }
        }
        out
    };
    let causes = list("causes", raw.causes);
    let fixes = list("fixes", raw.fixes);
    let checks = list("checks", raw.checks);
    let steps = list("steps", raw.steps);
    let prevention = list("prevention", raw.prevention);

    let mut optional = |name: &str, v: Option<Spanned<String>>| {
        let v = v?;
        positions.insert(name, v.pos());
        Some(trimmed(v.value)).filter(|s| !s.is_empty())
    };
    let quick_fix = optional("quick_fix", raw.quick_fix);
    let evidence = optional("evidence", raw.evidence);
    let body_field = raw.body.as_ref().map(Spanned::pos);
    let yaml_body = optional("body", raw.body);

    let mut sources = Vec::new();
    for (i, s) in raw.sources.iter().flatten().enumerate() {
        positions.insert_item("sources", i, None, s.pos());
        positions.insert_item("sources", i, Some("url"), s.value.url.pos());
        let title = s.value.title.value.trim().to_owned();
        let url = s.value.url.value.trim().to_owned();
        if title.is_empty() {
            err(
                "required",
                format!("sources[{i}].title"),
                s.value.title.pos(),
                "a source needs a title".into(),
            );
        }
        if let Err(why) = check_url(&url) {
            err(
                "bad-url",
                format!("sources[{i}].url"),
                s.value.url.pos(),
                why,
            );
        }
        sources.push(Source { title, url });
    }

    let mut faq = Vec::new();
    for (i, f) in raw.faq.iter().flatten().enumerate() {
        positions.insert_item("faq", i, None, f.pos());
        positions.insert_item("faq", i, Some("q"), f.value.q.pos());
        positions.insert_item("faq", i, Some("a"), f.value.a.pos());
        let q = f.value.q.value.trim().to_owned();
        let a = f.value.a.value.trim().to_owned();
        if q.is_empty() || a.is_empty() {
            err(
                "required",
                format!("faq[{i}]"),
                f.pos(),
                "an FAQ item needs both `q` and `a`".into(),
            );
            continue;
        }
        faq.push(Faq { q, a });
    }

    let mut related = Vec::new();
    for (i, rel) in raw.related.iter().flatten().enumerate() {
        positions.insert_item("related", i, None, rel.pos());
        let id = rel.value.trim();
        match id.split_once('/') {
            Some((p, s)) if is_slug(p) && is_slug(s) => related.push(id.to_owned()),
            _ => err(
                "bad-related",
                format!("related[{i}]"),
                rel.pos(),
                format!("`{id}` is not an entry id; ids look like `platform/slug`"),
            ),
        }
    }

    let body = if r.is_md {
        if let Some(pos) = body_field {
            err(
                "unknown-field",
                "body".into(),
                pos,
                "`body` is only for pure-YAML entries; in a .md entry the body is the Markdown after the front matter".into(),
            );
        }
        match r.body_span {
            Some(span) if span.released => String::new(),
            _ => r.body.trim().to_owned(),
        }
    } else {
        yaml_body.unwrap_or_default()
    };
    let body_line = if r.is_md {
        // The body is trimmed: its first line is the first non-blank one.
        let blank = r.body.len() - r.body.trim_start().len();
        r.body_line + r.body[..blank].matches('\n').count() as u32
    } else {
        positions.get("body").map_or(0, |p| p.0)
    };

    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(Entry {
        id: format!("{}/{}", r.platform, r.slug),
        platform: r.platform.to_owned(),
        slug: r.slug.to_owned(),
        file: file.to_owned(),
        title,
        summary,
        signatures,
        updated,
        tags,
        quick_fix,
        causes,
        fixes,
        checks,
        steps,
        prevention,
        sources,
        evidence,
        faq,
        related,
        draft: raw.draft.unwrap_or(false),
        body,
        body_line,
        body_span: r.body_span,
        positions: positions.finish(),
    })
}

/// Every text field of `raw` with its name and position, for the checks that apply to all.
fn text_fields(raw: &RawEntry) -> Vec<(String, &str, (u32, u32))> {
    let mut out: Vec<(String, &str, (u32, u32))> = Vec::new();
    fn one(name: String, v: &Spanned<String>) -> (String, &str, (u32, u32)) {
        (name, v.value.as_str(), v.pos())
    }
    out.push(one("title".into(), &raw.title));
    out.push(one("summary".into(), &raw.summary));
    for (i, s) in raw.signatures.value.iter().enumerate() {
        out.push(one(format!("signatures[{i}]"), s));
    }
    for (name, single) in [
        ("quick_fix", &raw.quick_fix),
        ("evidence", &raw.evidence),
        ("body", &raw.body),
    ] {
        if let Some(v) = single {
            out.push(one(name.into(), v));
        }
    }
    for (name, list) in [
        ("tags", &raw.tags),
        ("causes", &raw.causes),
        ("fixes", &raw.fixes),
        ("checks", &raw.checks),
        ("steps", &raw.steps),
        ("prevention", &raw.prevention),
        ("related", &raw.related),
    ] {
        for (i, v) in list.iter().flatten().enumerate() {
            out.push(one(format!("{name}[{i}]"), v));
        }
    }
    for (i, s) in raw.sources.iter().flatten().enumerate() {
        out.push(one(format!("sources[{i}].title"), &s.value.title));
        out.push(one(format!("sources[{i}].url"), &s.value.url));
    }
    for (i, f) in raw.faq.iter().flatten().enumerate() {
        out.push(one(format!("faq[{i}].q"), &f.value.q));
        out.push(one(format!("faq[{i}].a"), &f.value.a));
    }
    out
}

/// `s` without leading and trailing white space, reusing its buffer when there is none.
fn trimmed(s: String) -> String {
    if s.trim().len() == s.len() {
        s
    } else {
        s.trim().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A text decodes to itself exactly when `decode` gives it back unchanged, and a NUL
    /// is reported where it is.
    #[test]
    fn decodes_to_itself_agrees_with_decode() {
        for text in [
            "plain",
            "two\nlines",
            "crlf\r\nline",
            "lone\rcr",
            "nul\0here",
            "é\0",
            "日本\r",
            "tail\r",
        ] {
            let same = decode(text.as_bytes(), "f").is_ok_and(|d| d == text);
            assert_eq!(decodes_to_itself(text), same, "{text:?}");
        }
        let err = decode(b"ab\ncd\0", "f").unwrap_err();
        assert_eq!((err.line, err.column), (Some(2), Some(3)));
    }

    fn today() -> Date {
        Date::new(2026, 11, 29).unwrap()
    }

    const MIN: &str =
        "---\ntitle: T\nsummary: S\nsignatures: ['E: x']\nupdated: 2026-01-02\n---\n\nBody\n";

    #[test]
    fn minimal_md_entry_parses_with_body_line() {
        let e = parse(MIN.as_bytes(), "content/p/s.md", "p", "s", today()).unwrap();
        assert_eq!(e.id, "p/s");
        assert_eq!(e.signatures, ["E: x"]);
        assert_eq!(e.body, "Body");
        assert_eq!(e.body_line, 8, "the first non-blank line of the body");
        assert_eq!(e.pos("updated"), Some((5, 10)));
        let span = e.body_span.unwrap();
        assert_eq!(&MIN[span.start as usize..span.end as usize], e.body);
        assert_eq!(span.text_len as usize, MIN.len());
    }

    #[test]
    fn bom_and_crlf_are_accepted() {
        let text = format!("\u{feff}{}", MIN.replace('\n', "\r\n"));
        let e = parse(text.as_bytes(), "content/p/s.md", "p", "s", today()).unwrap();
        assert_eq!(e.title, "T");
        assert_eq!(e.pos("updated"), Some((5, 10)));
    }

    #[test]
    fn several_problems_in_one_file_are_all_reported() {
        let text = MIN.replace("2026-01-02", "2026-02-30").replace(
            "summary: S",
            "summary: S\ntags: [Bad Tag]\nsources: [{title: x, url: 'javascript:alert(1)'}]",
        );
        let diags = parse(text.as_bytes(), "content/p/s.md", "p", "s", today()).unwrap_err();
        let rules: Vec<_> = diags.iter().map(|d| d.rule).collect();
        assert_eq!(rules, ["bad-date", "bad-tag", "bad-url"], "{diags:?}");
        assert_eq!(diags[0].line, Some(7));
    }

    #[test]
    fn dates_are_strict() {
        assert!(parse_date("2026-1-2").is_err());
        assert!(parse_date("2026-13-01").is_err());
        assert_eq!(
            parse_date("2024-02-29").unwrap(),
            Date::new(2024, 2, 29).unwrap()
        );
    }

    #[test]
    fn slugs() {
        assert!(is_slug("a-b1"));
        assert!(!is_slug("a--b") && !is_slug("A") && !is_slug("-a") && !is_slug(""));
    }
}
