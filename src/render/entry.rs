//! What an entry page shows: every field prepared for `entry.html` (Markdown rendered and
//! sanitized, each field parsed once), and the ids the page has, for the link check.

use serde::Serialize;

use super::markdown::{self, Heading, LinkContext};
use super::{Card, PlatformVars, card, human_date, platform_vars};
use crate::load::Site;
use crate::model::Entry;
use crate::model::sections::{PageFacts, SECTIONS, shows_toc, theme_ids};

/// `entry` in `entry.html`.
#[derive(Debug, Serialize)]
pub struct EntryVars<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub url: String,
    pub permalink: String,
    pub platform: Option<PlatformVars<'a>>,
    pub signatures: &'a [String],
    pub quick_fix_html: String,
    pub body_html: String,
    pub toc: Vec<Heading>,
    /// Whether the page shows its table of contents (`sections`).
    pub show_toc: bool,
    pub sections: Vec<Heading>,
    pub causes_html: Vec<String>,
    pub fixes_html: Vec<String>,
    pub checks_html: Vec<String>,
    pub steps_html: Vec<String>,
    pub prevention_html: Vec<String>,
    pub sources: &'a [crate::model::Source],
    pub evidence_html: String,
    pub faq: Vec<FaqVars<'a>>,
    pub related: Vec<Card<'a>>,
    /// Cards (see [`Card`]) already made into Tera values, which pages share.
    pub platform_entries: Vec<tera::Value>,
    pub tags: &'a [String],
    /// `draft: true`: the page is built only with `--drafts`, and asks not to be indexed.
    pub draft: bool,
    pub updated: String,
    pub updated_human: String,
    pub edit_url: Option<String>,
    pub source_file: &'a str,
    pub json_ld: String,
}

/// One FAQ item, its answer rendered.
#[derive(Debug, Serialize)]
pub struct FaqVars<'a> {
    pub q: &'a str,
    pub a_html: String,
}

/// Prepares everything `entry.html` shows; each Markdown field is parsed once.
/// `body` is the entry's Markdown body ([`Site::body`]); `platform_total` is the number
/// of entries of the entry's platform.
pub fn entry_vars<'a>(
    site: &'a Site,
    e: &'a Entry,
    body: &str,
    platform_entries: Vec<tera::Value>,
    platform_total: usize,
) -> EntryVars<'a> {
    let cfg = &site.config;
    let ctx = LinkContext {
        platform: &e.platform,
        base_path: &cfg.base_path,
    };
    let items = |list: &[String]| {
        list.iter()
            .map(|m| markdown::render_inline(m, ctx))
            .collect::<Vec<_>>()
    };
    let mut ids = std::collections::HashSet::new();
    let body = markdown::render_with_ids(body, ctx, &mut ids);
    let evidence = e
        .evidence
        .as_deref()
        .map(|m| markdown::render_with_ids(m, ctx, &mut ids).html)
        .unwrap_or_default();
    let platform = site
        .platforms
        .get(&e.platform)
        .map(|p| platform_vars(site, p, platform_total));
    let related: Vec<Card<'a>> = e
        .related
        .iter()
        .filter_map(|id| site.entry(id))
        .map(|r| card(site, r))
        .collect();
    let url = cfg.link(&format!("{}/", e.id));
    let permalink = cfg.absolute(&format!("{}/", e.id));
    let json_ld = crate::render::jsonld::entry(site, e, platform.as_ref(), &permalink);
    let facts = PageFacts {
        has_related: !related.is_empty(),
        has_other_entries: !platform_entries.is_empty(),
        body_sections: body.headings.iter().filter(|h| h.level == 2).count(),
    };
    let sections = sections(e, &body.headings, platform.as_ref(), &facts);
    EntryVars {
        id: &e.id,
        title: &e.title,
        summary: &e.summary,
        url,
        permalink,
        platform,
        signatures: &e.signatures,
        quick_fix_html: e
            .quick_fix
            .as_deref()
            .map(|q| markdown::render_inline(q, ctx))
            .unwrap_or_default(),
        toc: h2s(&body.headings),
        show_toc: shows_toc(e, &facts),
        sections,
        body_html: body.html,
        causes_html: items(&e.causes),
        fixes_html: items(&e.fixes),
        checks_html: items(&e.checks),
        steps_html: items(&e.steps),
        prevention_html: items(&e.prevention),
        sources: &e.sources,
        evidence_html: evidence,
        faq: faq_vars(e, ctx),
        related,
        platform_entries,
        tags: &e.tags,
        draft: e.draft,
        updated: e.updated.to_string(),
        updated_human: human_date(e.updated),
        edit_url: edit_url(site, e),
        source_file: &e.file,
        json_ld,
    }
}

