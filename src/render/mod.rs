//! Tera templates: the built-in theme, a site's overrides, and the page contexts.
//!
//! The built-in templates are compiled into the binary, so `kbgen` works from
//! any folder; a file of the same name in a site's `templates/` replaces one.
//! Everything the templates show is prepared here: Markdown fields arrive as
//! sanitized HTML (`*_html`, printed with `| safe`), plain-text fields arrive as
//! strings that Tera escapes, and inline JSON arrives already escaped for a
//! `<script>` element. The variables are documented in `docs/templates.md`.

pub mod aids;
pub mod assets;
pub mod budget;
mod entry;
pub mod feeds;
pub mod highlight;
pub mod jsonld;
pub mod markdown;
pub mod pages;

use std::collections::HashSet;
use std::path::Path;

use serde::Serialize;
use tera::{Context, Tera};

use crate::diagnostic::Diagnostic;
use crate::load::{Platform, Site};
use crate::model::Entry;
pub use entry::{EntryVars, FaqVars, entry_vars, page_ids};
use markdown::LinkContext;

/// The built-in templates, by file name.
pub const BUILTIN_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../theme/templates/base.html")),
    (
        "index.html",
        include_str!("../../theme/templates/index.html"),
    ),
    (
        "entry.html",
        include_str!("../../theme/templates/entry.html"),
    ),
    (
        "platform.html",
        include_str!("../../theme/templates/platform.html"),
    ),
    (
        "category.html",
        include_str!("../../theme/templates/category.html"),
    ),
    (
        "search.html",
        include_str!("../../theme/templates/search.html"),
    ),
    ("404.html", include_str!("../../theme/templates/404.html")),
    (
        "redirect.html",
        include_str!("../../theme/templates/redirect.html"),
    ),
    (
        "partials/entry-list.html",
        include_str!("../../theme/templates/partials/entry-list.html"),
    ),
];

/// Compiled templates, ready to render pages in parallel.
pub struct Templates {
    tera: Tera,
    /// Names that came from the site's `templates/` folder.
    overridden: HashSet<String>,
    /// What they were compiled from, by name, to tell whether a later load may reuse them.
    sources: Vec<(String, String)>,
}

impl Templates {
    /// Compiles the built-in templates with the site's overrides; every
    /// template problem becomes a diagnostic naming the file and line.
    pub fn load(root: &Path) -> Result<Templates, Vec<Diagnostic>> {
        Templates::load_reusing(root, None)
    }

    /// [`Templates::load`], giving back `previous` instead of compiling again when the
    /// templates it was compiled from have not changed (`kbgen serve` between saves).
    pub fn load_reusing(
        root: &Path,
        previous: Option<Templates>,
    ) -> Result<Templates, Vec<Diagnostic>> {
        let (sources, overridden) = Templates::sources(root)?;
        match previous {
            Some(t) if t.sources == sources => Ok(t),
            _ => Templates::compile(sources, overridden),
        }
    }

    /// The built-in templates with the site's overrides, read but not compiled.
    #[allow(clippy::type_complexity)]
    fn sources(root: &Path) -> Result<(Vec<(String, String)>, HashSet<String>), Vec<Diagnostic>> {
        let mut sources: Vec<(String, String)> = BUILTIN_TEMPLATES
            .iter()
            .map(|(n, s)| ((*n).to_owned(), (*s).to_owned()))
            .collect();
        let mut overridden = HashSet::new();
        let mut diags = Vec::new();
        let dir = root.join("templates");
        let (files, refused) = crate::load::files::Fence::new(root).files_under(&dir, "templates");
        diags.extend(refused);
        for path in files {
            let name = crate::load::files::rel_path(&dir, &path);
            if !(name.ends_with(".html") || name.ends_with(".xml") || name.ends_with(".txt")) {
                continue;
            }
            let rel = format!("templates/{name}");
            match crate::load::files::read_limited(&path, &rel)
                .and_then(|b| crate::load::record::decode(&b, &rel))
            {
                Ok(text) => {
                    sources.retain(|(n, _)| *n != name);
                    sources.push((name.clone(), text));
                    overridden.insert(name);
                }
                Err(d) => diags.push(*d),
            }
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        Ok((sources, overridden))
    }

    fn compile(
        sources: Vec<(String, String)>,
        overridden: HashSet<String>,
    ) -> Result<Templates, Vec<Diagnostic>> {
        let mut diags = Vec::new();
        let mut tera = Tera::new();
        // Tera's `range`, bounded by the page's time budget (see `crate::budget`).
        tera.register_function("range", crate::render::budget::range);
        tera.autoescape_on([".html", ".xml"]);
        tera.set_escape_fn(crate::util::escape::html_to);
        // Compile one by one first, so that each syntax error is reported with its file.
        for (name, text) in &sources {
            let mut probe = Tera::new();
            if let Err(e) = probe.add_raw_template(name, text)
                && !matches!(e.kind(), tera::ErrorKind::MissingParent { .. })
            {
                diags.push(template_diagnostic(&e, name, &overridden));
            }
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        if let Err(e) =
            tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))
        {
            return Err(vec![template_diagnostic(&e, "", &overridden)]);
        }
        Ok(Templates {
            tera,
            overridden,
            sources,
        })
    }

