//! Search: find the entry for a pasted error message, or for a few words typed from memory.
//!
//! One algorithm serves `kbgen lookup` and the site's search box. [`Index::new`] builds a
//! logical index once: a *signature index* (each entry's error signatures, normalised into
//! masked templates, posted under each of their words and each pair of adjacent words), a
//! *keyword index* (BM25F over title, platform, tags, signatures, summary, quick fix and body,
//! capped to the best [`KW_CAP`] entries per word, plus prefixes of words for the last word
//! typed) and *title postings* (the entries whose title or platform name has a word).
//! [`static_files`] writes the same index as a manifest plus hash-sharded JSON files that
//! `theme/static/assets/search.js` fetches on demand; [`Index::lookup`] scores in memory with the
//! same integer data and the same formulas, so both rank identically (see `tests/search/`).
//!
//! Scoring a signature: how much of it the query holds (IDF-weighted recall of its words), how
//! much of its word order (recall of its word pairs), and how much of the query it explains
//! (precision); squared, so weak partial matches fall behind. An entry scores its best
//! signature, plus shares of its normalised keyword score and of the query's words its title
//! has. `docs/search.md` has the formulas and the measurements.

mod clean;
mod files;
mod hash;
mod index;
mod normalize;
mod query;
mod shapes;
mod sig;
mod site;
mod terms;

pub use normalize::tokens;
pub use site::{MAX_QUERY_BYTES, Match, capped_query, docs, lookup_matches};

use serde::{Deserialize, Serialize};

/// One entry as the search sees it (plain text; the caller strips Markdown).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Doc {
    /// Entry id, e.g. `openrouter/expired-key-user-not-found`.
    pub id: String,
    /// Site-relative URL, e.g. `openrouter/expired-key-user-not-found/`.
    pub url: String,
    pub title: String,
    pub summary: String,
    /// Platform display name, e.g. `OpenRouter`.
    pub platform: String,
    pub tags: Vec<String>,
    pub signatures: Vec<String>,
    /// Plain text, may be empty.
    pub quick_fix: String,
    /// Plain text of body, causes, fixes, steps, FAQ etc., for keyword search.
    pub text: String,
}

/// One result of [`Index::lookup`].
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Index into the `docs` given to [`Index::new`].
    pub doc: usize,
    /// Rounded to 1e-9, so the browser's ranking equals this one.
    pub score: f64,
    /// The best matched signature (index into the doc's `signatures`).
    pub signature: Option<usize>,
}

/// The search index, built once from the site's entries.
pub struct Index<'a> {
    inner: index::Built,
    src: Box<dyn index::Source + 'a>,
}

impl<'a> Index<'a> {
    /// Builds the index. Entries are ranked by id on ties, whatever their order here.
    pub fn new(docs: &'a [Doc]) -> Index<'a> {
        Index::from_source(Box::new(docs), &terms::Keep::All)
    }

    /// Builds the index of a loaded site's entries, without holding all their text at once
    /// ([`Hit::doc`] is the position in `site.entries`).
    pub fn for_site(site: &'a crate::load::Site) -> Index<'a> {
        Index::from_source(Box::new(site::SiteDocs(site)), &terms::Keep::All)
    }

    /// The part of [`Index::new`] that `query` needs: [`Index::lookup`] of `query` gives the
    /// same hits, faster; other queries and [`Index::static_files`] do not.
    pub fn for_query(docs: &'a [Doc], query: &str) -> Index<'a> {
        Index::from_source(Box::new(docs), &query::Plan::new(query).keep())
    }

    /// [`Index::for_site`] for one query, as [`Index::for_query`].
    pub fn for_site_query(site: &'a crate::load::Site, query: &str) -> Index<'a> {
        let keep = query::Plan::new(query).keep();
        Index::from_source(Box::new(site::SiteDocs(site)), &keep)
    }

    fn from_source(src: Box<dyn index::Source + 'a>, keep: &terms::Keep) -> Index<'a> {
        Index {
            inner: index::Built::new(&*src, keep),
            src,
        }
    }

    /// The entries matching `query`, best first; empty when nothing matches.
    pub fn lookup(&self, query: &str, limit: usize) -> Vec<Hit> {
        let b = &self.inner;
        let plan = query::Plan::new(query);
        let ranked = query::score(
            &plan,
            |t| b.sig(t),
            |t| b.kw(t),
            |t| b.title(t),
            b.title_none,
        );
        ranked
            .into_iter()
            .take(limit)
            .map(|r| Hit {
                doc: b.order[r.doc as usize],
                score: r.score,
                signature: r.signature.map(|s| s as usize),
            })
            .collect()
    }

    /// What a hit shows: the document at `hit.doc` (its `text` may be empty).
    pub fn display(&self, hit: &Hit) -> std::borrow::Cow<'_, Doc> {
        self.src.display(hit.doc)
    }

    /// The static search index for the site (see [`static_files`]).
    pub fn static_files(&self) -> Vec<(String, Vec<u8>)> {
        files::write(&self.inner, &*self.src)
    }

    /// The files of [`Index::static_files`], the manifest last, handed to `put` a batch
    /// at a time so that they need not all be held at once.
    pub fn each_static_batch(&self, put: &mut dyn FnMut(Vec<(String, Vec<u8>)>)) {
        files::each_batch(&self.inner, &*self.src, put);
    }
}

/// The static search index for the site: (path relative to the output root, bytes).
/// Deterministic (same docs -> same bytes).
pub fn static_files(docs: &[Doc]) -> Vec<(String, Vec<u8>)> {
    Index::new(docs).static_files()
}

/// Entries kept per word in the keyword index.
pub const KW_CAP: usize = 100;
