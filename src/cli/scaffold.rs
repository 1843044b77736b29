//! Writing new files for people: `kbgen init` (a whole working site) and
//! `kbgen new` (one entry skeleton).
//!
//! Both only ever create files, never replace one: every file is opened with
//! `create_new`, so an existing file is an error, not a loss. The site that
//! `init` writes builds and passes `kbgen check --strict` at once; its files
//! live in `scaffold/` and are compiled into the binary. The skeleton that
//! `new` writes parses, but every hint in it starts with `TODO:`, so
//! `kbgen check` flags an unfinished entry instead of publishing hints.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::cli::schema::{self, ENTRY_SCHEMA_LINE, PLATFORM_SCHEMA_LINE};
use crate::load::PLATFORM_FILE;
use crate::load::config::{CONFIG_FILE, Config};
use crate::util::text::is_slug;

/// The platform and the example entry that `kbgen init` writes.
pub const EXAMPLE_PLATFORM: &str = "bash";
/// The example entry's slug.
pub const EXAMPLE_SLUG: &str = "command-not-found";

/// The files `kbgen init` writes (path in the new site, text), before the
/// `%TITLE%`, `%TODAY%` and `%SCHEMA%` markers are filled in.
const INIT_FILES: &[(&str, &str)] = &[
    (CONFIG_FILE, include_str!("../../scaffold/kbgen.yaml")),
    (
        "content/bash/_platform.yaml",
        include_str!("../../scaffold/platform.yaml"),
    ),
    (
        "content/bash/command-not-found.md",
        include_str!("../../scaffold/entry.md"),
    ),
    (".gitignore", include_str!("../../scaffold/gitignore")),
    ("README.md", include_str!("../../scaffold/README.md")),
    (
        ".github/workflows/ci.yml",
        include_str!("../../scaffold/workflows/ci.yml"),
    ),
    (
        ".github/workflows/pages.yml",
        include_str!("../../scaffold/workflows/pages.yml"),
    ),
    (
        ".github/PULL_REQUEST_TEMPLATE.md",
        include_str!("../../scaffold/PULL_REQUEST_TEMPLATE.md"),
    ),
];

/// Today's date on this machine's clock, for `updated:`. Never later than the
/// date `kbgen check` calls today (the latest on Earth).
pub fn local_today() -> Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::system())
        .date()
}

/// Starts a new site in `dir`, which must be missing or empty (hidden entries
/// such as `.git` are allowed). Returns the files written, relative to `dir`.
pub fn init(dir: &Path, today: Date) -> Result<Vec<String>, String> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(format!("{} exists and is not a folder", dir.display()));
        }
        let blocking = blocking_entries(dir)?;
        if !blocking.is_empty() {
            return Err(format!(
                "{} is not empty (it holds {}); kbgen init starts a site in a new or empty folder, so that nothing of yours is overwritten",
                dir.display(),
                blocking.join(", ")
            ));
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut written = Vec::new();
    let title = title_for(dir);
    for (rel, text) in INIT_FILES {
        let (schema_line, title) = if rel.ends_with(PLATFORM_FILE) {
            (PLATFORM_SCHEMA_LINE, title.clone())
        } else if *rel == CONFIG_FILE {
            (ENTRY_SCHEMA_LINE, yaml_quote(&title))
        } else {
            (ENTRY_SCHEMA_LINE, title.clone())
        };
        let text = text
            .replace("%TITLE%", &title)
            .replace("%TODAY%", &today.to_string())
            .replace("%SCHEMA%", schema_line);
        create_file(&dir.join(rel), &text)?;
        written.push((*rel).to_owned());
    }
    schema::write_schemas(dir).map_err(|e| {
        format!(
            "cannot write {}/: {e}",
            dir.join(schema::SCHEMA_DIR).display()
        )
    })?;
    written.push(format!("{}/entry.schema.json", schema::SCHEMA_DIR));
    written.push(format!("{}/platform.schema.json", schema::SCHEMA_DIR));
    Ok(written)
}

/// Names in `dir` that stop `init`: anything not hidden, and the hidden files `init` writes.
fn blocking_entries(dir: &Path) -> Result<Vec<String>, String> {
    let read = std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut names: Vec<String> = read
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.') || n == ".gitignore" || n == ".github")
        .collect();
    names.sort();
    Ok(names)
}

