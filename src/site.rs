//! Orchestration only: load -> check -> render -> write, atomically.
//!
//! A build renders every page into a fresh folder beside the output and swaps it
//! in only when the whole build succeeded, so a failed build leaves the previous
//! output exactly as it was. kbgen marks the folders it writes with a
//! `.kbgen-output` file and refuses to replace a non-empty folder without one.

use std::collections::{BTreeMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Report};
use crate::load::{LoadOptions, Site};
use crate::render::{self, Card, Globals, Templates};
use crate::{assets, check, feeds, load, search};

/// The file that marks a folder as kbgen's output.
pub const MARKER: &str = ".kbgen-output";

/// How many of the platform's other errors an entry page lists.
const PLATFORM_NEIGHBOURS: usize = 10;
/// Up to this many records, a build holds the entries' bodies in memory.
const BODIES_HELD_UP_TO: usize = 20_000;
/// How many entries the home page lists as recently updated.
const RECENT: usize = 12;

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

/// `1234567` -> `1,234,567`.
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Loads the site and runs every blocking rule. The site comes back only when
/// there is no error.
pub fn load_checked(root: &Path, opts: LoadOptions) -> (Option<Site>, Report) {
    let (site, report) = load_checked_once(root, opts);
    if opts.skip_positions && report.has_errors() {
        // Errors are reported with the line and column of their field: load again,
        // recording positions this time. (Warnings, which a build does not print, keep
        // their file and no position: none was recorded.)
        let opts = LoadOptions {
            skip_positions: false,
            ..opts
        };
        return load_checked_once(root, opts);
    }
    (site, report)
}

