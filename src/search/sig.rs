//! The signature index: each signature's distinct words and adjacent word pairs ("features"),
//! weighted by IDF over all signatures and posted under the feature with the signature's total
//! weight.
//!
//! Features are keys over word ids (`first << 32 | second`, or `word << 32 | WORD`), so the
//! build never makes a string per word pair: every occurrence becomes a `(key, signature)`
//! pair, one parallel sort groups them, and each run is one feature's postings, in signature
//! order. Features in more signatures than max(64, signatures / 200) are not posted and do not
//! count: a signature is matched on its distinctive words and word pairs.

use rayon::prelude::*;

use super::index::{MAX_SIGS, idf, weight_of};
use super::normalize::is_stopword;
use super::terms::{Chunk, WORD};

const SIG_DF_FLOOR: usize = 64;
const SIG_DF_SHARE: usize = 200;

/// A signature containing a feature.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SigPosting {
    /// `doc * 16 + signature index`.
    pub sid: u32,
    /// Sum of the weights of the signature's posted features.
    pub n: u32,
}

/// A posted feature: its weight and postings (by `sid`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct SigTerm<'a> {
    pub w: u32,
    pub postings: &'a [SigPosting],
}

/// Posted features, by key.
#[derive(Default)]
pub(crate) struct SigIndex {
    keys: Vec<u64>,
    /// Per key: weight, and the end of its postings in `postings`.
    info: Vec<(u32, u32)>,
    postings: Vec<SigPosting>,
}

/// The key of a single word.
pub(crate) fn word_key(id: u32) -> u64 {
    u64::from(id) << 32 | u64::from(WORD)
}

/// The key of a word pair.
pub(crate) fn pair_key(first: u32, second: u32) -> u64 {
    u64::from(first) << 32 | u64::from(second)
}

/// The word ids of a key: `(first, Some(second))` for a pair.
pub(crate) fn key_words(key: u64) -> (u32, Option<u32>) {
    let (a, b) = ((key >> 32) as u32, key as u32);
    (a, (b != WORD).then_some(b))
}

impl SigIndex {
    /// Builds the index from pass 1's chunks; `remap` turns each chunk's local word ids into
    /// ids of `words`.
    pub fn build(chunks: &[Chunk], remap: &[Vec<u32>], words: &[String], chunk: usize) -> SigIndex {
        let mut occ = occurrences(chunks, remap, chunk);
        let nsig: usize = chunks
            .iter()
            .flat_map(|c| &c.docs)
            .map(|d| d.sigs.len())
            .sum();
        occ.par_sort_unstable();
        let ndocs: usize = chunks.iter().map(|c| c.docs.len()).sum();
        let (runs, n_of) = posted_runs(&occ, nsig, ndocs, words);
        SigIndex::from_runs(&occ, runs, &n_of)
    }

    /// The index of the posted `runs` of the sorted occurrences, each posting carrying its
    /// signature's total weight from `n_of`.
    fn from_runs(occ: &[(u64, u32)], runs: Vec<Run>, n_of: &[u32]) -> SigIndex {
        let mut out = SigIndex {
            keys: Vec::with_capacity(runs.len()),
            info: Vec::with_capacity(runs.len()),
            postings: Vec::with_capacity(runs.iter().map(|r| r.3 - r.2).sum()),
        };
        for (key, w, i, j) in runs {
            out.postings
                .extend(occ[i..j].iter().map(|&(_, sid)| SigPosting {
                    sid,
                    n: n_of[sid as usize],
                }));
            out.keys.push(key);
            out.info.push((w, out.postings.len() as u32));
        }
        out
    }

    /// The posted feature with this key.
    pub fn get(&self, key: u64) -> Option<SigTerm<'_>> {
        let at = self.keys.binary_search(&key).ok()?;
        Some(self.term(at))
    }

    fn term(&self, at: usize) -> SigTerm<'_> {
        let start = if at == 0 { 0 } else { self.info[at - 1].1 };
        let (w, end) = self.info[at];
        SigTerm {
            w,
            postings: &self.postings[start as usize..end as usize],
        }
    }

    /// Every posted feature, by key.
    pub fn iter(&self) -> impl Iterator<Item = (u64, SigTerm<'_>)> {
        self.keys
            .iter()
            .enumerate()
            .map(|(at, &k)| (k, self.term(at)))
    }

    /// How many postings there are in all.
    pub fn postings(&self) -> usize {
        self.postings.len()
    }
}

/// A posted feature: its key, its weight, and its stretch `start..end` of the occurrences.
type Run = (u64, u32, usize, usize);

/// Every (feature, signature) occurrence of the chunks, with global word ids, written straight
/// into one buffer of the exact size: each chunk fills its own stretch.
fn occurrences(chunks: &[Chunk], remap: &[Vec<u32>], chunk: usize) -> Vec<(u64, u32)> {
    let sizes: Vec<usize> = chunks
        .iter()
        .map(|c| c.docs.iter().flat_map(|d| &d.sigs).map(Vec::len).sum())
        .collect();
    let mut occ: Vec<(u64, u32)> = vec![(0, 0); sizes.iter().sum()];
    let mut stretches: Vec<&mut [(u64, u32)]> = Vec::with_capacity(chunks.len());
    let mut rest = occ.as_mut_slice();
    for &n in &sizes {
        let (head, tail) = rest.split_at_mut(n);
        stretches.push(head);
        rest = tail;
    }
    stretches
        .into_par_iter()
        .zip(chunks.par_iter().zip(remap))
        .enumerate()
        .for_each(|(ci, (stretch, (c, map)))| {
            let mut out = stretch.iter_mut();
            for (k, d) in c.docs.iter().enumerate() {
                let doc = ci * chunk + k;
                for (s, feats) in d.sigs.iter().enumerate() {
                    let sid = (doc * MAX_SIGS + s) as u32;
                    for (&f, slot) in feats.iter().zip(&mut out) {
                        let (a, b) = key_words(f);
                        let a = map[a as usize];
                        let key = match b {
                            Some(b) => pair_key(a, map[b as usize]),
                            None => word_key(a),
                        };
                        *slot = (key, sid);
                    }
                }
            }
        });
    occ
}

/// The runs of one key in the sorted occurrences whose feature is posted (in at most
/// max(64, `nsig` / 200) signatures), each weighed; and per signature (by `sid`, over `ndocs`
/// entries), the sum of the weights of its posted features.
fn posted_runs(
    occ: &[(u64, u32)],
    nsig: usize,
    ndocs: usize,
    words: &[String],
) -> (Vec<Run>, Vec<u32>) {
    let cap = SIG_DF_FLOOR.max(nsig / SIG_DF_SHARE);
    let stop = |id: u32| is_stopword(&words[id as usize]);
    // At most one run per occurrence: reserved (not written) once, not grown a run at a time.
    let mut runs: Vec<Run> = Vec::with_capacity(occ.len());
    let mut n_of: Vec<u32> = vec![0; ndocs * MAX_SIGS];
    let mut i = 0;
    while i < occ.len() {
        let key = occ[i].0;
        let mut j = i + 1;
        while j < occ.len() && occ[j].0 == key {
            j += 1;
        }
        let df = j - i;
        if df <= cap {
            let both_stop = match key_words(key) {
                (a, Some(b)) => stop(a) && stop(b),
                (a, None) => stop(a),
            };
            let w = weight_of(idf(nsig, df), both_stop);
            for &(_, sid) in &occ[i..j] {
                n_of[sid as usize] += w;
            }
            runs.push((key, w, i, j));
        }
        i = j;
    }
    (runs, n_of)
}
