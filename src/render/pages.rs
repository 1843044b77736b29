//! Every page and feed of a site, rendered through the templates in parallel: entry pages
//! (with their platform's neighbours), platform, category, home, search and 404 pages, the
//! Atom feed, `robots.txt`, `sitemap.xml` and `api/entries.json`.

use std::collections::BTreeMap;
use std::sync::Mutex;

use rayon::prelude::*;

use super::{Card, Globals, Templates, feeds};
use crate::diagnostic::Diagnostic;
use crate::load::Site;
use crate::output::{Sink, io_error, put_file};

/// How many of the platform's other errors an entry page lists.
const PLATFORM_NEIGHBOURS: usize = 10;

/// How many entries the home page lists as recently updated.
const RECENT: usize = 12;

/// Every page and feed: the number of HTML pages, and what went wrong.
pub fn render_pages(
    site: &Site,
    templates: &mut Templates,
    sink: &dyn Sink,
) -> (usize, Vec<Diagnostic>) {
    let globals = Globals::new(site);
    templates.set_globals(&globals);
    let (by_platform, last_update) = cards_by_platform(site);
    let pages = Pages {
        site,
        templates,
        sink,
        globals: &globals,
        by_platform,
        last_update,
        errors: Mutex::new(Vec::new()),
    };
    pages.entries();
    // The feeds that need no page list, beside the platform, category and other pages
    // (in parallel too): no file of one waits for a file of another.
    rayon::join(|| pages.feeds(), || pages.listings());
    let count = site.entries.len() + site.platforms.len() + globals.categories.len() + 3;
    (
        count,
        pages.errors.into_inner().unwrap_or_else(|e| e.into_inner()),
    )
}

/// Cards for lists, per platform, sorted by title then id; and each platform's last update.
type ByPlatform<'a> = BTreeMap<&'a str, Vec<Card<'a>>>;

fn cards_by_platform(site: &Site) -> (ByPlatform<'_>, BTreeMap<&str, jiff::civil::Date>) {
    let mut by_platform: ByPlatform<'_> = BTreeMap::new();
    let mut last_update: BTreeMap<&str, jiff::civil::Date> = BTreeMap::new();
    for e in &site.entries {
        by_platform
            .entry(e.platform.as_str())
            .or_default()
            .push(super::card(site, e));
        let last = last_update.entry(e.platform.as_str()).or_insert(e.updated);
        *last = (*last).max(e.updated);
    }
    for cards in by_platform.values_mut() {
        cards.sort_by(|a, b| a.title.cmp(b.title).then(a.id.cmp(b.id)));
    }
    (by_platform, last_update)
}

/// What every page of one build shares, and the problems found while writing them.
struct Pages<'a> {
    site: &'a Site,
    templates: &'a Templates,
    sink: &'a dyn Sink,
    globals: &'a Globals<'a>,
    by_platform: ByPlatform<'a>,
    last_update: BTreeMap<&'a str, jiff::civil::Date>,
    errors: Mutex<Vec<Diagnostic>>,
}

