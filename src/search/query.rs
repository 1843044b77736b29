//! Query plan and scoring: which index keys a query needs, and how their postings rank entries.
//!
//! `theme/static/assets/search.js` mirrors this file step for step (its `score` is one function
//! that runs the steps `score` here calls in turn: signature scores, keyword and title scores,
//! keyword impacts, then the combination). Every sum here is over integers; the few divisions and
//! products run in the same order in both languages, and final scores are rounded to 1e-9, so the
//! two rankings are identical; the shared vectors hold them to it.

use std::collections::{BTreeMap, HashSet};

use super::index::{MAX_SIGS, TitleTerm};
use super::normalize::{is_placeholder, tokens};
use super::sig::SigTerm;
use super::terms::Keep;

/// Words (and, separately, word pairs) of a query looked up in the signature index.
pub(crate) const SIG_KEYS_MAX: usize = 64;
/// Words of a query looked up in the keyword index (longest first).
pub(crate) const KW_KEYS_MAX: usize = 12;
/// Signature score: share of the signature's features the query has (recall, word order
/// included through word pairs), and share of the query's features the signature explains.
const W_RECALL: f64 = 0.85;
const W_PRECISION: f64 = 0.15;
/// Share of the keyword score in an entry's score.
const LAMBDA: f64 = 0.4;
/// Share of the title score: the part of the query's words (weighted by IDF over titles) that
/// the entry's title has.
const MU: f64 = 0.6;

pub(crate) struct Plan {
    /// Words looked up in the signature index, first occurrences first.
    pub sig_keys: Vec<String>,
    /// Adjacent word pairs (`"a b"`) looked up in the signature index.
    pub pair_keys: Vec<String>,
    pub kw_keys: Vec<String>,
    /// `last*`, when the query ends inside a word.
    pub prefix: Option<String>,
}

impl Plan {
    pub fn new(query: &str) -> Plan {
        let toks = tokens(query);
        let (terms, pairs) = features(&toks);
        let mut by_len: Vec<(usize, usize)> = terms
            .iter()
            .enumerate()
            .map(|(i, t)| (i, priority(t)))
            .collect();
        by_len.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let kw_keys: Vec<String> = by_len
            .iter()
            .take(KW_KEYS_MAX)
            .map(|&(i, _)| terms[i].clone())
            .collect();
        let ends_in_word = query.chars().last().is_some_and(super::clean::is_word);
        let prefix = match toks.last() {
            Some(last)
                if ends_in_word
                    && !is_placeholder(last)
                    && last.chars().count() >= 3
                    && kw_keys.contains(last) =>
            {
                Some(format!("{last}*"))
            }
            _ => None,
        };
        Plan {
            sig_keys: terms.into_iter().take(SIG_KEYS_MAX).collect(),
            pair_keys: pairs.into_iter().take(SIG_KEYS_MAX).collect(),
            kw_keys,
            prefix,
        }
    }
}

impl Plan {
    /// The words an index needs for this plan's keyword, title and prefix keys.
    pub fn keep(&self) -> Keep {
        Keep::Only {
            words: self.kw_keys.clone(),
            prefix: self
                .prefix
                .as_deref()
                .and_then(|p| p.strip_suffix('*'))
                .map(str::to_string),
        }
    }
}

/// Distinct words and distinct adjacent word pairs of a query, first occurrence first.
/// A set remembers what was taken, so a paste of any size takes time in proportion to it.
pub(crate) fn features(toks: &[String]) -> (Vec<String>, Vec<String>) {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut words: Vec<String> = Vec::new();
    for t in toks.iter().filter(|t| !is_placeholder(t)) {
        if seen.insert(t) {
            words.push(t.clone());
        }
    }
    let mut seen: HashSet<String> = HashSet::new();
    let mut pairs: Vec<String> = Vec::new();
    for w in toks.windows(2) {
        if !is_placeholder(&w[0]) && !is_placeholder(&w[1]) {
            let p = format!("{} {}", w[0], w[1]);
            if !seen.contains(&p) {
                seen.insert(p.clone());
                pairs.push(p);
            }
        }
    }
    (words, pairs)
}

/// Keyword-key priority: longer words first, code-like words (letters and digits) ahead.
fn priority(t: &str) -> usize {
    let len = t.chars().count();
    let digit = t.chars().any(|c| c.is_ascii_digit());
    let alpha = t.chars().any(|c| !c.is_ascii_digit());
    len + if digit && alpha { 4 } else { 0 }
}

pub(crate) struct Ranked {
    pub doc: u32,
    pub score: f64,
    pub signature: Option<u32>,
}

#[derive(Default)]
struct Acc {
    /// Weight of the signature's posted features.
    n: u32,
    /// Weight of those the query has.
    m: u32,
}