/// A title from the folder's name: `payment-errors` -> `Payment Errors`.
fn title_for(dir: &Path) -> String {
    let name = std::fs::canonicalize(dir)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .or_else(|| dir.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let words: Vec<String> = name
        .split(['-', '_', ' ', '.'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect();
    if words.is_empty() || words.iter().any(|w| w.chars().any(char::is_control)) {
        "My Knowledge Base".to_owned()
    } else {
        words.join(" ")
    }
}

/// What `kbgen new` was asked to do.
#[derive(Debug, Clone)]
pub struct NewOptions {
    /// The site folder.
    pub root: PathBuf,
    /// The platform's slug.
    pub platform: String,
    /// The entry's slug.
    pub slug: String,
    /// The entry's title; without one, the skeleton has a hint.
    pub title: Option<String>,
    /// Write `content/<platform>/_platform.yaml` when it is missing.
    pub create_platform: bool,
    /// The category of a platform created with `create_platform`.
    pub category: Option<String>,
}

/// What `kbgen new` wrote, relative to the site root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub entry: String,
    /// Set when the platform was created too.
    pub platform: Option<String>,
    /// Set when the JSON Schemas were missing and were written.
    pub schemas: bool,
}

/// Splits and checks `<platform>/<slug>`.
pub fn parse_id(id: &str) -> Result<(String, String), String> {
    match id.split_once('/') {
        Some((p, s)) if is_slug(p) && is_slug(s) => Ok((p.to_owned(), s.to_owned())),
        _ => Err(format!(
            "`{id}` is not an entry id: write <platform>/<slug> in lower-case words joined by `-`, like `git/detached-head`"
        )),
    }
}

/// Writes an entry skeleton to `content/<platform>/<slug>.md`.
pub fn new_entry(opts: &NewOptions, today: Date) -> Result<NewEntry, String> {
    let root = &opts.root;
    if !root.join(CONFIG_FILE).is_file() {
        return Err(format!(
            "no {CONFIG_FILE} in {}: run kbgen new inside a site, or point at one with --root DIR (`kbgen init DIR` starts a site)",
            root.display()
        ));
    }
    let (p, s) = (&opts.platform, &opts.slug);
    let entry_rel = format!("content/{p}/{s}.md");
    for ext in ["md", "yaml"] {
        let rel = format!("content/{p}/{s}.{ext}");
        if root.join(&rel).exists() {
            return Err(format!(
                "{rel} already exists; kbgen new never overwrites a file. Choose another slug, or edit that file"
            ));
        }
    }
    let platform_rel = format!("content/{p}/{PLATFORM_FILE}");
    let mut created_platform = None;
    if !root.join(&platform_rel).is_file() {
        let categories = site_categories(root)?;
        if !opts.create_platform {
            return Err(unknown_platform(root, p, s, &categories));
        }
        let category = opts.category.as_deref().unwrap_or_default();
        if !categories.iter().any(|c| c == category) {
            return Err(format!(
                "there is no category `{category}` in {CONFIG_FILE} (categories: {}); add it under `categories:` or pick one of those",
                categories.join(", ")
            ));
        }
        let text = format!(
            "{PLATFORM_SCHEMA_LINE}\nname: {}\ncategory: {category}\n# homepage: https://...  (optional: the tool's home page)\n# description: ...  (optional: one sentence about the tool, Markdown)\n",
            yaml_quote(&words_title(p))
        );
        create_file(&root.join(&platform_rel), &text)?;
        created_platform = Some(platform_rel);
    }
    create_file(
        &root.join(&entry_rel),
        &skeleton(opts.title.as_deref(), today),
    )?;
    let schemas = !root
        .join(schema::SCHEMA_DIR)
        .join("entry.schema.json")
        .is_file();
    if schemas {
        schema::write_schemas(root).map_err(|e| format!("cannot write schema/: {e}"))?;
    }
    Ok(NewEntry {
        entry: entry_rel,
        platform: created_platform,
        schemas,
    })
}

/// The categories of `kbgen.yaml`, or why they cannot be read.
fn site_categories(root: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(root.join(CONFIG_FILE))
        .map_err(|e| format!("cannot read {CONFIG_FILE}: {e}"))?;
    let mut diags = Vec::new();
    match Config::parse(&text, &mut diags) {
        Some(config) => Ok(config.categories.into_keys().collect()),
        None => Err(format!(
            "{CONFIG_FILE} has errors ({}); `kbgen check` shows them all",
            diags
                .first()
                .map(|d| d.message.as_str())
                .unwrap_or("it cannot be read")
        )),
    }
}

/// The error for a platform that does not exist, saying how to create it.
fn unknown_platform(root: &Path, p: &str, s: &str, categories: &[String]) -> String {
    let mut known: Vec<String> = std::fs::read_dir(root.join("content"))
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.path().join(PLATFORM_FILE).is_file())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    known.sort();
    let known = if known.is_empty() {
        "none yet".to_owned()
    } else {
        known.join(", ")
    };
    let category = categories.first().map(String::as_str).unwrap_or("CATEGORY");
    format!(
        "there is no platform `{p}`: content/{p}/{PLATFORM_FILE} does not exist (platforms: {known}).\n\
         Create it with the entry:\n    kbgen new {p}/{s} --create-platform --category {category}\n\
         (categories in {CONFIG_FILE}: {}), or write content/{p}/{PLATFORM_FILE} yourself with `name:` and `category:`.",
        categories.join(", ")
    )
}

/// `github-actions` -> `Github Actions`.
fn words_title(slug: &str) -> String {
    slug.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        })
        .collect::<Vec<String>>()
        .join(" ")
}

