//! Orchestration only: load -> check -> render -> write, atomically.
//!
//! A build renders every page into a fresh folder beside the output and swaps it
//! in only when the whole build succeeded, so a failed build leaves the previous
//! output exactly as it was. kbgen marks the folders it writes with a
//! `.kbgen-output` file and refuses to replace a non-empty folder without one.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::check::sample::template_sample;
use crate::diagnostic::{Diagnostic, Report};
use crate::load::{LoadOptions, Site};
use crate::output::swap::{
    check_output_folder, io_diag, lock_output, remove_if_exists, sibling, swap_in,
};
use crate::output::{Discard, DiskSink, Sink, put_file};
use crate::render::pages::render_pages;
use crate::render::{Templates, assets};
use crate::util::text::thousands;
use crate::util::time::timed;
use crate::{check, load, search};

/// Up to this many records, a build holds the entries' bodies in memory.
const BODIES_HELD_UP_TO: usize = 20_000;
/// What `kbgen build` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Default: `<root>/public`.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Replace an unmarked non-empty output folder.
    pub force: bool,
    /// The process ends as soon as the build returns, so what the build loaded is left
    /// for the operating system to take back at exit instead of being freed piece by
    /// piece on one thread (what clang's `-disable-free` does): at 100,000 entries that
    /// freeing took about 0.2 s after the last file was written (perf, docs/benchmarks.md).
    /// A process that goes on (`kbgen serve`, a test) leaves it false.
    pub process_exits: bool,
}

/// What a successful build did.
#[derive(Debug, Clone)]
pub struct BuildSummary {
    pub entries: usize,
    pub pages: usize,
    pub output: PathBuf,
    pub seconds: f64,
}

impl BuildSummary {
    /// `Built 1,234 entries (1,391 pages) in 0.84 s`.
    pub fn line(&self) -> String {
        format!(
            "Built {} {} ({} pages) in {:.2} s",
            thousands(self.entries),
            if self.entries == 1 {
                "entry"
            } else {
                "entries"
            },
            thousands(self.pages),
            self.seconds
        )
    }
}

/// Loads the site and runs every blocking rule. The site comes back only when
/// there is no error.
pub fn load_checked(root: &Path, opts: LoadOptions) -> (Option<Site>, Report) {
    let (loaded, report) = load_checked_with(root, opts, None);
    (loaded.map(|(site, _)| site), report)
}

/// [`load_checked`], with the site's templates compiled on the way (their problems are
/// blocking too), or `previous` when they have not changed.
fn load_checked_with(
    root: &Path,
    opts: LoadOptions,
    previous: Option<Templates>,
) -> (Option<(Site, Templates)>, Report) {
    let (loaded, report) = load_checked_once(root, opts, previous);
    if opts.skip_positions && report.has_errors() {
        // Errors are reported with the line and column of their field: load again,
        // recording positions this time. (Warnings, which a build does not print, keep
        // their file and no position: none was recorded.)
        let opts = LoadOptions {
            skip_positions: false,
            ..opts
        };
        return load_checked_once(root, opts, None);
    }
    (loaded, report)
}

fn load_checked_once(
    root: &Path,
    opts: LoadOptions,
    previous: Option<Templates>,
) -> (Option<(Site, Templates)>, Report) {
    let (site, mut report) = load::load(root, opts);
    let Some(site) = site else {
        return (None, report);
    };
    timed("checks", || check::errors(&site, &mut report));
    let templates = Templates::load_reusing(root, previous)
        .map_err(|diags| report.extend(diags))
        .ok();
    match templates {
        Some(templates) if !report.has_errors() => (Some((site, templates)), report),
        _ => (None, report),
    }
}

/// Everything `kbgen check` reports: the blocking rules of a build (drafts
/// included), the site's templates rendered against real data (see
/// [`template_sample`]) so that a template failing on it is caught with its file
/// and line, and the content-quality warnings.
pub fn check(root: &Path) -> Report {
    let opts = LoadOptions {
        drafts: true,
        ..LoadOptions::default()
    };
    let (site, mut report) = load::load(root, opts);
    let Some(site) = site else {
        return report;
    };
    check::errors(&site, &mut report);
    match Templates::load(root) {
        Ok(mut templates) => {
            // Only the templates are under test: no search index, assets or static files.
            let (_, errors) = render_pages(&template_sample(&site), &mut templates, &Discard);
            report.extend(sorted_unique(errors));
        }
        Err(diags) => report.extend(diags),
    }
    crate::check::quality::warnings(&site, crate::util::time::today(), &mut report);
    report
}

/// Loads and checks the site, applies a `base_url` override and compiles the
/// templates: everything [`render_site`] needs. `build` and `serve` share it.
pub fn prepare(
    root: &Path,
    drafts: bool,
    base_url: Option<&str>,
) -> Result<(Site, Templates), Report> {
    let opts = LoadOptions {
        drafts,
        ..LoadOptions::default()
    };
    prepare_with(root, opts, base_url)
}

