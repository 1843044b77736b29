//! The GitHub workflows, this repository's and the ones `kbgen init` writes,
//! parsed as YAML and held to their key structure, so they cannot silently
//! rot: triggers, permissions, the check and build steps, the Pages
//! upload/deploy pair, and action versions pinned to a release.
//! (CI also runs actionlint over them: see .ci/run.)

use std::path::Path;

use serde_json::Value;

use crate::common::{kbgen, text};

fn parse(path: &Path) -> Value {
    let yaml = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_saphyr::from_str(&yaml).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn repo(rel: &str) -> Value {
    parse(&Path::new(env!("CARGO_MANIFEST_DIR")).join(rel))
}

/// Every step of every job.
fn steps(wf: &Value) -> Vec<&Value> {
    wf["jobs"]
        .as_object()
        .expect("jobs is a mapping")
        .values()
        .flat_map(|job| job["steps"].as_array().expect("each job has steps"))
        .collect()
}

fn runs(wf: &Value) -> String {
    steps(wf)
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn uses(wf: &Value) -> Vec<&str> {
    steps(wf)
        .iter()
        .filter_map(|s| s["uses"].as_str())
        .collect()
}

/// `owner/name@vN` (or `@vN.N.N`, or a full commit): never a branch.
fn assert_pinned(wf: &Value, name: &str) {
    for u in uses(wf) {
        let (_, version) = u
            .split_once('@')
            .unwrap_or_else(|| panic!("{name}: `{u}` has no version"));
        let release = version
            .strip_prefix('v')
            .is_some_and(|v| !v.is_empty() && v.split('.').all(|p| p.parse::<u32>().is_ok()));
        let commit = version.len() == 40 && version.chars().all(|c| c.is_ascii_hexdigit());
        assert!(
            release || commit,
            "{name}: `{u}` is not pinned to a release"
        );
    }
}

fn assert_ci(wf: &Value, name: &str) {
    assert!(
        wf["on"].get("pull_request").is_some(),
        "{name}: runs on pull_request"
    );
    assert_eq!(
        wf["permissions"]["contents"], "read",
        "{name}: read-only token"
    );
    let runs = runs(wf);
    assert!(
        runs.contains("check --strict --format github"),
        "{name}: the strict check with GitHub annotations"
    );
    assert!(runs.contains(" build"), "{name}: a build");
    assert!(uses(wf).iter().any(|u| u.starts_with("actions/checkout@")));
    assert_pinned(wf, name);
}

fn assert_pages(wf: &Value, name: &str) {
    assert_eq!(
        wf["on"]["push"]["branches"],
        serde_json::json!(["main"]),
        "{name}"
    );
    assert_eq!(wf["permissions"]["pages"], "write", "{name}");
    assert_eq!(wf["permissions"]["id-token"], "write", "{name}");
    assert!(
        wf["concurrency"]["group"].is_string(),
        "{name}: a concurrency group"
    );
    let build = &wf["jobs"]["build"];
    let deploy = &wf["jobs"]["deploy"];
    assert_eq!(deploy["needs"], "build", "{name}: deploy after build");
    assert_eq!(deploy["environment"]["name"], "github-pages", "{name}");
    let build_uses: Vec<&str> = build["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["uses"].as_str())
        .collect();
    assert!(
        build_uses
            .iter()
            .any(|u| u.starts_with("actions/configure-pages@"))
    );
    let upload = build["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-pages-artifact@"))
        })
        .unwrap_or_else(|| panic!("{name}: uploads the Pages artifact"));
    assert_eq!(upload["with"]["path"], "public", "{name}: uploads public/");
    let deployment = deploy["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/deploy-pages@"))
        })
        .unwrap_or_else(|| panic!("{name}: deploys with actions/deploy-pages"));
    let id = deployment["id"]
        .as_str()
        .expect("the deploy step has an id");
    assert_eq!(
        deploy["environment"]["url"],
        format!("${{{{ steps.{id}.outputs.page_url }}}}"),
        "{name}: the environment links to the deployed page"
    );
    let runs = runs(wf);
    assert!(
        runs.contains("build") && runs.contains("--base-url"),
        "{name}: builds with the Pages address"
    );
    assert_pinned(wf, name);
}

#[test]
fn this_repositorys_ci_runs_tests_check_and_build_on_pull_requests() {
    let wf = repo(".github/workflows/ci.yml");
    assert_ci(&wf, "ci.yml");
    let runs = runs(&wf);
    // The test job runs .ci/run, which runs the README's test command and the browser tests.
    assert!(runs.contains(".ci/run"));
    let ci_run =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/run"))
            .unwrap();
    assert!(ci_run.contains("\ncargo test --locked\n"));
    assert!(ci_run.contains("node tests/browser/check.mjs"));
    assert!(ci_run.contains("node --test tests/browser/search/"));
    assert!(runs.contains("cargo build --release --locked"));
    assert!(runs.contains("./target/release/kbgen check --strict --format github"));
}

#[test]
fn this_repositorys_pages_workflow_deploys_public() {
    let wf = repo(".github/workflows/pages.yml");
    assert_pages(&wf, "pages.yml");
    assert!(runs(&wf).contains("./target/release/kbgen build --output public"));
}

#[test]
fn the_workflows_kbgen_init_writes_install_kbgen_from_git() {
    let tmp = tempfile::tempdir().unwrap();
    let out = kbgen(&["init", tmp.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let ci = parse(&tmp.path().join(".github/workflows/ci.yml"));
    let pages = parse(&tmp.path().join(".github/workflows/pages.yml"));
    assert_ci(&ci, "init ci.yml");
    assert_pages(&pages, "init pages.yml");
    for wf in [&ci, &pages] {
        let runs = runs(wf);
        // The crates.io crate named `kbgen` is another program: install from git.
        assert!(runs.contains("cargo +stable install --locked --git \"$KBGEN_GIT\""));
        assert!(!runs.contains("cargo install kbgen"));
        assert!(
            wf["env"]["KBGEN_GIT"]
                .as_str()
                .unwrap()
                .starts_with("https://")
        );
    }
}

#[test]
fn the_pull_request_template_has_the_checklist() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for path in [
        root.join(".github/PULL_REQUEST_TEMPLATE.md"),
        root.join("scaffold/PULL_REQUEST_TEMPLATE.md"),
    ] {
        let text = std::fs::read_to_string(&path).unwrap();
        let items: Vec<&str> = text.lines().filter(|l| l.starts_with("- [ ] ")).collect();
        let has = |w: &str| items.iter().any(|l| l.contains(w));
        assert!(has("exact text"), "{}: exact signature", path.display());
        assert!(has("sources:"), "{}: sources", path.display());
        assert!(
            has("kbgen check --strict"),
            "{}: check passes",
            path.display()
        );
    }
}
