//! What must hold for any input to the record parser, shared by the cargo-fuzz
//! target (`fuzz/fuzz_targets/parse_record.rs`) and the regression test that
//! replays its corpus and crash inputs (`tests/fuzz_regressions.rs`).
//!
//! The first byte picks the form (`.md` entry, `.yaml` entry, `kbgen.yaml`),
//! the rest is the file. Parsing returns Ok or diagnostics that name the file,
//! every line it reports is a line of the file, and the prose and link scanners
//! of `kbgen check` map every finding back to a line of the file too.

use kbgen::locate::Locator;

/// What the input turned into, for the regression test to tell apart.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Parsed,
    Refused(Vec<&'static str>),
    NotRun,
}

/// Runs one input through the parser and asserts the invariants; panics on a violation.
pub fn check_record(data: &[u8]) -> Outcome {
    let Some((&selector, bytes)) = data.split_first() else {
        return Outcome::NotRun;
    };
    let today = jiff::civil::Date::constant(2026, 11, 29);
    let lines = match kbgen::entry::decode(bytes, "f") {
        Ok(text) => text.split('\n').count() as u32,
        Err(_) => u32::MAX,
    };
    let in_file = |line: u32| line >= 1 && line <= lines;
    if selector % 3 == 2 {
        let Ok(text) = kbgen::entry::decode(bytes, "kbgen.yaml") else {
            return Outcome::NotRun;
        };
        let mut diags = Vec::new();
        return match kbgen::config::Config::parse(&text, &mut diags) {
            Some(_) => Outcome::Parsed,
            None => {
                assert!(!diags.is_empty(), "a refused kbgen.yaml says why");
                Outcome::Refused(diags.iter().map(|d| d.rule).collect())
            }
        };
    }
    let file = if selector % 3 == 0 {
        "content/p/s.md"
    } else {
        "content/p/s.yaml"
    };
    match kbgen::entry::parse(bytes, file, "p", "s", today) {
        Ok(entry) => {
            assert_eq!(entry.id, "p/s");
            for (field, (line, _)) in &entry.positions {
                assert!(in_file(*line), "{field} at line {line} of {lines}");
            }
            let text = kbgen::entry::decode(bytes, file).expect("parsed, so it decodes");
            let mut locator = Locator::with_texts([(file, text.as_str())]);
            for field in kbgen::prose::markdown_fields(&entry) {
                let mut offsets: Vec<usize> = Vec::new();
                offsets.extend(kbgen::links::link_dests(field.text).iter().map(|l| l.1));
                offsets.extend(kbgen::prose::sentences(field.text).iter().map(|s| s.offset));
                offsets.extend(kbgen::prose::placeholders(field.text).iter().map(|p| p.1));
                offsets.extend(kbgen::prose::headings(field.text).iter().map(|h| h.offset));
                for offset in offsets {
                    assert!(offset <= field.text.len(), "{} offset {offset}", field.name);
                    let place = field.place(offset);
                    if let Some((line, col)) = locator.resolve(file, &place) {
                        assert!(in_file(line) && col >= 1, "{} at {line}:{col}", field.name);
                    }
                }
            }
            Outcome::Parsed
        }
        Err(diags) => {
            assert!(!diags.is_empty(), "a refused record says why");
            for d in &diags {
                assert_eq!(d.file, file);
                assert!(!d.message.is_empty());
                if let Some(line) = d.line {
                    assert!(in_file(line), "{} at line {line} of {lines}", d.rule);
                }
            }
            Outcome::Refused(diags.iter().map(|d| d.rule).collect())
        }
    }
}
