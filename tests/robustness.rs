//! Hostile and broken files never panic or hang `kbgen check`: each gets one
//! clear error naming the file. Every case runs the real binary under a
//! watchdog; a run that outlives it is a hang and fails the test (the speed
//! itself is measured outside the tests, see the README).

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{self, MIN_ENTRY, TODAY, TempSite};
use serde_json::Value;

/// Far above the few milliseconds each case takes: only a hang reaches it.
const WATCHDOG: Duration = Duration::from_secs(60);

/// Runs `kbgen check --format json` on `site` and returns the parsed report.
fn check_json(site: &TempSite) -> (Option<i32>, Value, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kbgen"))
        .args([
            "check",
            "--format",
            "json",
            "--root",
            site.root().to_str().unwrap(),
        ])
        .env("KBGEN_TODAY", TODAY)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > WATCHDOG {
            child.kill().unwrap();
            panic!("kbgen check hung for over {WATCHDOG:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    child.stdout.unwrap().read_to_string(&mut stdout).unwrap();
    child.stderr.unwrap().read_to_string(&mut stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    (status.code(), json, stderr)
}

/// Writes `bytes` at `rel` in a fresh site (beside a valid entry) and asserts
/// the one error: its rule, its file, and a piece of its message.
fn one_error(rel: &str, bytes: &[u8], rule: &str, message: &str) -> Value {
    let site = TempSite::new();
    site.write_bytes(rel, bytes);
    let (code, json, stderr) = check_json(&site);
    assert_eq!(code, Some(1), "{json}{stderr}");
    let errors = json["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{rel}: {json}");
    let d = &errors[0];
    assert_eq!(d["file"], rel, "{d}");
    assert_eq!(d["rule"], rule, "{rel}: {d}");
    assert!(
        d["message"].as_str().unwrap().contains(message),
        "{rel}: {d}"
    );
    d.clone()
}

const BAD: &str = "content/git/bad.md";

fn front(yaml: &str) -> Vec<u8> {
    format!("---\n{yaml}\n---\n\nBody.\n").into_bytes()
}

#[test]
fn alias_bomb() {
    let mut yaml = String::from(
        "title: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (i, key) in [
        "summary",
        "signatures",
        "tags",
        "causes",
        "fixes",
        "checks",
        "steps",
        "prevention",
    ]
    .iter()
    .enumerate()
    {
        let prev = if i == 0 {
            'a'
        } else {
            (b'a' + i as u8) as char
        };
        let this = (b'b' + i as u8) as char;
        let refs = vec![format!("*{prev}"); 9].join(",");
        yaml.push_str(&format!("{key}: &{this} [{refs}]\n"));
    }
    let d = one_error(BAD, &front(&yaml), "wrong-type", "expected text here");
    assert_eq!(d["line"], 2);
    // The same bomb where any value is accepted stops at the alias budget.
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 10]
            .join(", ")
            .replace("*a0", "*a");
        bomb.push_str(&format!("l{i}: &a{i} [{refs}]\n"));
    }
    let site = TempSite::new();
    site.write("kbgen.yaml", &format!("{}{bomb}", common::MIN_CONFIG));
    let (code, json, _) = check_json(&site);
    assert_eq!(code, Some(1));
    assert_eq!(json["errors"][0]["file"], "kbgen.yaml", "{json}");
}

#[test]
fn nesting_ten_thousand_levels_deep() {
    let flow = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    one_error(
        BAD,
        &front(&format!("tags: {flow}")),
        "yaml-limit",
        "nested too deeply",
    );
    one_error(BAD, &front(&flow), "yaml-limit", "nested too deeply");
    let maps = format!("{}{}", "{a: ".repeat(10_000), "}".repeat(10_000));
    one_error(
        BAD,
        &front(&format!("title: x\nsummary: {maps}")),
        "wrong-type",
        "expected text here",
    );
    let seq = "- ".repeat(10_000);
    one_error(
        BAD,
        &front(&format!("causes:\n  {seq}x")),
        "wrong-type",
        "expected text here",
    );
    // Block mappings, one space deeper per level, as deep as 4 MB allows.
    let mut block = String::from("title: x\nsummary: y\ncauses:\n");
    for i in 1..2_800 {
        block.push_str(&" ".repeat(i));
        block.push_str("a:\n");
    }
    one_error(BAD, &front(&block), "wrong-type", "expected a list");
}

#[test]
fn fifty_megabytes() {
    let mut bytes = b"---\ntitle: x\n---\n".to_vec();
    bytes.resize(50 * 1024 * 1024, b'x');
    one_error(BAD, &bytes, "file-too-large", "at most 4194304 bytes");
    one_error("content/git/_platform.yaml", &bytes, "file-too-large", "");
}

#[test]
fn bad_bytes() {
    let d = one_error(
        BAD,
        b"---\ntitle: caf\xe9\n---\n",
        "encoding",
        "not valid UTF-8",
    );
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(2), Some(11))
    );
    let d = one_error(BAD, b"---\ntitle: a\x00b\n---\n", "encoding", "NUL byte");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(2), Some(9))
    );
    one_error(BAD, b"", "empty-file", "empty");
    one_error("content/git/bad.yaml", b"\n  \n", "empty-file", "empty");
}

#[test]
fn front_matter_of_the_wrong_shape() {
    one_error(
        BAD,
        b"---\n- a\n- b\n---\nBody\n",
        "wrong-type",
        "not a list or a single value",
    );
    one_error(
        BAD,
        b"---\njust a sentence\n---\nBody\n",
        "wrong-type",
        "not a list or a single value",
    );
    one_error(
        "content/git/bad.yaml",
        b"- a\n- b\n",
        "wrong-type",
        "not a list or a single value",
    );
    let d = one_error(
        BAD,
        b"---\ntitle: x\nsummary: y\n",
        "front-matter",
        "never closed",
    );
    assert_eq!(d["line"], 1);
    one_error(
        BAD,
        b"no front matter\n",
        "front-matter",
        "must start with a `---` line",
    );
    one_error(BAD, b"---\n---\nBody\n", "required", "has no fields");
    one_error(
        BAD,
        b"---\n# only a comment\n---\nBody\n",
        "required",
        "has no fields",
    );
}

#[test]
fn tabs_in_indentation() {
    let entry = MIN_ENTRY.replace(
        "  - 'error: something failed'",
        "\t- 'error: something failed'",
    );
    let d = one_error(
        BAD,
        entry.as_bytes(),
        "yaml-syntax",
        "a tab indents this line",
    );
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(5), Some(1))
    );
    let entry = MIN_ENTRY.replace(
        "signatures:\n  - 'error: something failed'",
        "signatures:\n  - 'error: something failed'\n\t- 'second'",
    );
    let d = one_error(
        BAD,
        entry.as_bytes(),
        "yaml-syntax",
        "a tab indents this line",
    );
    assert_eq!(d["line"], 6);
}

#[test]
fn lone_carriage_returns_count_as_line_breaks() {
    // YAML reads a lone CR as a line break; so must every line number kbgen prints.
    let entry = MIN_ENTRY
        .replace('\n', "\r")
        .replace("2026-01-02", "2026-02-30");
    let d = one_error(BAD, entry.as_bytes(), "bad-date", "not a real date");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(6), Some(10))
    );
}