/// Ranks entries for `plan`, given the index entries for its keys (`title_none`: the title
/// weight of a word in no title).
pub(crate) fn score<'a, S, K, T>(
    plan: &Plan,
    sig: S,
    kw: K,
    title: T,
    title_none: u32,
) -> Vec<Ranked>
where
    S: Fn(&str) -> Option<SigTerm<'a>>,
    K: Fn(&str) -> Option<&'a [(u32, u32)]>,
    T: Fn(&str) -> Option<&'a TitleTerm>,
{
    let best = signature_scores(plan, sig);
    let words = word_scores(plan, kw, title, title_none);
    combine(&best, &words)
}

/// Per entry, the score of its best-matching signature and that signature's index.
fn signature_scores<'a, S>(plan: &Plan, sig: S) -> BTreeMap<u32, (f64, u32)>
where
    S: Fn(&str) -> Option<SigTerm<'a>>,
{
    let mut total: u32 = 0;
    let mut accs: BTreeMap<u32, Acc> = BTreeMap::new();
    for k in plan.sig_keys.iter().chain(&plan.pair_keys) {
        let Some(e) = sig(k) else { continue };
        total += e.w;
        for p in e.postings {
            let a = accs.entry(p.sid).or_default();
            a.n = p.n;
            a.m += e.w;
        }
    }
    let mut best: BTreeMap<u32, (f64, u32)> = BTreeMap::new();
    for (&sid, a) in &accs {
        let r = f64::from(a.m) / f64::from(a.n);
        let p = f64::from(a.m) / f64::from(total);
        let base = W_RECALL * r + W_PRECISION * p;
        let s = base * base;
        let doc = sid / MAX_SIGS as u32;
        let k = sid % MAX_SIGS as u32;
        let e = best.entry(doc).or_insert((s, k));
        if s > e.0 {
            *e = (s, k);
        }
    }
    best
}

/// Keyword and title sums per entry, with the most each could reach.
#[derive(Default)]
struct WordScores {
    kscore: BTreeMap<u32, u32>,
    tscore: BTreeMap<u32, u32>,
    /// Sum over the keyword keys of their highest impact.
    kmax: u32,
    /// Sum over the keyword keys of their title weight.
    ttotal: u32,
}

/// The keyword and title scores of the plan's keyword keys.
fn word_scores<'a, K, T>(plan: &Plan, kw: K, title: T, title_none: u32) -> WordScores
where
    K: Fn(&str) -> Option<&'a [(u32, u32)]>,
    T: Fn(&str) -> Option<&'a TitleTerm>,
{
    let mut out = WordScores::default();
    for k in &plan.kw_keys {
        let merged = keyword_impacts(plan, k, &kw);
        let m = merged.values().copied().max().unwrap_or(0);
        out.kmax += m;
        for (doc, imp) in merged {
            *out.kscore.entry(doc).or_default() += imp;
        }
        match title(k) {
            Some(t) => {
                out.ttotal += t.w;
                for &doc in &t.docs {
                    *out.tscore.entry(doc).or_default() += t.w;
                }
            }
            None => out.ttotal += title_none,
        }
    }
    out
}

/// The impact of keyword `k` per entry; when `k` is the plan's prefix, an entry takes the
/// higher of its impacts for `k` and for `k*`.
fn keyword_impacts<'a, K>(plan: &Plan, k: &str, kw: &K) -> BTreeMap<u32, u32>
where
    K: Fn(&str) -> Option<&'a [(u32, u32)]>,
{
    let mut merged: BTreeMap<u32, u32> = BTreeMap::new();
    if let Some(list) = kw(k) {
        for &(doc, imp) in list {
            merged.insert(doc, imp);
        }
    }
    if plan
        .prefix
        .as_deref()
        .is_some_and(|p| p.strip_suffix('*') == Some(k))
        && let Some(list) = kw(plan.prefix.as_deref().unwrap_or_default())
    {
        for &(doc, imp) in list {
            let e = merged.entry(doc).or_default();
            *e = (*e).max(imp);
        }
    }
    merged
}

/// Every entry with a score above zero, best first (ties by entry).
fn combine(best: &BTreeMap<u32, (f64, u32)>, words: &WordScores) -> Vec<Ranked> {
    let mut docs: Vec<u32> = best
        .keys()
        .chain(words.kscore.keys())
        .chain(words.tscore.keys())
        .copied()
        .collect();
    docs.sort_unstable();
    docs.dedup();
    let mut out: Vec<Ranked> = docs
        .into_iter()
        .map(|doc| {
            let (s, sig) = match best.get(&doc) {
                Some(&(s, k)) => (s, Some(k)),
                None => (0.0, None),
            };
            let kn = match words.kscore.get(&doc) {
                Some(&k) if words.kmax > 0 => f64::from(k) / f64::from(words.kmax),
                _ => 0.0,
            };
            let tn = match words.tscore.get(&doc) {
                Some(&t) if words.ttotal > 0 => f64::from(t) / f64::from(words.ttotal),
                _ => 0.0,
            };
            let score = ((s + LAMBDA * kn + MU * tn) * 1e9).round() / 1e9;
            Ranked {
                doc,
                score,
                signature: sig,
            }
        })
        .filter(|r| r.score > 0.0)
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
    out
}
