//! Builds the logical index: integer weights and postings, the exact data the browser gets.
//!
//! All floating-point work (logarithms for IDF, BM25F) happens here, once, and ends as
//! integers; query-time scoring only adds, multiplies and divides, which IEEE arithmetic does
//! identically in Rust and JavaScript.
//!
//! The build streams: pass 1 tokenizes chunks of entries in parallel into chunk-local
//! vocabularies and a compact per-entry term list ([`super::terms`]), so no token is kept as a
//! string; the vocabularies merge into one sorted vocabulary (a word's id is its rank); pass 2
//! turns the compact lists into keyword impacts (per-word top lists, in parallel over word
//! partitions) and title postings, and [`super::sig`] builds the signature index. Entries are
//! read through [`Source`], so a site's entries need not be turned into documents all at once.

use std::borrow::Cow;

use rayon::prelude::*;

use super::hash::FxMap;
use super::normalize::is_stopword;
use super::sig::{SigIndex, SigTerm, pair_key, word_key};
use super::terms::{Chunk, DocStats, FIELDS, Keep, Merged, PARTS, merge};
use super::{Doc, KW_CAP};

/// Signatures per entry that are indexed (a signature id is `doc * 16 + k`).
pub(crate) const MAX_SIGS: usize = 16;
/// A word in the titles of more entries than max(floor, entries / share) has no title postings.
const TITLE_DF_FLOOR: usize = 1000;
const TITLE_DF_SHARE: usize = 50;
/// Prefix postings for the last typed word.
const PREFIX_CAP: usize = 50;
const PREFIX_MIN: usize = 3;
const PREFIX_MAX: usize = 12;
const STOP_FACTOR: f64 = 0.2;
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Entries per pass-1 task.
const CHUNK: usize = 256;

/// The entries to index, by position.
pub(crate) trait Source: Sync {
    fn len(&self) -> usize;
    fn id(&self, i: usize) -> &str;
    /// The whole document, for indexing.
    fn doc(&self, i: usize) -> Cow<'_, Doc>;
    /// What a result shows (`text` may be left empty).
    fn display(&self, i: usize) -> Cow<'_, Doc> {
        self.doc(i)
    }
}

impl Source for &[Doc] {
    fn len(&self) -> usize {
        <[Doc]>::len(self)
    }
    fn id(&self, i: usize) -> &str {
        &self[i].id
    }
    fn doc(&self, i: usize) -> Cow<'_, Doc> {
        Cow::Borrowed(&self[i])
    }
}

/// The entries whose title or platform name has a word, and the word's weight (IDF over those).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TitleTerm {
    pub w: u32,
    /// Doc numbers, ascending; empty when the word is in too many titles to tell them apart.
    pub docs: Vec<u32>,
}

/// Keyword postings: `(doc, impact)`, by doc.
pub(crate) type Postings = Vec<(u32, u32)>;

pub(crate) struct Built {
    /// Internal doc number (rank by id) -> position in the source.
    pub order: Vec<usize>,
    /// The vocabulary, sorted: a word's id is its position.
    pub words: Vec<String>,
    /// Keyword postings by word id (empty: none kept).
    pub kw: Vec<Postings>,
    /// Prefix postings, keyed `"exi*"`, sorted by key.
    pub prefixes: Vec<(String, Postings)>,
    /// Title postings by word id (`None`: in no title or platform name).
    pub title: Vec<Option<TitleTerm>>,
    /// The title weight of a word in no title.
    pub title_none: u32,
    pub sig: SigIndex,
}

impl Built {
    /// The id of `word`.
    pub fn word(&self, word: &str) -> Option<u32> {
        self.words
            .binary_search_by(|w| w.as_str().cmp(word))
            .ok()
            .map(|i| i as u32)
    }

    /// Keyword postings of a word or a prefix key (`"exi*"`).
    pub fn kw(&self, key: &str) -> Option<&[(u32, u32)]> {
        let list = if key.ends_with('*') {
            let at = self
                .prefixes
                .binary_search_by(|p| p.0.as_str().cmp(key))
                .ok()?;
            &self.prefixes[at].1
        } else {
            &self.kw[self.word(key)? as usize]
        };
        (!list.is_empty()).then_some(list.as_slice())
    }

