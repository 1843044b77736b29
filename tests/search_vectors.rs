//! The shared search vectors: the same JSON files drive `tests/js/search.test.mjs`.
//!
//! - `search/normalize.json`: text -> tokens.
//! - `search/vectors.json`: query -> the entry that must rank first, over `search/fixture.json`.
//! - `search/expected.json`: the ordered top results with scores, which the browser must equal.
//! - `search/fixture-index/`: the static index of the fixture, which the node tests search.
//!
//! Run with `KBGEN_UPDATE_SEARCH=1` to rewrite the last two after a deliberate change.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use kbgen::search::{Doc, Index, static_files, tokens};
use serde_json::{Value, json};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/search")
}

fn read(name: &str) -> Value {
    let path = dir().join(name);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fixture() -> Vec<Doc> {
    serde_json::from_value(read("fixture.json")).expect("fixture.json holds docs")
}

fn updating() -> bool {
    std::env::var_os("KBGEN_UPDATE_SEARCH").is_some()
}

#[test]
fn normalisation_vectors() {
    let mut failures = Vec::new();
    for case in read("normalize.json").as_array().expect("array") {
        let input = case["input"].as_str().expect("input");
        let want: Vec<&str> = case["tokens"]
            .as_array()
            .expect("tokens")
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        let got = tokens(input);
        if got != want {
            failures.push(format!("{input:?}\n  want {want:?}\n  got  {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn query_vectors_rank_the_right_entry_first() {
    let docs = fixture();
    let index = Index::new(&docs);
    let mut by_kind: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut expected = Vec::new();
    for v in read("vectors.json").as_array().expect("array") {
        let (query, expect, kind) = (
            v["query"].as_str().unwrap(),
            v["expect"].as_str().unwrap(),
            v["kind"].as_str().unwrap(),
        );
        let hits = index.lookup(query, 5);
        assert_eq!(
            Index::for_query(&docs, query).lookup(query, 5),
            hits,
            "the index built for one query ranks {query:?} as the whole index does"
        );
        let first = hits.first().map(|h| docs[h.doc].id.as_str());
        let e = by_kind.entry(kind.to_string()).or_default();
        e.1 += 1;
        if first == Some(expect) {
            e.0 += 1;
        } else {
            let got: Vec<String> = hits
                .iter()
                .map(|h| format!("{} {:.4}", docs[h.doc].id, h.score))
                .collect();
            failures.push(format!(
                "[{kind}] {query:?}\n  want {expect}\n  got  {got:?}"
            ));
        }
        let top: Vec<Value> = hits
            .iter()
            .map(|h| json!([docs[h.doc].id, h.score, h.signature]))
            .collect();
        expected.push(json!({"query": query, "top": top}));
    }
    let summary: Vec<String> = by_kind
        .iter()
        .map(|(k, (ok, n))| format!("{k} {ok}/{n}"))
        .collect();
    eprintln!("recall@1: {}", summary.join(", "));
    let path = dir().join("expected.json");
    let text = serde_json::to_string_pretty(&Value::Array(expected)).unwrap() + "\n";
    if updating() {
        fs::write(&path, &text).unwrap();
    } else {
        let old = fs::read_to_string(&path).unwrap_or_default();
        assert!(
            old == text,
            "{} is stale: rerun with KBGEN_UPDATE_SEARCH=1 and review the diff",
            path.display()
        );
    }
    assert!(
        failures.is_empty(),
        "{} of the vectors failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn fixture_index_is_current() {
    let files = static_files(&fixture());
    assert_eq!(
        files,
        static_files(&fixture()),
        "static_files is deterministic"
    );
    let root = dir().join("fixture-index");
    if updating() {
        let _ = fs::remove_dir_all(&root);
        for (path, bytes) in &files {
            let p = root.join(path);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, bytes).unwrap();
        }
    }
    for (path, bytes) in &files {
        let on_disk = fs::read(root.join(path)).unwrap_or_default();
        assert!(
            &on_disk == bytes,
            "{path} is stale: rerun with KBGEN_UPDATE_SEARCH=1"
        );
    }
}