/// The values of the `id` attributes in `html` that kbgen's Markdown renderer wrote: every
/// value is double-quoted, with `&`, `<`, `>` and `"` escaped.
fn ids_in(html: &str) -> Vec<String> {
    html.split(" id=\"")
        .skip(1)
        .map(|rest| {
            let value = rest.split('"').next().unwrap_or("");
            value
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        })
        .collect()
}

/// The FAQ items of `e`, their answers rendered.
fn faq_vars<'a>(e: &'a Entry, ctx: LinkContext<'_>) -> Vec<FaqVars<'a>> {
    e.faq
        .iter()
        .map(|f| FaqVars {
            q: &f.q,
            a_html: markdown::render_inline(&f.a, ctx),
        })
        .collect()
}

/// "Edit this page": the entry's file in the site's repository, when it names one.
fn edit_url(site: &Site, e: &Entry) -> Option<String> {
    let cfg = &site.config;
    cfg.repository
        .as_ref()
        .map(|r| format!("{r}/edit/{}/{}", cfg.repository_branch, e.file))
}

/// The `h2` headings of `headings`.
fn h2s(headings: &[Heading]) -> Vec<Heading> {
    headings.iter().filter(|h| h.level == 2).cloned().collect()
}

/// Every id on the page of `e` (whose Markdown body is `body`): the theme's elements and
/// sections it shows, and the headings of its Markdown fields, made exactly as
/// [`entry_vars`] makes them. The link check takes these as the anchors a link may name.
pub fn page_ids(site: &Site, e: &Entry, body: &str) -> Vec<String> {
    let ctx = LinkContext {
        platform: &e.platform,
        base_path: &site.config.base_path,
    };
    // The body and the evidence share one set of heading ids; every other field has its
    // own. Each field's ids are read back from its HTML: headings, footnotes and the ids
    // the sanitizer let through.
    let mut headings = std::collections::HashSet::new();
    let body = markdown::render_with_ids(body, ctx, &mut headings);
    let mut out = ids_in(&body.html);
    if let Some(evidence) = &e.evidence {
        out.extend(ids_in(
            &markdown::render_with_ids(evidence, ctx, &mut headings).html,
        ));
    }
    let inline = e
        .quick_fix
        .iter()
        .chain(&e.causes)
        .chain(&e.fixes)
        .chain(&e.checks)
        .chain(&e.steps)
        .chain(&e.prevention)
        .chain(e.faq.iter().map(|f| &f.a));
    for md in inline {
        out.extend(ids_in(&markdown::render(md, ctx).html));
    }
    // Entries are sorted by id, so the ids that start with `platform/` come together.
    let prefix = format!("{}/", e.platform);
    let start = site.entries.partition_point(|o| o.id < prefix);
    let same_platform = site.entries[start..]
        .iter()
        .take_while(|o| o.id.starts_with(&prefix))
        .count();
    let facts = PageFacts {
        has_related: e.related.iter().any(|id| site.entry(id).is_some()),
        has_other_entries: same_platform > 1,
        body_sections: body.headings.iter().filter(|h| h.level == 2).count(),
    };
    out.extend(theme_ids(e, &facts).into_iter().map(str::to_owned));
    out
}

/// Every `h2` of an entry page below the quick fix, in page order: the body's
/// headings, then the structured sections the entry shows ([`SECTIONS`]). `entry.html`
/// lists them as the table of contents of long entries; its headings use the same text.
fn sections(
    e: &Entry,
    body: &[Heading],
    platform: Option<&PlatformVars<'_>>,
    facts: &PageFacts,
) -> Vec<Heading> {
    let mut out: Vec<Heading> = body.iter().filter(|h| h.level == 2).cloned().collect();
    out.extend(
        SECTIONS
            .iter()
            .filter(|s| s.in_toc && s.shown(e, facts))
            .map(|s| Heading {
                level: 2,
                id: s.id.to_owned(),
                text: match (s.id, platform) {
                    ("checks", Some(p)) => format!("{} checks", p.name),
                    _ => s.title.to_owned(),
                },
            }),
    );
    out
}
