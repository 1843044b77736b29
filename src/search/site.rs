//! Loaded site -> search documents: what each entry contributes to the index, as plain text.

use crate::load::Site;
use crate::markdown::plain_text;

use super::Doc;

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
