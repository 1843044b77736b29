//! Site-wide rules: the ones no single file can decide on its own.
//!
//! [`errors`] holds the rules that block publishing (`kbgen build` and
//! `kbgen check` both run them): a platform's category must exist, `related`
//! ids must point at entries, links between entries must resolve (see
//! [`crate::links`]). Per-file rules live in the loader; the content-quality
//! warnings that only `kbgen check` reports live in [`crate::quality`].

use std::collections::HashSet;

use crate::diagnostic::{Diagnostic, Report};
use crate::load::Site;

/// Runs the blocking site-wide rules. Drafts left out of the build still count
/// as existing ids, so that a draft can be linked before it is published; so do
/// entries that failed to parse, whose own errors are already reported.
pub fn errors(site: &Site, report: &mut Report) {
    crate::links::check(site, report);
    let all_ids: HashSet<&str> = site
        .entries
        .iter()
        .map(|e| e.id.as_str())
        .chain(site.drafts_left_out.iter().map(String::as_str))
        .chain(site.unparsed.iter().map(String::as_str))
        .collect();
    for p in site.platforms.values() {
        if !site.config.categories.contains_key(&p.category) {
            let known: Vec<&str> = site.config.categories.keys().map(String::as_str).collect();
            report.push(
                Diagnostic::error(
                    &p.file,
                    "unknown-category",
                    format!(
                        "category `{}` is not in kbgen.yaml (known: {})",
                        p.category,
                        known.join(", ")
                    ),
                )
                .field("category")
                .at_opt(Some(p.category_pos)),
            );
        }
    }
    for e in &site.entries {
        for (i, id) in e.related.iter().enumerate() {
            if id == &e.id {
                report.push(
                    Diagnostic::error(
                        &e.file,
                        "bad-related",
                        "an entry cannot be related to itself",
                    )
                    .field(format!("related[{i}]"))
                    .at_opt(e.pos(&format!("related[{i}]"))),
                );
            } else if !all_ids.contains(id.as_str()) {
                report.push(
                    Diagnostic::error(
                        &e.file,
                        "dangling-related",
                        format!("`related` names `{id}`, but no entry has that id"),
                    )
                    .field(format!("related[{i}]"))
                    .at_opt(e.pos(&format!("related[{i}]"))),
                );
            }
        }
    }
}
