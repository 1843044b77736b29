//! Pass 1 of the index build: a chunk of entries -> a chunk-local vocabulary and, per entry, its
//! field lengths, a compact list of its words with their counts per field, and the features of
//! each signature (words and word pairs, as local word ids). Nothing is kept per token: a
//! chunk's text is read once and dropped. [`merge`] then joins the chunks' vocabularies into
//! one, sorted, so a word's id is its rank.
//!
//! A term list is varint-packed, `local word id, field mask, count per field` (usually 4 bytes
//! a word), so pass 2 can read every entry's terms again without tokenizing.
//! It is cut into [`PARTS`] segments by a hash of the word, so pass 2 can split the vocabulary
//! between threads and each thread reads only its segments.

use rayon::prelude::*;

use super::Doc;
use super::hash::{FxMap, fx_hash};
use super::index::MAX_SIGS;
use super::normalize::{each_token, is_placeholder};

/// Keyword fields and their boosts: title, platform, tags, signatures, summary, quick fix,
/// text, id words.
pub(crate) const FIELDS: [f64; 8] = [3.0, 1.5, 2.0, 2.0, 1.5, 1.0, 1.0, 1.0];
const SIG_FIELD: usize = 3;
/// Vocabulary partitions of pass 2.
pub(crate) const PARTS: usize = 8;

/// The second half of a single word's signature feature key (`word << 32 | WORD`); a word
/// pair's key is `first << 32 | second`.
pub(crate) const WORD: u32 = u32::MAX;

/// Which words pass 1 keeps; every word is counted in its field's length either way, and the
/// words of signatures are always kept. `kbgen lookup` keeps only what its query looks up,
/// which gives the same postings for those words at a fraction of the cost.
#[derive(Default)]
pub(crate) enum Keep {
    #[default]
    All,
    Only {
        words: Vec<String>,
        /// Words longer than this that start with it are kept too.
        prefix: Option<String>,
    },
}

impl Keep {
    fn keeps(&self, w: &str) -> bool {
        match self {
            Keep::All => true,
            Keep::Only { words, prefix } => {
                words.iter().any(|x| x == w)
                    || prefix
                        .as_deref()
                        .is_some_and(|p| w.len() > p.len() && w.starts_with(p))
            }
        }
    }
}

/// A word of up to [`INLINE`] bytes packed into one integer: its bytes, then its length in the
/// top byte. A probe of the map compares integers and follows no pointer to the word's text,
/// which is what most of the time of interning a word went to (perf annotate).
const INLINE: usize = 15;

fn packed(w: &str) -> Option<u128> {
    let b = w.as_bytes();
    if b.len() > INLINE {
        return None;
    }
    let (lo, hi) = b.split_at(b.len().min(8));
    let top = (b.len() as u64) << 56;
    Some(u128::from(le_u64(lo)) | u128::from(le_u64(hi) | top) << 64)
}

/// Up to 8 bytes as a little-endian integer, zero above them: a few loads, where copying the
/// bytes into an array and reading it back stalls on the copy.
fn le_u64(b: &[u8]) -> u64 {
    let n = b.len();
    let at = |i: usize| u64::from(b[i]) << (8 * i);
    let u32_at = |i: usize| {
        let mut w = [0u8; 4];
        w.copy_from_slice(&b[i..i + 4]);
        u64::from(u32::from_le_bytes(w)) << (8 * i)
    };
    match n {
        0 => 0,
        // The middle byte covers the second of two or three; the overlaps repeat a byte.
        1..=3 => at(0) | at(n / 2) | at(n - 1),
        4..=7 => u32_at(0) | u32_at(n - 4),
        _ => {
            let mut w = [0u8; 8];
            w.copy_from_slice(&b[..8]);
            u64::from_le_bytes(w)
        }
    }
}

fn unpacked(key: u128) -> String {
    let bytes = key.to_le_bytes();
    let len = usize::from(bytes[INLINE]);
    String::from_utf8_lossy(&bytes[..len]).into_owned()
}

/// The words of a chunk: local id, and how many entries of the chunk have each word.
#[derive(Default)]
pub(crate) struct Vocab {
    /// While the chunk is read; emptied by [`Vocab::compact`]: words of up to [`INLINE`]
    /// bytes, [`packed`], and longer words.
    short: FxMap<u128, u32>,
    long: FxMap<String, u32>,
    df: Vec<u32>,
    /// The word's partition (a hash of the word, so the same in every chunk).
    part: Vec<u8>,
    /// After [`Vocab::compact`]: the words in local-id order, end to end, and where each ends.
    /// Every chunk's vocabulary is held until [`merge`]; one string per word and a hash
    /// table per chunk cost several times the words' bytes.
    text: String,
    ends: Vec<u32>,
}

