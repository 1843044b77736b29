//! Where each field of an entry was written, held compactly.
//!
//! An entry records about 40 positions (`updated`, `causes[2]`, `sources[0].url`, ...).
//! Kept as a `BTreeMap<String, _>` they cost about 3 KB an entry, a third of a gigabyte
//! at 100,000 entries. Here a field name is a small key (field, list index, sub-field)
//! and the positions one sorted slice, about 16 bytes each; [`Positions::get`] parses the
//! name it is asked for and finds exactly what the map would have.

use std::collections::BTreeMap;

/// The fields a position can be recorded for, in the order of their keys.
const FIELDS: [&str; 17] = [
    "aliases",
    "body",
    "causes",
    "checks",
    "evidence",
    "faq",
    "fixes",
    "prevention",
    "quick_fix",
    "related",
    "signatures",
    "sources",
    "steps",
    "summary",
    "tags",
    "title",
    "updated",
];

/// The sub-fields of a list item (`sources[0].url`, `faq[1].q`).
const SUBS: [&str; 3] = ["url", "q", "a"];

/// `field[index].sub` as numbers: `index` is `NONE` without `[..]`, `sub` 0 without `.sub`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    field: u8,
    sub: u8,
    index: u32,
}

const NONE: u32 = u32::MAX;

impl Key {
    /// The key of `field[index].sub`; `None` when no position can have it.
    fn of(field: &str, index: Option<u32>, sub: Option<&str>) -> Option<Key> {
        let field = FIELDS.iter().position(|f| *f == field)? as u8;
        let sub = match sub {
            None => 0,
            Some(s) => SUBS.iter().position(|x| *x == s)? as u8 + 1,
        };
        let index = match index {
            None => NONE,
            Some(NONE) => return None,
            Some(i) => i,
        };
        Some(Key { field, sub, index })
    }

    /// The key of a field name such as `causes[2]`; `None` when no position can have it.
    fn parse(name: &str) -> Option<Key> {
        let (base, rest) = match name.find(['[', '.']) {
            Some(i) => name.split_at(i),
            None => (name, ""),
        };
        let (index, rest) = match rest.strip_prefix('[') {
            Some(r) => {
                let close = r.find(']')?;
                (Some(canonical_number(&r[..close])?), &r[close + 1..])
            }
            None => (None, rest),
        };
        let sub = match rest {
            "" => None,
            _ => Some(rest.strip_prefix('.')?),
        };
        Key::of(base, index, sub)
    }
}

/// A list index written as `format!("{i}")` writes it, below `u32::MAX`.
fn canonical_number(s: &str) -> Option<u32> {
    let ok =
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    if !ok {
        return None;
    }
    s.parse::<u32>().ok().filter(|&n| n != NONE)
}

/// Builds [`Positions`] with the semantics of a map: `insert` replaces, `or_insert` keeps.
#[derive(Debug, Default)]
pub struct PositionsBuilder {
    map: BTreeMap<Key, (u32, u32)>,
}

/// YAML lines count from 1: line 0 is what a parse without positions gives
/// (`yaml::without_positions`), and no position is recorded for it.
fn known(pos: (u32, u32)) -> bool {
    pos.0 > 0
}

impl PositionsBuilder {
    /// Records where `name` (`field`, `field[i]` or `field[i].sub`) was written.
    ///
    /// # Panics
    /// When `name` is not a field name this module knows; callers pass fixed names.
    pub fn insert(&mut self, name: &str, pos: (u32, u32)) {
        if known(pos) {
            self.map.insert(key(name), pos);
        }
    }

    /// Records where item `index` of list `field` (`causes[2]`), or its sub-field `sub`
    /// (`sources[0].url`), was written: [`insert`](Self::insert) without formatting a name.
    ///
    /// # Panics
    /// When `field` or `sub` is not a name this module knows; callers pass fixed names.
    pub fn insert_item(&mut self, field: &str, index: usize, sub: Option<&str>, pos: (u32, u32)) {
        if !known(pos) {
            return;
        }
        let key = u32::try_from(index)
            .ok()
            .and_then(|i| Key::of(field, Some(i), sub))
            .unwrap_or_else(|| panic!("not a list item: {field}[{index}] {sub:?}"));
        self.map.insert(key, pos);
    }

    /// Records `pos` for `name` unless it already has one.
    pub fn or_insert(&mut self, name: &str, pos: (u32, u32)) {
        if known(pos) {
            self.map.entry(key(name)).or_insert(pos);
        }
    }

