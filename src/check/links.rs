//! Links between entries must lead somewhere: a blocking, site-wide rule.
//!
//! Every Markdown field of every entry is scanned for links that point inside
//! the site: record files (`other.md`, `../npm/x.md#causes`), page-style
//! relative links (`../x/`, `../../npm/x/`), and absolute links under
//! `base_url` (`https://host/kb/npm/x/`, or root-relative `/kb/npm/x/`). Each
//! must name an entry (or platform, or category) that exists, and a `#anchor`
//! must be an id the target page really has: one of its body's heading ids, or
//! the id of a section the entry template renders for that entry. Links to
//! files under `static/` are left alone, and so is everything outside the site.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{Event, Parser, Tag};
use rayon::prelude::*;

use crate::check::prose;
use crate::diagnostic::{Diagnostic, Report};
use crate::load::Site;
use crate::load::locate::{Locator, Place};
use crate::model::Entry;
use crate::render::markdown::{self, LinkContext};
use crate::util::text::is_slug;

/// Where a link inside the site leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An entry page, maybe with an anchor.
    Entry { id: String, anchor: Option<String> },
    /// An anchor on the page the link is on.
    SamePage(String),
    /// A platform's page.
    Platform(String),
    /// A category's page.
    Category(String),
    /// A path under the site that no page or file has.
    NoPage(String),
    /// An image path that no file of the site has.
    NoFile(String),
}

/// A link found in an entry, resolved.
struct Found<'a> {
    entry: &'a Entry,
    field: String,
    place: Place,
    dest: String,
    target: Target,
}

/// Checks every link between entries; problems are errors.
pub fn check(site: &Site, report: &mut Report) {
    let found: Vec<Found<'_>> = site
        .entries
        .par_iter()
        .flat_map_iter(|e| links_of(site, e))
        .collect();

    let known: HashSet<&str> = site.entries.iter().map(|e| e.id.as_str()).collect();
    // Pages that exist but whose ids cannot be checked here.
    let drafts: HashSet<&str> = site
        .drafts_left_out
        .iter()
        .chain(&site.unparsed)
        .map(String::as_str)
        .collect();
    // The ids each linked-to page has, computed once per page and only when an anchor asks.
    let wanted: HashSet<&str> = found
        .iter()
        .filter_map(|f| match &f.target {
            Target::Entry {
                id,
                anchor: Some(_),
            } => Some(id.as_str()),
            Target::SamePage(_) => Some(f.entry.id.as_str()),
            _ => None,
        })
        .collect();
    let wanted: Vec<&str> = wanted.into_iter().collect();
    let ids: HashMap<&str, Vec<String>> = wanted
        .par_iter()
        .filter_map(|id| site.entry(id).map(|e| (*id, page_ids(site, e))))
        .collect();

    let known = Known {
        ids: known,
        drafts,
        anchors: ids,
    };
    let diags: Vec<(&Found<'_>, &'static str, String)> = found
        .iter()
        .filter_map(|f| problem(site, &known, f).map(|(rule, message)| (f, rule, message)))
        .collect();

    let mut locator = Locator::new(&site.root);
    for (f, rule, message) in diags {
        let pos = locator.resolve(&f.entry.file, &f.place);
        report.push(
            Diagnostic::error(&f.entry.file, rule, message)
                .field(f.field.clone())
                .at_opt(pos),
        );
    }
}

/// What the link check knows of the site's pages.
struct Known<'a> {
    /// Ids of the entries.
    ids: HashSet<&'a str>,
    /// Pages that exist but whose ids cannot be checked here.
    drafts: HashSet<&'a str>,
    /// The ids each page that a link's anchor names has.
    anchors: HashMap<&'a str, Vec<String>>,
}

