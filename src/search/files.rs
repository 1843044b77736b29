//! The static index: `search/data/manifest.json` plus hash-sharded JSON files.
//!
//! A query costs three sequential round trips: the manifest; then, in parallel, the shards of
//! its words and word pairs (`s/` signature index, `k/` keyword index); then the display metadata (`m/`) of
//! the results shown. Shard counts grow with the index so each file stays small. Formats:
//!
//! - `manifest.json`: `{"v":1,"h":HASH,"docs":N,"s":SIG_SHARDS,"k":KW_SHARDS,"m":DOCS_PER_META}`
//! - `s/N.json`: `{word or "word pair": [weight, (Δsid, total)...]}`, postings by sid
//! - `k/N.json`: `{word or prefix*: [(Δdoc, impact)...]}`, postings by doc
//! - `m/N.json`: `[[id, url, title, summary, platform, quick_fix, [signatures]]...]`
//!
//! A word lives in shard `fnv1a(word) % shards`; every shard file is written, even when empty.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::index::{Built, fnv1a};

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

pub(crate) fn write(b: &Built) -> Vec<(String, Vec<u8>)> {
    let sig_postings: usize = b.sig.values().map(|t| t.postings.len()).sum();
    let kw_postings: usize = b.kw.values().map(Vec::len).sum();
    let ns = shard_count(sig_postings, SIG_POSTINGS_PER_SHARD);
    let nk = shard_count(kw_postings, KW_POSTINGS_PER_SHARD);

    let mut s_shards: Vec<BTreeMap<&str, Value>> = vec![BTreeMap::new(); ns];
    for (t, e) in &b.sig {
        let mut v: Vec<u32> = vec![e.w];
        let mut prev = 0;
        for p in &e.postings {
            v.extend([p.sid - prev, p.n]);
            prev = p.sid;
        }
        s_shards[fnv1a(t) as usize % ns].insert(t, json!(v));
    }
    let mut k_shards: Vec<BTreeMap<&str, Value>> = vec![BTreeMap::new(); nk];
    for (t, list) in &b.kw {
        let mut v: Vec<u32> = Vec::with_capacity(list.len() * 2);
        let mut prev = 0;
        for &(doc, imp) in list {
            v.extend([doc - prev, imp]);
            prev = doc;
        }
        k_shards[fnv1a(t) as usize % nk].insert(t, json!(v));
    }

    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut push = |path: String, v: &Value| {
        files.push((
            format!("{DIR}/{path}"),
            serde_json::to_vec(v).expect("JSON values serialise"),
        ));
    };
    for (i, m) in s_shards.iter().enumerate() {
        push(format!("s/{i}.json"), &json!(m));
    }
    for (i, m) in k_shards.iter().enumerate() {
        push(format!("k/{i}.json"), &json!(m));
    }
    for (i, chunk) in b.meta.chunks(DOCS_PER_META).enumerate() {
        let rows: Vec<Value> = chunk
            .iter()
            .map(|m| {
                let sigs: Vec<String> = m.signatures.iter().map(|s| clip(s)).collect();
                json!([
                    m.id,
                    m.url,
                    m.title,
                    clip(&m.summary),
                    m.platform,
                    clip(&m.quick_fix),
                    sigs
                ])
            })
            .collect();
        push(format!("m/{i}.json"), &Value::Array(rows));
    }
    let mut h: u32 = 0x811c_9dc5;
    for (path, bytes) in &files {
        for &x in path.as_bytes().iter().chain(bytes) {
            h ^= u32::from(x);
            h = h.wrapping_mul(0x0100_0193);
        }
    }
    let manifest = json!({
        "v": 1,
        "h": format!("{h:08x}"),
        "docs": b.meta.len(),
        "s": ns,
        "k": nk,
        "m": DOCS_PER_META,
    });
    files.insert(
        0,
        (
            format!("{DIR}/manifest.json"),
            serde_json::to_vec(&manifest).expect("manifest serialises"),
        ),
    );
    files
}
