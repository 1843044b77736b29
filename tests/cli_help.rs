//! Help that teaches: every command's `--help` carries a worked example, and
//! `kbgen completions` prints scripts the shells accept.

use crate::common::{kbgen, text};

/// The command names listed by `kbgen --help`.
fn commands() -> Vec<String> {
    let out = kbgen(&["--help"]);
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    let list = help
        .split("Commands:\n")
        .nth(1)
        .expect("a Commands section")
        .split("\n\n")
        .next()
        .unwrap();
    list.lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_command_has_help_with_an_example() {
    let commands = commands();
    for expected in [
        "build",
        "check",
        "lookup",
        "new",
        "init",
        "serve",
        "completions",
    ] {
        assert!(
            commands.iter().any(|c| c == expected),
            "{expected} in {commands:?}"
        );
    }
    for c in &commands {
        let out = kbgen(&[c, "--help"]);
        assert!(out.status.success(), "{c} --help");
        let help = String::from_utf8(out.stdout).unwrap();
        let examples = help
            .split("Examples:\n")
            .nth(1)
            .unwrap_or_else(|| panic!("`kbgen {c} --help` has no examples:\n{help}"));
        assert!(
            examples.contains(&format!("kbgen {c}")),
            "`kbgen {c} --help` has no example of itself:\n{help}"
        );
    }
    let top = text(&kbgen(&["--help"]));
    assert!(top.contains("kbgen init my-kb"), "{top}");
}

#[test]
fn serve_help_names_the_documented_defaults() {
    let help = text(&kbgen(&["serve", "--help"]));
    assert!(help.contains("--port <PORT>"), "{help}");
    assert!(help.contains("[default: 1111]"), "{help}");
    assert!(help.contains("--bind <BIND>"), "{help}");
    assert!(help.contains("[default: 127.0.0.1]"), "{help}");
}

#[test]
fn completions_for_bash_zsh_and_fish() {
    for (shell, marker) in [
        ("bash", "complete -F _kbgen"),
        ("zsh", "#compdef kbgen"),
        ("fish", "complete -c kbgen"),
    ] {
        let out = kbgen(&["completions", shell]);
        assert!(out.status.success(), "{shell}: {}", text(&out));
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains(marker), "{shell} script lacks {marker}");
        for sub in ["serve", "init", "new", "check"] {
            assert!(script.contains(sub), "{shell} script lacks `{sub}`");
        }
        // Where the shell itself is installed, it must accept the script.
        if let Ok(status) = std::process::Command::new(shell)
            .arg("-n")
            .arg("/dev/stdin")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write as _;
                child.stdin.take().unwrap().write_all(script.as_bytes())?;
                child.wait()
            })
        {
            assert!(status.success(), "{shell} -n rejects the completion script");
        }
    }
    let out = kbgen(&["completions", "tcsh"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}