fn load_checked_once(root: &Path, opts: LoadOptions) -> (Option<Site>, Report) {
    let (site, mut report) = load::load(root, opts);
    if let Some(site) = &site {
        timed("checks", || check::errors(site, &mut report));
        if let Err(diags) = Templates::load(root) {
            report.extend(diags);
        }
    }
    if report.has_errors() {
        (None, report)
    } else {
        (site, report)
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
    crate::quality::warnings(&site, crate::entry::today(), &mut report);
    report
}

/// The site with one entry of each shape (which optional parts it has), the
/// first entry of each platform, and the entries those name as related: every
/// branch a template takes on real data, without rendering every page of a
/// knowledge base of 100,000 entries. Every platform and category page is kept.
pub fn template_sample(site: &Site) -> Site {
    let shape = |e: &crate::entry::Entry| {
        [
            e.quick_fix.is_some(),
            !e.body.is_empty(),
            e.body.matches("\n## ").count() >= 2,
            !e.causes.is_empty(),
            !e.fixes.is_empty(),
            !e.checks.is_empty(),
            !e.steps.is_empty(),
            !e.prevention.is_empty(),
            !e.sources.is_empty(),
            e.evidence.is_some(),
            !e.faq.is_empty(),
            !e.related.is_empty(),
            !e.tags.is_empty(),
            e.draft,
            site.platforms.contains_key(&e.platform),
        ]
        .iter()
        .fold(0u32, |bits, &b| bits << 1 | u32::from(b))
    };
    let mut shapes = std::collections::HashSet::new();
    let mut platforms = std::collections::HashSet::new();
    let mut keep: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for e in &site.entries {
        if shapes.insert(shape(e)) | platforms.insert(e.platform.as_str()) {
            keep.insert(&e.id);
            keep.extend(e.related.iter().map(String::as_str));
        }
    }
    Site {
        root: site.root.clone(),
        config: site.config.clone(),
        platforms: site.platforms.clone(),
        entries: site
            .entries
            .iter()
            .filter(|e| keep.contains(e.id.as_str()))
            .cloned()
            .collect(),
        drafts_left_out: site.drafts_left_out.clone(),
        unparsed: site.unparsed.clone(),
    }
}

/// A sink that keeps nothing: `kbgen check` renders only to find errors.
struct Discard;

impl Sink for Discard {
    fn put(&self, _path: &str, _bytes: &[u8]) -> io::Result<()> {
        Ok(())
    }
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
    let (site, report) = load_checked(root, opts);
    let mut site = site.ok_or(report)?;
    let fail = |d: Vec<Diagnostic>| {
        let mut r = Report::for_root(root);
        r.extend(d);
        r
    };
    if let Some(url) = base_url {
        site.config
            .set_base_url(url)
            .map_err(|why| fail(vec![Diagnostic::error("--base-url", "bad-url", why)]))?;
    }
    let templates = Templates::load(root).map_err(fail)?;
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
    crate::budget::cleanup_on_runaway(staging.clone());
    let written = {
        let sink = DiskSink {
            dir: &staging,
            made: Mutex::default(),
        };
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
    crate::budget::forget_cleanup(&staging);
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

/// Runs `job`; with `KBGEN_TIMINGS` set in the environment, prints how long it took on
/// stderr (`timing: <what>: 0.123 s`). See docs/benchmarks.md.
pub(crate) fn timed<T>(what: &str, job: impl FnOnce() -> T) -> T {
    static ON: OnceLock<bool> = OnceLock::new();
    if !*ON.get_or_init(|| std::env::var_os("KBGEN_TIMINGS").is_some()) {
        return job();
    }
    let start = Instant::now();
    let out = job();
    eprintln!("timing: {what}: {:.3} s", start.elapsed().as_secs_f64());
    out
}

/// Where rendered files go: a folder on disk, or memory for `serve`.
pub trait Sink: Sync {
    /// Stores `bytes` at the site path `path` (`git/foo/index.html`).
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()>;

    /// Stores at `path` what `write` writes; a sink that can does so without holding it all.
    fn put_with(&self, path: &str, write: &WriteFn<'_>) -> io::Result<()> {
        let mut bytes = Vec::new();
        write(&mut bytes)?;
        self.put(path, &bytes)
    }
}

/// Writes a file's content, for [`Sink::put_with`].
pub type WriteFn<'a> = dyn Fn(&mut dyn io::Write) -> io::Result<()> + Sync + 'a;

struct DiskSink<'a> {
    dir: &'a Path,
    /// Folders known to exist, so that each is made once rather than once per file.
    made: Mutex<HashSet<PathBuf>>,
}

impl DiskSink<'_> {
    /// The full path of `path`, its folder made.
    fn path(&self, path: &str) -> io::Result<PathBuf> {
        let full = self.dir.join(path);
        if let Some(parent) = full.parent() {
            let made = || self.made.lock().unwrap_or_else(|e| e.into_inner());
            if !made().contains(parent) {
                std::fs::create_dir_all(parent)?;
                made().insert(parent.to_owned());
            }
        }
        Ok(full)
    }
}

impl Sink for DiskSink<'_> {
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        std::fs::write(self.path(path)?, bytes)
    }

    fn put_with(&self, path: &str, write: &WriteFn<'_>) -> io::Result<()> {
        let file = std::fs::File::create(self.path(path)?)?;
        let mut w = io::BufWriter::with_capacity(1 << 16, file);
        write(&mut w)?;
        io::Write::flush(&mut w)
    }
}

/// Files kept in memory, for `serve` and tests.
#[derive(Default)]
pub struct MemorySink {
    pub files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl Sink for MemorySink {
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_owned(), bytes.to_vec());
        Ok(())
    }
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
        write_assets(site, sink)
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

/// Theme assets, then the site's own static/ over them, then the output marker.
fn write_assets(site: &Site, sink: &dyn Sink) -> Vec<Diagnostic> {
    let put = |path: &str, bytes: &[u8]| put_file(sink, path, bytes);
    let mut errors: Vec<Diagnostic> = assets::BUILTIN
        .iter()
        .filter_map(|(path, bytes)| put(path, bytes).err())
        .collect();
    errors.extend(copy_static(&site.root, &put));
    errors.extend(
        put(
            MARKER,
            b"This folder is written by kbgen build, which replaces it on every build.\n",
        )
        .err(),
    );
    errors
}

fn put_file(sink: &dyn Sink, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
    sink.put(path, bytes).map_err(|e| io_error(path, e))
}

fn io_error(path: &str, e: io::Error) -> Diagnostic {
    Diagnostic::error(path, "io", format!("cannot write output file: {e}"))
}

