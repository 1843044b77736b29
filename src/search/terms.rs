//! Pass 1 of the index build: a chunk of entries -> a chunk-local vocabulary and, per entry, its
//! field lengths, a compact list of its words with their counts per field, and the features of
//! each signature. Nothing is kept per token: a chunk's text is read once and dropped.
//!
//! A term list is varint-packed, `local word id, field mask, count per field` (usually 4 bytes
//! a word), so pass 2 can read every entry's terms again without tokenizing.
//! It is cut into [`PARTS`] segments by a hash of the word, so pass 2 can split the vocabulary
//! between threads and each thread reads only its segments.

use std::hash::BuildHasher;

use super::Doc;
use super::hash::FxMap;
use super::index::MAX_SIGS;
use super::normalize::{each_token, is_placeholder};

/// Keyword fields and their boosts: title, platform, tags, signatures, summary, quick fix,
/// text, id words.
pub(crate) const FIELDS: [f64; 8] = [3.0, 1.5, 2.0, 2.0, 1.5, 1.0, 1.0, 1.0];
const SIG_FIELD: usize = 3;
/// Vocabulary partitions of pass 2.
pub(crate) const PARTS: usize = 8;

/// Words (or signature features) of a chunk: local id -> word, and how many entries (for
/// signature features: signatures) of the chunk have it.
#[derive(Default)]
pub(crate) struct Vocab {
    ids: FxMap<String, u32>,
    pub words: Vec<String>,
    pub df: Vec<u32>,
    /// The word's partition (a hash of the word, so the same in every chunk).
    pub part: Vec<u8>,
}

impl Vocab {
    fn intern(&mut self, w: &str) -> u32 {
        if let Some(&id) = self.ids.get(w) {
            return id;
        }
        let id = self.words.len() as u32;
        self.ids.insert(w.to_string(), id);
        self.words.push(w.to_string());
        self.df.push(0);
        self.part
            .push((self.ids.hasher().hash_one(w) % PARTS as u64) as u8);
        id
    }
}

/// One entry after pass 1.
pub(crate) struct DocStats {
    /// Words per keyword field.
    pub lens: [u32; FIELDS.len()],
    packed: Vec<u8>,
    /// Where each partition's segment of `packed` starts.
    starts: [u32; PARTS],
    /// Per indexed signature: its distinct words and word pairs (local ids).
    pub sigs: Vec<Vec<u32>>,
}

