//! The layout of `src/` stays as ARCHITECTURE.md draws it: each stage folder imports only
//! from the stages below it, no file is over 600 lines and no function over 80.

use std::collections::BTreeMap;
use std::path::Path;

/// The stages, lowest first; a module may use only its own stage and those before it.
const STAGES: [&str; 11] = [
    "util",
    "diagnostic",
    "model",
    "load",
    "output",
    "render",
    "check",
    "search",
    "site",
    "serve",
    "cli",
];

fn sources() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(&src).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "rs") {
            let rel = entry.path().strip_prefix(&src).unwrap();
            out.push((
                rel.to_string_lossy().replace('\\', "/"),
                std::fs::read_to_string(entry.path()).unwrap(),
            ));
        }
    }
    out
}

/// The stage of a file: its first folder, or its name for `site.rs` and `serve.rs`.
fn stage_of(rel: &str) -> Option<usize> {
    let first = rel.split('/').next()?.trim_end_matches(".rs");
    STAGES.iter().position(|s| *s == first)
}

/// The stages named by `crate::<stage>` paths in `text`, comments and doc links included
/// (a doc link is a use too).
fn stages_used(text: &str) -> Vec<usize> {
    let mut used = Vec::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if let Some(stage) = STAGES.iter().position(|s| *s == name) {
            used.push(stage);
        }
    }
    used
}

#[test]
fn imports_run_down_the_stages() {
    let mut upward: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (rel, text) in sources() {
        let Some(own) = stage_of(&rel) else {
            continue;
        };
        for used in stages_used(&text) {
            if used > own {
                upward.entry(rel.clone()).or_default().push(STAGES[used]);
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports that run up the stages (ARCHITECTURE.md): {upward:?}"
    );
}

#[test]
fn no_file_over_600_lines_and_no_function_over_80() {
    let mut long = Vec::new();
    for (rel, text) in sources() {
        let lines: Vec<&str> = text.lines().collect();
        if lines.len() > 600 {
            long.push(format!("{rel}: {} lines", lines.len()));
        }
        let mut i = 0;
        while i < lines.len() {
            let line = lines[i];
            let body = line.trim_start();
            let indent = line.len() - body.len();
            let is_fn = [
                "fn ",
                "pub fn ",
                "pub(crate) fn ",
                "async fn ",
                "pub async fn ",
            ]
            .iter()
            .any(|p| body.starts_with(p))
                && !line.trim_end().ends_with(';');
            if is_fn {
                let close = format!("{}}}", " ".repeat(indent));
                let end = (i + 1..lines.len())
                    .find(|&j| lines[j].trim_end() == close)
                    .unwrap_or(i);
                if end + 1 - i > 80 {
                    long.push(format!(
                        "{rel}:{}: a function of {} lines",
                        i + 1,
                        end + 1 - i
                    ));
                }
                i = end;
            }
            i += 1;
        }
    }
    assert!(long.is_empty(), "too long: {long:#?}");
}