/// Every page and feed: the number of HTML pages, and what went wrong.
fn render_pages(
    site: &Site,
    templates: &mut Templates,
    sink: &dyn Sink,
) -> (usize, Vec<Diagnostic>) {
    let globals = Globals::new(site);
    templates.set_globals(&globals);
    let templates = &*templates;
    let errors = Mutex::new(Vec::<Diagnostic>::new());
    let report = |r: Result<(), Diagnostic>| {
        if let Err(d) = r {
            errors.lock().unwrap_or_else(|e| e.into_inner()).push(d);
        }
    };
    let put = |path: &str, bytes: &[u8]| put_file(sink, path, bytes);
    let page = |template: &str, ctx: &tera::Context, path: &str| -> Result<(), Diagnostic> {
        let html = templates.render(template, ctx)?;
        put(path, html.as_bytes())
    };

    // Cards for lists, per platform, sorted by title then id; and each platform's last update.
    let mut by_platform: BTreeMap<&str, Vec<Card<'_>>> = BTreeMap::new();
    let mut last_update: BTreeMap<&str, jiff::civil::Date> = BTreeMap::new();
    for e in &site.entries {
        by_platform
            .entry(e.platform.as_str())
            .or_default()
            .push(render::card(site, e));
        let last = last_update.entry(e.platform.as_str()).or_insert(e.updated);
        *last = (*last).max(e.updated);
    }
    for cards in by_platform.values_mut() {
        cards.sort_by(|a, b| a.title.cmp(b.title).then(a.id.cmp(b.id)));
    }
    let cards_of = |platform: &str| by_platform.get(platform).map_or(&[][..], Vec::as_slice);
    // Entry pages, in parallel. Entries come by id, so a platform's pages come together.
    site.entries
        .par_iter()
        .for_each_init(CardValues::default, |values, e| {
            let cards = by_platform.get(e.platform.as_str());
            let others = cards
                .map(|c| {
                    platform_neighbours(c, &e.title, &e.id)
                        .into_iter()
                        .map(|k| values.get(&e.platform, c, k))
                        .collect()
                })
                .unwrap_or_default();
            let body = match site.body(e) {
                Ok(body) => body,
                Err(d) => return report(Err(d)),
            };
            let vars = render::entry_vars(site, e, &body, others, cards.map_or(0, Vec::len));
            let mut ctx =
                render::page_context("entry", &e.title, &e.summary, &format!("{}/", e.id), site);
            ctx.insert("entry", &vars);
            report(page("entry.html", &ctx, &format!("{}/index.html", e.id)));
        });

    // The feeds that need no page list, beside the platform, category and other pages
    // (in parallel too): no file of one waits for a file of another.
    rayon::join(
        || {
            report(put("robots.txt", feeds::robots(site).as_bytes()));
            report(put("atom.xml", feeds::atom(site).as_bytes()));
            report(
                sink.put_with("api/entries.json", &|w| feeds::write_api_entries(site, w))
                    .map_err(|e| io_error("api/entries.json", e)),
            );
        },
        || {
            let platforms: Vec<(&String, &crate::load::Platform)> = site.platforms.iter().collect();
            let platform_pages: Vec<(String, Option<String>)> = platforms
                .par_iter()
                .map(|&(slug, p)| {
                    let cards = cards_of(slug);
                    let last = last_update.get(slug.as_str());
                    let vars = globals.platforms.iter().find(|v| v.slug == slug);
                    let description = render::platform_description(p, cards.len());
                    let mut ctx = render::page_context(
                        "platform",
                        &p.name,
                        &description,
                        &format!("{slug}/"),
                        site,
                    );
                    ctx.insert("platform", &vars);
                    ctx.insert("entries", &cards);
                    report(page("platform.html", &ctx, &format!("{slug}/index.html")));
                    (format!("{slug}/"), last.map(|d| d.to_string()))
                })
                .collect();
            let category_pages: Vec<(String, Option<String>)> = globals
                .categories
                .par_iter()
                .map(|c| {
                    let groups: Vec<CategoryGroup<'_, '_>> = c
                        .platforms
                        .iter()
                        .map(|p| CategoryGroup {
                            platform: p,
                            entries: cards_of(p.slug),
                        })
                        .collect();
                    let last = c
                        .platforms
                        .iter()
                        .filter_map(|p| last_update.get(p.slug))
                        .max();
                    let description = render::category_description(c);
                    let path = format!("categories/{}/", c.slug);
                    let mut ctx =
                        render::page_context("category", c.name, &description, &path, site);
                    ctx.insert("category", c);
                    ctx.insert("groups", &groups);
                    report(page(
                        "category.html",
                        &ctx,
                        &format!("categories/{}/index.html", c.slug),
                    ));
                    (path, last.map(|d| d.to_string()))
                })
                .collect();

            // Home, search, 404.
            let recent: Vec<Card<'_>> = feeds::recent(site, RECENT)
                .into_iter()
                .map(|e| render::card(site, e))
                .collect();
            let cfg = &site.config;
            let mut ctx = render::page_context("index", &cfg.title, &cfg.description, "", site);
            ctx.insert("recent", &recent);
            report(page("index.html", &ctx, "index.html"));
            let ctx = render::page_context(
                "search",
                "Search",
                render::SEARCH_DESCRIPTION,
                "search/",
                site,
            );
            report(page("search.html", &ctx, "search/index.html"));
            let ctx = render::page_context("404", "Page not found", "", "404.html", site);
            report(page("404.html", &ctx, "404.html"));

            let home_last = site.entries.iter().map(|e| e.updated).max();
            let sitemap_pages: Vec<(String, Option<String>)> =
                std::iter::once((String::new(), home_last.map(|d| d.to_string())))
                    .chain(platform_pages)
                    .chain(category_pages)
                    .collect();
            report(put(
                "sitemap.xml",
                feeds::sitemap(site, &sitemap_pages).as_bytes(),
            ));
        },
    );

    let pages = site.entries.len() + site.platforms.len() + globals.categories.len() + 3;
    (
        pages,
        errors.into_inner().unwrap_or_else(|e| e.into_inner()),
    )
}

