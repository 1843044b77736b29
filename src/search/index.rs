//! Builds the logical index: integer weights and postings, the exact data the browser gets.
//!
//! All floating-point work (logarithms for IDF, BM25F) happens here, once, and ends as
//! integers; query-time scoring only adds, multiplies and divides, which IEEE arithmetic does
//! identically in Rust and JavaScript.

use std::collections::HashMap;

use rayon::prelude::*;

use super::normalize::{is_placeholder, is_stopword, tokens};
use super::{Doc, KW_CAP};

/// Signatures per entry that are indexed (a signature id is `doc * 16 + k`).
pub(crate) const MAX_SIGS: usize = 16;
/// A signature feature found in more signatures than this is not posted.
const SIG_DF_FLOOR: usize = 64;
const SIG_DF_SHARE: usize = 200;
/// Prefix postings for the last typed word.
const PREFIX_CAP: usize = 50;
const PREFIX_MIN: usize = 3;
const PREFIX_MAX: usize = 12;
const STOP_FACTOR: f64 = 0.2;
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Keyword fields and their boosts.
const FIELDS: [f64; 8] = [3.0, 1.5, 2.0, 2.0, 1.5, 1.0, 1.0, 1.0];

/// A signature containing a feature (a word, or a pair of adjacent words).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SigPosting {
    /// `doc * 16 + signature index`.
    pub sid: u32,
    /// Sum of the weights of the signature's posted features.
    pub n: u32,
}

/// A feature of the signature index: its weight and postings (by `sid`). Word pairs are keyed
/// `"first second"`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SigTerm {
    pub w: u32,
    pub postings: Vec<SigPosting>,
}

/// What a result needs for display.
pub(crate) struct Meta {
    pub id: String,
    pub url: String,
    pub title: String,
    pub summary: String,
    pub platform: String,
    pub quick_fix: String,
    pub signatures: Vec<String>,
}

pub(crate) struct Built {
    /// Internal doc number (rank by id) -> index in the caller's slice.
    pub order: Vec<usize>,
    pub meta: Vec<Meta>,
    pub sig: HashMap<String, SigTerm>,
    /// Keyword postings `(doc, impact)` by doc; prefix keys end in `*`.
    pub kw: HashMap<String, Vec<(u32, u32)>>,
}