    /// Sets the variables every template sees.
    pub fn set_globals(&mut self, globals: &Globals<'_>) {
        let ctx = self.tera.global_context();
        ctx.insert("site", &globals.site);
        ctx.insert("categories", &globals.categories);
        ctx.insert("platforms", &globals.platforms);
        ctx.insert("kbgen_version", env!("CARGO_PKG_VERSION"));
    }

    /// Renders one page, within the budget of [`crate::budget`].
    pub fn render(&self, name: &str, ctx: &Context) -> Result<String, Diagnostic> {
        let page = crate::render::budget::Page::start(&template_file(name, &self.overridden));
        let mut out = crate::render::budget::PageWriter::new(&page);
        let rendered = self.tera.render_to(name, ctx, &mut out);
        if let Some(exceeded) = out.exceeded {
            let file = template_file(name, &self.overridden);
            return Err(Diagnostic::error(
                file,
                "template-budget",
                exceeded.message(),
            ));
        }
        if let Err(e) = rendered {
            let mut d = template_diagnostic(&e, name, &self.overridden);
            if crate::render::budget::past_deadline() {
                d.rule = "template-budget";
                d.message = crate::render::budget::Exceeded::Time.message();
            }
            return Err(d);
        }
        drop(page);
        // Tera writes only `str`s.
        String::from_utf8(out.bytes).map_err(|e| {
            let file = template_file(name, &self.overridden);
            Diagnostic::error(file, "template", format!("the page is not UTF-8: {e}"))
        })
    }
}

/// A template as diagnostics name it: the site's file, or the built-in one.
fn template_file(name: &str, overridden: &HashSet<String>) -> String {
    if overridden.contains(name) {
        format!("templates/{name}")
    } else {
        format!("(built-in) templates/{name}")
    }
}

fn template_diagnostic(
    e: &tera::Error,
    fallback: &str,
    overridden: &HashSet<String>,
) -> Diagnostic {
    let (name, message, line, column) = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let name = if r.filename().is_empty() {
                fallback
            } else {
                r.filename()
            };
            (
                name.to_owned(),
                r.message().to_owned(),
                Some(r.span().start_line),
                Some(r.span().start_col + 1),
            )
        }
        _ => (fallback.to_owned(), e.to_string(), None, None),
    };
    let file = template_file(&name, overridden);
    let mut d = Diagnostic::error(file, "template", format!("template error: {message}"));
    if let (Some(l), Some(c)) = (line, column) {
        d = d.at(l as u32, c as u32);
    }
    d
}

/// `site` in every template.
#[derive(Debug, Serialize)]
pub struct SiteVars<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub language: &'a str,
    pub base_url: &'a str,
    pub base_path: &'a str,
    pub repository: Option<&'a str>,
    pub entry_count: usize,
}

/// One category, with its platforms.
#[derive(Debug, Serialize)]
pub struct CategoryVars<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub url: String,
    pub entry_count: usize,
    pub platforms: Vec<PlatformVars<'a>>,
}

/// One platform.
#[derive(Debug, Clone, Serialize)]
pub struct PlatformVars<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub url: String,
    pub category: &'a str,
    pub category_name: &'a str,
    pub category_url: String,
    pub homepage: Option<&'a str>,
    pub description_html: String,
    pub entry_count: usize,
}

/// An entry as it appears in lists.
#[derive(Debug, Clone, Serialize)]
pub struct Card<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub url: String,
    pub platform: &'a str,
    pub platform_name: &'a str,
    pub signature: &'a str,
    pub updated: String,
}

/// What every template sees.
pub struct Globals<'a> {
    pub site: SiteVars<'a>,
    pub categories: Vec<CategoryVars<'a>>,
    pub platforms: Vec<PlatformVars<'a>>,
}

