//! What a hostile pull request or a hostile input must not be able to do: read or publish
//! files outside the site, hang or exhaust `build`, `check` and `lookup`, take a path kbgen
//! writes, or lose files when two builds run at once. (Hostile HTML in the pages is the
//! business of `tests/hostile.rs`; the server's limits are tested beside its connection loop.)

use std::os::unix::fs::symlink;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{self, TempSite, kbgen, text};

/// Runs kbgen with `args` and `stdin`, killing it after `limit`: `None` when it had to be
/// killed. A hang must fail the test, not the test run.
fn run_within(
    args: &[&str],
    stdin: Option<Vec<u8>>,
    limit: Duration,
) -> Option<std::process::Output> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kbgen"))
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        std::thread::spawn(move || {
            let _ = std::io::Write::write_all(&mut pipe, &bytes);
        });
    }
    let start = Instant::now();
    while start.elapsed() < limit {
        if child.try_wait().unwrap().is_some() {
            return Some(child.wait_with_output().unwrap());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

fn root(site: &TempSite) -> &str {
    site.root().to_str().unwrap()
}

#[test]
fn an_entry_linked_to_a_secret_outside_the_site_is_never_read() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("environ");
    std::fs::write(&secret, "AWS_SECRET_ACCESS_KEY=do-not-print-me\n").unwrap();
    let site = TempSite::new();
    symlink(&secret, site.root().join("content/git/leak.md")).unwrap();
    for args in [
        vec!["check", "--root", root(&site)],
        vec!["build", "--root", root(&site)],
    ] {
        let out = kbgen(&args);
        let said = text(&out);
        assert_eq!(out.status.code(), Some(1), "{said}");
        assert!(!said.contains("do-not-print-me"), "{said}");
        assert!(
            said.contains("outside-site") && said.contains("content/git/leak.md"),
            "{said}"
        );
    }
    // The same with the process's own environment, which holds the CI job's secrets.
    let site = TempSite::new();
    symlink("/proc/self/environ", site.root().join("content/git/env.md")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kbgen"))
        .args(["check", "--root", root(&site)])
        .env("KBGEN_TEST_SECRET", "hunter2-in-the-environment")
        .output()
        .unwrap();
    assert!(!text(&out).contains("hunter2"), "{}", text(&out));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_valid_record_outside_the_site_is_not_published() {
    let outside = tempfile::tempdir().unwrap();
    let record = outside.path().join("planted.md");
    std::fs::write(
        &record,
        common::MIN_ENTRY.replace("An error", "Planted page"),
    )
    .unwrap();
    let site = TempSite::new();
    symlink(&record, site.root().join("content/git/planted.md")).unwrap();
    let out = site.build();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(!site.root().join("public/git/planted/index.html").exists());
}

#[test]
fn folders_linked_out_of_the_site_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("id_rsa"), "PRIVATE KEY").unwrap();
    std::fs::write(outside.path().join("entry.html"), "{{ 1 }}").unwrap();
    for folder in ["static", "templates"] {
        let site = TempSite::new();
        symlink(outside.path(), site.root().join(folder)).unwrap();
        let out = site.build();
        let said = text(&out);
        assert_eq!(out.status.code(), Some(1), "{folder}: {said}");
        assert!(said.contains("outside-site"), "{folder}: {said}");
        assert!(!site.root().join("public/id_rsa").exists(), "{folder}");
    }
    // content/ itself linked out.
    let other = TempSite::new();
    let site = TempSite::new();
    std::fs::remove_dir_all(site.root().join("content")).unwrap();
    symlink(other.root().join("content"), site.root().join("content")).unwrap();
    let out = site.check(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("outside-site"), "{}", text(&out));
}

#[test]
fn links_that_stay_inside_the_site_are_followed() {
    let site = TempSite::new();
    site.write(
        "shared/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    std::fs::create_dir_all(site.root().join("static")).unwrap();
    symlink("../shared/logo.svg", site.root().join("static/logo.svg")).unwrap();
    symlink("an-error.md", site.root().join("content/git/same-error.md")).unwrap();
    let out = site.build();
    assert!(out.status.success(), "{}", text(&out));
    assert!(site.root().join("public/logo.svg").is_file());
    assert!(
        site.root()
            .join("public/git/same-error/index.html")
            .is_file()
    );
}

#[test]
fn an_entry_linked_to_standard_input_does_not_hang_check() {
    let site = TempSite::new();
    symlink("/dev/stdin", site.root().join("content/git/stdin.md")).unwrap();
    // Standard input is a pipe that stays open and silent: a read of it would wait for ever.
    let mut child = Command::new(env!("CARGO_BIN_EXE_kbgen"))
        .args(["check", "--root", root(&site)])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let silent_stdin = child.stdin.take();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    drop(silent_stdin);
    let out = child.wait_with_output().unwrap();
    assert!(status.is_some(), "check waited on standard input");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
}

#[test]
fn a_second_build_into_the_same_output_is_refused_while_the_first_holds_it() {
    let site = TempSite::new();
    let out_dir = site.root().join("public");
    assert!(site.build().status.success());
    let before = common::snapshot_dir(&out_dir);
    // Another build holds the lock beside the output.
    let lock = std::fs::File::options()
        .write(true)
        .open(site.root().join(".public.kbgen-lock"))
        .expect("the build leaves its lock file beside the output");
    lock.lock().unwrap();
    let out = site.build();
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("another kbgen build is writing"), "{said}");
    assert_eq!(common::snapshot_dir(&out_dir), before, "the output changed");
    drop(lock);
    assert!(site.build().status.success());
}

#[test]
fn simultaneous_builds_never_report_success_with_files_missing() {
    let site = TempSite::new();
    for i in 0..300 {
        site.write(
            &format!("content/git/error-{i:03}.md"),
            &common::MIN_ENTRY.replace("something failed", &format!("failure number {i}")),
        );
    }
    let reference = tempfile::tempdir().unwrap();
    common::build_ok(site.root(), &reference.path().join("out"), &[]);
    let want = common::snapshot_dir(&reference.path().join("out"));
    let out_dir = site.root().join("public");
    for _ in 0..3 {
        let children: Vec<_> = (0..3)
            .map(|_| {
                Command::new(env!("CARGO_BIN_EXE_kbgen"))
                    .args(["build", "--root", root(&site)])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            let said = text(&out);
            assert!(
                out.status.success() || said.contains("another kbgen build is writing"),
                "{said}"
            );
        }
        assert_eq!(common::snapshot_dir(&out_dir), want, "the output differs");
    }
}

#[test]
fn lookup_reads_a_capped_paste_in_time_in_proportion_to_it() {
    let site = TempSite::new();
    // 3 MB of distinct words: each is its own token, the worst case for removing repeats.
    let mut paste = String::new();
    let mut i: u64 = 0;
    while paste.len() < 3_000_000 {
        paste.push_str(&format!("w{:x} ", i.wrapping_mul(0x9e37_79b9_7f4a_7c15)));
        i += 1;
    }
    let out = run_within(
        &["lookup", "--root", root(&site)],
        Some(paste.into_bytes()),
        Duration::from_secs(60),
    )
    .expect("lookup of 3 MB did not finish in 60 s");
    assert!(out.status.code().is_some(), "{}", text(&out));
    // The cap is said in --help.
    let help = text(&kbgen(&["lookup", "--help"]));
    assert!(help.contains("1 MiB"), "{help}");
}

#[test]
fn a_template_that_loops_for_ever_is_stopped_and_named() {
    let site = TempSite::new();
    site.write(
        "templates/404.html",
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}",
    );
    for cmd in ["check", "build"] {
        let start = Instant::now();
        let out = run_within(
            &[cmd, "--root", root(&site)],
            None,
            Duration::from_secs(120),
        )
        .unwrap_or_else(|| panic!("{cmd} ran for two minutes"));
        let said = text(&out);
        assert_eq!(out.status.code(), Some(1), "{cmd}: {said}");
        assert!(
            said.contains("template-budget") && said.contains("templates/404.html"),
            "{cmd}: {said}"
        );
        eprintln!(
            "{cmd}: stopped after {:.1} s",
            start.elapsed().as_secs_f64()
        );
    }
    assert!(
        !site.root().join("public").exists(),
        "a failed build wrote output"
    );
}

#[test]
fn a_template_that_doubles_a_string_is_stopped_before_memory_runs_out() {
    let site = TempSite::new();
    site.write(
        "templates/404.html",
        "{% set_global s = \"ab\" %}{% for i in range(end=64) %}{% set_global s = s ~ s %}{% endfor %}{{ s | length }}",
    );
    let out = run_within(
        &["build", "--root", root(&site)],
        None,
        Duration::from_secs(120),
    )
    .expect("the build ran for two minutes");
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("template-budget") && said.contains("templates/404.html"),
        "{said}"
    );
    // Nothing of the unfinished build is left beside the output.
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("kbgen-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn an_entry_may_not_take_a_category_page_and_static_files_may_not_replace_pages() {
    let site = TempSite::new();
    site.write(
        "content/categories/_platform.yaml",
        "name: Categories\ncategory: tools\n",
    );
    site.write("content/categories/tools.md", common::MIN_ENTRY);
    let out = site.check(&[]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("reserved-path") && said.contains("content/categories"),
        "{said}"
    );

    let site = TempSite::new();
    site.write("static/git/an-error/index.html", "<p>not the entry</p>");
    site.write("static/git/diagram.png", "png");
    let out = site.build();
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("static/git/an-error/index.html"), "{said}");
    assert!(
        !said.contains("diagram.png"),
        "a file beside the pages is fine: {said}"
    );
}