/// FNV-1a over UTF-8.
pub(crate) fn fnv1a(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

fn idf(n: usize, df: usize) -> f64 {
    let (n, df) = (n as f64, df as f64);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

fn weight(idf: f64, term: &str) -> u32 {
    let f = if is_stopword(term) { STOP_FACTOR } else { 1.0 };
    ((100.0 * idf * f).round() as u32).max(1)
}

struct DocTokens {
    sigs: Vec<Vec<String>>,
    fields: [Vec<String>; 8],
}

fn words_only(text: &str) -> Vec<String> {
    tokens(text)
        .into_iter()
        .filter(|t| !is_placeholder(t))
        .collect()
}

fn tokenize_doc(d: &Doc) -> DocTokens {
    let sigs: Vec<Vec<String>> = d
        .signatures
        .iter()
        .take(MAX_SIGS)
        .map(|s| tokens(s))
        .collect();
    let sig_words = sigs
        .iter()
        .flatten()
        .filter(|t| !is_placeholder(t))
        .cloned()
        .collect();
    DocTokens {
        fields: [
            words_only(&d.title),
            words_only(&d.platform),
            words_only(&d.tags.join(" ")),
            sig_words,
            words_only(&d.summary),
            words_only(&d.quick_fix),
            words_only(&d.text),
            words_only(&d.id.replace(['/', '-'], " ")),
        ],
        sigs,
    }
}

impl Built {
    pub fn new(docs: &[Doc]) -> Built {
        let mut order: Vec<usize> = (0..docs.len()).collect();
        order.sort_by(|&a, &b| docs[a].id.cmp(&docs[b].id).then(a.cmp(&b)));
        let toks: Vec<DocTokens> = order.par_iter().map(|&i| tokenize_doc(&docs[i])).collect();
        let meta = order
            .iter()
            .map(|&i| {
                let d = &docs[i];
                Meta {
                    id: d.id.clone(),
                    url: d.url.clone(),
                    title: d.title.clone(),
                    summary: d.summary.clone(),
                    platform: d.platform.clone(),
                    quick_fix: d.quick_fix.clone(),
                    signatures: d.signatures.clone(),
                }
            })
            .collect();
        Built {
            sig: build_sig(&toks),
            kw: build_kw(&toks),
            order,
            meta,
        }
    }
}

/// Distinct words and distinct adjacent word pairs of a signature, first occurrence first.
pub(crate) fn features(toks: &[String]) -> (Vec<String>, Vec<String>) {
    let mut words: Vec<String> = Vec::new();
    for t in toks.iter().filter(|t| !is_placeholder(t)) {
        if !words.contains(t) {
            words.push(t.clone());
        }
    }
    let mut pairs: Vec<String> = Vec::new();
    for w in toks.windows(2) {
        if !is_placeholder(&w[0]) && !is_placeholder(&w[1]) {
            let p = format!("{} {}", w[0], w[1]);
            if !pairs.contains(&p) {
                pairs.push(p);
            }
        }
    }
    (words, pairs)
}

fn pair_weight(idf: f64, pair: &str) -> u32 {
    let both_stop = pair.split(' ').all(is_stopword);
    let f = if both_stop { STOP_FACTOR } else { 1.0 };
    ((100.0 * idf * f).round() as u32).max(1)
}

fn build_sig(toks: &[DocTokens]) -> HashMap<String, SigTerm> {
    let feats: Vec<Vec<(Vec<String>, Vec<String>)>> = toks
        .par_iter()
        .map(|d| d.sigs.iter().map(|s| features(s)).collect())
        .collect();
    let mut df: HashMap<&str, usize> = HashMap::new();
    let mut nsig = 0;
    for (words, pairs) in feats.iter().flatten() {
        nsig += 1;
        for f in words.iter().chain(pairs) {
            *df.entry(f).or_default() += 1;
        }
    }
    // Features found in more signatures than the cap are not posted and do not count: a
    // signature is matched on its distinctive words and word pairs.
    let cap = SIG_DF_FLOOR.max(nsig / SIG_DF_SHARE);
    let mut out: HashMap<String, SigTerm> = HashMap::new();
    for (doc, sigs) in feats.iter().enumerate() {
        for (k, (words, pairs)) in sigs.iter().enumerate() {
            let posted: Vec<(&String, u32)> = words
                .iter()
                .map(|t| (t, weight(idf(nsig, df[t.as_str()]), t)))
                .chain(
                    pairs
                        .iter()
                        .map(|t| (t, pair_weight(idf(nsig, df[t.as_str()]), t))),
                )
                .filter(|(t, _)| df[t.as_str()] <= cap)
                .collect();
            let n: u32 = posted.iter().map(|x| x.1).sum();
            let sid = (doc * MAX_SIGS + k) as u32;
            for (t, w) in posted {
                let e = out.entry(t.clone()).or_insert_with(|| SigTerm {
                    w,
                    postings: Vec::new(),
                });
                e.postings.push(SigPosting { sid, n });
            }
        }
    }
    out
}

fn build_kw(toks: &[DocTokens]) -> HashMap<String, Vec<(u32, u32)>> {
    let n = toks.len();
    let mut avg = [0.0f64; 8];
    for d in toks {
        for (f, a) in avg.iter_mut().enumerate() {
            *a += d.fields[f].len() as f64;
        }
    }
    for a in &mut avg {
        *a = if n > 0 { *a / n as f64 } else { 0.0 };
    }
    // Per doc: BM25F pseudo term frequency of each word.
    let per_doc: Vec<Vec<(&str, f64)>> = toks
        .par_iter()
        .map(|d| {
            let mut tf: HashMap<&str, f64> = HashMap::new();
            for (f, words) in d.fields.iter().enumerate() {
                if words.is_empty() || avg[f] == 0.0 {
                    continue;
                }
                let norm = 1.0 - B + B * words.len() as f64 / avg[f];
                for t in words {
                    *tf.entry(t).or_default() += FIELDS[f] / norm;
                }
            }
            let mut v: Vec<(&str, f64)> = tf.into_iter().collect();
            v.sort_by(|a, b| a.0.cmp(b.0));
            v
        })
        .collect();
    let mut postings: HashMap<&str, Vec<(u32, f64)>> = HashMap::new();
    for (doc, v) in per_doc.iter().enumerate() {
        for &(t, tf) in v {
            postings.entry(t).or_default().push((doc as u32, tf));
        }
    }
    let mut kw: HashMap<String, Vec<(u32, u32)>> = postings
        .into_par_iter()
        .map(|(t, list)| {
            let i = idf(n, list.len());
            let mut imp: Vec<(u32, u32)> = list
                .into_iter()
                .map(|(doc, tf)| (doc, weight(i * tf * (K1 + 1.0) / (tf + K1), t)))
                .collect();
            (t.to_string(), top(imp.as_mut_slice(), KW_CAP))
        })
        .collect();
    let mut prefixes: HashMap<String, HashMap<u32, u32>> = HashMap::new();
    for (t, list) in &kw {
        let chars: Vec<char> = t.chars().collect();
        for len in PREFIX_MIN..chars.len().min(PREFIX_MAX + 1) {
            let mut p: String = chars[..len].iter().collect();
            p.push('*');
            let m = prefixes.entry(p).or_default();
            for &(doc, imp) in list {
                let e = m.entry(doc).or_default();
                *e = (*e).max(imp * 3 / 4);
            }
        }
    }
    let prefixed: Vec<(String, Vec<(u32, u32)>)> = prefixes
        .into_par_iter()
        .map(|(p, m)| {
            let mut v: Vec<(u32, u32)> = m.into_iter().filter(|x| x.1 > 0).collect();
            (p, top(&mut v, PREFIX_CAP))
        })
        .collect();
    kw.extend(prefixed.into_iter().filter(|(_, v)| !v.is_empty()));
    kw
}

/// The `cap` highest impacts (ties: lower doc), returned in doc order.
fn top(v: &mut [(u32, u32)], cap: usize) -> Vec<(u32, u32)> {
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut kept = v[..v.len().min(cap)].to_vec();
    kept.sort_unstable();
    kept
}
