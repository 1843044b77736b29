//! Search at scale, on a synthetic KB made by `bench/search/scale.py` (ignored by default:
//! it needs a generated site). `KBGEN_SCALE_SITE=DIR cargo test --release --test main --
//! --ignored --nocapture --exact search_scale::index_build_time` prints how long loading the
//! site and then building the index the way `kbgen build` does (`Index::for_site`, then
//! `static_files`) take, in wall and CPU time, and how much the peak memory grows while
//! indexing. The CPU time and peak memory are the whole test process's, so the test runs
//! alone: by its exact name.

use std::path::PathBuf;
use std::time::Instant;

use kbgen::LoadOptions;
use kbgen::search::Index;

/// CPU seconds used by this process so far (all threads; Linux `/proc/self/stat`, else 0).
fn cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or_default();
    let f: Vec<f64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    // Fields 14 and 15 (utime, stime) are the 12th and 13th after the command name.
    (f.get(11).unwrap_or(&0.0) + f.get(12).unwrap_or(&0.0)) / 100.0
}

/// Peak resident memory so far, MiB (Linux `VmHWM`, else 0).
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn site_dir() -> Option<PathBuf> {
    std::env::var_os("KBGEN_SCALE_SITE").map(PathBuf::from)
}

#[test]
#[ignore = "needs KBGEN_SCALE_SITE (a generated site, see bench/search/scale.py)"]
fn index_build_time() {
    let Some(root) = site_dir() else {
        panic!("set KBGEN_SCALE_SITE to a site folder");
    };
    let t = Instant::now();
    let (site, report) = kbgen::load(&root, LoadOptions::default());
    let site = site.unwrap_or_else(|| panic!("{} loads: {report:?}", root.display()));
    let load = t.elapsed();
    let loaded = peak_mib();
    let (t, c) = (Instant::now(), cpu());
    let index = Index::for_site(&site);
    let (t_new, c_new) = (t.elapsed(), cpu() - c);
    let (t, c) = (Instant::now(), cpu());
    let files = index.static_files();
    let (t_files, c_files) = (t.elapsed(), cpu() - c);
    let bytes: usize = files.iter().map(|f| f.1.len()).sum();
    eprintln!(
        "{} entries: load {load:.2?} (peak {loaded:.0} MiB); Index::for_site {t_new:.2?} (CPU {c_new:.2} s), \
         static_files {t_files:.2?} (CPU {c_files:.2} s; {} files, {:.1} MB); peak {:.0} MiB",
        site.entries.len(),
        files.len(),
        bytes as f64 / 1e6,
        peak_mib()
    );
    assert!(!files.is_empty());
}
