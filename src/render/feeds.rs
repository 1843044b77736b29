//! The machine-readable outputs: `sitemap.xml`, `robots.txt`, `atom.xml` and
//! `api/entries.json`. They are written by code rather than templates because
//! their formats are fixed; every text is escaped for XML or serialized as JSON.

use std::fmt::Write as _;

use serde::Serialize;

use crate::load::Site;

/// How many entries the Atom feed carries.
pub const FEED_ENTRIES: usize = 50;

/// Every page, with `<lastmod>` from `updated`. `pages` are (path, lastmod) pairs
/// of the non-entry pages.
pub fn sitemap(site: &Site, pages: &[(String, Option<String>)]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut url = |path: &str, lastmod: Option<&str>| {
        let _ = write!(
            out,
            "  <url><loc>{}</loc>",
            crate::util::escape::xml(&site.config.absolute(path))
        );
        if let Some(d) = lastmod {
            let _ = write!(out, "<lastmod>{d}</lastmod>");
        }
        out.push_str("</url>\n");
    };
    for (path, lastmod) in pages {
        url(path, lastmod.as_deref());
    }
    // A draft's page asks not to be indexed, so the sitemap does not offer it.
    for e in site.entries.iter().filter(|e| !e.draft) {
        url(&format!("{}/", e.id), Some(&e.updated.to_string()));
    }
    out.push_str("</urlset>\n");
    out
}

/// Allows everything and names the sitemap.
pub fn robots(site: &Site) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        site.config.absolute("sitemap.xml")
    )
}

/// The most recently updated entries, newest first (ties by id).
pub fn recent(site: &Site, n: usize) -> Vec<&crate::model::Entry> {
    let mut all: Vec<_> = site.entries.iter().collect();
    all.sort_by(|a, b| b.updated.cmp(&a.updated).then(a.id.cmp(&b.id)));
    all.truncate(n);
    all
}

/// An Atom feed of the most recently updated entries.
pub fn atom(site: &Site) -> String {
    let cfg = &site.config;
    let entries = recent(site, FEED_ENTRIES);
    let updated = entries
        .first()
        .map(|e| e.updated.to_string())
        .unwrap_or_else(|| "1970-01-01".into());
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"",
    );
    let _ = writeln!(
        out,
        " xml:lang=\"{}\">",
        crate::util::escape::xml(&cfg.language)
    );
    let _ = writeln!(
        out,
        "  <title>{}</title>",
        crate::util::escape::xml(&cfg.title)
    );
    if !cfg.description.is_empty() {
        let _ = writeln!(
            out,
            "  <subtitle>{}</subtitle>",
            crate::util::escape::xml(&cfg.description)
        );
    }
    let _ = writeln!(
        out,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        crate::util::escape::xml(&cfg.absolute("atom.xml"))
    );
    let _ = writeln!(
        out,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        crate::util::escape::xml(&cfg.base_url)
    );
    let _ = writeln!(
        out,
        "  <id>{}</id>",
        crate::util::escape::xml(&cfg.base_url)
    );
    let _ = writeln!(out, "  <updated>{updated}T00:00:00Z</updated>");
    let _ = writeln!(
        out,
        "  <generator uri=\"https://github.com/kbgen/kbgen\">kbgen</generator>"
    );
    for e in entries {
        let link = cfg.absolute(&format!("{}/", e.id));
        let _ = writeln!(out, "  <entry>");
        let _ = writeln!(
            out,
            "    <title>{}</title>",
            crate::util::escape::xml(&e.title)
        );
        let _ = writeln!(
            out,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            crate::util::escape::xml(&link)
        );
        let _ = writeln!(out, "    <id>{}</id>", crate::util::escape::xml(&link));
        let _ = writeln!(out, "    <updated>{}T00:00:00Z</updated>", e.updated);
        let _ = writeln!(
            out,
            "    <author><name>{}</name></author>",
            crate::util::escape::xml(&cfg.title)
        );
        let _ = writeln!(
            out,
            "    <summary>{}</summary>",
            crate::util::escape::xml(&e.summary)
        );
        let _ = writeln!(out, "  </entry>");
    }
    out.push_str("</feed>\n");
    out
}

/// One entry in `api/entries.json`.
#[derive(Serialize)]
struct ApiEntry<'a> {
    id: &'a str,
    url: String,
    title: &'a str,
    summary: &'a str,
    platform: &'a str,
    platform_name: &'a str,
    category: &'a str,
    signatures: &'a [String],
    updated: String,
    tags: &'a [String],
    /// Earlier ids and paths, which redirect to the entry; left out when there are none.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    aliases: &'a [String],
}

/// A JSON array: every entry's id, url, title, summary, platform, category,
/// signatures, updated and tags, sorted by id.
/// Written to `w` as it is made: at 100,000 entries the file is 70 MB.
pub fn write_api_entries(site: &Site, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    /// The entries as a JSON array, each made when it is written.
    struct All<'a>(&'a Site);
    impl Serialize for All<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let site = self.0;
            s.collect_seq(site.entries.iter().map(|e| {
                let p = site.platforms.get(&e.platform);
                ApiEntry {
                    id: &e.id,
                    url: site.config.absolute(&format!("{}/", e.id)),
                    title: &e.title,
                    summary: &e.summary,
                    platform: &e.platform,
                    platform_name: p.map_or(e.platform.as_str(), |p| p.name.as_str()),
                    category: p.map_or("", |p| p.category.as_str()),
                    signatures: &e.signatures,
                    updated: e.updated.to_string(),
                    tags: &e.tags,
                    aliases: &e.aliases,
                }
            }))
        }
    }
    crate::util::json::to_writer_pretty(&mut *w, &All(site))?;
    w.write_all(b"\n")
}
