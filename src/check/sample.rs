//! A sample of a site for `kbgen check` to render its templates against: every branch a
//! template takes on real data, without rendering every page of a large knowledge base.

use crate::load::Site;
use crate::model::Entry;
use crate::model::sections::{PageFacts, SECTIONS};

/// The site with one entry of each shape (which optional parts it has), the
/// first entry of each platform, and the entries those name as related: every
/// branch a template takes on real data, without rendering every page of a
/// knowledge base of 100,000 entries. Every platform and category page is kept.
pub fn template_sample(site: &Site) -> Site {
    let shape = |e: &Entry| {
        // Related ids count as shown here: the sample keeps the entries they name.
        let facts = PageFacts {
            has_related: !e.related.is_empty(),
            ..PageFacts::default()
        };
        SECTIONS
            .iter()
            .map(|s| s.shown(e, &facts))
            .chain([
                !e.body.is_empty(),
                e.body.matches("\n## ").count() >= 2,
                !e.tags.is_empty(),
                e.draft,
                site.platforms.contains_key(&e.platform),
            ])
            .fold(0u32, |bits, b| bits << 1 | u32::from(b))
    };
    let mut shapes = std::collections::HashSet::new();
    let mut platforms = std::collections::HashSet::new();
    let mut keep: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for e in &site.entries {
        if shapes.insert(shape(e)) | platforms.insert(e.platform.as_str()) {
            keep.insert(&e.id);
            keep.extend(e.related.iter().map(String::as_str));
        }
    }
    Site {
        root: site.root.clone(),
        config: site.config.clone(),
        platforms: site.platforms.clone(),
        entries: site
            .entries
            .iter()
            .filter(|e| keep.contains(e.id.as_str()))
            .cloned()
            .collect(),
        drafts_left_out: site.drafts_left_out.clone(),
        unparsed: site.unparsed.clone(),
    }
}
