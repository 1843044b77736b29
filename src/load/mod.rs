//! Reads a whole site from disk: `kbgen.yaml`, every platform and every entry.
//!
//! Files are listed in sorted order, then read and parsed in parallel. Nothing
//! stops at the first problem: every file's diagnostics go into one [`Report`],
//! and the site is returned with whatever parsed cleanly so that site-wide rules
//! can still run over it.

pub mod config;
pub mod files;
pub mod locate;
pub mod record;
mod resolve;
pub mod yaml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Report};
use crate::load::config::{CONFIG_FILE, Config};
use crate::load::files::{read_limited, rel_path};
use crate::load::yaml::Spanned;
use crate::model::BodySpan;
use crate::model::Entry;
use crate::util::text::is_slug;

/// The file that makes a folder under `content/` a platform.
pub const PLATFORM_FILE: &str = "_platform.yaml";

/// `_platform.yaml` as written.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "kbgen platform",
    description = "content/<platform>/_platform.yaml"
)]
pub struct RawPlatform {
    /// Display name, e.g. `OpenRouter`.
    pub name: Spanned<String>,
    /// A key of `categories` in kbgen.yaml.
    pub category: Spanned<String>,
    /// The platform's home page (http or https).
    #[serde(default)]
    pub homepage: Option<Spanned<String>>,
    /// What the platform is (Markdown).
    #[serde(default)]
    pub description: Option<String>,
}

/// A validated platform.
#[derive(Debug, Clone)]
pub struct Platform {
    pub slug: String,
    pub name: String,
    pub category: String,
    pub homepage: Option<String>,
    /// Markdown.
    pub description: String,
    /// `content/<slug>/_platform.yaml`.
    pub file: String,
    /// Where `category` was written.
    pub category_pos: (u32, u32),
}

/// A loaded site.
#[derive(Debug, Clone)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub platforms: BTreeMap<String, Platform>,
    /// Sorted by id; drafts included only when asked for.
    pub entries: Vec<Entry>,
    /// Ids of the drafts that were left out.
    pub drafts_left_out: Vec<String>,
    /// Ids of the record files that exist but did not parse (their problems are
    /// in the report); links to them are not reported a second time.
    pub unparsed: Vec<String>,
}

impl Site {
    /// The entry with this id.
    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.entries
            .binary_search_by(|e| e.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.entries[i])
    }

    /// Lets go of what only the checks need, for a build: every entry's field positions.
    pub fn release_positions(&mut self) {
        for e in &mut self.entries {
            e.positions = Default::default();
        }
    }

    /// Lets go of the bodies of `.md` records; [`Site::body`] reads them back from their
    /// files (as [`LoadOptions::bodies_in_files_over`] does from the start).
    pub fn release_bodies(&mut self) {
        for e in &mut self.entries {
            if let Some(span) = &mut e.body_span {
                span.released = true;
                e.body = String::new();
            }
        }
    }

    /// The Markdown body of `e`, read back from its file when it was left there.
    pub fn body<'a>(&self, e: &'a Entry) -> Result<std::borrow::Cow<'a, str>, Diagnostic> {
        let Some(span) = e.body_span.filter(|s| s.released) else {
            return Ok(std::borrow::Cow::Borrowed(&e.body));
        };
        let path = self.root.join(&e.file);
        let io = |err: std::io::Error| {
            Diagnostic::error(&e.file, "io", format!("cannot read the file: {err}"))
        };
        let changed = || {
            Diagnostic::error(
                &e.file,
                "io",
                "the file changed during the build; build again",
            )
        };
        if span.verbatim {
            // The body alone, at its offsets in the file: a third of the bytes, and no
            // decoding of the front matter.
            return match read_span(&path, span) {
                Ok(Some(body)) => Ok(std::borrow::Cow::Owned(body)),
                Ok(None) => Err(changed()),
                Err(err) if err.kind() == std::io::ErrorKind::UnexpectedEof => Err(changed()),
                Err(err) => Err(io(err)),
            };
        }
        // The file was read once, within the size limit; its length is checked below.
        let bytes = std::fs::read(&path).map_err(io)?;
        let mut text = crate::load::record::decode(&bytes, &e.file).map_err(|d| *d)?;
        let (start, end) = (span.start as usize, span.end as usize);
        if text.len() != span.text_len as usize || text.get(start..end).is_none() {
            return Err(changed());
        }
        // The body in place: no second copy of it.
        text.truncate(end);
        text.drain(..start);
        Ok(std::borrow::Cow::Owned(text))
    }
}

