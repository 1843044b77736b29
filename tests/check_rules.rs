//! One fixture site per rule of `kbgen check`, under `tests/fixtures/invalid/<rule>/`.
//!
//! Each holds `expected.json`: the exit code without and with `--strict`, and
//! every diagnostic the check must print (file, line, column, field, rule,
//! severity exactly, and a piece of the message). Nothing else may be reported,
//! so each fixture also proves that the rest of its site is clean. A fixture may
//! ask for a large file to be written at test time instead of being stored.

use std::path::Path;

use crate::common::{copy_tree, fixture, kbgen_pinned, text};
use serde_json::Value;

/// Every rule `kbgen check` can report; each must have a fixture.
const RULES: &[&str] = &[
    "missing-config",
    "missing-content",
    "misplaced-file",
    "bad-slug",
    "missing-platform",
    "bad-extension",
    "io",
    "outside-site",
    "not-a-file",
    "control-character",
    "reserved-path",
    "template-budget",
    "stray-file",
    "file-too-large",
    "empty-file",
    "encoding",
    "front-matter",
    "yaml-syntax",
    "yaml-limit",
    "unknown-field",
    "required",
    "wrong-type",
    "bad-date",
    "future-date",
    "bad-tag",
    "bad-url",
    "bad-related",
    "bad-alias",
    "duplicate-id",
    "unknown-category",
    "dangling-related",
    "broken-link",
    "broken-anchor",
    "template",
    "no-sources",
    "no-causes",
    "no-fixes",
    "placeholder",
    "repeated-text",
    "duplicate-signature",
    "summary-length",
    "stale",
    "empty-platform",
    "duplicate-heading",
];

fn invalid() -> std::path::PathBuf {
    fixture("invalid")
}

/// Copies the fixture into a temp folder and writes the files it asks for.
fn prepare(name: &str, expected: &Value) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&invalid().join(name), dir.path());
    std::fs::remove_file(dir.path().join("expected.json")).unwrap();
    for fifo in expected["fifos"].as_array().into_iter().flatten() {
        let path = dir.path().join(fifo.as_str().unwrap());
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap();
        assert!(made.success(), "mkfifo {}", path.display());
    }
    for g in expected["generate"].as_array().into_iter().flatten() {
        let mut bytes = g["text"].as_str().unwrap().as_bytes().to_vec();
        let size = g["pad_to_bytes"].as_u64().unwrap() as usize;
        bytes.resize(size, b'x');
        std::fs::write(dir.path().join(g["path"].as_str().unwrap()), bytes).unwrap();
    }
    dir
}

fn run_check(root: &Path, strict: bool) -> std::process::Output {
    let mut args = vec![
        "check",
        "--format",
        "json",
        "--root",
        root.to_str().unwrap(),
    ];
    if strict {
        args.push("--strict");
    }
    kbgen_pinned(&args)
}

/// The diagnostics of a JSON report, each tagged with its severity.
fn diagnostics(out: &std::process::Output) -> Vec<Value> {
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", text(out)));
    let mut all = Vec::new();
    for severity in ["errors", "warnings"] {
        for d in json[severity].as_array().unwrap() {
            let mut d = d.clone();
            d["severity"] = Value::from(severity.trim_end_matches('s'));
            all.push(d);
        }
    }
    all.sort_by_key(|d| {
        (
            d["file"].as_str().unwrap().to_owned(),
            d["line"].as_u64(),
            d["column"].as_u64(),
        )
    });
    all
}

fn check_fixture(name: &str) {
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(invalid().join(name).join("expected.json")).unwrap(),
    )
    .unwrap();
    let site = prepare(name, &expected);
    let out = run_check(site.path(), false);
    let all = text(&out);
    assert!(!all.contains("panicked"), "{name}: {all}");
    assert_eq!(
        out.status.code(),
        expected["exit"].as_i64().map(|c| c as i32),
        "{name}: exit code\n{all}"
    );
    let got = diagnostics(&out);
    let want = expected["diagnostics"].as_array().unwrap();
    assert_eq!(got.len(), want.len(), "{name}: diagnostics\n{all}");
    for (g, w) in got.iter().zip(want) {
        for key in ["severity", "file", "line", "column", "field", "rule"] {
            assert_eq!(g[key], w[key], "{name}: `{key}` of {g}");
        }
        let message = g["message"].as_str().unwrap();
        let part = w["message"].as_str().unwrap();
        assert!(
            message.contains(part),
            "{name}: message `{message}` lacks `{part}`"
        );
    }
    assert!(
        got.iter().any(|d| d["rule"] == name),
        "{name}: the fixture must report its own rule"
    );
    let strict = run_check(site.path(), true);
    assert_eq!(
        strict.status.code(),
        expected["strict_exit"].as_i64().map(|c| c as i32),
        "{name}: exit code with --strict\n{}",
        text(&strict)
    );
}

#[test]
fn every_rule_has_a_fixture_and_every_fixture_a_rule() {
    let mut dirs: Vec<String> = std::fs::read_dir(invalid())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    let mut rules: Vec<String> = RULES.iter().map(|r| (*r).to_owned()).collect();
    rules.sort();
    assert_eq!(dirs, rules);
}

#[test]
fn each_rule_reports_exactly_its_diagnostics() {
    let failures: Vec<String> = RULES
        .iter()
        .filter_map(|rule| {
            std::panic::catch_unwind(|| check_fixture(rule))
                .err()
                .map(|e| {
                    e.downcast_ref::<String>()
                        .cloned()
                        .unwrap_or_else(|| format!("{rule}: failed"))
                })
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_readme_rule_table_lists_every_rule_with_its_severity() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme
        .split("## Checking entries")
        .nth(1)
        .expect("README section");
    let rows: Vec<(String, String)> = section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells[1].trim_matches('`').to_owned(), cells[2].to_owned())
        })
        .collect();
    let ids: Vec<&str> = rows.iter().map(|(id, _)| id.as_str()).collect();
    let mut sorted_ids = ids.clone();
    sorted_ids.sort();
    let mut rules = RULES.to_vec();
    rules.sort();
    assert_eq!(sorted_ids, rules, "README rule table");
    for (id, severity) in &rows {
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(invalid().join(id).join("expected.json")).unwrap(),
        )
        .unwrap();
        let fixture_severity = expected["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["rule"] == id.as_str())
            .unwrap()["severity"]
            .clone();
        assert_eq!(fixture_severity, severity.as_str(), "{id}");
    }
}