    pub fn title(&self, word: &str) -> Option<&TitleTerm> {
        self.title[self.word(word)? as usize].as_ref()
    }

    /// The signature feature of a word, or of a word pair `"first second"`.
    pub fn sig(&self, key: &str) -> Option<SigTerm<'_>> {
        let k = match key.split_once(' ') {
            Some((a, b)) => pair_key(self.word(a)?, self.word(b)?),
            None => word_key(self.word(key)?),
        };
        self.sig.get(k)
    }
}

pub(crate) fn idf(n: usize, df: usize) -> f64 {
    let (n, df) = (n as f64, df as f64);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// An IDF as an integer weight (x0.2 for glue words).
pub(crate) fn weight_of(idf: f64, stop: bool) -> u32 {
    let f = if stop { STOP_FACTOR } else { 1.0 };
    ((100.0 * idf * f).round() as u32).max(1)
}

impl Built {
    /// Builds the index; with [`Keep::Only`], only the postings of those words are right.
    pub fn new(src: &dyn Source, keep: &Keep) -> Built {
        let mut order: Vec<usize> = (0..src.len()).collect();
        order.sort_by(|&a, &b| src.id(a).cmp(src.id(b)).then(a.cmp(&b)));
        let mut chunks: Vec<Chunk> = order
            .par_chunks(CHUNK)
            .map(|docs| {
                let mut c = Chunk::default();
                for &i in docs {
                    c.add(&src.doc(i), keep);
                }
                c.finish();
                c
            })
            .collect();
        let mut vocab = merge(&mut chunks);
        let n = order.len();
        let (sig, (kw, title)) = rayon::join(
            || SigIndex::build(&chunks, &vocab.remap, &vocab.words, CHUNK),
            || build_kw(&chunks, &vocab, n),
        );
        drop(chunks);
        let words = std::mem::take(&mut vocab.words);
        let prefixes = prefixes(&words, &kw);
        Built {
            order,
            words,
            kw,
            prefixes,
            title,
            title_none: weight_of(idf(n, 0), false),
            sig,
        }
    }
}

/// The `cap` best `(doc, impact)` seen so far (highest impact first, then lowest doc), and
/// the best impact left out.
#[derive(Default)]
struct TopK {
    heap: std::collections::BinaryHeap<std::cmp::Reverse<(u32, std::cmp::Reverse<u32>)>>,
    floor: u32,
}

impl TopK {
    fn push(&mut self, doc: u32, imp: u32, cap: usize) {
        let key = std::cmp::Reverse((imp, std::cmp::Reverse(doc)));
        if self.heap.len() < cap {
            self.heap.push(key);
        } else if self.heap.peek().is_some_and(|worst| key < *worst) {
            if let Some(std::cmp::Reverse((out, _))) = self.heap.pop() {
                self.floor = self.floor.max(out);
            }
            self.heap.push(key);
        } else {
            self.floor = self.floor.max(imp);
        }
    }

    /// In doc order. When entries were left out, each impact is reduced by the best one left
    /// out: an entry missing from a cut list may have had up to that much, so only the excess
    /// tells the listed entries apart (ties at the cut drop out).
    fn into_sorted(self) -> Vec<(u32, u32)> {
        let floor = self.floor;
        let mut v: Vec<(u32, u32)> = self
            .heap
            .into_iter()
            .map(|std::cmp::Reverse((imp, std::cmp::Reverse(doc)))| (doc, imp - floor.min(imp)))
            .filter(|x| x.1 > 0)
            .collect();
        v.sort_unstable();
        v
    }
}

/// Of `(doc, impact)` pairs, each doc once with its best impact, impacts above 0, and of
/// those the `cap` best (highest impact, then lowest doc; what a [`TopK`] keeps), in doc
/// order. Prefix lists merge many words' lists, so this neither sorts the pairs nor pushes
/// each on a heap: the best impact per doc goes in `best` (indexed by doc, all zero between
/// calls), then a selection picks the `cap` best.
fn best_per_doc(pairs: &[(u32, u32)], cap: usize, best: &mut Vec<u32>) -> Vec<(u32, u32)> {
    let mut top: Vec<(u32, u32)> = Vec::new();
    for &(doc, imp) in pairs.iter().filter(|x| x.1 > 0) {
        let d = doc as usize;
        if d >= best.len() {
            best.resize(d + 1, 0);
        }
        if best[d] == 0 {
            top.push((doc, 0));
        }
        best[d] = best[d].max(imp);
    }
    for x in &mut top {
        x.1 = std::mem::take(&mut best[x.0 as usize]);
    }
    if let Some(last) = cap.checked_sub(1)
        && top.len() > cap
    {
        top.select_nth_unstable_by(last, |a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    }
    top.truncate(cap);
    top.sort_unstable();
    top
}

/// One vocabulary partition's words: (word id, keyword postings, entries with it in the title).
type PartLists = Vec<(usize, Postings, Vec<u32>)>;

/// Keyword postings and title postings, by word id.
fn build_kw(chunks: &[Chunk], v: &Merged, n: usize) -> (Vec<Postings>, Vec<Option<TitleTerm>>) {
    let mut avg = [0.0f64; FIELDS.len()];
    for d in chunks.iter().flat_map(|c| &c.docs) {
        for (a, &len) in avg.iter_mut().zip(&d.lens) {
            *a += f64::from(len);
        }
    }
    for a in &mut avg {
        *a = if n > 0 { *a / n as f64 } else { 0.0 };
    }
    let terms: Vec<(f64, bool)> = v
        .words
        .par_iter()
        .zip(&v.df)
        .map(|(w, &df)| (idf(n, df as usize), is_stopword(w)))
        .collect();
    // Each partition of the vocabulary reads its segment of every entry's terms and keeps its
    // words' best entries.
    let lists: Vec<PartLists> = (0..PARTS)
        .into_par_iter()
        .map(|p| {
            let size = v.part.iter().filter(|x| usize::from(x.0) == p).count();
            let mut tops: Vec<TopK> = (0..size).map(|_| TopK::default()).collect();
            let mut titles: Vec<Vec<u32>> = vec![Vec::new(); size];
            let mut ids: Vec<u32> = vec![0; size];
            for (ci, c) in chunks.iter().enumerate() {
                let remap = &v.remap[ci];
                for (k, d) in c.docs.iter().enumerate() {
                    let doc = (ci * CHUNK + k) as u32;
                    let norms = norms(d, &avg);
                    d.each_term(p, |l, counts| {
                        let g = remap[l as usize];
                        let mut tf = 0.0;
                        for (f, &c) in counts.iter().enumerate() {
                            if let Some(norm) = norms[f] {
                                for _ in 0..c {
                                    tf += FIELDS[f] / norm;
                                }
                            }
                        }
                        let (i, stop) = terms[g as usize];
                        let imp = weight_of(i * tf * (K1 + 1.0) / (tf + K1), stop);
                        let at = v.part[g as usize].1 as usize;
                        ids[at] = g;
                        tops[at].push(doc, imp, KW_CAP);
                        // Title words: the title's and the platform name's.
                        if counts[0] > 0 || counts[1] > 0 {
                            titles[at].push(doc);
                        }
                    });
                }
            }
            tops.into_iter()
                .zip(titles)
                .zip(ids)
                .map(|((t, titles), g)| (g as usize, t.into_sorted(), titles))
                .collect()
        })
        .collect();
    let title_cap = TITLE_DF_FLOOR.max(n / TITLE_DF_SHARE);
    let mut kw: Vec<Postings> = vec![Vec::new(); v.words.len()];
    let mut title: Vec<Option<TitleTerm>> = vec![None; v.words.len()];
    for (g, list, mut docs) in lists.into_iter().flatten() {
        if !docs.is_empty() {
            let w = weight_of(idf(n, docs.len()), terms[g].1);
            if docs.len() > title_cap {
                docs = Vec::new();
            }
            title[g] = Some(TitleTerm { w, docs });
        }
        kw[g] = list;
    }
    (kw, title)
}

/// BM25F length normalisation of each field of `d` (`None`: the field is empty).
fn norms(d: &DocStats, avg: &[f64; FIELDS.len()]) -> [Option<f64>; FIELDS.len()] {
    let mut out = [None; FIELDS.len()];
    for (f, o) in out.iter_mut().enumerate() {
        if d.lens[f] > 0 && avg[f] != 0.0 {
            *o = Some(1.0 - B + B * f64::from(d.lens[f]) / avg[f]);
        }
    }
    out
}

/// Postings of word prefixes (`"exi*"`), for the last word of a query still being typed: each
/// entry's best impact among the words longer than the prefix, x0.75, best [`PREFIX_CAP`]
/// entries.
///
/// Built from the longest prefixes down: a prefix's best entries are among the best entries of
/// its one-character-longer prefixes plus the words just one character longer than it (an
/// entry's best impact comes from one of them, and it ranks at least as high there), so each
/// level merges short lists instead of every word's postings again.
fn prefixes(words: &[String], kw: &[Postings]) -> Vec<(String, Postings)> {
    let cut = |w: &str, len: usize| w.char_indices().nth(len).map(|(i, _)| i);
    let scaled = |list: &[(u32, u32)]| -> Postings {
        list.iter().map(|&(doc, imp)| (doc, imp * 3 / 4)).collect()
    };
    let char_counts: Vec<usize> = words.iter().map(|w| w.chars().count()).collect();
    let mut out: Vec<(String, Postings)> = Vec::new();
    let mut longer: Vec<(&str, Postings)> = Vec::new();
    for len in (PREFIX_MIN..=PREFIX_MAX).rev() {
        let mut level: FxMap<&str, Postings> = FxMap::default();
        for ((w, list), &chars) in words.iter().zip(kw).zip(&char_counts) {
            // Words one character longer, and at the longest prefix every longer word.
            let wanted = chars == len + 1 || (len == PREFIX_MAX && chars > len);
            if wanted
                && !list.is_empty()
                && let Some(end) = cut(w, len)
            {
                level.entry(&w[..end]).or_default().extend(scaled(list));
            }
        }
        for (p, list) in longer.drain(..) {
            if let Some(end) = cut(p, len) {
                level.entry(&p[..end]).or_default().extend(list);
            }
        }
        let mut lists: Vec<(&str, Vec<(u32, u32)>)> = level
            .into_par_iter()
            .map_init(Vec::new, |best, (p, merged)| {
                (p, best_per_doc(&merged, PREFIX_CAP, best))
            })
            .filter(|(_, top)| !top.is_empty())
            .collect();
        lists.sort_unstable_by(|a, b| a.0.cmp(b.0));
        out.extend(lists.iter().map(|(p, l)| (format!("{p}*"), l.clone())));
        longer = lists;
    }
    out.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `best_per_doc` keeps what a plain reading of its contract keeps: ties in impact,
    /// repeated docs, zero impacts, lists shorter and longer than the cap.
    #[test]
    fn best_per_doc_is_the_top_of_the_deduplicated_list() {
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n) as u32
        };
        let mut scratch = Vec::new();
        for round in 0..500 {
            let len = next(300) as usize;
            let docs = 1 + u64::from(next(200));
            let pairs: Vec<(u32, u32)> = (0..len).map(|_| (next(docs), next(8))).collect();
            let cap = [0, 1, 5, 50][round % 4];
            let mut best: std::collections::BTreeMap<u32, u32> = Default::default();
            for &(doc, imp) in &pairs {
                let b = best.entry(doc).or_insert(0);
                *b = (*b).max(imp);
            }
            let mut want: Vec<(u32, u32)> = best.into_iter().filter(|x| x.1 > 0).collect();
            want.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            want.truncate(cap);
            want.sort();
            assert_eq!(
                best_per_doc(&pairs, cap, &mut scratch),
                want,
                "{pairs:?} cap {cap}"
            );
            assert!(
                scratch.iter().all(|&b| b == 0),
                "the scratch is left all zero"
            );
        }
    }
}
