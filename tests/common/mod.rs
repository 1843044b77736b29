//! Shared helpers for the integration tests: fixture paths, running the real
//! binary, small sites written into temporary folders, and the hostile-output scan.

#![allow(dead_code)]

pub mod html_scan;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `tests/fixtures/<name>`, found from the manifest, never from the current folder.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Runs the kbgen binary with `args`.
pub fn kbgen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kbgen"))
        .args(args)
        .output()
        .expect("the kbgen binary runs")
}

/// The date the check tests run on, whatever the clock says (`KBGEN_TODAY`).
pub const TODAY: &str = "2026-11-29";

/// Runs the kbgen binary with `args` and "today" pinned to [`TODAY`].
pub fn kbgen_pinned(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kbgen"))
        .args(args)
        .env("KBGEN_TODAY", TODAY)
        .output()
        .expect("the kbgen binary runs")
}

/// stdout + stderr as text.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Builds `root` into `output`, asserting success.
pub fn build_ok(root: &Path, output: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let out = kbgen(&args);
    assert!(out.status.success(), "build failed:\n{}", text(&out));
    text(&out)
}

/// Every file under `dir`, by relative path, with its bytes.
pub fn snapshot_dir(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Copies a folder tree.
pub fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else if e.file_type().is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(e.path()).unwrap(), &dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// A minimal valid site in a temp folder: one category, one platform `git`, one entry.
pub struct TempSite {
    pub dir: tempfile::TempDir,
}

pub const MIN_CONFIG: &str =
    "title: T\nbase_url: https://example.com/\ncategories:\n  tools:\n    name: Tools\n";
pub const MIN_ENTRY: &str = "---\ntitle: An error\nsummary: What the reader sees and what it means, in one sentence.\nsignatures:\n  - 'error: something failed'\nupdated: 2026-01-02\n---\n\nBody.\n";

impl TempSite {
    pub fn new() -> TempSite {
        let site = TempSite {
            dir: tempfile::tempdir().unwrap(),
        };
        site.write("kbgen.yaml", MIN_CONFIG);
        site.write("content/git/_platform.yaml", "name: Git\ncategory: tools\n");
        site.write("content/git/an-error.md", MIN_ENTRY);
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let path = self.dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.dir.path().join(rel)).unwrap();
    }

    /// Runs `kbgen build` into `<root>/public`.
    pub fn build(&self) -> Output {
        kbgen(&["build", "--root", self.root().to_str().unwrap()])
    }

    /// Runs `kbgen check` with extra args.
    pub fn check(&self, extra: &[&str]) -> Output {
        let mut args = vec!["check", "--root", self.root().to_str().unwrap()];
        args.extend_from_slice(extra);
        kbgen(&args)
    }
}
