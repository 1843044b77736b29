//! Fuzzes the record parser: decoding, front-matter split, bounded YAML and
//! validation, for both record forms and for `kbgen.yaml`, then the prose and
//! link scanners of `kbgen check` over every entry that parsed. The invariants
//! live in `tests/fuzz_invariants/`, shared with the regression test that
//! replays this target's corpus and crash inputs under `cargo test`.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/fuzz_invariants/mod.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    invariants::check_record(data);
});
