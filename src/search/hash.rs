//! Hashing for the search: FNV-1a picks a word's shard (the browser computes the same), and a
//! fast multiplicative hasher keys the build's in-memory maps (std's SipHash costs a third of
//! the index build on word-sized keys; the keys are our own words, not an attack surface).

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

/// FNV-1a over UTF-8: `fnv1a` in `theme/static/assets/search.js`.
pub(crate) fn fnv1a(s: &str) -> u32 {
    fnv1a_bytes(0x811c_9dc5, s.as_bytes())
}

/// Continues an FNV-1a hash over `bytes`.
pub(crate) fn fnv1a_bytes(mut h: u32, bytes: &[u8]) -> u32 {
    for &b in bytes {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The rustc "Fx" hash: a rotate, xor and multiply per 8 bytes.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap_or_default()));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_u128(&mut self, i: u128) {
        self.add(i as u64);
        self.add((i >> 64) as u64);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A `HashMap` with [`FxHasher`].
pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// The [`FxHasher`] hash of `x`, as an [`FxMap`] computes it.
pub(crate) fn fx_hash<T: std::hash::Hash + ?Sized>(x: &T) -> u64 {
    BuildHasherDefault::<FxHasher>::default().hash_one(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_reference_values() {
        assert_eq!(fnv1a(""), 0x811c_9dc5);
        assert_eq!(fnv1a("a"), 0xe40c_292c);
        assert_eq!(fnv1a("foobar"), 0xbf9c_f968);
    }

    #[test]
    fn fx_map_keys_by_content() {
        let mut m: FxMap<String, u32> = FxMap::default();
        m.insert("abcdefghij".to_string(), 1);
        m.insert("abcdefghik".to_string(), 2);
        assert_eq!(m.get("abcdefghij"), Some(&1));
        assert_eq!(m.get("abcdefghik"), Some(&2));
        assert_eq!(m.get("abcdefgh"), None);
    }
}