/// `groups` in `category.html`: a platform of the category and its entries.
#[derive(serde::Serialize)]
struct CategoryGroup<'p, 'c> {
    platform: &'p render::PlatformVars<'p>,
    entries: &'c [Card<'c>],
}

/// Up to [`PLATFORM_NEIGHBOURS`] other entries of the platform, around the entry
/// (`title`, `id`) in `cards`, which are sorted by title then id: their indices in `cards`.
fn platform_neighbours(cards: &[Card<'_>], title: &str, id: &str) -> Vec<usize> {
    let at = cards
        .binary_search_by(|c| c.title.cmp(title).then(c.id.cmp(id)))
        .unwrap_or(0);
    let start = at
        .saturating_sub(PLATFORM_NEIGHBOURS / 2)
        .min(cards.len().saturating_sub(PLATFORM_NEIGHBOURS + 1));
    (start..cards.len())
        .filter(|&k| cards[k].id != id)
        .take(PLATFORM_NEIGHBOURS)
        .collect()
}

/// The cards of one platform as Tera values, each made the first time a page lists it.
/// An entry page lists up to [`PLATFORM_NEIGHBOURS`] cards of its platform, so each card
/// would otherwise be turned into Tera values for every page it appears on; a value is
/// shared, not copied, when a page's variables take it in.
#[derive(Default)]
struct CardValues {
    platform: String,
    values: Vec<Option<tera::Value>>,
}

impl CardValues {
    /// The value of `cards[k]`, the cards of `platform`.
    fn get(&mut self, platform: &str, cards: &[Card<'_>], k: usize) -> tera::Value {
        if self.platform != platform {
            platform.clone_into(&mut self.platform);
            self.values.clear();
            self.values.resize(cards.len(), None);
        }
        self.values[k]
            .get_or_insert_with(|| tera::Value::from_serializable(&cards[k]))
            .clone()
    }
}

/// Stores one output file.
type Put<'a> = dyn Fn(&str, &[u8]) -> Result<(), Diagnostic> + Sync + 'a;

fn copy_static(root: &Path, put: &Put<'_>) -> Vec<Diagnostic> {
    let dir = root.join("static");
    let (files, mut errors) = crate::confine::Fence::new(root).files_under(&dir, "static");
    errors.par_extend(files.par_iter().filter_map(|path| {
        let rel = load::rel_path(&dir, path);
        let read = || -> io::Result<Vec<u8>> {
            let mut bytes = Vec::new();
            io::Read::read_to_end(
                &mut crate::confine::open_regular(path, &rel)
                    .map_err(|d| io::Error::other(d.message))?,
                &mut bytes,
            )?;
            Ok(bytes)
        };
        match read() {
            Ok(bytes) => put(&rel, &bytes).err(),
            Err(e) => Some(Diagnostic::error(
                format!("static/{rel}"),
                "io",
                format!("cannot read: {e}"),
            )),
        }
    }));
    errors
}

/// Refuses output folders that would destroy something kbgen did not write.
fn check_output_folder(root: &Path, output: &Path, force: bool) -> Result<(), Diagnostic> {
    let name = output.display().to_string();
    let abs_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_owned());
    let abs_out = absolute(output);
    if abs_root.starts_with(&abs_out) {
        return Err(Diagnostic::error(
            &name,
            "output-folder",
            "the output folder contains the site itself; choose another --output",
        ));
    }
    for kept in ["content", "templates", "static"] {
        if abs_out.starts_with(abs_root.join(kept)) {
            return Err(Diagnostic::error(
                &name,
                "output-folder",
                format!("the output folder is inside the site's {kept}/ folder"),
            ));
        }
    }
    if output.exists() && !output.is_dir() {
        return Err(Diagnostic::error(
            &name,
            "output-folder",
            "the output path exists and is not a folder",
        ));
    }
    let non_empty = output
        .read_dir()
        .map(|mut d| d.next().is_some())
        .unwrap_or(false);
    if non_empty && !output.join(MARKER).is_file() && !force {
        return Err(Diagnostic::error(
            &name,
            "output-folder",
            format!(
                "{name} is not empty and was not written by kbgen (it has no {MARKER} file); refusing to replace it. Choose another --output, or pass --force to replace it"
            ),
        ));
    }
    Ok(())
}

fn absolute(p: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(p) {
        return c;
    }
    let parent = p
        .parent()
        .filter(|x| !x.as_os_str().is_empty())
        .map(absolute);
    match (parent, p.file_name()) {
        (Some(parent), Some(name)) => parent.join(name),
        _ => std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_owned()),
    }
}