/// The bytes of `span` in the file at `path`, when the file still has the length it had and
/// they are what [`crate::load::record::decode`] would have made of them
/// ([`crate::load::record::decodes_to_itself`]); `None` when it changed.
fn read_span(path: &Path, span: BodySpan) -> std::io::Result<Option<String>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path)?;
    if file.metadata()?.len() != u64::from(span.text_len) {
        return Ok(None);
    }
    file.seek(SeekFrom::Start(u64::from(span.start)))?;
    let mut bytes = vec![0; span.end.saturating_sub(span.start) as usize];
    file.read_exact(&mut bytes)?;
    Ok(String::from_utf8(bytes)
        .ok()
        .filter(|text| crate::load::record::decodes_to_itself(text)))
}

/// What to load.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Keep entries marked `draft: true`.
    pub drafts: bool,
    /// With more record files than this, leave the bodies of `.md` records in their
    /// files; [`Site::body`] reads them back. A build does so for large sites, to hold
    /// less (`None`: always hold them).
    pub bodies_in_files_over: Option<usize>,
    /// Parse entries without recording where each field was written (`Entry::pos` gives
    /// `None`): cheaper, for a build, which uses positions only to report errors and loads
    /// again with them when there are any (`site::load_checked`).
    pub skip_positions: bool,
}

/// Loads the site under `root`. Returns the site when `kbgen.yaml` was usable,
/// and every problem found on the way.
pub fn load(root: &Path, opts: LoadOptions) -> (Option<Site>, Report) {
    let mut report = Report::for_root(root);
    let config = load_config(root, &mut report);
    let today = crate::util::time::today();

    let (platform_files, record_files, layout) =
        crate::util::time::timed("list content", || list_content(root));
    report.extend(layout);

    let platforms = load_platforms(root, &platform_files, &mut report);
    let keep_body = opts
        .bodies_in_files_over
        .is_none_or(|n| record_files.len() <= n);
    let parsed = crate::util::time::timed("read and parse entries", || {
        parse_records(root, &record_files, opts, today, keep_body)
    });

    let mut unparsed = Vec::new();
    // Collected in place: the entries reuse the results' buffer rather than a second one.
    let mut entries: Vec<Entry> = parsed
        .into_iter()
        .enumerate()
        .filter_map(|(i, result)| match result {
            Ok(e) => Some(e),
            Err(diags) => {
                report.extend(diags);
                let rec = &record_files[i];
                unparsed.push(format!("{}/{}", rec.platform, rec.slug));
                None
            }
        })
        .collect();
    // Files are unique, so an unstable sort gives the one order, without a buffer.
    entries.sort_unstable_by(|a, b| a.id.cmp(&b.id).then(a.file.cmp(&b.file)));
    report.extend(duplicate_ids(&entries));
    entries.dedup_by(|a, b| a.id == b.id);
    let mut drafts_left_out = Vec::new();
    if !opts.drafts {
        entries.retain(|e| {
            if e.draft {
                drafts_left_out.push(e.id.clone());
            }
            !e.draft
        });
    }

    let site = config.map(|config| Site {
        root: root.to_owned(),
        config,
        platforms,
        entries,
        drafts_left_out,
        unparsed,
    });
    (site, report)
}

/// Every platform file, read and parsed in parallel; problems go to `report`.
fn load_platforms(
    root: &Path,
    files: &[(String, String)],
    report: &mut Report,
) -> BTreeMap<String, Platform> {
    let parsed: Vec<_> = files
        .par_iter()
        .map(|(slug, rel)| (slug, load_platform(root, slug, rel)))
        .collect();
    let mut platforms = BTreeMap::new();
    for (slug, result) in parsed {
        match result {
            Ok(p) => {
                platforms.insert(slug.clone(), p);
            }
            Err(diags) => report.extend(diags),
        }
    }
    platforms
}

/// Every record file, read and parsed in parallel, in the order of `files`.
fn parse_records(
    root: &Path,
    files: &[RecordFile],
    opts: LoadOptions,
    today: jiff::civil::Date,
    keep_body: bool,
) -> Vec<Result<Entry, Vec<Diagnostic>>> {
    files
        .par_iter()
        .map(|rec| {
            let bytes = read_limited(&root.join(&rec.rel), &rec.rel).map_err(|d| vec![*d])?;
            let parse = || {
                crate::load::record::parse_with(
                    &bytes,
                    &rec.rel,
                    &rec.platform,
                    &rec.slug,
                    today,
                    keep_body,
                )
            };
            if opts.skip_positions {
                crate::load::yaml::without_positions(parse)
            } else {
                parse()
            }
        })
        .collect()
}

