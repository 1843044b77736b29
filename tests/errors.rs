//! One test per class of loading error: each names the file and, where known,
//! the line and field; all of a run's errors come out together; and a failed
//! build never touches the previous output.

use crate::common::{MIN_ENTRY, TempSite, kbgen, snapshot_dir, text};

/// Builds and asserts exit code 1 with every `needles` in the output.
fn fails_with(site: &TempSite, needles: &[&str]) -> String {
    let out = site.build();
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    for n in needles {
        assert!(all.contains(n), "missing `{n}` in:\n{all}");
    }
    assert!(!all.contains("panicked"), "{all}");
    all
}

#[test]
fn unknown_field() {
    let s = TempSite::new();
    s.write(
        "content/git/an-error.md",
        &MIN_ENTRY.replace("updated:", "cuases: [x]\nupdated:"),
    );
    fails_with(
        &s,
        &[
            "error[unknown-field]",
            "cuases",
            "--> content/git/an-error.md:6:1 (field `cuases`)",
        ],
    );
}

#[test]
fn wrong_type() {
    let s = TempSite::new();
    s.write(
        "content/git/an-error.md",
        &MIN_ENTRY.replace("updated:", "causes: {a: b}\nupdated:"),
    );
    fails_with(
        &s,
        &[
            "error[wrong-type]",
            "content/git/an-error.md:6",
            "(field `causes`)",
        ],
    );
}

#[test]
fn missing_required_field() {
    let s = TempSite::new();
    s.write(
        "content/git/an-error.md",
        &MIN_ENTRY.replace("title: An error\n", ""),
    );
    fails_with(&s, &["error[required]", "title", "content/git/an-error.md"]);
}

#[test]
fn impossible_date() {
    let s = TempSite::new();
    s.write(
        "content/git/an-error.md",
        &MIN_ENTRY.replace("2026-01-02", "2026-02-30"),
    );
    fails_with(
        &s,
        &[
            "error[bad-date]",
            "not a real date",
            "content/git/an-error.md:6:10 (field `updated`)",
        ],
    );
}

#[test]
fn future_date() {
    let s = TempSite::new();
    s.write(
        "content/git/an-error.md",
        &MIN_ENTRY.replace("2026-01-02", "2999-01-01"),
    );
    fails_with(
        &s,
        &[
            "error[future-date]",
            "in the future",
            "content/git/an-error.md:6:10 (field `updated`)",
        ],
    );
}

#[test]
fn bad_slug_in_file_and_folder_names() {
    let s = TempSite::new();
    s.write("content/git/Bad_Name.md", MIN_ENTRY);
    s.write(
        "content/My Platform/_platform.yaml",
        "name: X\ncategory: tools\n",
    );
    fails_with(
        &s,
        &[
            "error[bad-slug]",
            "content/git/Bad_Name.md",
            "content/My Platform",
        ],
    );
}

#[test]
fn unknown_category() {
    let s = TempSite::new();
    s.write("content/git/_platform.yaml", "name: Git\ncategory: nope\n");
    fails_with(
        &s,
        &[
            "error[unknown-category]",
            "content/git/_platform.yaml:2:11 (field `category`)",
            "known: tools",
        ],
    );
}

#[test]
fn missing_platform_file() {
    let s = TempSite::new();
    s.write("content/npm/x.md", MIN_ENTRY);
    fails_with(
        &s,
        &["error[missing-platform]", "content/npm/_platform.yaml"],
    );
}

#[test]
fn duplicate_ids() {
    let s = TempSite::new();
    s.write(
        "content/git/an-error.yaml",
        "title: X\nsummary: Y\nsignatures: [z]\nupdated: 2026-01-01\n",
    );
    fails_with(
        &s,
        &[
            "error[duplicate-id]",
            "content/git/an-error.md",
            "content/git/an-error.yaml",
        ],
    );
}

#[test]
fn dangling_related() {
    let s = TempSite::new();
    s.write(
        "content/git/an-error.md",
        &MIN_ENTRY.replace("updated:", "related: [git/nope]\nupdated:"),
    );
    fails_with(
        &s,
        &[
            "error[dangling-related]",
            "git/nope",
            "content/git/an-error.md:6:11 (field `related[0]`)",
        ],
    );
}

#[test]
fn bad_config() {
    let s = TempSite::new();
    s.write(
        "kbgen.yaml",
        "title: T\nbase_url: ftp://x\ncategories: {}\nbogus: 1\n",
    );
    fails_with(&s, &["error[unknown-field]", "kbgen.yaml:4", "bogus"]);
    s.write(
        "kbgen.yaml",
        "title: T\nbase_url: ftp://x\ncategories: {}\n",
    );
    fails_with(
        &s,
        &[
            "error[bad-url]",
            "kbgen.yaml:2:11 (field `base_url`)",
            "error[required]",
            "categories",
        ],
    );
}