/// `.public.kbgen-tmp` beside `public`.
fn sibling(output: &Path, what: &str) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let parent = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parent.join(format!(".{name}.kbgen-{what}"))
}

fn remove_if_exists(path: &Path) -> io::Result<()> {
    match std::fs::remove_dir_all(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Takes the lock file beside `output` (`.public.kbgen-lock`), made if missing, for as long
/// as the returned file is open. The operating system lets go of it when the process ends,
/// however it ends, so a killed build never leaves a stale lock.
fn lock_output(output: &Path) -> Result<std::fs::File, Diagnostic> {
    let path = sibling(output, "lock");
    let diag = |e: io::Error| io_diag(&path, e);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(diag)?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(diag)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(Diagnostic::error(
            output.display().to_string(),
            "output-locked",
            format!(
                "another kbgen build is writing this folder now (it holds {}); wait for it to finish, or build into another --output",
                path.display()
            ),
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(diag(e)),
    }
}

/// Puts `staging` where `output` is; the old output is removed only after the swap.
///
/// Where the operating system can exchange two paths in one step (Linux's `renameat2` with
/// `RENAME_EXCHANGE`, macOS's `renameatx_np` with `RENAME_SWAP`), the output path holds the
/// old site or the new one at every instant, whenever the process is stopped. Elsewhere,
/// or on a file system that refuses the exchange, the old output is renamed aside first: a
/// stop between the two renames leaves it at `.public.kbgen-old`.
fn swap_in(staging: &Path, output: &Path) -> io::Result<()> {
    if output.exists() {
        match exchange(staging, output) {
            // `staging` now holds the old output.
            Ok(true) => return remove_if_exists(staging),
            Ok(false) => {}
            Err(e) => return Err(e),
        }
        let old = sibling(output, "old");
        remove_if_exists(&old)?;
        std::fs::rename(output, &old)?;
        if let Err(e) = std::fs::rename(staging, output) {
            std::fs::rename(&old, output)?;
            return Err(e);
        }
        remove_if_exists(&old)
    } else {
        if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::rename(staging, output)
    }
}

/// Exchanges two paths atomically; `false` where this system or file system cannot.
#[cfg(any(target_os = "linux", target_os = "android", target_os = "macos"))]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(e)
            if [
                rustix::io::Errno::INVAL,
                rustix::io::Errno::NOSYS,
                rustix::io::Errno::OPNOTSUPP,
            ]
            .contains(&e) =>
        {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "macos")))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

fn io_diag(path: &Path, e: io::Error) -> Diagnostic {
    Diagnostic::error(path.display().to_string(), "io", e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card<'a>(id: &'a str, title: &'a str) -> Card<'a> {
        Card {
            id,
            title,
            summary: "",
            url: String::new(),
            platform: "p",
            platform_name: "P",
            signature: "",
            updated: String::new(),
        }
    }

    #[test]
    fn card_values_are_the_cards_whatever_the_order_asked() {
        let (a_ids, b_ids) = (["a/x", "a/y", "a/z"], ["b/x", "b/y"]);
        let a: Vec<Card<'_>> = a_ids.iter().map(|id| card(id, id)).collect();
        let b: Vec<Card<'_>> = b_ids.iter().map(|id| card(id, id)).collect();
        let mut values = CardValues::default();
        // Back and forth between two platforms, and the same card twice in a row.
        for (platform, cards, k) in [("a", &a, 2), ("a", &a, 2), ("b", &b, 0), ("a", &a, 0)] {
            let got = values.get(platform, cards, k);
            assert_eq!(
                got,
                tera::Value::from_serializable(&cards[k]),
                "{platform} {k}"
            );
            assert_eq!(
                got.as_map()
                    .and_then(|m| m.get(&"id".into()))
                    .and_then(|v| v.as_str()),
                Some(cards[k].id)
            );
        }
    }

    #[test]
    fn platform_neighbours_match_a_scan_of_the_list() {
        // Titles repeat, so the id decides the order between equal titles.
        let ids: Vec<String> = (0..40).map(|i| format!("p/e{i:02}")).collect();
        let titles: Vec<String> = (0..40).map(|i| format!("T{}", (i * 7) % 13)).collect();
        let mut cards: Vec<Card<'_>> = ids.iter().zip(&titles).map(|(i, t)| card(i, t)).collect();
        cards.sort_by(|a, b| a.title.cmp(b.title).then(a.id.cmp(b.id)));
        for (k, c) in cards.iter().enumerate() {
            let got: Vec<&str> = platform_neighbours(&cards, c.title, c.id)
                .into_iter()
                .map(|n| cards[n].id)
                .collect();
            let start = k
                .saturating_sub(PLATFORM_NEIGHBOURS / 2)
                .min(cards.len() - PLATFORM_NEIGHBOURS - 1);
            let want: Vec<&str> = cards[start..start + PLATFORM_NEIGHBOURS + 1]
                .iter()
                .map(|n| n.id)
                .filter(|id| *id != c.id)
                .collect();
            assert_eq!(got, want, "around {}", c.id);
        }
        let small = &cards[..3];
        let got = platform_neighbours(small, small[1].title, small[1].id);
        assert_eq!(got.len(), 2);
    }

    /// While builds replace the output again and again, a reader of the output path always
    /// finds a whole site there: the old one or the new one, never none.
    #[test]
    fn the_output_path_is_never_empty_during_a_swap() {
        let tmp = tempfile::tempdir().unwrap();
        let output = tmp.path().join("public");
        std::fs::create_dir(&output).unwrap();
        std::fs::write(output.join("index.html"), "0").unwrap();
        let done = std::sync::atomic::AtomicBool::new(false);
        let (missing, looks) = std::thread::scope(|s| {
            let watcher = s.spawn(|| {
                let (mut missing, mut looks) = (0u32, 0u32);
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    looks += 1;
                    if std::fs::symlink_metadata(&output).is_err()
                        || !output.join("index.html").exists()
                    {
                        missing += 1;
                    }
                }
                (missing, looks)
            });
            for i in 1..=3000 {
                let staging = sibling(&output, "tmp");
                std::fs::create_dir(&staging).unwrap();
                std::fs::write(staging.join("index.html"), i.to_string()).unwrap();
                swap_in(&staging, &output).unwrap();
                assert!(!staging.exists(), "the old output is removed");
            }
            done.store(true, std::sync::atomic::Ordering::Relaxed);
            watcher.join().unwrap()
        });
        assert_eq!(
            std::fs::read_to_string(output.join("index.html")).unwrap(),
            "3000"
        );
        assert!(looks > 1000, "the watcher looked only {looks} times");
        assert_eq!(
            missing, 0,
            "the output was missing {missing} of {looks} times"
        );
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234), "1,234");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
