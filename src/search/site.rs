//! Loaded site -> search documents: what each entry contributes to the index, as plain text.

use std::borrow::Cow;

use crate::load::Site;
use crate::model::Entry;
use crate::render::markdown::plain_text;

use super::index::Source;
use super::{Doc, Index};

/// One result of `kbgen lookup`, as its JSON format prints it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Match {
    pub id: String,
    pub title: String,
    /// The entry's absolute URL.
    pub url: String,
    pub score: f64,
    /// Plain text; empty when the entry has none.
    pub quick_fix: String,
}

/// How much of a paste a lookup reads: 1 MiB, far more than any error and its context, and
/// a bound on the work a paste of any size can ask for.
pub const MAX_QUERY_BYTES: usize = 1 << 20;

/// The first [`MAX_QUERY_BYTES`] of `text`, cut at a character boundary.
pub fn capped_query(text: &str) -> &str {
    if text.len() <= MAX_QUERY_BYTES {
        return text;
    }
    let mut end = MAX_QUERY_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Searches a loaded site's entries for `text` (its first [`MAX_QUERY_BYTES`]), best first.
pub fn lookup_matches(site: &Site, text: &str, limit: usize) -> Vec<Match> {
    let text = capped_query(text);
    let index = Index::for_site_query(site, text);
    index
        .lookup(text, limit)
        .into_iter()
        .map(|hit| {
            let d = index.display(&hit);
            Match {
                id: d.id.clone(),
                title: d.title.clone(),
                url: site.config.absolute(&d.url),
                score: hit.score,
                quick_fix: d.quick_fix.clone(),
            }
        })
        .collect()
}

/// The search documents of a loaded site, in entry order (by id).
pub fn docs(site: &Site) -> Vec<Doc> {
    site.entries.iter().map(|e| doc(site, e, true)).collect()
}

/// The site's entries as an index [`Source`]: each document is made when the index reads it.
pub(crate) struct SiteDocs<'a>(pub &'a Site);

impl Source for SiteDocs<'_> {
    fn len(&self) -> usize {
        self.0.entries.len()
    }
    fn id(&self, i: usize) -> &str {
        &self.0.entries[i].id
    }
    fn doc(&self, i: usize) -> Cow<'_, Doc> {
        Cow::Owned(doc(self.0, &self.0.entries[i], true))
    }
    fn display(&self, i: usize) -> Cow<'_, Doc> {
        Cow::Owned(doc(self.0, &self.0.entries[i], false))
    }
}

/// An entry as a search document; `text` (the plain text of the body and the lists) only when
/// `with_text`.
fn doc(site: &Site, e: &Entry, with_text: bool) -> Doc {
    let mut parts: Vec<String> = Vec::new();
    if with_text {
        // A body that cannot be read back fails the page of the entry, and so the build.
        parts.push(plain_text(&site.body(e).unwrap_or_default()));
        for list in [&e.causes, &e.fixes, &e.checks, &e.steps, &e.prevention] {
            parts.extend(list.iter().map(|m| plain_text(m)));
        }
        parts.extend(e.evidence.iter().map(|m| plain_text(m)));
        for f in &e.faq {
            parts.push(f.q.clone());
            parts.push(plain_text(&f.a));
        }
    }
    Doc {
        id: e.id.clone(),
        url: format!("{}/", e.id),
        title: e.title.clone(),
        summary: e.summary.clone(),
        platform: site
            .platforms
            .get(&e.platform)
            .map_or_else(|| e.platform.clone(), |p| p.name.clone()),
        tags: e.tags.clone(),
        signatures: e.signatures.clone(),
        quick_fix: e.quick_fix.as_deref().map(plain_text).unwrap_or_default(),
        text: parts.join("\n"),
    }
}