#[test]
fn bom_and_crlf_are_accepted() {
    let s = TempSite::new();
    let text = format!("\u{feff}{}", MIN_ENTRY.replace('\n', "\r\n"));
    s.write("content/git/an-error.md", &text);
    s.write(
        "content/git/_platform.yaml",
        "\u{feff}name: Git\r\ncategory: tools\r\n",
    );
    let out = s.build();
    assert!(out.status.success(), "{}", text_of(&out));
}

fn text_of(out: &std::process::Output) -> String {
    text(out)
}

#[test]
fn every_error_of_a_run_is_reported_sorted() {
    let s = TempSite::new();
    s.write(
        "content/git/b.md",
        &MIN_ENTRY.replace("2026-01-02", "2999-01-01"),
    );
    s.write(
        "content/git/a.md",
        &MIN_ENTRY.replace("title: An error\n", "title: A\nnope: 1\n"),
    );
    s.write("content/git/c.yaml", "- a list\n");
    s.write("content/npm/x.md", MIN_ENTRY);
    let all = fails_with(
        &s,
        &[
            "content/git/a.md:3",
            "content/git/b.md:6",
            "content/git/c.yaml",
            "content/npm/_platform.yaml",
            "4 errors",
        ],
    );
    let a = all.find("content/git/a.md").unwrap();
    let b = all.find("content/git/b.md").unwrap();
    let c = all.find("content/git/c.yaml").unwrap();
    assert!(a < b && b < c, "sorted by file:\n{all}");
}

#[test]
fn a_failed_build_leaves_the_old_output_untouched() {
    let s = TempSite::new();
    assert!(s.build().status.success());
    let out = s.root().join("public");
    let before = snapshot_dir(&out);
    assert!(before.contains_key("git/an-error/index.html"));

    s.write(
        "content/git/an-error.md",
        &MIN_ENTRY.replace("title: An error", "title: Changed"),
    );
    s.write("content/git/broken.md", "---\ntitle: [unclosed\n---\n");
    let r = s.build();
    assert_eq!(r.status.code(), Some(1));
    assert_eq!(
        snapshot_dir(&out),
        before,
        "output changed after a failed build"
    );
    assert!(
        !s.root().join(".public.kbgen-tmp").exists(),
        "staging folder left behind"
    );

    s.remove("content/git/broken.md");
    assert!(s.build().status.success());
    let after = std::fs::read_to_string(out.join("git/an-error/index.html")).unwrap();
    assert!(after.contains("Changed"));
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_write() {
    let s = TempSite::new();
    s.write("public/precious.txt", "keep me");
    let r = s.build();
    assert_eq!(r.status.code(), Some(1));
    assert!(text(&r).contains("--force"), "{}", text(&r));
    assert_eq!(
        std::fs::read_to_string(s.root().join("public/precious.txt")).unwrap(),
        "keep me"
    );

    let root = s.root().to_str().unwrap().to_owned();
    let forced = kbgen(&["build", "--root", &root, "--force"]);
    assert!(forced.status.success(), "{}", text(&forced));
    assert!(!s.root().join("public/precious.txt").exists());
    assert!(s.root().join("public/.kbgen-output").is_file());

    let into_root = kbgen(&["build", "--root", &root, "--output", &root, "--force"]);
    assert_eq!(
        into_root.status.code(),
        Some(1),
        "never replace the site itself"
    );
    assert!(s.root().join("kbgen.yaml").is_file());
}

#[test]
fn hostile_files_never_panic() {
    let s = TempSite::new();
    s.write_bytes("content/git/nul.md", b"---\ntitle: a\0b\n---\n");
    s.write_bytes("content/git/latin1.md", b"---\ntitle: caf\xe9\n---\n");
    s.write("content/git/empty.md", "");
    s.write("content/git/unclosed.md", "---\ntitle: x\n");
    s.write("content/git/list.md", "---\n- a\n- b\n---\n");
    s.write("content/git/scalar.yaml", "just a string\n");
    s.write(
        "content/git/tabs.yaml",
        "title: x\nsources:\n\t- title: y\n",
    );
    fails_with(
        &s,
        &[
            "content/git/nul.md:2:9",
            "NUL byte",
            "content/git/latin1.md:2:11",
            "not valid UTF-8",
            "content/git/empty.md",
            "content/git/unclosed.md",
            "never closed",
            "content/git/list.md:2:1",
            "front matter must be a mapping",
            "content/git/scalar.yaml:1:1",
            "a YAML entry must be a mapping",
            "content/git/tabs.yaml",
        ],
    );
}