/// [`prepare`] with every load option.
pub fn prepare_with(
    root: &Path,
    opts: LoadOptions,
    base_url: Option<&str>,
) -> Result<(Site, Templates), Report> {
    prepare_reusing(root, opts, base_url, None)
}

/// [`prepare_with`], reusing `previous` templates when they have not changed: `serve`
/// compiles them once, not on every save.
pub fn prepare_reusing(
    root: &Path,
    opts: LoadOptions,
    base_url: Option<&str>,
    previous: Option<Templates>,
) -> Result<(Site, Templates), Report> {
    let (loaded, report) = load_checked_with(root, opts, previous);
    let (mut site, templates) = loaded.ok_or(report)?;
    if let Some(url) = base_url {
        site.config.set_base_url(url).map_err(|why| {
            let mut r = Report::for_root(root);
            r.push(Diagnostic::error("--base-url", "bad-url", why));
            r
        })?;
    }
    Ok((site, templates))
}

/// Builds the site into its output folder, or leaves it untouched and returns why not.
pub fn build(opts: &BuildOptions) -> Result<BuildSummary, Report> {
    let start = Instant::now();
    let root = &opts.root;
    let output = opts.output.clone().unwrap_or_else(|| root.join("public"));
    let fail = |d: Diagnostic| {
        let mut r = Report::for_root(root);
        r.push(d);
        r
    };
    // Held until the new output is in place: a second build into the same folder stops here
    // with a message instead of sharing the staging folder with this one.
    let _lock = lock_output(&output).map_err(fail)?;
    check_output_folder(root, &output, opts.force).map_err(fail)?;

    // In a large site the bodies are left in their files and read back per page: at
    // 100,000 entries they are a quarter of what the loaded site would hold. Reading
    // them back costs about 5% of a build's CPU, so smaller sites hold them.
    let load = LoadOptions {
        drafts: opts.drafts,
        bodies_in_files_over: Some(BODIES_HELD_UP_TO),
        skip_positions: true,
    };
    let (mut site, mut templates) = prepare_with(root, load, opts.base_url.as_deref())?;
    site.release_positions();

    let staging = sibling(&output, "tmp");
    remove_if_exists(&staging).map_err(|e| fail(io_diag(&staging, e)))?;
    std::fs::create_dir_all(&staging).map_err(|e| fail(io_diag(&staging, e)))?;
    crate::render::budget::cleanup_on_runaway(staging.clone());
    let written = {
        let sink = DiskSink::new(&staging);
        render_site(&site, &mut templates, &sink)
    };
    let pages = match written {
        Ok(pages) => pages,
        Err(diags) => {
            let _ = std::fs::remove_dir_all(&staging);
            let mut r = Report::for_root(root);
            r.extend(diags);
            return Err(r);
        }
    };
    crate::render::budget::forget_cleanup(&staging);
    timed("swap in", || swap_in(&staging, &output)).map_err(|e| {
        let _ = std::fs::remove_dir_all(&staging);
        fail(io_diag(&output, e))
    })?;
    let summary = BuildSummary {
        entries: site.entries.len(),
        pages,
        output,
        seconds: start.elapsed().as_secs_f64(),
    };
    if opts.process_exits {
        std::mem::forget(site);
        std::mem::forget(templates);
    }
    Ok(summary)
}

/// Renders every output file of `site` into `sink`. Returns the number of HTML pages.
///
/// The search index is built and written beside the pages, whose work fills the
/// sequential stretches of its build. Its files (`search/data/`) share no path with a
/// page; the theme assets and the site's `static/` files are written last, over both.
pub fn render_site(
    site: &Site,
    templates: &mut Templates,
    sink: &dyn Sink,
) -> Result<usize, Vec<Diagnostic>> {
    let ((pages, mut errors), search_errors) = rayon::join(
        || timed("pages and feeds", || render_pages(site, templates, sink)),
        || timed("search index", || write_search_index(site, sink)),
    );
    errors.extend(search_errors);
    errors.extend(timed("assets and static files", || {
        assets::write_assets(site, sink)
    }));
    if errors.is_empty() {
        Ok(pages)
    } else {
        Err(sorted_unique(errors))
    }
}

/// Render errors by file and line, each once (a template fails the same way on many pages).
fn sorted_unique(mut errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    errors.sort_by(|a, b| (&a.file, a.line, &a.message).cmp(&(&b.file, b.line, &b.message)));
    errors.dedup_by(|a, b| a.file == b.file && a.line == b.line && a.message == b.message);
    errors
}

/// The search index, sharded so a query fetches only what it needs; written in parallel,
/// a batch of files at a time.
fn write_search_index(site: &Site, sink: &dyn Sink) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    search::Index::for_site(site).each_static_batch(&mut |files| {
        errors.par_extend(
            files
                .par_iter()
                .filter_map(|(path, bytes)| put_file(sink, path, bytes).err()),
        );
    });
    errors
}
