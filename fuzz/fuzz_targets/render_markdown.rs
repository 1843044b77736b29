//! Fuzzes the Markdown renderer, whose input is any Markdown field of an entry
//! sent by pull request: the HTML it writes (block and inline, at the site root
//! and under a base path) must pass the hostile-HTML scan that `kbgen check`'s
//! tests run over whole sites, and must be the same on every run. The invariants
//! live in `tests/fuzz_invariants/`, shared with the regression test that replays
//! this target's corpus and crash inputs under `cargo test`.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/fuzz_invariants/mod.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    invariants::check_markdown(data);
});
