//! `kbgen init` and `kbgen new` through the real binary: the init -> new ->
//! check -> build round trip, the example entry against the content-quality
//! rules, and every refusal (non-empty folder, existing file, unknown
//! platform or category, bad id).

use std::path::Path;

use crate::common::{kbgen, text};

fn arg(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `kbgen init <tmp>/my-kb`, asserting success.
fn init_site() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("my-kb");
    let out = kbgen(&["init", arg(&root)]);
    assert!(out.status.success(), "init failed:\n{}", text(&out));
    (tmp, root)
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn local_today() -> String {
    kbgen::cli::scaffold::local_today().to_string()
}

#[test]
fn init_writes_a_site_that_checks_strict_and_builds() {
    let (_tmp, root) = init_site();
    for rel in [
        "kbgen.yaml",
        "content/bash/_platform.yaml",
        "content/bash/command-not-found.md",
        ".gitignore",
        "README.md",
        ".github/workflows/ci.yml",
        ".github/workflows/pages.yml",
        ".github/PULL_REQUEST_TEMPLATE.md",
        "schema/entry.schema.json",
        "schema/platform.schema.json",
    ] {
        assert!(root.join(rel).is_file(), "init did not write {rel}");
    }
    assert!(read(&root, "kbgen.yaml").contains("title: 'My Kb'"));
    assert!(read(&root, ".gitignore").lines().any(|l| l == "/public/"));

    let check = kbgen(&[
        "check",
        "--root",
        arg(&root),
        "--strict",
        "--format",
        "json",
    ]);
    assert!(check.status.success(), "{}", text(&check));
    let json: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(json["errors"].as_array().unwrap().len(), 0, "{json}");
    assert_eq!(json["warnings"].as_array().unwrap().len(), 0, "{json}");

    let build = kbgen(&["build", "--root", arg(&root)]);
    assert!(build.status.success(), "{}", text(&build));
    let page = read(&root, "public/bash/command-not-found/index.html");
    assert!(page.contains("bash: kbgen: command not found"));
    assert!(
        !page.contains("livereload"),
        "the reload script is never written to disk"
    );
}

/// The content-quality rules behind `kbgen check`'s warnings, checked on the
/// example directly so the example stays clean whatever the checker does.
#[test]
fn the_example_entry_meets_the_content_quality_rules() {
    let (_tmp, root) = init_site();
    let file = "content/bash/command-not-found.md";
    let raw = read(&root, file);
    let e = kbgen::load::record::parse(
        raw.as_bytes(),
        file,
        "bash",
        "command-not-found",
        kbgen::util::time::today(),
    )
    .unwrap_or_else(|d| panic!("{d:?}"));
    assert!(!e.sources.is_empty(), "has sources");
    assert!(
        !e.causes.is_empty() && !e.fixes.is_empty(),
        "causes and fixes"
    );
    let n = e.summary.chars().count();
    assert!((40..=160).contains(&n), "summary is {n} characters");
    assert_eq!(e.updated.to_string(), local_today());
    let lower = raw.to_lowercase();
    for word in ["todo", "tbd", "fixme", "lorem ipsum", "add details here"] {
        assert!(!lower.contains(word), "placeholder `{word}` in the example");
    }
    let sections = [
        "causes",
        "fixes",
        "quick fixes",
        "checks",
        "steps",
        "prevention",
        "sources",
        "evidence",
        "faq",
        "related",
    ];
    for line in e.body.lines().filter(|l| l.starts_with('#')) {
        let heading = line.trim_start_matches('#').trim().to_lowercase();
        assert!(
            !sections.contains(&heading.as_str()),
            "body heading `{line}` repeats a section"
        );
    }
    assert!(raw.starts_with(&format!("---\n{}\n", kbgen::cli::schema::ENTRY_SCHEMA_LINE)));
}

#[test]
fn init_refuses_a_non_empty_folder_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "mine\n").unwrap();
    let out = kbgen(&["init", arg(tmp.path())]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("is not empty (it holds notes.txt)"),
        "{}",
        text(&out)
    );
    let names: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "nothing was written");

    let with_gitignore = tempfile::tempdir().unwrap();
    std::fs::write(with_gitignore.path().join(".gitignore"), "x\n").unwrap();
    let out = kbgen(&["init", arg(with_gitignore.path())]);
    assert_eq!(out.status.code(), Some(1), "a .gitignore would be replaced");
    assert_eq!(read(with_gitignore.path(), ".gitignore"), "x\n");
}

#[test]
fn init_accepts_a_fresh_clone_with_only_git_inside() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join(".git")).unwrap();
    let out = kbgen(&["init", arg(tmp.path())]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(tmp.path().join("kbgen.yaml").is_file());
}

