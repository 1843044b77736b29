//! The static index: `search/data/manifest.json` plus hash-sharded JSON files.
//!
//! A query costs three sequential round trips: the manifest; then, in parallel, the shards of
//! its words and word pairs (`s/` signature index, `k/` keyword index); then the display
//! metadata (`m/`) of the results shown. Shard counts grow with the index so each file stays
//! small. Formats:
//!
//! - `manifest.json`: `{"docs":N,"h":HASH,"k":KW_SHARDS,"m":DOCS_PER_META,"s":SIG_SHARDS,
//!   "t":TITLE_WEIGHT_OF_A_WORD_IN_NO_TITLE,"v":1}`
//! - `s/N.json`: `{word or "word pair": [weight, (Δsid, total)...]}`, postings by sid
//! - `k/N.json`: `{word or prefix*: [(Δdoc, impact)...], ^word: [weight, Δdoc...]}`: keyword
//!   postings by doc, and the title weight of the word and the entries whose title has it (in
//!   the word's shard)
//! - `m/N.json`: `[[id, url, title, summary, platform, quick_fix, [signatures]]...]`
//!
//! A word lives in shard `fnv1a(word) % shards`; every shard file is written, even when empty.
//! Keys are sorted, so the same index gives the same bytes.

use rayon::prelude::*;

use super::hash::{fnv1a, fnv1a_bytes};
use super::index::{Built, Source};
use super::sig::{SigTerm, key_words};

pub(crate) const DIR: &str = "search/data";
const SIG_POSTINGS_PER_SHARD: usize = 64;
const KW_POSTINGS_PER_SHARD: usize = 384;
const MAX_SHARDS: usize = 32768;
pub(crate) const DOCS_PER_META: usize = 8;
const TEXT_MAX: usize = 240;

fn shard_count(postings: usize, per: usize) -> usize {
    (postings / per).max(1).next_power_of_two().min(MAX_SHARDS)
}

fn clip(s: &str) -> String {
    match s.char_indices().nth(TEXT_MAX) {
        Some((i, _)) => format!("{}…", s[..i].trim_end()),
        None => s.to_string(),
    }
}

/// `s` as a JSON string, with markup escaped (see [`crate::util::json`]).
fn push_str(out: &mut Vec<u8>, s: &str) {
    if crate::util::json::is_plain(s) {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(crate::util::json::to_string(s).as_bytes());
    }
}

/// `x` in decimal.
fn push_u32(out: &mut Vec<u8>, mut x: u32) {
    let mut digits = [0u8; 10];
    let mut n = digits.len();
    loop {
        n -= 1;
        digits[n] = b'0' + (x % 10) as u8;
        x /= 10;
        if x == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[n..]);
}

/// One shard: `{"key":[numbers...],...}` with keys in byte order.
fn shard(mut items: Vec<(String, Vec<u32>)>) -> Vec<u8> {
    items.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut out = vec![b'{'];
    for (n, (key, nums)) in items.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        push_str(&mut out, key);
        out.extend_from_slice(b":[");
        for (k, x) in nums.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            push_u32(&mut out, *x);
        }
        out.push(b']');
    }
    out.push(b'}');
    out
}

/// Where an index entry is: a key's shard is FNV-1a of the key (a title key `^word` lives
/// with `word`), so entries are first sorted into shards by that hash, and each shard then
/// makes its keys' text and numbers.
#[derive(Clone, Copy)]
enum Entry {
    /// A signature feature (position in `b.sig.iter()`).
    Sig(usize),
    /// A word's keyword postings and title postings (word id).
    Word(u32),
    /// Prefix postings (position in `b.prefixes`).
    Prefix(usize),
}

/// FNV-1a of a signature feature's key text (`first second` for a pair), without making it.
fn sig_hash(b: &Built, key: u64) -> u32 {
    let (a, second) = key_words(key);
    let h = fnv1a_bytes(0x811c_9dc5, b.words[a as usize].as_bytes());
    match second {
        Some(s) => fnv1a_bytes(fnv1a_bytes(h, b" "), b.words[s as usize].as_bytes()),
        None => h,
    }
}