impl<'a> Globals<'a> {
    /// Builds the shared variables once for the whole site.
    pub fn new(site: &'a Site) -> Globals<'a> {
        let cfg = &site.config;
        let mut counts = std::collections::BTreeMap::<&str, usize>::new();
        for e in &site.entries {
            *counts.entry(e.platform.as_str()).or_default() += 1;
        }
        let platforms: Vec<PlatformVars<'a>> = site
            .platforms
            .values()
            .map(|p| platform_vars(site, p, counts.get(p.slug.as_str()).copied().unwrap_or(0)))
            .collect();
        let categories = cfg
            .categories
            .values()
            .map(|c| {
                let ps: Vec<_> = platforms
                    .iter()
                    .filter(|p| p.category == c.slug)
                    .cloned()
                    .collect();
                CategoryVars {
                    slug: &c.slug,
                    name: &c.name,
                    description: &c.description,
                    url: cfg.link(&format!("categories/{}/", c.slug)),
                    entry_count: ps.iter().map(|p| p.entry_count).sum(),
                    platforms: ps,
                }
            })
            .collect();
        Globals {
            site: SiteVars {
                title: &cfg.title,
                description: &cfg.description,
                language: &cfg.language,
                base_url: &cfg.base_url,
                base_path: &cfg.base_path,
                repository: cfg.repository.as_deref(),
                entry_count: site.entries.len(),
            },
            categories,
            platforms,
        }
    }
}

fn platform_vars<'a>(site: &'a Site, p: &'a Platform, count: usize) -> PlatformVars<'a> {
    let cfg = &site.config;
    let cat = cfg.categories.get(&p.category);
    PlatformVars {
        slug: &p.slug,
        name: &p.name,
        url: cfg.link(&format!("{}/", p.slug)),
        category: &p.category,
        category_name: cat.map_or(p.category.as_str(), |c| c.name.as_str()),
        category_url: cfg.link(&format!("categories/{}/", p.category)),
        homepage: p.homepage.as_deref(),
        description_html: markdown::render(
            &p.description,
            LinkContext {
                platform: "",
                base_path: &cfg.base_path,
            },
        )
        .html,
        entry_count: count,
    }
}

/// The list form of an entry.
pub fn card<'a>(site: &'a Site, e: &'a Entry) -> Card<'a> {
    Card {
        id: &e.id,
        title: &e.title,
        summary: &e.summary,
        url: site.config.link(&format!("{}/", e.id)),
        platform: &e.platform,
        platform_name: site
            .platforms
            .get(&e.platform)
            .map_or(e.platform.as_str(), |p| p.name.as_str()),
        signature: e.signatures.first().map_or("", String::as_str),
        updated: e.updated.to_string(),
    }
}

/// The search page's meta description.
pub const SEARCH_DESCRIPTION: &str =
    "Paste an error message to find the page that explains and fixes it.";

/// A platform page's meta description: its count, then its own description.
pub fn platform_description(p: &Platform, entries: usize) -> String {
    let mut d = format!(
        "{} {} explained, with causes and fixes.",
        crate::util::text::plural(entries, "error message", "error messages"),
        p.name
    );
    let own = markdown::plain_text(&p.description);
    if !own.is_empty() {
        d.push(' ');
        d.push_str(&own.replace('\n', " "));
    }
    d
}

/// A category page's meta description: its own description, then its count.
pub fn category_description(c: &CategoryVars<'_>) -> String {
    let count = format!(
        "{} with causes and fixes.",
        crate::util::text::plural(c.entry_count, "error message", "error messages")
    );
    if c.description.is_empty() {
        format!("{}: {count}", c.name)
    } else {
        format!("{} {count}", c.description)
    }
}

/// `29 November 2026`.
pub fn human_date(d: jiff::civil::Date) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    format!(
        "{} {} {}",
        d.day(),
        MONTHS[(d.month() - 1) as usize],
        d.year()
    )
}

/// A fresh page context with the page's own variables; `description` is the
/// page's one-sentence summary (meta description and social cards).
pub fn page_context(
    kind: &str,
    title: &str,
    description: &str,
    path: &str,
    site: &Site,
) -> Context {
    #[derive(Serialize)]
    struct PageVars<'a> {
        kind: &'a str,
        title: &'a str,
        description: &'a str,
        path: String,
        url: String,
        permalink: String,
    }
    let mut ctx = Context::new();
    ctx.insert(
        "page",
        &PageVars {
            kind,
            title,
            description: if description.is_empty() {
                &site.config.description
            } else {
                description
            },
            path: path.to_owned(),
            url: site.config.link(path),
            permalink: site.config.absolute(path),
        },
    );
    ctx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_templates_are_reused_and_changed_ones_compiled_again() {
        let site = tempfile::tempdir().unwrap();
        let mut first = Templates::load(site.path()).unwrap();
        // A mark only the first compiled set carries.
        first.tera.global_context().insert("compiled_first", &true);
        let mut again = Templates::load_reusing(site.path(), Some(first)).unwrap();
        assert!(again.tera.global_context().contains_key("compiled_first"));
        std::fs::create_dir(site.path().join("templates")).unwrap();
        std::fs::write(site.path().join("templates/404.html"), "gone").unwrap();
        let mut changed = Templates::load_reusing(site.path(), Some(again)).unwrap();
        assert!(!changed.tera.global_context().contains_key("compiled_first"));
        assert!(changed.overridden.contains("404.html"));
    }

    #[test]
    fn builtin_templates_compile() {
        let dir = std::env::temp_dir().join("kbgen-no-templates-here");
        assert!(Templates::load(&dir).is_ok());
    }
}
