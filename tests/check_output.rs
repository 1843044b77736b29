//! `kbgen check` on a site with several broken files: every problem of every
//! file comes out in one run, sorted by file and line, in the three formats;
//! `kbgen build` refuses the same site with the same errors and no warnings.
//!
//! The formats are compared with snapshots in `tests/fixtures/check-snapshots/`.
//! Run with `KBGEN_UPDATE_SNAPSHOTS=1` to rewrite them after a deliberate
//! change, then review the diff.

use std::path::PathBuf;

use crate::common::{self, TempSite, fixture, kbgen_pinned, text};
use serde_json::Value;

fn broken() -> PathBuf {
    fixture("broken-site")
}

/// `kbgen check` run from the broken site's folder, as a contributor (and CI) would.
fn check(format: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_kbgen"))
        .args(["check", "--format", format])
        .current_dir(broken())
        .env("KBGEN_TODAY", common::TODAY)
        .output()
        .unwrap()
}

fn snapshot(name: &str, actual: &str) {
    let path = fixture("check-snapshots").join(name);
    if std::env::var_os("KBGEN_UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} is missing; run with KBGEN_UPDATE_SNAPSHOTS=1",
            path.display()
        )
    });
    assert_eq!(actual, expected, "{name} differs from its snapshot");
}

#[test]
fn human_format_snapshot() {
    let out = check("human");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "the human format goes to stderr");
    snapshot("human.txt", &String::from_utf8(out.stderr).unwrap());
}

#[test]
fn json_format_snapshot_and_shape() {
    let out = check("json");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let top: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(top, ["errors", "warnings"]);
    for d in json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .chain(json["warnings"].as_array().unwrap())
    {
        // serde_json sorts keys; the snapshot keeps the printed order.
        let keys: Vec<&String> = d.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            ["column", "field", "file", "line", "message", "rule"],
            "{d}"
        );
    }
    // Not applicable is null, not missing.
    let slug = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "bad-slug")
        .unwrap();
    assert!(slug["line"].is_null() && slug["column"].is_null() && slug["field"].is_null());
    snapshot("json.json", &stdout);
}

#[test]
fn github_format_snapshot() {
    let out = check("github");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("::error file=content/git/push-rejected.md,line=6,col=10,title=kbgen(bad-date)::`updated` is `2026-02-30`, which is not a real date (field `updated`)\n"),
        "{stdout}"
    );
    snapshot("github.txt", &stdout);
}

#[test]
fn every_broken_file_is_reported_in_one_run_in_order() {
    let out = check("json");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let places: Vec<(String, u64)> = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let mut sorted = places.clone();
    sorted.sort();
    assert_eq!(places, sorted, "errors are sorted by file and line");
    let mut files: Vec<&str> = places.iter().map(|(f, _)| f.as_str()).collect();
    files.dedup();
    assert_eq!(
        files,
        [
            "content/git/Merge_Conflict.md",
            "content/git/not-a-repository.md",
            "content/git/push-rejected.md",
            "content/git/unclosed.md",
            "content/npm/_platform.yaml",
            "content/npm/install-failed.yaml",
        ]
    );
    let rules: Vec<&str> = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "bad-slug",
            "broken-link",
            "bad-date",
            "bad-tag",
            "front-matter",
            "unknown-category",
            "wrong-type"
        ]
    );
    let human = text(&check("human"));
    assert!(
        human.ends_with("7 errors, 7 warnings in 7 files\n"),
        "{human}"
    );
}

#[test]
fn build_refuses_with_the_same_errors_and_no_warnings() {
    let out = kbgen_pinned(&[
        "check",
        "--format",
        "json",
        "--root",
        broken().to_str().unwrap(),
    ]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let build = kbgen_pinned(&[
        "build",
        "--root",
        broken().to_str().unwrap(),
        "--output",
        dir.path().join("public").to_str().unwrap(),
    ]);
    let all = text(&build);
    assert_eq!(build.status.code(), Some(1), "{all}");
    assert!(!dir.path().join("public").exists(), "nothing is published");
    for d in json["errors"].as_array().unwrap() {
        let mut place = d["file"].as_str().unwrap().to_owned();
        if let (Some(l), Some(c)) = (d["line"].as_u64(), d["column"].as_u64()) {
            place = format!("{place}:{l}:{c}");
        }
        assert!(
            all.contains(&format!("error[{}]", d["rule"].as_str().unwrap())),
            "{all}"
        );
        assert!(all.contains(&format!("--> {place}")), "{place} in {all}");
    }
    assert!(
        !all.contains("warning["),
        "build reports errors only: {all}"
    );
    assert!(all.contains("7 errors, 0 warnings in 6 files"), "{all}");
}

#[test]
fn warnings_pass_unless_strict() {
    let s = TempSite::new();
    let root = s.root().to_str().unwrap();
    let out = kbgen_pinned(&["check", "--root", root]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("warning[no-sources]"));
    let strict = kbgen_pinned(&["check", "--strict", "--root", root]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(
        text(&strict).contains("error[no-sources]"),
        "{}",
        text(&strict)
    );
    let build = s.build();
    assert_eq!(
        build.status.code(),
        Some(0),
        "warnings never block a build: {}",
        text(&build)
    );
}

#[test]
fn a_bad_pinned_date_is_a_usage_error() {
    let s = TempSite::new();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kbgen"))
        .args(["check", "--root", s.root().to_str().unwrap()])
        .env("KBGEN_TODAY", "yesterday")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("KBGEN_TODAY must be a date"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_template_failing_only_on_a_rare_section_is_caught() {
    let s = TempSite::new();
    for i in 0..5 {
        s.write(
            &format!("content/git/plain-{i}.md"),
            &common::MIN_ENTRY.replace("error: something failed", &format!("error: plain {i}")),
        );
    }
    // Only one entry of six has an FAQ, and only that branch of the template is broken.
    s.write(
        "content/git/with-faq.md",
        &common::MIN_ENTRY
            .replace("updated:", "faq:\n  - q: Why?\n    a: Because.\nupdated:")
            .replace("error: something failed", "error: with faq"),
    );
    s.write(
        "templates/entry.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ entry.title }}</h1>\n{% if entry.faq %}\n<p>{{ entry.faq_count }}</p>\n{% endif %}\n{% endblock content %}\n",
    );
    let out = kbgen_pinned(&[
        "check",
        "--format",
        "json",
        "--root",
        s.root().to_str().unwrap(),
    ]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let templates: Vec<&Value> = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "template")
        .collect();
    assert_eq!(templates.len(), 1, "{json}");
    assert_eq!(templates[0]["file"], "templates/entry.html");
    assert_eq!(templates[0]["line"], 5);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn github_annotations_name_files_from_where_ci_runs() {
    let repo = tempfile::tempdir().unwrap();
    common::copy_tree(&broken(), &repo.path().join("docs/kb"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kbgen"))
        .args(["check", "--format", "github", "--root", "docs/kb"])
        .current_dir(repo.path())
        .env("KBGEN_TODAY", common::TODAY)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("::error file=docs/kb/content/git/push-rejected.md,line=6,col=10,"),
        "{stdout}"
    );
    assert!(!stdout.contains("file=content/"), "{stdout}");
}
