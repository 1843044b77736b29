//! Loaded site -> search documents: what each entry contributes to the index, as plain text.

use crate::load::Site;
use crate::markdown::plain_text;

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

/// Searches a loaded site's entries for `text`, best first.
pub fn lookup_matches(site: &Site, text: &str, limit: usize) -> Vec<Match> {
    let docs = docs(site);
    let index = Index::new(&docs);
    index
        .lookup(text, limit)
        .into_iter()
        .map(|hit| {
            let d = &docs[hit.doc];
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
    site.entries
        .iter()
        .map(|e| {
            let mut parts: Vec<String> = vec![plain_text(&e.body)];
            for list in [&e.causes, &e.fixes, &e.checks, &e.steps, &e.prevention] {
                parts.extend(list.iter().map(|m| plain_text(m)));
            }
            parts.extend(e.evidence.iter().map(|m| plain_text(m)));
            for f in &e.faq {
                parts.push(f.q.clone());
                parts.push(plain_text(&f.a));
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
        })
        .collect()
}
