//! The build runs its jobs side by side (pages, search index, assets); these tests hold
//! what that must not change: which file wins when two write the same path, and that
//! phase timings appear only when asked for (`KBGEN_TIMINGS`, used by `bench/run.sh`).

use crate::common::{TempSite, text};

fn build(site: &TempSite, out: &std::path::Path, timings: bool) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kbgen"));
    cmd.args(["build", "--root"])
        .arg(site.root())
        .arg("--output")
        .arg(out)
        .env_remove("KBGEN_TIMINGS");
    if timings {
        cmd.env("KBGEN_TIMINGS", "1");
    }
    let output = cmd.output().expect("the kbgen binary runs");
    assert!(output.status.success(), "build failed:\n{}", text(&output));
    output
}

#[test]
fn static_files_win_over_the_theme_and_may_not_replace_the_search_index() {
    let site = TempSite::new();
    site.write("static/assets/style.css", "/* mine */\n");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    // Several builds: a race between the jobs would show as a different winner.
    for _ in 0..3 {
        build(&site, &out, false);
        let read = |rel: &str| std::fs::read_to_string(out.join(rel)).unwrap();
        assert_eq!(read("assets/style.css"), "/* mine */\n");
        assert!(out.join("search/data/m/0.json").is_file());
    }
    // The search index is kbgen's: a static file over it is an error at that file.
    site.write("static/search/data/manifest.json", "{\"mine\":true}\n");
    let failed = std::process::Command::new(env!("CARGO_BIN_EXE_kbgen"))
        .args(["build", "--root"])
        .arg(site.root())
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(failed.status.code(), Some(1), "{}", text(&failed));
    let said = text(&failed);
    assert!(
        said.contains("reserved-path") && said.contains("static/search/data/manifest.json"),
        "{said}"
    );
}

#[test]
fn phase_timings_only_when_asked() {
    let site = TempSite::new();
    let tmp = tempfile::tempdir().unwrap();
    let quiet = build(&site, &tmp.path().join("a"), false);
    assert!(!text(&quiet).contains("timing:"), "{}", text(&quiet));
    let timed = text(&build(&site, &tmp.path().join("b"), true));
    for phase in [
        "read and parse entries",
        "pages and feeds",
        "search index",
        "assets and static files",
        "swap in",
    ] {
        let line = timed
            .lines()
            .find(|l| l.starts_with(&format!("timing: {phase}: ")))
            .unwrap_or_else(|| panic!("no timing for {phase} in:\n{timed}"));
        let secs = line.rsplit(": ").next().unwrap().trim_end_matches(" s");
        assert!(secs.parse::<f64>().is_ok_and(|s| s >= 0.0), "{line}");
    }
    assert!(timed.contains("Built 1 entry"), "{timed}");
}