impl Vocab {
    fn intern(&mut self, w: &str) -> u32 {
        let next = self.df.len() as u32;
        let id = match packed(w) {
            Some(key) => *self.short.entry(key).or_insert(next),
            None => match self.long.get(w) {
                Some(&id) => id,
                None => {
                    self.long.insert(w.to_owned(), next);
                    next
                }
            },
        };
        if id == next {
            self.df.push(0);
            self.part.push((fx_hash(w) % PARTS as u64) as u8);
        }
        id
    }

    /// Moves the words out of the maps into `text` and `ends`.
    fn compact(&mut self) {
        let short = std::mem::take(&mut self.short)
            .into_iter()
            .map(|(key, id)| (unpacked(key), id));
        let mut words: Vec<(String, u32)> = std::mem::take(&mut self.long)
            .into_iter()
            .chain(short)
            .collect();
        words.sort_unstable_by_key(|x| x.1);
        self.text = String::with_capacity(words.iter().map(|w| w.0.len()).sum());
        self.ends = Vec::with_capacity(words.len());
        for (w, _) in words {
            self.text.push_str(&w);
            self.ends.push(self.text.len() as u32);
        }
    }

    /// The words by local id (after [`Vocab::compact`]).
    fn words(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .map(|(a, &b)| &self.text[a as usize..b as usize])
    }
}

/// One entry after pass 1.
pub(crate) struct DocStats {
    /// Words per keyword field.
    pub lens: [u32; FIELDS.len()],
    packed: Vec<u8>,
    /// Where each partition's segment of `packed` starts.
    starts: [u32; PARTS],
    /// Per indexed signature: its distinct words and word pairs, as feature keys of local
    /// word ids (see [`WORD`]).
    pub sigs: Vec<Vec<u64>>,
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

/// The entry's words grouped by partition (a counting sort), in the order the entry first has
/// them: where each partition's words start, and the words' indexes in `current`.
fn by_partition(part: &[u8], current: &[(u32, [u32; FIELDS.len()])]) -> ([u32; PARTS], Vec<u32>) {
    let mut starts = [0u32; PARTS];
    for (id, _) in current {
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
    (starts, order)
}

/// One term of a term list: `id`, a mask of the fields it is in, and its count in each.
fn put_term(out: &mut Vec<u8>, id: u32, counts: &[u32; FIELDS.len()]) {
    put_varint(out, id);
    let mask = counts
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0)
        .fold(0u8, |m, (k, _)| m | (1 << k));
    out.push(mask);
    for &c in counts.iter().filter(|&&c| c > 0) {
        put_varint(out, c);
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
    pub fn add(&mut self, d: &Doc, keep: &Keep) {
        let mut lens = [0u32; FIELDS.len()];
        let sigs = self.count_signatures(d, &mut lens);
        self.count_fields(d, keep, &mut lens);
        let mut current = std::mem::take(&mut self.current);
        let (mut packed, starts) = self.pack(&current);
        current.clear();
        self.current = current;
        // Held until pass 2 for every entry: no spare capacity.
        packed.shrink_to_fit();
        self.docs.push(DocStats {
            lens,
            packed,
            starts,
            sigs,
        });
    }

    /// Counts the words of `d`'s signatures (the first [`MAX_SIGS`]), which are always kept,
    /// and returns each signature's features.
    fn count_signatures(&mut self, d: &Doc, lens: &mut [u32; FIELDS.len()]) -> Vec<Vec<u64>> {
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
        sigs
    }

    /// Counts every word of `d`'s other fields in its field's length, and as a term when
    /// `keep` keeps it.
    fn count_fields(&mut self, d: &Doc, keep: &Keep, lens: &mut [u32; FIELDS.len()]) {
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
                    if keep.keeps(t) {
                        self.count(f, t);
                    }
                }
            });
        }
    }

    /// The entry's term list (`current`, packed segment by segment) and where each segment
    /// starts; frees the words' slots and counts the entry in each word's `df`.
    fn pack(&mut self, current: &[(u32, [u32; FIELDS.len()])]) -> (Vec<u8>, [u32; PARTS]) {
        // Starts by word until each segment is written, then by byte.
        let (mut starts, order) = by_partition(&self.kw.part, current);
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
            put_term(&mut packed, *id, counts);
        }
        while at_part + 1 < PARTS {
            at_part += 1;
            starts[at_part] = packed.len() as u32;
        }
        (packed, starts)
    }

    /// The distinct words and word pairs of a signature's tokens, as feature keys.
    fn features(&mut self, toks: &[String]) -> Vec<u64> {
        let mut keys: Vec<u64> = Vec::new();
        let mut prev: Option<u32> = None;
        for t in toks {
            if is_placeholder(t) {
                prev = None;
                continue;
            }
            let id = self.kw.intern(t);
            keys.push(u64::from(id) << 32 | u64::from(WORD));
            if let Some(p) = prev {
                keys.push(u64::from(p) << 32 | u64::from(id));
            }
            prev = Some(id);
        }
        keys.sort_unstable();
        keys.dedup();
        keys.shrink_to_fit();
        keys
    }

    /// Drops what only pass 1 needs.
    pub fn finish(&mut self) {
        self.slot = Vec::new();
        self.current = Vec::new();
        self.kw.compact();
    }
}