#[test]
fn init_new_check_build_round_trip() {
    let (_tmp, root) = init_site();
    let r = arg(&root);
    let out = kbgen(&[
        "new",
        "--root",
        r,
        "bash/permission-denied",
        "--title",
        "bash: ./run.sh: Permission denied",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let file = "content/bash/permission-denied.md";
    let skeleton = read(&root, file);
    assert!(skeleton.starts_with(&format!("---\n{}\n", kbgen::cli::schema::ENTRY_SCHEMA_LINE)));
    assert!(skeleton.contains(&format!("updated: {}\n", local_today())));
    for key in [
        "title:",
        "summary:",
        "signatures:",
        "updated:",
        "tags:",
        "quick_fix:",
        "causes:",
        "fixes:",
        "checks:",
        "steps:",
        "prevention:",
        "sources:",
        "evidence:",
        "faq:",
        "related:",
    ] {
        assert!(
            skeleton.lines().any(|l| l.starts_with(key)),
            "the skeleton lacks `{key}`"
        );
    }
    assert!(skeleton.contains("title: 'bash: ./run.sh: Permission denied'"));

    // The unfinished skeleton parses: check passes without --strict.
    let check = kbgen(&["check", "--root", r]);
    assert!(check.status.success(), "{}", text(&check));

    // Filled in, it passes the strict check and is built.
    let filled = skeleton
        .replace(
            "'TODO: the error text exactly as the tool prints it; one item per variant'",
            "'bash: ./run.sh: Permission denied'",
        )
        .replace(
            "https://example.com/TODO-link-to-the-source",
            "https://www.gnu.org/software/bash/manual/",
        )
        .replace("TODO: ", "")
        .lines()
        .filter(|l| !l.starts_with("# ") || l.starts_with("# yaml-language-server"))
        .map(|l| format!("{l}\n"))
        .collect::<String>();
    assert!(!filled.contains("TODO"));
    std::fs::write(root.join(file), filled).unwrap();
    let check = kbgen(&["check", "--root", r, "--strict"]);
    assert!(check.status.success(), "{}", text(&check));
    let build = kbgen(&["build", "--root", r]);
    assert!(build.status.success(), "{}", text(&build));
    assert!(
        read(&root, "public/bash/permission-denied/index.html")
            .contains("bash: ./run.sh: Permission denied")
    );
}

#[test]
fn new_refuses_to_overwrite() {
    let (_tmp, root) = init_site();
    let r = arg(&root);
    let before = read(&root, "content/bash/command-not-found.md");
    let out = kbgen(&["new", "--root", r, "bash/command-not-found"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("already exists"), "{}", text(&out));
    assert_eq!(read(&root, "content/bash/command-not-found.md"), before);

    // A pure-YAML entry of the same id counts too.
    std::fs::write(root.join("content/bash/other.yaml"), "x").unwrap();
    let out = kbgen(&["new", "--root", r, "bash/other"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!root.join("content/bash/other.md").exists());
}

#[test]
fn new_explains_how_to_create_an_unknown_platform() {
    let (_tmp, root) = init_site();
    let r = arg(&root);
    let out = kbgen(&["new", "--root", r, "git/detached-head"]);
    assert_eq!(out.status.code(), Some(1));
    let msg = text(&out);
    assert!(msg.contains("there is no platform `git`"), "{msg}");
    assert!(
        msg.contains("kbgen new git/detached-head --create-platform --category shells"),
        "{msg}"
    );
    assert!(!root.join("content/git").exists());

    let out = kbgen(&[
        "new",
        "--root",
        r,
        "git/detached-head",
        "--create-platform",
        "--category",
        "nope",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("no category `nope`"), "{}", text(&out));
    assert!(!root.join("content/git").exists());

    let out = kbgen(&[
        "new",
        "--root",
        r,
        "git/detached-head",
        "--create-platform",
        "--category",
        "shells",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let platform = read(&root, "content/git/_platform.yaml");
    assert!(
        platform.contains("name: 'Git'\ncategory: shells\n"),
        "{platform}"
    );
    assert!(root.join("content/git/detached-head.md").is_file());
    let check = kbgen(&["check", "--root", r]);
    assert!(check.status.success(), "{}", text(&check));
}

#[test]
fn new_rejects_bad_command_lines_with_exit_2() {
    let (_tmp, root) = init_site();
    let r = arg(&root);
    for args in [
        vec!["new", "--root", r, "Bash/x"],
        vec!["new", "--root", r, "bash"],
        vec!["new", "--root", r, "bash/../x"],
        vec!["new", "--root", r, "bash/x", "--title", "two\nlines"],
        vec!["new", "--root", r, "bash/x", "--create-platform"],
        vec!["new", "--root", r, "bash/x", "--category", "shells"],
    ] {
        let out = kbgen(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
    }
    assert!(!root.join("content/bash/x.md").exists());
}

#[test]
fn new_outside_a_site_says_where_to_start() {
    let tmp = tempfile::tempdir().unwrap();
    let out = kbgen(&["new", "--root", arg(tmp.path()), "bash/x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("no kbgen.yaml"), "{}", text(&out));
    assert!(text(&out).contains("kbgen init"), "{}", text(&out));
}
