//! The record model: one error entry, from file bytes to a validated [`Entry`].
//!
//! A record is either Markdown with YAML front matter or pure YAML. Both go
//! through the same steps: decode (BOM, CRLF, UTF-8, NUL), split the front
//! matter, parse it strictly into [`RawEntry`] (unknown fields are errors), then
//! resolve it into an [`Entry`] whose every field the renderer can trust. Every
//! problem found in one file is reported, with the line of the original file.

use crate::model::{BodySpan, Entry};
use crate::util::text::normalize_newlines;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::load::yaml::{self, Spanned};

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
    /// Earlier ids (`platform/old-slug`) or site paths of this entry: each gets a page that
    /// redirects here, so links to the old address keep working.
    #[serde(default)]
    #[schemars(inner(regex(
        pattern = r"^/?[a-z0-9]+(-[a-z0-9]+)*(/[a-z0-9]+(-[a-z0-9]+)*)*/?$"
    )))]
    pub aliases: Option<Vec<Spanned<String>>>,
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
            may_link: crate::util::text::may_link(split.body),
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
    super::resolve::resolve(
        raw,
        super::resolve::Resolve {
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
}
