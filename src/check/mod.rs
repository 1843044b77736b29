//! Site-wide rules: the ones no single file can decide on its own.
//!
//! [`errors`] holds the rules that block publishing (`kbgen build` and
//! `kbgen check` both run them): a platform's category must exist, `related`
//! ids must point at entries, links between entries must resolve (see
//! [`crate::links`]). Per-file rules live in the loader; the content-quality
//! warnings that only `kbgen check` reports live in [`crate::quality`].

pub mod links;
pub mod prose;
pub mod quality;
pub mod sample;

use std::collections::HashSet;

use crate::diagnostic::{Diagnostic, Report};
use crate::load::Site;

/// Runs the blocking site-wide rules. Drafts left out of the build still count
/// as existing ids, so that a draft can be linked before it is published; so do
/// entries that failed to parse, whose own errors are already reported.
pub fn errors(site: &Site, report: &mut Report) {
    crate::check::links::check(site, report);
    reserved_paths(site, report);
    aliases(site, report);
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

/// Top-level folders of the output that kbgen writes itself: no platform may take one.
pub const RESERVED_FOLDERS: &[&str] = &["search", "api", "assets", "categories", "tags", "404"];

/// Top-level files of the output that kbgen writes itself, beside the folders above and the
/// platforms' folders.
pub const RESERVED_FILES: &[&str] = &[
    "index.html",
    "404.html",
    "sitemap.xml",
    "atom.xml",
    crate::output::MARKER,
];

/// Whether a file of a site's `static/` at `path` would replace a page or data file that
/// kbgen writes and the rest of the site points to. The theme's assets (`assets/`,
/// `favicon.svg`) and `robots.txt` are the site's to replace, and a file beside the pages
/// (`static/git/diagram.png`) replaces nothing.
fn replaces_output(site: &Site, path: &str) -> bool {
    if RESERVED_FILES.contains(&path) || path.starts_with("search/") || path == "api/entries.json" {
        return true;
    }
    let Some(dir) = path.strip_suffix("/index.html") else {
        return false;
    };
    match dir.split_once('/') {
        None => site.platforms.contains_key(dir) || RESERVED_FOLDERS.contains(&dir),
        Some(("categories", key)) => site.config.categories.contains_key(key),
        Some(_) => site.entry(dir).is_some(),
    }
}

/// Output paths that two writers would claim: a platform folder named like a folder kbgen
/// writes (its platform page would be lost, or the search page), and static files over a
/// page or data file. Links out of `static/` and special files in it are reported here too.
fn reserved_paths(site: &Site, report: &mut Report) {
    for p in site.platforms.values() {
        if RESERVED_FOLDERS.contains(&p.slug.as_str()) {
            report.push(Diagnostic::error(
                &p.file,
                "reserved-path",
                format!(
                    "the platform folder content/{0}/ would be published at /{0}/, where kbgen writes its own files ({1}); rename the folder",
                    p.slug,
                    RESERVED_FOLDERS.join(", ")
                ),
            ));
        }
    }
    let dir = site.root.join("static");
    let (files, refused) = crate::load::files::Fence::new(&site.root).files_under(&dir, "static");
    report.extend(refused);
    for path in files {
        let rel = crate::load::files::rel_path(&dir, &path);
        if replaces_output(site, &rel) {
            report.push(Diagnostic::error(
                format!("static/{rel}"),
                "reserved-path",
                format!(
                    "kbgen writes /{rel} itself; a static file may replace the theme's assets (assets/, favicon.svg) and robots.txt, but no page or data file"
                ),
            ));
        }
    }
}

/// Each alias becomes a redirect page at its path, so it may take no path that a page, another
/// alias or kbgen itself has.
fn aliases(site: &Site, report: &mut Report) {
    let mut taken: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for e in &site.entries {
        for (i, alias) in e.aliases.iter().enumerate() {
            let top = alias.split('/').next().unwrap_or("");
            let problem = if *alias == e.id {
                Some("is the entry's own id".to_owned())
            } else if site.entry(alias).is_some()
                || site.drafts_left_out.contains(alias)
                || site.unparsed.contains(alias)
            {
                Some(format!(
                    "is the id of the entry `{alias}`, whose page is there"
                ))
            } else if site.platforms.contains_key(alias.as_str()) || RESERVED_FOLDERS.contains(&top)
            {
                Some(format!(
                    "would take /{alias}/, where kbgen writes its own page"
                ))
            } else {
                taken
                    .insert(alias, &e.id)
                    .map(|other| format!("is also an alias of `{other}`"))
            };
            if let Some(why) = problem {
                let field = format!("aliases[{i}]");
                report.push(
                    Diagnostic::error(&e.file, "bad-alias", format!("alias `{alias}` {why}"))
                        .at_opt(e.pos(&field))
                        .field(field),
                );
            }
        }
    }
}