/// What is wrong with the link `f`, if anything: its rule and message.
fn problem(site: &Site, known: &Known<'_>, f: &Found<'_>) -> Option<(&'static str, String)> {
    let (drafts, ids) = (&known.drafts, &known.anchors);
    let known = &known.ids;
    match &f.target {
        Target::Entry { id, anchor } => {
            if drafts.contains(id.as_str()) {
                None
            } else if !known.contains(id.as_str()) {
                Some((
                    "broken-link",
                    format!(
                        "link `{}` points at `{id}`, but no entry has that id",
                        f.dest
                    ),
                ))
            } else {
                anchor
                    .as_deref()
                    .and_then(|a| missing_anchor(&f.dest, id, a, ids.get(id.as_str())))
            }
        }
        Target::SamePage(anchor) => {
            missing_anchor(&f.dest, &f.entry.id, anchor, ids.get(f.entry.id.as_str()))
        }
        Target::Platform(p) => (!site.platforms.contains_key(p)).then(|| {
            (
                "broken-link",
                format!(
                    "link `{}` points at the platform `{p}`, which does not exist",
                    f.dest
                ),
            )
        }),
        Target::Category(c) => (!site.config.categories.contains_key(c)).then(|| {
            (
                "broken-link",
                format!(
                    "link `{}` points at the category `{c}`, which does not exist",
                    f.dest
                ),
            )
        }),
        Target::NoFile(path) => Some((
            "broken-link",
            format!(
                "image `{}` points at `{}{path}`, but the site has no file there (images a site serves itself live in static/: static/{path})",
                f.dest, site.config.base_path
            ),
        )),
        Target::NoPage(path) => Some((
            "broken-link",
            format!(
                "link `{}` points at `{}{path}`, but the site has no page or file there",
                f.dest, site.config.base_path
            ),
        )),
    }
}

fn missing_anchor(
    dest: &str,
    id: &str,
    anchor: &str,
    page: Option<&Vec<String>>,
) -> Option<(&'static str, String)> {
    let page = page?;
    let anchor = percent_decode(anchor);
    if page.contains(&anchor) {
        return None;
    }
    let hint = match nearest(&anchor, page) {
        Some(near) => format!("did you mean `#{near}`?"),
        None => {
            let shown: Vec<&str> = page.iter().take(12).map(String::as_str).collect();
            let more = if page.len() > shown.len() {
                ", ..."
            } else {
                ""
            };
            format!("it has: {}{more}", shown.join(", "))
        }
    };
    Some((
        "broken-anchor",
        format!(
            "link `{dest}` points at `#{anchor}`, but the page of `{id}` has no heading or section with that id ({hint})"
        ),
    ))
}

/// The id closest to `wanted`, when a small typo away (at most a third of its length).
fn nearest<'a>(wanted: &str, ids: &'a [String]) -> Option<&'a str> {
    let limit = (wanted.chars().count() / 3).clamp(1, 3);
    ids.iter()
        .map(|id| (edit_distance(wanted, id), id))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, id)| id.as_str())
}

/// Levenshtein distance, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Every link of `e` that leads inside the site.
fn links_of<'a>(site: &'a Site, e: &'a Entry) -> Vec<Found<'a>> {
    let mut out = Vec::new();
    // A body that cannot be read back fails the entry's page, and so the build. One without
    // a link is not read back at all.
    let body = if e.body_span.is_some_and(|s| !s.may_link) {
        Default::default()
    } else {
        site.body(e).unwrap_or_default()
    };
    for field in prose::markdown_fields_with(e, &body) {
        let images = image_dests(field.text)
            .into_iter()
            .map(|(dest, offset)| (resolve_image(site, e, &dest), dest, offset));
        let links = link_dests(field.text)
            .into_iter()
            .map(|(dest, offset)| (resolve(site, e, &dest), dest, offset));
        for (target, dest, offset) in links.chain(images) {
            if let Some(target) = target {
                out.push(Found {
                    entry: e,
                    field: field.name.clone(),
                    place: field.place(offset),
                    dest,
                    target,
                });
            }
        }
    }
    out
}

/// The destinations of the links (not images) in `md`, with source offsets.
pub fn link_dests(md: &str) -> Vec<(String, usize)> {
    if !crate::util::text::may_link(md) {
        return Vec::new();
    }
    parsed_link_dests(md)
}

/// The sources of the Markdown images in `md`, with source offsets.
pub fn image_dests(md: &str) -> Vec<(String, usize)> {
    if !md.contains("![") {
        return Vec::new();
    }
    Parser::new_ext(md, markdown::options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Image { dest_url, .. }) => {
                Some((dest_url.into_string(), range.start))
            }
            _ => None,
        })
        .collect()
}

