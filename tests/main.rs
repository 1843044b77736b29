//! The integration tests, as one binary with a module per area, so the crate and its
//! dependencies are linked once rather than once per file. Cargo does not look for
//! `tests/*.rs` on its own (`autotests = false` in `Cargo.toml`): an area runs only when
//! it is declared here, which `every_area_is_declared` holds to the files on disk.
//!
//! `cargo test --test main serve::` runs one area. All areas share this process, so a
//! test never changes the environment or the current folder: it sets them on the
//! `kbgen` command it runs, and works in a temporary folder of its own.

mod common;
mod fuzz_invariants;

mod build;
mod build_jobs;
mod check_output;
mod check_rules;
mod cli_help;
mod errors;
mod fuzz_regressions;
mod hostile;
mod layout;
mod robustness;
mod scaffold;
mod schema;
mod search_kb;
mod search_scale;
mod search_site;
mod search_vectors;
mod sections;
mod serve;
mod theme;
mod untrusted;
mod workflows;

#[test]
fn every_area_is_declared() {
    let tests = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let main = include_str!("main.rs");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&tests).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(area) = name.strip_suffix(".rs")
            && area != "main"
            && !main.contains(&format!("\nmod {area};\n"))
        {
            missing.push(format!("tests/{name}"));
        }
    }
    assert!(
        missing.is_empty(),
        "{} never run: declare each as a module in tests/main.rs",
        missing.join(", ")
    );
}
