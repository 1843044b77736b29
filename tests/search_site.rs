//! The search over this repository's own knowledge base: every signature of every entry,
//! pasted as is, must find its entry among the first results.

use std::path::Path;

use kbgen::LoadOptions;
use kbgen::search::{Index, docs};

#[test]
fn every_signature_finds_its_entry() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (site, report) = kbgen::load(root, LoadOptions::default());
    let site = site.unwrap_or_else(|| panic!("the repository's site loads: {report:?}"));
    let docs = docs(&site);
    let index = Index::new(&docs);
    let (mut first, mut total, mut misses) = (0, 0, Vec::new());
    for (i, d) in docs.iter().enumerate() {
        for sig in &d.signatures {
            total += 1;
            let hits = index.lookup(sig, 3);
            if hits.first().map(|h| h.doc) == Some(i) {
                first += 1;
            } else if !hits.iter().any(|h| h.doc == i) {
                misses.push(format!("{}: {sig:?}", d.id));
            }
        }
    }
    eprintln!("{first} of {total} signatures rank their entry first");
    assert!(
        misses.is_empty(),
        "not in the top 3:\n{}",
        misses.join("\n")
    );
}