/// An image of entry `e` that should be a file of the site and is not; None for an image
/// elsewhere, or one that `static/` or the theme has.
fn resolve_image(site: &Site, e: &Entry, dest: &str) -> Option<Target> {
    let path = dest.trim().split(['#', '?']).next().unwrap_or("");
    let joined = site_segments(site, e, path)?.join("/");
    let theme = crate::render::assets::BUILTIN
        .iter()
        .any(|(p, _)| *p == joined);
    let file = site.root.join("static").join(&joined);
    (!theme && !file.is_file()).then_some(Target::NoFile(joined))
}

/// [`link_dests`] without its shortcut: what the Markdown parser finds.
fn parsed_link_dests(md: &str) -> Vec<(String, usize)> {
    Parser::new_ext(md, markdown::options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. }) => Some((dest_url.into_string(), range.start)),
            _ => None,
        })
        .collect()
}

/// Resolves a link written in entry `e` to a page of the site, or None when it
/// leads outside the site or to a file kbgen does not know about.
pub fn resolve(site: &Site, e: &Entry, dest: &str) -> Option<Target> {
    let dest = dest.trim();
    if let Some(anchor) = dest.strip_prefix('#') {
        return (!anchor.is_empty()).then(|| Target::SamePage(anchor.to_owned()));
    }
    let cfg = &site.config;
    let ctx = LinkContext {
        platform: &e.platform,
        base_path: &cfg.base_path,
    };
    if let Some(link) = markdown::record_link(dest, ctx) {
        return Some(Target::Entry {
            id: link.id,
            anchor: link.anchor,
        });
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a).filter(|a| !a.is_empty())),
        None => (dest, None),
    };
    let path = path.split('?').next().unwrap_or("");
    let segments = site_segments(site, e, path)?;
    classify(site, segments, path.ends_with('/'), anchor)
}

/// The site path `path` (a link or image of entry `e`) leads to, as segments; None when it
/// leads outside the site. A root-relative path without the base path is a path of the
/// site: the renderer gives it the base path.
fn site_segments(site: &Site, e: &Entry, path: &str) -> Option<Vec<String>> {
    let cfg = &site.config;
    if let Some(rest) = under_base_url(path, &cfg.base_url) {
        absolute_segments(rest)
    } else if let Some(rest) = path.strip_prefix('/') {
        if path.starts_with("//") {
            return None;
        }
        let base = cfg.base_path.trim_start_matches('/');
        // `/kb` without the final slash is the home page of a site under `/kb/`.
        if format!("{rest}/") == base {
            return Some(Vec::new());
        }
        absolute_segments(rest.strip_prefix(base).unwrap_or(rest))
    } else if has_scheme(path) || path.is_empty() {
        None
    } else {
        relative_segments(&[&e.platform, &e.slug], path)
    }
}

/// The part of `url` after `base_url`, accepting http for https and the reverse.
fn under_base_url<'p>(url: &'p str, base_url: &str) -> Option<&'p str> {
    let strip_scheme = |u: &'p str| {
        u.strip_prefix("https://")
            .or_else(|| u.strip_prefix("http://"))
    };
    let rest = strip_scheme(url)?;
    let base = base_url
        .strip_prefix("https://")
        .or_else(|| base_url.strip_prefix("http://"))?;
    if let Some(r) = rest.strip_prefix(base) {
        return Some(r);
    }
    // `https://host/kb` without the final slash is the home page.
    (rest == base.trim_end_matches('/')).then_some("")
}

fn has_scheme(path: &str) -> bool {
    match path.find(':') {
        Some(i) => !path[..i].contains(['/', '?', '#']),
        None => false,
    }
}

fn absolute_segments(rest: &str) -> Option<Vec<String>> {
    relative_segments(&[], rest)
}

/// Applies `path` to the folder `base`; None when it climbs above the site root.
fn relative_segments(base: &[&str], path: &str) -> Option<Vec<String>> {
    let mut parts: Vec<String> = base.iter().map(|s| (*s).to_owned()).collect();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(percent_decode(s)),
        }
    }
    if parts.last().is_some_and(|l| l == "index.html") {
        parts.pop();
    }
    Some(parts)
}