    /// The position recorded for exactly `name`.
    pub fn get(&self, name: &str) -> Option<(u32, u32)> {
        self.map.get(&Key::parse(name)?).copied()
    }

    pub fn finish(self) -> Positions {
        Positions(self.map.into_iter().collect())
    }
}

fn key(name: &str) -> Key {
    Key::parse(name).unwrap_or_else(|| panic!("not a field name: {name}"))
}

/// Where each field of an entry was written; see the module header.
#[derive(Debug, Clone, Default)]
pub struct Positions(Box<[(Key, (u32, u32))]>);

impl Positions {
    /// The position recorded for exactly `name`.
    pub fn get(&self, name: &str) -> Option<(u32, u32)> {
        let k = Key::parse(name)?;
        self.0
            .binary_search_by(|(x, _)| x.cmp(&k))
            .ok()
            .map(|i| self.0[i].1)
    }
}

impl Key {
    /// The field name this key was made from (`sources[0].url`).
    fn name(&self) -> String {
        let mut out = FIELDS[usize::from(self.field)].to_owned();
        if self.index != NONE {
            out.push_str(&format!("[{}]", self.index));
        }
        if self.sub > 0 {
            out.push('.');
            out.push_str(SUBS[usize::from(self.sub) - 1]);
        }
        out
    }
}

/// Every recorded position with its field name, in no particular order.
impl<'a> IntoIterator for &'a Positions {
    type Item = (String, &'a (u32, u32));
    type IntoIter = Box<dyn Iterator<Item = Self::Item> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.0.iter().map(|(k, pos)| (k.name(), pos)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_inserted_by_number_are_found_by_name() {
        let mut by_name = PositionsBuilder::default();
        let mut by_number = PositionsBuilder::default();
        for (i, field) in ["causes", "faq", "sources", "tags"].into_iter().enumerate() {
            for index in [0, 1, 9, 10, 4_000] {
                let pos = (i as u32, index as u32);
                by_name.insert(&format!("{field}[{index}]"), pos);
                by_number.insert_item(field, index, None, pos);
                by_name.insert(&format!("{field}[{index}].a"), (pos.1, pos.0));
                by_number.insert_item(field, index, Some("a"), (pos.1, pos.0));
            }
        }
        let (a, b) = (by_name.finish(), by_number.finish());
        assert_eq!(a.0, b.0);
        assert_eq!(b.get("faq[10].a"), Some((10, 1)));
        assert_eq!(b.get("tags[4000]"), Some((3, 4_000)));
    }

    #[test]
    fn names_round_trip_and_others_are_absent() {
        let mut b = PositionsBuilder::default();
        b.insert("title", (1, 2));
        b.insert("causes[0]", (3, 4));
        b.insert("causes[12]", (5, 6));
        b.insert("sources[1].url", (7, 8));
        b.insert("faq[0].q", (9, 10));
        b.or_insert("causes", (11, 12));
        b.or_insert("causes", (13, 14));
        b.insert("title", (15, 16));
        // Line 0 is no position: nothing is recorded, nothing replaced.
        b.insert("summary", (0, 0));
        b.insert_item("tags", 0, None, (0, 0));
        b.or_insert("steps", (0, 0));
        b.insert("title", (0, 0));
        let p = b.finish();
        for unknown in ["summary", "tags[0]", "steps"] {
            assert_eq!(p.get(unknown), None, "{unknown}");
        }
        assert_eq!(p.get("title"), Some((15, 16)));
        assert_eq!(p.get("causes[0]"), Some((3, 4)));
        assert_eq!(p.get("causes[12]"), Some((5, 6)));
        assert_eq!(p.get("causes"), Some((11, 12)));
        assert_eq!(p.get("sources[1].url"), Some((7, 8)));
        assert_eq!(p.get("faq[0].q"), Some((9, 10)));
        let names: Vec<String> = (&p).into_iter().map(|(n, _)| n).collect();
        for n in &names {
            assert_eq!(Key::parse(n).map(|k| k.name()).as_deref(), Some(n.as_str()));
        }
        assert_eq!(names.len(), 6);
        for absent in [
            "causes[012]",
            "causes[1]",
            "causes[+1]",
            "causes[]",
            "causes[0",
            "sources[1]",
            "sources[1].title",
            "sources",
            "faq[0].a",
            "nothing",
            "",
            "title.",
            "titles",
        ] {
            assert_eq!(p.get(absent), None, "{absent}");
        }
    }
}
