//! Replays each fuzz target's minimized corpus and every crash input it found
//! through the same invariants the fuzzer checks, so a fixed crash stays fixed:
//! `parse_record` from `tests/fixtures/fuzz-corpus/` and `fuzz-crashes/`,
//! `render_markdown` from `tests/fixtures/fuzz-corpus-markdown/` and
//! `fuzz-crashes-markdown/`.

use crate::fuzz_invariants::{Outcome, check_markdown, check_record};

fn inputs(dir: &str) -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir);
    let mut all: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    all.sort();
    all
}

#[test]
fn the_corpus_keeps_its_invariants() {
    let corpus = inputs("fuzz-corpus");
    assert!(corpus.len() > 100, "the corpus is there");
    let mut parsed = 0;
    let mut refused = 0;
    for (name, data) in &corpus {
        match std::panic::catch_unwind(|| check_record(data)) {
            Ok(Outcome::Parsed) => parsed += 1,
            Ok(Outcome::Refused(_)) => refused += 1,
            Ok(Outcome::NotRun) => {}
            Err(_) => panic!("corpus input {name} broke an invariant"),
        }
    }
    // A corpus that only ever fails to parse would not exercise validation.
    assert!(
        parsed > 10 && refused > 10,
        "parsed {parsed}, refused {refused}"
    );
}

#[test]
fn fixed_crashes_stay_fixed() {
    for (name, data) in inputs("fuzz-crashes") {
        let outcome = std::panic::catch_unwind(|| check_record(&data))
            .unwrap_or_else(|_| panic!("crash input {name} broke an invariant again"));
        if name == "lone-carriage-returns" {
            // Lone CRs are line breaks: the entry parses, positions within the file.
            assert_eq!(outcome, Outcome::Parsed, "{name}");
        }
    }
}

#[test]
fn the_markdown_corpus_keeps_its_invariants() {
    let corpus = inputs("fuzz-corpus-markdown");
    assert!(corpus.len() > 100, "the corpus is there");
    for (name, data) in &corpus {
        if std::panic::catch_unwind(|| check_markdown(data)).is_err() {
            panic!("corpus input {name} broke an invariant");
        }
    }
}

#[test]
fn fixed_markdown_crashes_stay_fixed() {
    for (name, data) in inputs("fuzz-crashes-markdown") {
        if std::panic::catch_unwind(|| check_markdown(&data)).is_err() {
            panic!("crash input {name} broke an invariant again");
        }
    }
}
