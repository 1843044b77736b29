//! Fuzzes the record parser: decoding, front-matter split, bounded YAML and
//! validation, for both record forms and for `kbgen.yaml`; then the prose and
//! link scanners that `kbgen check` runs over every parsed entry, and the
//! mapping of their findings back to lines of the file.
//!
//! The first byte of the input picks the form, the rest is the file. Whatever
//! the bytes, parsing must return Ok or a list of diagnostics that name the
//! file, never panic, hang or exhaust memory, and every line it reports must be
//! a line of the file.

#![no_main]

use kbgen::locate::Locator;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let today = jiff::civil::Date::constant(2026, 11, 29);
    let lines = match kbgen::entry::decode(bytes, "f") {
        Ok(text) => text.split('\n').count() as u32,
        Err(_) => u32::MAX,
    };
    let in_file = |line: u32| line >= 1 && line <= lines;
    match selector % 3 {
        0 | 1 => {
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
                    let text = kbgen::entry::decode(bytes, file).unwrap();
                    let mut locator = Locator::with_texts([(file, text.as_str())]);
                    for field in kbgen::prose::markdown_fields(&entry) {
                        let mut offsets: Vec<usize> = Vec::new();
                        offsets.extend(kbgen::links::link_dests(field.text).iter().map(|l| l.1));
                        offsets.extend(kbgen::prose::sentences(field.text).iter().map(|s| s.offset));
                        offsets.extend(kbgen::prose::placeholders(field.text).iter().map(|p| p.1));
                        offsets.extend(kbgen::prose::headings(field.text).iter().map(|h| h.offset));
                        for offset in offsets {
                            assert!(offset <= field.text.len());
                            let place = field.place(offset);
                            if let Some((line, col)) = locator.resolve(file, &place) {
                                assert!(in_file(line) && col >= 1, "{} at {line}:{col}", field.name);
                            }
                        }
                    }
                }
                Err(diags) => {
                    assert!(!diags.is_empty());
                    for d in &diags {
                        assert_eq!(d.file, file);
                        assert!(!d.message.is_empty());
                        if let Some(line) = d.line {
                            assert!(in_file(line), "{} at line {line} of {lines}", d.rule);
                        }
                    }
                }
            }
        }
        _ => {
            if let Ok(text) = kbgen::entry::decode(bytes, "kbgen.yaml") {
                let mut diags = Vec::new();
                let config = kbgen::config::Config::parse(&text, &mut diags);
                assert!(config.is_some() || !diags.is_empty());
            }
        }
    }
});