impl DocStats {
    /// Calls `f(local word id, count per field)` for each distinct word of partition `part`.
    pub fn each_term(&self, part: usize, mut f: impl FnMut(u32, &[u32; FIELDS.len()])) {
        let end = self
            .starts
            .get(part + 1)
            .map_or(self.packed.len(), |&e| e as usize);
        let mut r = Reader {
            bytes: &self.packed[..end],
            at: self.starts[part] as usize,
        };
        while r.at < r.bytes.len() {
            let id = r.varint();
            let mask = r.bytes[r.at];
            r.at += 1;
            let mut counts = [0u32; FIELDS.len()];
            for (k, c) in counts.iter_mut().enumerate() {
                if mask & (1 << k) != 0 {
                    *c = r.varint();
                }
            }
            f(id, &counts);
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn varint(&mut self) -> u32 {
        let mut v = 0u32;
        let mut shift = 0;
        loop {
            let b = self.bytes[self.at];
            self.at += 1;
            v |= u32::from(b & 0x7f) << shift;
            if b < 0x80 {
                return v;
            }
            shift += 7;
        }
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Pass 1 over a run of entries.
#[derive(Default)]
pub(crate) struct Chunk {
    pub kw: Vocab,
    pub sig: Vocab,
    pub docs: Vec<DocStats>,
    /// Local word id -> its index in `current` (`u32::MAX`: not in the current entry).
    slot: Vec<u32>,
    current: Vec<(u32, [u32; FIELDS.len()])>,
}

impl Chunk {
    fn count(&mut self, field: usize, word: &str) {
        let id = self.kw.intern(word);
        if self.slot.len() <= id as usize {
            self.slot.resize(id as usize + 1, u32::MAX);
        }
        let s = &mut self.slot[id as usize];
        if *s == u32::MAX {
            *s = self.current.len() as u32;
            self.current.push((id, [0; FIELDS.len()]));
        }
        self.current[*s as usize].1[field] += 1;
    }

    /// Tokenizes `d` and appends its [`DocStats`].
    pub fn add(&mut self, d: &Doc) {
        let mut lens = [0u32; FIELDS.len()];
        let mut sigs = Vec::new();
        for s in d.signatures.iter().take(MAX_SIGS) {
            let mut toks: Vec<String> = Vec::new();
            each_token(s, &mut |t| toks.push(t.to_string()));
            for t in toks.iter().filter(|t| !is_placeholder(t)) {
                lens[SIG_FIELD] += 1;
                self.count(SIG_FIELD, t);
            }
            sigs.push(self.features(&toks));
        }
        let tags = d.tags.join(" ");
        let id_words = d.id.replace(['/', '-'], " ");
        let fields: [(usize, &str); 7] = [
            (0, &d.title),
            (1, &d.platform),
            (2, &tags),
            (4, &d.summary),
            (5, &d.quick_fix),
            (6, &d.text),
            (7, &id_words),
        ];
        for (f, text) in fields {
            each_token(text, &mut |t| {
                if !is_placeholder(t) {
                    lens[f] += 1;
                    self.count(f, t);
                }
            });
        }
        let mut current = std::mem::take(&mut self.current);
        // Grouped by partition (a counting sort), words in the order the entry first has them.
        let part = &self.kw.part;
        let mut starts = [0u32; PARTS];
        for (id, _) in &current {
            if let Some(next) = starts.get_mut(usize::from(part[*id as usize]) + 1) {
                *next += 1;
            }
        }
        for p in 1..PARTS {
            starts[p] += starts[p - 1];
        }
        let mut order = vec![0u32; current.len()];
        let mut fill = starts;
        for (k, (id, _)) in current.iter().enumerate() {
            let f = &mut fill[usize::from(part[*id as usize])];
            order[*f as usize] = k as u32;
            *f += 1;
        }
        let mut packed = Vec::with_capacity(current.len() * 4);
        let mut at_part = 0;
        for (n, &k) in order.iter().enumerate() {
            let (id, counts) = &current[k as usize];
            while at_part + 1 < PARTS && starts[at_part + 1] as usize <= n {
                at_part += 1;
                starts[at_part] = packed.len() as u32;
            }
            self.slot[*id as usize] = u32::MAX;
            self.kw.df[*id as usize] += 1;
            put_varint(&mut packed, *id);
            let mask = counts
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .fold(0u8, |m, (k, _)| m | (1 << k));
            packed.push(mask);
            for &c in counts.iter().filter(|&&c| c > 0) {
                put_varint(&mut packed, c);
            }
        }
        while at_part + 1 < PARTS {
            at_part += 1;
            starts[at_part] = packed.len() as u32;
        }
        current.clear();
        self.current = current;
        self.docs.push(DocStats {
            lens,
            packed,
            starts,
            sigs,
        });
    }

    /// The distinct words and word pairs of a signature's tokens, counted once in `sig.df`.
    fn features(&mut self, toks: &[String]) -> Vec<u32> {
        let mut ids: Vec<u32> = Vec::new();
        let mut pair = String::new();
        for (k, t) in toks.iter().enumerate() {
            if is_placeholder(t) {
                continue;
            }
            ids.push(self.sig.intern(t));
            if let Some(next) = toks.get(k + 1).filter(|n| !is_placeholder(n)) {
                pair.clear();
                pair.push_str(t);
                pair.push(' ');
                pair.push_str(next);
                ids.push(self.sig.intern(&pair));
            }
        }
        ids.sort_unstable();
        ids.dedup();
        for &id in &ids {
            self.sig.df[id as usize] += 1;
        }
        ids
    }
}
