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

pub(crate) const DIR: &str = "search/data";
const SIG_POSTINGS_PER_SHARD: usize = 48;
const KW_POSTINGS_PER_SHARD: usize = 96;
const MAX_SHARDS: usize = 16384;
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

/// `s` as a JSON string.
fn push_str(out: &mut Vec<u8>, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        let json = serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string());
        out.extend_from_slice(json.as_bytes());
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
fn shard(mut items: Vec<(&str, Vec<u32>)>) -> Vec<u8> {
    items.sort_unstable_by(|a, b| a.0.cmp(b.0));
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

/// The shard of a key: FNV-1a of its word (a title key `^word` lives with `word`).
pub(crate) fn shard_of(key: &str, count: usize) -> usize {
    fnv1a(key.strip_prefix('^').unwrap_or(key)) as usize % count
}

/// Groups `(key, numbers)` into `count` shards.
fn shards<'a, I>(items: I, count: usize) -> Vec<Vec<u8>>
where
    I: Iterator<Item = (&'a str, Vec<u32>)>,
{
    let mut by_shard: Vec<Vec<(&str, Vec<u32>)>> = vec![Vec::new(); count];
    for (key, nums) in items {
        by_shard[shard_of(key, count)].push((key, nums));
    }
    by_shard.into_par_iter().map(shard).collect()
}

pub(crate) fn write(b: &Built, src: &dyn Source) -> Vec<(String, Vec<u8>)> {
    let sig_postings: usize = b.sig.values().map(|t| t.postings.len()).sum();
    let kw_postings: usize = b.kw.values().map(Vec::len).sum::<usize>()
        + b.title.values().map(|t| t.docs.len()).sum::<usize>();
    let ns = shard_count(sig_postings, SIG_POSTINGS_PER_SHARD);
    let nk = shard_count(kw_postings, KW_POSTINGS_PER_SHARD);

    let sig = b.sig.iter().map(|(t, e)| {
        let mut v: Vec<u32> = Vec::with_capacity(1 + 2 * e.postings.len());
        v.push(e.w);
        let mut prev = 0;
        for p in &e.postings {
            v.extend([p.sid - prev, p.n]);
            prev = p.sid;
        }
        (t.as_str(), v)
    });
    let kw = b.kw.iter().map(|(t, list)| {
        let mut v: Vec<u32> = Vec::with_capacity(list.len() * 2);
        let mut prev = 0;
        for &(doc, imp) in list {
            v.extend([doc - prev, imp]);
            prev = doc;
        }
        (t.as_str(), v)
    });
    let title_keys: Vec<String> = b.title.keys().map(|t| format!("^{t}")).collect();
    let titles = b.title.values().zip(&title_keys).map(|(t, key)| {
        let mut v: Vec<u32> = Vec::with_capacity(1 + t.docs.len());
        v.push(t.w);
        let mut prev = 0;
        for &doc in &t.docs {
            v.push(doc - prev);
            prev = doc;
        }
        (key.as_str(), v)
    });
    let kw = kw.chain(titles);
    let (s_files, k_files) = rayon::join(|| shards(sig, ns), || shards(kw, nk));
    let chunks: Vec<&[usize]> = b.order.chunks(DOCS_PER_META).collect();
    let m_files: Vec<Vec<u8>> = chunks
        .into_par_iter()
        .map(|chunk| {
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
        })
        .collect();

    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for (dir, list) in [("s", s_files), ("k", k_files), ("m", m_files)] {
        for (i, bytes) in list.into_iter().enumerate() {
            files.push((format!("{DIR}/{dir}/{i}.json"), bytes));
        }
    }
    let h = files.iter().fold(0x811c_9dc5, |h, (path, bytes)| {
        fnv1a_bytes(fnv1a_bytes(h, path.as_bytes()), bytes)
    });
    let manifest = format!(
        "{{\"docs\":{},\"h\":\"{h:08x}\",\"k\":{nk},\"m\":{DOCS_PER_META},\"s\":{ns},\"t\":{},\"v\":1}}",
        b.order.len(),
        b.title_none
    );
    files.insert(0, (format!("{DIR}/manifest.json"), manifest.into_bytes()));
    files
}
