//! An entry as the rest of kbgen sees it: every field validated, trimmed and
//! ready to render, with where each was written (for diagnostics).

use jiff::civil::Date;
use serde::Serialize;

use crate::model::positions::Positions;

/// A link with a title.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Source {
    pub title: String,
    pub url: String,
}

/// One question and its answer (Markdown).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Faq {
    pub q: String,
    pub a: String,
}

/// A validated entry. Text fields are trimmed; blank list items are gone.
#[derive(Debug, Clone)]
pub struct Entry {
    /// `<platform>/<slug>`, from the path.
    pub id: String,
    pub platform: String,
    pub slug: String,
    /// Path relative to the site root, e.g. `content/git/foo.md`.
    pub file: String,
    pub title: String,
    pub summary: String,
    pub signatures: Vec<String>,
    pub updated: Date,
    pub tags: Vec<String>,
    pub quick_fix: Option<String>,
    pub causes: Vec<String>,
    pub fixes: Vec<String>,
    pub checks: Vec<String>,
    pub steps: Vec<String>,
    pub prevention: Vec<String>,
    pub sources: Vec<Source>,
    pub evidence: Option<String>,
    pub faq: Vec<Faq>,
    pub related: Vec<String>,
    /// Earlier site paths of the entry, without slashes at either end (`git/old-slug`).
    pub aliases: Vec<String>,
    pub draft: bool,
    /// Markdown; empty when it is left in its file (see [`BodySpan`]): read it with
    /// [`Site::body`](crate::Site::body).
    pub body: String,
    /// Where a `.md` record's body is in its decoded file (see [`BodySpan`]).
    pub body_span: Option<BodySpan>,
    /// The line of the original file on which the body starts.
    pub body_line: u32,
    /// Where each field was written: `updated`, `causes[2]`, `sources[0].url`, ...
    pub positions: Positions,
}

/// Where the (trimmed) body of a `.md` record is in the decoded text of its file, and that
/// text's length, so that it can be read back after it was let go of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodySpan {
    pub start: u32,
    pub end: u32,
    pub text_len: u32,
    /// The body is not held in [`Entry::body`] but left in the file.
    pub released: bool,
    /// The file's bytes are its decoded text (no byte-order mark, no CR), so the body is at
    /// the same offsets in the file and a released one can be read back alone.
    pub verbatim: bool,
    /// The body has a `[` or a `<`, without which Markdown has no link
    /// ([`may_link`](crate::util::text::may_link)); the link check reads no other body.
    pub may_link: bool,
}

impl Entry {
    /// Where `field` was written, falling back to the field's own key.
    pub fn pos(&self, field: &str) -> Option<(u32, u32)> {
        self.positions.get(field).or_else(|| {
            let base = field.split(['[', '.']).next()?;
            self.positions.get(base)
        })
    }
}