fn load_config(root: &Path, report: &mut Report) -> Option<Config> {
    let path = root.join(CONFIG_FILE);
    if !path.is_file() {
        report.push(Diagnostic::error(
            CONFIG_FILE,
            "missing-config",
            format!(
                "no {CONFIG_FILE} in {}: is this a kbgen site? (`kbgen init DIR` starts one)",
                root.display()
            ),
        ));
        return None;
    }
    if let Some(d) = crate::load::files::Fence::new(root).refusal(&path, CONFIG_FILE) {
        report.push(d);
        return None;
    }
    let text = match read_limited(&path, CONFIG_FILE)
        .and_then(|b| crate::load::record::decode(&b, CONFIG_FILE))
    {
        Ok(t) => t,
        Err(d) => {
            report.push(*d);
            return None;
        }
    };
    let mut diags = Vec::new();
    let config = Config::parse(&text, &mut diags);
    report.extend(diags);
    config
}

fn load_platform(root: &Path, slug: &str, rel: &str) -> Result<Platform, Vec<Diagnostic>> {
    let path = root.join(rel);
    if let Some(d) = crate::load::files::Fence::new(root).refusal(&path, rel) {
        return Err(vec![d]);
    }
    let bytes = read_limited(&path, rel).map_err(|d| vec![*d])?;
    let text = crate::load::record::decode(&bytes, rel).map_err(|d| vec![*d])?;
    let raw: RawPlatform = yaml::from_str(&text, rel).map_err(|d| vec![*d])?;
    let mut diags = Vec::new();
    let texts = [
        ("name", Some(raw.name.value.as_str()), Some(raw.name.pos())),
        (
            "category",
            Some(raw.category.value.as_str()),
            Some(raw.category.pos()),
        ),
        (
            "homepage",
            raw.homepage.as_ref().map(|h| h.value.as_str()),
            raw.homepage.as_ref().map(Spanned::pos),
        ),
        ("description", raw.description.as_deref(), None),
    ];
    for (field, value, pos) in texts {
        if let Some((_, c)) = value.and_then(crate::util::text::forbidden_control) {
            diags.push(
                Diagnostic::error(
                    rel,
                    "control-character",
                    crate::util::text::control_message(c),
                )
                .field(field)
                .at_opt(pos),
            );
        }
    }
    let name = raw.name.value.trim().to_owned();
    if name.is_empty() {
        diags.push(
            Diagnostic::error(rel, "required", "`name` must not be empty")
                .field("name")
                .at_opt(Some(raw.name.pos())),
        );
    }
    let homepage = match raw.homepage {
        Some(h) => match crate::util::url::check_url(h.value.trim()) {
            Ok(()) => Some(h.value.trim().to_owned()),
            Err(why) => {
                diags.push(
                    Diagnostic::error(rel, "bad-url", why.replace("source URL", "homepage"))
                        .field("homepage")
                        .at_opt(Some(h.pos())),
                );
                None
            }
        },
        None => None,
    };
    if !diags.is_empty() {
        return Err(diags);
    }
    let platform = Platform {
        slug: slug.to_owned(),
        name,
        category: raw.category.value.trim().to_owned(),
        homepage,
        description: raw.description.unwrap_or_default().trim().to_owned(),
        file: rel.to_owned(),
        category_pos: raw.category.pos(),
    };
    Ok(platform)
}

struct RecordFile {
    rel: String,
    platform: String,
    slug: String,
}