#[test]
fn control_characters_are_refused_in_every_kind_of_text_field() {
    for (rel, text_with_escape) in [
        (
            "content/git/an-error.md",
            common::MIN_ENTRY.replace("Body.", "Body \u{1b}[2J cleared."),
        ),
        (
            "content/git/an-error.md",
            common::MIN_ENTRY.replace(
                "'error: something failed'",
                "\"error: \\e[31msomething failed\"",
            ),
        ),
        (
            "content/git/_platform.yaml",
            "name: \"Git\\u009b\"\ncategory: tools\n".to_owned(),
        ),
        (
            "kbgen.yaml",
            common::MIN_CONFIG.replace("title: T", "title: \"T\\x07\""),
        ),
    ] {
        let site = TempSite::new();
        site.write(rel, &text_with_escape);
        let out = site.check(&[]);
        let said = text(&out);
        assert_eq!(out.status.code(), Some(1), "{rel}: {said}");
        assert!(said.contains("control-character"), "{rel}: {said}");
        assert!(
            !said.contains('\u{1b}'),
            "{rel}: the escape reached the terminal"
        );
    }
}

#[test]
fn the_lock_file_is_the_only_thing_left_beside_the_output() {
    let site = TempSite::new();
    for _ in 0..3 {
        assert!(site.build().status.success());
    }
    let mut beside: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public"))
        .collect();
    beside.sort();
    assert_eq!(beside, [".public.kbgen-lock"]);
}

#[test]
fn lookup_into_a_pipe_whose_reader_is_gone_ends_quietly() {
    let site = TempSite::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kbgen"))
        .args(["lookup", "--root", root(&site), "error: something failed"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let said = text(&out);
    assert!(!said.contains("panicked"), "{said}");
    assert_eq!(out.status.code(), Some(0), "{said}");
}