/// The `(key, numbers)` items of an entry.
fn items(b: &Built, sig: &[(u64, SigTerm<'_>)], e: Entry) -> Vec<(String, Vec<u32>)> {
    match e {
        Entry::Sig(at) => {
            let (key, t) = sig[at];
            let (first, second) = key_words(key);
            let mut text = b.words[first as usize].clone();
            if let Some(s) = second {
                text.push(' ');
                text.push_str(&b.words[s as usize]);
            }
            let mut v: Vec<u32> = Vec::with_capacity(1 + 2 * t.postings.len());
            v.push(t.w);
            let mut prev = 0;
            for p in t.postings {
                v.extend([p.sid - prev, p.n]);
                prev = p.sid;
            }
            vec![(text, v)]
        }
        Entry::Word(id) => {
            let word = &b.words[id as usize];
            let mut out = Vec::new();
            let list = &b.kw[id as usize];
            if !list.is_empty() {
                out.push((word.clone(), pairs(list)));
            }
            if let Some(t) = &b.title[id as usize] {
                let mut v: Vec<u32> = Vec::with_capacity(1 + t.docs.len());
                v.push(t.w);
                let mut prev = 0;
                for &doc in &t.docs {
                    v.push(doc - prev);
                    prev = doc;
                }
                out.push((format!("^{word}"), v));
            }
            out
        }
        Entry::Prefix(at) => {
            let (key, list) = &b.prefixes[at];
            vec![(key.clone(), pairs(list))]
        }
    }
}

/// `(Δdoc, impact)...` of keyword postings.
fn pairs(list: &[(u32, u32)]) -> Vec<u32> {
    let mut v: Vec<u32> = Vec::with_capacity(list.len() * 2);
    let mut prev = 0;
    for &(doc, imp) in list {
        v.extend([doc - prev, imp]);
        prev = doc;
    }
    v
}

/// Shards made and handed on per batch, so that the files of a large index are never all
/// in memory at once.
const BATCH: usize = 1024;

/// The shards' files, `count` of them, handed to `emit` a batch at a time in shard order:
/// the entries sorted into shards, each shard written with its keys in order.
fn shards(
    b: &Built,
    sig: &[(u64, SigTerm<'_>)],
    entries: Vec<(u32, Entry)>,
    count: usize,
    emit: &mut dyn FnMut(Vec<Vec<u8>>),
) {
    let mut by_shard: Vec<Vec<Entry>> = vec![Vec::new(); count];
    for (hash, e) in entries {
        by_shard[hash as usize % count].push(e);
    }
    for batch in by_shard.chunks(BATCH) {
        emit(
            batch
                .par_iter()
                .map(|list| {
                    let items: Vec<(String, Vec<u32>)> =
                        list.iter().flat_map(|&e| items(b, sig, e)).collect();
                    shard(items)
                })
                .collect(),
        );
    }
}

/// One metadata file: the display fields of the entries at `chunk` (positions in `src`).
fn meta(src: &dyn Source, chunk: &[usize]) -> Vec<u8> {
    let mut out = vec![b'['];
    for (n, &i) in chunk.iter().enumerate() {
        let d = src.display(i);
        if n > 0 {
            out.push(b',');
        }
        out.push(b'[');
        for f in [&d.id, &d.url, &d.title] {
            push_str(&mut out, f);
            out.push(b',');
        }
        push_str(&mut out, &clip(&d.summary));
        out.push(b',');
        push_str(&mut out, &d.platform);
        out.push(b',');
        push_str(&mut out, &clip(&d.quick_fix));
        out.extend_from_slice(b",[");
        for (k, s) in d.signatures.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            push_str(&mut out, &clip(s));
        }
        out.extend_from_slice(b"]]");
    }
    out.push(b']');
    out
}

/// Every file of the static index as (path, bytes), the manifest first.
pub(crate) fn write(b: &Built, src: &dyn Source) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    each_batch(b, src, &mut |batch| files.extend(batch));
    // The manifest comes last from `each_batch`; it is listed first.
    files.rotate_right(1);
    files
}

/// Makes the files of the static index and hands them to `put` a batch at a time: the
/// signature shards, the keyword shards, the metadata files, then the manifest, whose hash
/// covers all the others in that order.
pub(crate) fn each_batch(b: &Built, src: &dyn Source, put: &mut dyn FnMut(Vec<(String, Vec<u8>)>)) {
    let kw_postings: usize = b.kw.iter().map(Vec::len).sum::<usize>()
        + b.prefixes.iter().map(|p| p.1.len()).sum::<usize>()
        + b.title
            .iter()
            .flatten()
            .map(|t| t.docs.len())
            .sum::<usize>();
    let ns = shard_count(b.sig.postings(), SIG_POSTINGS_PER_SHARD);
    let nk = shard_count(kw_postings, KW_POSTINGS_PER_SHARD);
    let sig: Vec<(u64, SigTerm<'_>)> = b.sig.iter().collect();
    let sig_entries: Vec<(u32, Entry)> = sig
        .par_iter()
        .enumerate()
        .map(|(at, (key, _))| (sig_hash(b, *key), Entry::Sig(at)))
        .collect();
    let mut kw_entries: Vec<(u32, Entry)> = (0..b.words.len() as u32)
        .into_par_iter()
        .filter(|&id| !b.kw[id as usize].is_empty() || b.title[id as usize].is_some())
        .map(|id| (fnv1a(&b.words[id as usize]), Entry::Word(id)))
        .collect();
    kw_entries.extend(
        b.prefixes
            .iter()
            .enumerate()
            .map(|(at, (key, _))| (fnv1a(key), Entry::Prefix(at))),
    );

    let mut h = 0x811c_9dc5;
    // Names a batch of one folder's files, adds them to the hash and hands them on.
    let mut next = |dir: &str, first: &mut usize, list: Vec<Vec<u8>>| {
        let named: Vec<(String, Vec<u8>)> = list
            .into_iter()
            .enumerate()
            .map(|(k, bytes)| (format!("{DIR}/{dir}/{}.json", *first + k), bytes))
            .collect();
        *first += named.len();
        for (path, bytes) in &named {
            h = fnv1a_bytes(fnv1a_bytes(h, path.as_bytes()), bytes);
        }
        put(named);
    };
    let mut at = 0;
    shards(b, &sig, sig_entries, ns, &mut |list| {
        next("s", &mut at, list)
    });
    let mut at = 0;
    shards(b, &sig, kw_entries, nk, &mut |list| {
        next("k", &mut at, list)
    });
    let mut at = 0;
    for batch in b.order.chunks(DOCS_PER_META * BATCH) {
        let list = batch
            .par_chunks(DOCS_PER_META)
            .map(|chunk| meta(src, chunk))
            .collect();
        next("m", &mut at, list);
    }
    let manifest = format!(
        "{{\"docs\":{},\"h\":\"{h:08x}\",\"k\":{nk},\"m\":{DOCS_PER_META},\"s\":{ns},\"t\":{},\"v\":1}}",
        b.order.len(),
        b.title_none
    );
    put(vec![(
        format!("{DIR}/manifest.json"),
        manifest.into_bytes(),
    )]);
}
