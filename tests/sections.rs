//! The one table of an entry page's sections (`kbgen::model::sections`) keeps the checker
//! and the page in step: on every entry page of the fixture sites and of this repository's
//! knowledge base, the ids the link check accepts as anchors are exactly the ids the page
//! has.

use std::collections::BTreeSet;
use std::path::Path;

use kbgen::LoadOptions;
use kbgen::output::MemorySink;
use kbgen::site::{prepare_with, render_site};

use crate::common::fixture;

/// The values of the `id` attributes of a page the theme and the sanitizer wrote.
fn ids_on(html: &str) -> BTreeSet<String> {
    html.split(" id=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap_or("").to_owned())
        .collect()
}

#[test]
fn the_checker_and_the_page_agree_on_every_id() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf();
    for (root, drafts) in [
        (fixture("site"), false),
        (fixture("hostile"), true),
        (repo, false),
    ] {
        let opts = LoadOptions {
            drafts,
            ..LoadOptions::default()
        };
        let (site, mut templates) = prepare_with(&root, opts, None).unwrap();
        let sink = MemorySink::default();
        render_site(&site, &mut templates, &sink).unwrap();
        let files = sink.files.lock().unwrap();
        assert!(!site.entries.is_empty(), "{}", root.display());
        for e in &site.entries {
            let page =
                String::from_utf8_lossy(&files[&format!("{}/index.html", e.id)]).into_owned();
            let believed: BTreeSet<String> = kbgen::check::links::page_ids(&site, e)
                .into_iter()
                .collect();
            assert_eq!(ids_on(&page), believed, "{}", e.id);
        }
    }
}