/// The chunks' vocabularies joined: words sorted (a word's id is its rank), the number of
/// entries with each, each chunk's local -> global id map, and each word's partition with its
/// rank among the partition's words.
pub(crate) struct Merged {
    pub words: Vec<String>,
    pub df: Vec<u32>,
    pub remap: Vec<Vec<u32>>,
    pub part: Vec<(u8, u32)>,
}

/// Joins the chunks' vocabularies (they are emptied); each chunk must be finished.
pub(crate) fn merge(chunks: &mut [Chunk]) -> Merged {
    let mut ids: FxMap<String, u32> = FxMap::default();
    let mut df: Vec<u32> = Vec::new();
    let mut part: Vec<u8> = Vec::new();
    let mut remap: Vec<Vec<u32>> = Vec::with_capacity(chunks.len());
    for c in chunks.iter_mut() {
        let v = std::mem::take(&mut c.kw);
        let mut map = Vec::with_capacity(v.ends.len());
        for (l, w) in v.words().enumerate() {
            let g = match ids.get(w) {
                Some(&g) => g,
                None => {
                    let g = df.len() as u32;
                    ids.insert(w.to_owned(), g);
                    df.push(0);
                    part.push(v.part[l]);
                    g
                }
            };
            df[g as usize] += v.df[l];
            map.push(g);
        }
        remap.push(map);
    }
    // Ids by rank: the same words give the same ids, whatever the chunks.
    let mut sorted: Vec<(String, u32)> = ids.into_iter().collect();
    sorted.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut rank = vec![0u32; sorted.len()];
    for (r, (_, g)) in sorted.iter().enumerate() {
        rank[*g as usize] = r as u32;
    }
    remap
        .par_iter_mut()
        .for_each(|m| m.iter_mut().for_each(|g| *g = rank[*g as usize]));
    let mut per_part = [0u32; PARTS];
    let mut out_df = Vec::with_capacity(sorted.len());
    let mut out_part = Vec::with_capacity(sorted.len());
    for (_, g) in &sorted {
        let p = part[*g as usize];
        out_part.push((p, per_part[usize::from(p)]));
        per_part[usize::from(p)] += 1;
        out_df.push(df[*g as usize]);
    }
    Merged {
        words: sorted.into_iter().map(|(w, _)| w).collect(),
        df: out_df,
        remap,
        part: out_part,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every word of up to 15 bytes packs into a key of its own, and back into itself.
    #[test]
    fn packed_words_are_distinct_and_unpack_to_themselves() {
        let mut words: Vec<String> = vec![String::new(), "\0".into(), "a\0".into(), "é".into()];
        for n in 1..=16 {
            let w: String = "abcdefghijklmnop"[..n].into();
            words.push(w.replace('a', "\0"));
            words.push(w.chars().rev().collect());
            words.push(w);
        }
        words.push("日本語です".into());
        let mut seen = std::collections::HashMap::new();
        for w in &words {
            match packed(w) {
                Some(key) => {
                    assert!(w.len() <= INLINE, "{w:?}");
                    assert_eq!(unpacked(key), *w);
                    if let Some(other) = seen.insert(key, w) {
                        assert_eq!(other, w, "two words, one key");
                    }
                }
                None => assert!(w.len() > INLINE, "{w:?}"),
            }
        }
    }

    /// A chunk's vocabulary gives each word one id, in first-seen order, short or long.
    #[test]
    fn vocab_interns_short_and_long_words() {
        let mut v = Vocab::default();
        let words = [
            "ab",
            "a-much-longer-word-here",
            "ab",
            "abc",
            "a-much-longer-word-here",
        ];
        let ids: Vec<u32> = words.iter().map(|w| v.intern(w)).collect();
        assert_eq!(ids, [0, 1, 0, 2, 1]);
        v.compact();
        assert_eq!(
            v.words().collect::<Vec<_>>(),
            ["ab", "a-much-longer-word-here", "abc"]
        );
        assert_eq!(v.part.len(), 3);
    }
}