/// Which page a site path is; None for the pages and files that exist without
/// an entry (home, search, feeds, theme assets, `static/`).
fn classify(
    site: &Site,
    segments: Vec<String>,
    trailing_slash: bool,
    anchor: Option<&str>,
) -> Option<Target> {
    let joined = segments.join("/");
    if joined.is_empty() || site.root.join("static").join(&joined).exists() {
        return None;
    }
    let generated = ["404.html", "sitemap.xml", "robots.txt", "atom.xml"];
    if generated.contains(&joined.as_str())
        || crate::render::assets::BUILTIN
            .iter()
            .any(|(p, _)| *p == joined)
    {
        return None;
    }
    let shown = format!("{joined}{}", if trailing_slash { "/" } else { "" });
    match segments.as_slice() {
        // The search page and its index shards, the JSON API.
        [first, ..] if first == "search" || first == "api" => None,
        [c, cat] if c == "categories" => Some(Target::Category(cat.clone())),
        [p, s] if is_slug(p) && is_slug(s) => Some(Target::Entry {
            id: format!("{p}/{s}"),
            anchor: anchor.map(str::to_owned),
        }),
        [p] if is_slug(p) && p != "categories" => Some(Target::Platform(p.clone())),
        _ => Some(Target::NoPage(shown)),
    }
}

/// Every id an entry's page has that a link may point at.
pub fn page_ids(site: &Site, e: &Entry) -> Vec<String> {
    crate::render::page_ids(site, e, &site.body(e).unwrap_or_default())
}

/// Decodes `%XX` escapes; leaves malformed ones as written.
fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_without_brackets_or_angles_has_no_link() {
        let parsed = parsed_link_dests;
        let samples = [
            "Plain words, https://example.com/x and www.example.com, a@b.example.",
            "# Heading {#id}\n\n```sh\nnpm ci\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |",
            "*em* **strong** `code` ~~gone~~ > quote\n\n- item: http://host/",
            "See [the fix](#fix), <https://example.com>, [ref][r] and [^1].\n\n[r]: /x\n[^1]: note",
            "<a href=\"/x\">raw</a> and ![img](/i.png) and [[wiki]]",
            "An autolink alone: <https://example.com/x>.",
        ];
        for md in samples {
            assert_eq!(link_dests(md), parsed(md), "{md}");
            if !crate::util::text::may_link(md) {
                assert!(parsed(md).is_empty(), "{md}");
            }
        }
        assert!(
            !crate::util::text::may_link(samples[0])
                && !crate::util::text::may_link(samples[1])
                && !crate::util::text::may_link(samples[2])
        );
        assert!(!parsed(samples[3]).is_empty());
        // A `<` alone is enough for a link.
        assert!(!samples[5].contains('[') && !parsed(samples[5]).is_empty());
    }

    #[test]
    fn relative_paths() {
        let seg = |p| relative_segments(&["git", "foo"], p);
        assert_eq!(seg("../bar/"), Some(vec!["git".into(), "bar".into()]));
        assert_eq!(
            seg("../../npm/x/index.html"),
            Some(vec!["npm".into(), "x".into()])
        );
        assert_eq!(seg("../../../x/"), None);
        assert_eq!(percent_decode("qu%C3%A9-pasa"), "qué-pasa");
        assert_eq!(percent_decode("100%"), "100%");
        let ids = ["causes".to_owned(), "fixes".to_owned()];
        assert_eq!(nearest("cuases", &ids), Some("causes"));
        assert_eq!(nearest("prevention", &ids), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn base_url_prefix() {
        assert_eq!(
            under_base_url("https://h/kb/npm/x/", "https://h/kb/"),
            Some("npm/x/")
        );
        assert_eq!(
            under_base_url("http://h/kb/npm/x/", "https://h/kb/"),
            Some("npm/x/")
        );
        assert_eq!(under_base_url("https://h/kb", "https://h/kb/"), Some(""));
        assert_eq!(under_base_url("https://h/other/", "https://h/kb/"), None);
        assert!(has_scheme("mailto:x@y") && !has_scheme("../a:b"));
    }
}