impl Pages<'_> {
    fn report(&self, r: Result<(), Diagnostic>) {
        if let Err(d) = r {
            self.errors
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(d);
        }
    }

    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        put_file(self.sink, path, bytes)
    }

    fn page(&self, template: &str, ctx: &tera::Context, path: &str) -> Result<(), Diagnostic> {
        let html = self.templates.render(template, ctx)?;
        self.put(path, html.as_bytes())
    }

    fn cards_of(&self, platform: &str) -> &[Card<'_>] {
        self.by_platform
            .get(platform)
            .map_or(&[][..], Vec::as_slice)
    }

    /// Entry pages, in parallel. Entries come by id, so a platform's pages come together.
    fn entries(&self) {
        let site = self.site;
        site.entries
            .par_iter()
            .for_each_init(CardValues::default, |values, e| {
                let cards = self.by_platform.get(e.platform.as_str());
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
                    Err(d) => return self.report(Err(d)),
                };
                let vars = super::entry_vars(site, e, &body, others, cards.map_or(0, Vec::len));
                let path = format!("{}/", e.id);
                let mut ctx = super::page_context("entry", &e.title, &e.summary, &path, site);
                ctx.insert("entry", &vars);
                self.report(self.page("entry.html", &ctx, &format!("{}/index.html", e.id)));
                self.redirects(e, &path);
            });
    }

    /// A page at each alias of `e` that sends the reader to its page at `path`.
    fn redirects(&self, e: &crate::model::Entry, path: &str) {
        #[derive(serde::Serialize)]
        struct Target<'a> {
            title: &'a str,
            url: String,
            permalink: String,
        }
        let site = self.site;
        for alias in &e.aliases {
            let target = Target {
                title: &e.title,
                url: site.config.link(path),
                permalink: site.config.absolute(path),
            };
            let here = format!("{alias}/");
            let mut ctx = super::page_context("redirect", &e.title, &e.summary, &here, site);
            ctx.insert("target", &target);
            self.report(self.page("redirect.html", &ctx, &format!("{alias}/index.html")));
        }
    }

    /// `robots.txt`, the Atom feed and `api/entries.json`.
    fn feeds(&self) {
        let site = self.site;
        self.report(self.put("robots.txt", feeds::robots(site).as_bytes()));
        self.report(self.put("atom.xml", feeds::atom(site).as_bytes()));
        self.report(
            self.sink
                .put_with("api/entries.json", &|w| feeds::write_api_entries(site, w))
                .map_err(|e| io_error("api/entries.json", e)),
        );
    }

    /// Platform and category pages in parallel, then home, search and 404, then the sitemap.
    fn listings(&self) {
        let platform_pages = self.platform_pages();
        let category_pages = self.category_pages();
        self.other_pages();
        let site = self.site;
        let home_last = site.entries.iter().map(|e| e.updated).max();
        let sitemap_pages: Vec<(String, Option<String>)> =
            std::iter::once((String::new(), home_last.map(|d| d.to_string())))
                .chain(platform_pages)
                .chain(category_pages)
                .collect();
        self.report(self.put(
            "sitemap.xml",
            feeds::sitemap(site, &sitemap_pages).as_bytes(),
        ));
    }

    /// Each platform's page; its path and last update, for the sitemap.
    fn platform_pages(&self) -> Vec<(String, Option<String>)> {
        let site = self.site;
        let platforms: Vec<(&String, &crate::load::Platform)> = site.platforms.iter().collect();
        platforms
            .par_iter()
            .map(|&(slug, p)| {
                let cards = self.cards_of(slug);
                let last = self.last_update.get(slug.as_str());
                let vars = self.globals.platforms.iter().find(|v| v.slug == slug);
                let description = super::platform_description(p, cards.len());
                let path = format!("{slug}/");
                let mut ctx = super::page_context("platform", &p.name, &description, &path, site);
                ctx.insert("platform", &vars);
                ctx.insert("entries", &cards);
                self.report(self.page("platform.html", &ctx, &format!("{slug}/index.html")));
                (path, last.map(|d| d.to_string()))
            })
            .collect()
    }

    /// Each category's page; its path and last update, for the sitemap.
    fn category_pages(&self) -> Vec<(String, Option<String>)> {
        let site = self.site;
        self.globals
            .categories
            .par_iter()
            .map(|c| {
                let groups: Vec<CategoryGroup<'_, '_>> = c
                    .platforms
                    .iter()
                    .map(|p| CategoryGroup {
                        platform: p,
                        entries: self.cards_of(p.slug),
                    })
                    .collect();
                let last = c
                    .platforms
                    .iter()
                    .filter_map(|p| self.last_update.get(p.slug))
                    .max();
                let description = super::category_description(c);
                let path = format!("categories/{}/", c.slug);
                let mut ctx = super::page_context("category", c.name, &description, &path, site);
                ctx.insert("category", c);
                ctx.insert("groups", &groups);
                let file = format!("categories/{}/index.html", c.slug);
                self.report(self.page("category.html", &ctx, &file));
                (path, last.map(|d| d.to_string()))
            })
            .collect()
    }

    /// Home, search and 404.
    fn other_pages(&self) {
        let site = self.site;
        let recent: Vec<Card<'_>> = feeds::recent(site, RECENT)
            .into_iter()
            .map(|e| super::card(site, e))
            .collect();
        let cfg = &site.config;
        let mut ctx = super::page_context("index", &cfg.title, &cfg.description, "", site);
        ctx.insert("recent", &recent);
        self.report(self.page("index.html", &ctx, "index.html"));
        let description = super::SEARCH_DESCRIPTION;
        let ctx = super::page_context("search", "Search", description, "search/", site);
        self.report(self.page("search.html", &ctx, "search/index.html"));
        let ctx = super::page_context("404", "Page not found", "", "404.html", site);
        self.report(self.page("404.html", &ctx, "404.html"));
    }
}

/// `groups` in `category.html`: a platform of the category and its entries.
#[derive(serde::Serialize)]
struct CategoryGroup<'p, 'c> {
    platform: &'p super::PlatformVars<'p>,
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
}