/// The text of a new entry: every section, each with a one-line `TODO:` hint.
pub fn skeleton(title: Option<&str>, today: Date) -> String {
    let title = match title {
        Some(t) => yaml_quote(t.trim()),
        None => yaml_quote("TODO: the error in a few words; often the message itself"),
    };
    format!(
        "---
{ENTRY_SCHEMA_LINE}
# Replace every TODO hint; `kbgen check` points at the ones left. A section you
# cannot fill yet can be deleted: an empty section is not shown.
title: {title}
summary: 'TODO: one sentence of 40-160 characters: what the reader sees and what it really means.'
signatures:
  - 'TODO: the error text exactly as the tool prints it; one item per variant'
updated: {today}
tags: []  # lower-case words joined by -, e.g. [authentication, http-401]
quick_fix: 'TODO: the one thing to try first, in one or two sentences.'
causes:
  - 'TODO: one reason this error happens (Markdown); one item per cause.'
fixes:
  - 'TODO: a quick fix, the most likely first (Markdown); one item per fix.'
checks:
  - 'TODO: a command or setting that shows which cause applies here.'
steps:
  - 'TODO: step-by-step troubleshooting, in order; one step per item.'
prevention:
  - 'TODO: how to keep this error from happening again.'
sources:
  - title: 'TODO: what the link is: official documentation, changelog, issue thread'
    url: https://example.com/TODO-link-to-the-source
evidence: 'TODO: what the sources show, how you confirmed it (tool version, date), how sure that is.'
faq:
  - q: 'TODO: a question readers ask?'
    a: 'TODO: its answer (Markdown).'
related: []  # ids of related entries, e.g. [git/dubious-ownership]
---

TODO: free Markdown shown after the summary, such as what the message means. Delete this paragraph if there is nothing to add.
"
    )
}

/// A YAML single-quoted scalar: any one line of text, safe from YAML syntax.
pub fn yaml_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Creates `path` (and its folders) with `text`; an existing file is an error.
fn create_file(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => {
                format!("{} already exists; it was left as it is", path.display())
            }
            _ => format!("cannot create {}: {e}", path.display()),
        })?;
    file.write_all(text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> Date {
        Date::new(2026, 11, 29).unwrap()
    }

    #[test]
    fn ids_must_be_two_slugs() {
        assert_eq!(
            parse_id("git/detached-head").unwrap(),
            ("git".into(), "detached-head".into())
        );
        for bad in [
            "git", "git/", "/x", "Git/x", "git/x/y", "git/x.md", "../x/y",
        ] {
            assert!(parse_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn skeleton_parses_and_every_hint_is_marked() {
        let text = skeleton(Some("It's \"quoted\": yes"), day());
        let e = crate::load::record::parse(text.as_bytes(), "content/p/s.md", "p", "s", day())
            .unwrap_or_else(|d| panic!("{d:?}"));
        assert_eq!(e.title, "It's \"quoted\": yes");
        assert_eq!(e.updated, day());
        let hints = [
            &e.summary,
            &e.signatures[0],
            e.quick_fix.as_ref().unwrap(),
            &e.causes[0],
            &e.fixes[0],
            &e.checks[0],
            &e.steps[0],
            &e.prevention[0],
            &e.sources[0].title,
            e.evidence.as_ref().unwrap(),
            &e.faq[0].q,
            &e.faq[0].a,
            &e.body,
        ];
        for h in hints {
            assert!(h.trim_start().starts_with("TODO:"), "{h}");
        }
        assert!(text.starts_with(&format!("---\n{ENTRY_SCHEMA_LINE}\n")));
        let untitled = skeleton(None, day());
        let e = crate::load::record::parse(untitled.as_bytes(), "content/p/s.md", "p", "s", day())
            .unwrap();
        assert!(e.title.starts_with("TODO:"));
    }

    #[test]
    fn titles_from_folder_names() {
        assert_eq!(title_for(Path::new("/x/payment-errors")), "Payment Errors");
        assert_eq!(title_for(Path::new("/x/kb_2")), "Kb 2");
        assert_eq!(words_title("github-actions"), "Github Actions");
        assert_eq!(yaml_quote("a'b"), "'a''b'");
    }
}