/// Lists platform files and record files under `content/`, with layout problems.
fn list_content(root: &Path) -> (Vec<(String, String)>, Vec<RecordFile>, Vec<Diagnostic>) {
    let mut listing = Listing::default();
    let content = root.join("content");
    if !content.is_dir() {
        listing.diags.push(Diagnostic::error(
            "content",
            "missing-content",
            "there is no content/ folder: entries live in content/<platform>/<slug>.md",
        ));
        return listing.into_parts();
    }
    let fence = crate::load::files::Fence::new(root);
    if let Some(d) = fence.refusal(&content, "content") {
        listing.diags.push(d);
        return listing.into_parts();
    }
    // Links are followed, but a link out of the site (or to a special file) is reported and
    // not entered; a regular file or folder that is not a link is inside by construction.
    let refused = std::cell::RefCell::new(Vec::new());
    let walker = walkdir::WalkDir::new(&content)
        .follow_links(true)
        .min_depth(1)
        .max_depth(2)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if is_hidden(e.file_name().to_str().unwrap_or("")) && e.depth() == 1 {
                return false;
            }
            let plain = e.file_type().is_file() || e.file_type().is_dir();
            if e.path_is_symlink() || !plain {
                let rel = rel_path(root, e.path());
                if let Some(d) = fence.refusal(e.path(), &rel) {
                    refused.borrow_mut().push(d);
                    return false;
                }
            }
            true
        });
    for item in walker {
        match item {
            Ok(item) if item.depth() == 1 => listing.platform_folder(root, &item),
            Ok(item) => listing.record_file(root, &item),
            Err(e) => {
                let rel = e
                    .path()
                    .map(|p| rel_path(root, p))
                    .unwrap_or_else(|| "content".into());
                let why = e
                    .io_error()
                    .map_or_else(|| e.to_string(), ToString::to_string);
                let msg = format!("cannot read the file: {why}");
                listing.diags.push(Diagnostic::error(rel, "io", msg));
            }
        }
    }
    listing.diags.extend(refused.into_inner());
    listing.into_parts()
}

/// What [`list_content`] found.
#[derive(Default)]
struct Listing {
    platforms: Vec<(String, String)>,
    records: Vec<RecordFile>,
    diags: Vec<Diagnostic>,
}

impl Listing {
    fn into_parts(self) -> (Vec<(String, String)>, Vec<RecordFile>, Vec<Diagnostic>) {
        (self.platforms, self.records, self.diags)
    }

    /// Something directly in `content/`: a platform folder, with its `_platform.yaml`.
    fn platform_folder(&mut self, root: &Path, item: &walkdir::DirEntry) {
        let name = item.file_name().to_string_lossy().into_owned();
        let rel = rel_path(root, item.path());
        if !item.file_type().is_dir() {
            if !is_hidden(&name) {
                self.diags.push(Diagnostic::error(
                    rel,
                    "misplaced-file",
                    "entries live in content/<platform>/, not directly in content/",
                ));
            }
            return;
        }
        if !is_slug(&name) {
            self.diags.push(Diagnostic::error(rel, "bad-slug", format!("platform folder `{name}` must be lower-case words joined by `-` (like `github-actions`)")));
            return;
        }
        if item.path().join(PLATFORM_FILE).is_file() {
            self.platforms
                .push((name.clone(), format!("{rel}/{PLATFORM_FILE}")));
        } else {
            self.diags.push(Diagnostic::error(
                format!("{rel}/{PLATFORM_FILE}"),
                "missing-platform",
                format!("the folder content/{name}/ has no {PLATFORM_FILE}; create it with `name:` and `category:`"),
            ));
        }
    }

    /// Something inside a platform folder: a record, or a stray file or folder.
    fn record_file(&mut self, root: &Path, item: &walkdir::DirEntry) {
        let name = item.file_name().to_string_lossy().into_owned();
        let rel = rel_path(root, item.path());
        if is_hidden(&name) {
            return;
        }
        if item.file_type().is_dir() {
            let msg = "folders inside a platform folder are not read";
            self.diags.push(Diagnostic::warning(rel, "stray-file", msg));
            return;
        }
        let (stem, ext) = name.rsplit_once('.').unwrap_or((name.as_str(), ""));
        match ext {
            "md" | "yaml" => {}
            "yml" => {
                let msg = "records end in .yaml, not .yml";
                self.diags
                    .push(Diagnostic::error(rel, "bad-extension", msg));
                return;
            }
            _ => {
                let msg = "only .md and .yaml files are entries; this file is ignored";
                self.diags.push(Diagnostic::warning(rel, "stray-file", msg));
                return;
            }
        }
        if !is_slug(stem) {
            self.diags.push(Diagnostic::error(rel, "bad-slug", format!("entry file name `{stem}` must be lower-case words joined by `-` (like `expired-key`)")));
            return;
        }
        let platform = item
            .path()
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.records.push(RecordFile {
            rel,
            platform,
            slug: stem.to_owned(),
        });
    }
}

fn is_hidden(name: &str) -> bool {
    name.starts_with('_') || name.starts_with('.')
}

fn duplicate_ids(entries: &[Entry]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for pair in entries.windows(2) {
        if pair[0].id == pair[1].id {
            for (this, other) in [(&pair[0], &pair[1]), (&pair[1], &pair[0])] {
                diags.push(Diagnostic::error(
                    &this.file,
                    "duplicate-id",
                    format!("`{}` is defined twice: here and in {}", this.id, other.file),
                ));
            }
        }
    }
    diags
}
