//! The default theme on the fixture site, from the built files: metadata on
//! every page, reading aids on entries, no outside requests, no blocking
//! script, and the entry page's weight. What needs a browser (axe-core, the
//! copy buttons, dark mode, print) is in `tests/browser/check.mjs`.

use std::path::Path;

use crate::common::{self, TempSite, build_ok, fixture, snapshot_dir};

fn build_fixture() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_ok(&fixture("site"), &out, &[]);
    (tmp, out)
}

fn html_pages(out: &Path) -> Vec<(String, String)> {
    snapshot_dir(out)
        .into_iter()
        .filter(|(rel, _)| rel.ends_with(".html"))
        .map(|(rel, bytes)| (rel, String::from_utf8(bytes).unwrap()))
        .collect()
}

/// The value of `attr` in the first tag that starts with `tag_start`.
fn attr<'a>(page: &'a str, tag_start: &str, attr: &str) -> Option<&'a str> {
    let at = page.find(tag_start)?;
    let tag = &page[at..at + page[at..].find('>')?];
    let key = format!(" {attr}=\"");
    let v = &tag[tag.find(&key)? + key.len()..];
    Some(&v[..v.find('"')?])
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[test]
fn every_page_has_its_metadata_and_landmarks() {
    let (_tmp, out) = build_fixture();
    let (redirects, pages): (Vec<_>, Vec<_>) = html_pages(&out)
        .into_iter()
        .partition(|(rel, _)| rel == "git/not-a-repo/index.html");
    // An alias's page only sends the reader on: a document of its own, without the chrome.
    let [(_, redirect)] = redirects.as_slice() else {
        panic!("the fixture's alias has its page");
    };
    assert!(redirect.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(redirect.contains("<link rel=\"canonical\""));
    assert_eq!(pages.len(), 12);
    for (rel, page) in &pages {
        assert_eq!(page.matches("<h1").count(), 1, "one h1 in {rel}");
        assert!(
            page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
            "{rel}"
        );
        let body = &page[page.find("<body>").unwrap()..];
        assert!(
            body.starts_with("<body>\n<a class=\"skip-link\" href=\"#main\">"),
            "the skip link comes first in {rel}"
        );
        for landmark in [
            "<header class=\"site-header\">",
            "<main id=\"main\"",
            "<footer class=\"site-footer\">",
        ] {
            assert_eq!(page.matches(landmark).count(), 1, "{landmark} in {rel}");
        }
        let description = attr(page, "<meta name=\"description\"", "content").unwrap();
        assert!(description.len() > 20, "meta description of {rel}");
        for (tag, a) in [
            ("<meta property=\"og:title\"", "content"),
            ("<meta property=\"og:description\"", "content"),
            ("<meta property=\"og:url\"", "content"),
            ("<meta name=\"twitter:card\"", "content"),
            ("<meta name=\"twitter:title\"", "content"),
            ("<meta name=\"twitter:description\"", "content"),
            ("<link rel=\"icon\"", "href"),
        ] {
            assert!(
                attr(page, tag, a).is_some_and(|v| !v.is_empty()),
                "{tag} in {rel}"
            );
        }
        assert_eq!(
            attr(page, "<meta property=\"og:description\"", "content"),
            Some(description),
            "{rel}"
        );
        // The canonical URL is the page's own absolute URL (the 404 page has none).
        let own = format!(
            "https://user.github.io/kb/{}",
            rel.trim_end_matches("index.html")
        );
        match rel.as_str() {
            "404.html" => assert!(!page.contains("rel=\"canonical\""), "{rel}"),
            _ => assert_eq!(
                attr(page, "<link rel=\"canonical\"", "href"),
                Some(own.as_str()),
                "{rel}"
            ),
        }
    }
}

#[test]
fn entry_pages_describe_themselves_with_their_summary() {
    let (_tmp, out) = build_fixture();
    let api: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("api/entries.json")).unwrap())
            .unwrap();
    for e in api.as_array().unwrap() {
        let rel = format!("{}/index.html", e["id"].as_str().unwrap());
        let page = std::fs::read_to_string(out.join(&rel)).unwrap();
        let summary = e["summary"].as_str().unwrap();
        let description = attr(&page, "<meta name=\"description\"", "content").unwrap();
        assert_eq!(unescape(description), summary, "{rel}");
        assert_eq!(
            attr(&page, "<meta property=\"og:type\"", "content"),
            Some("article")
        );
        let updated = e["updated"].as_str().unwrap();
        assert!(
            page.contains(&format!("Updated <time datetime=\"{updated}\">")),
            "{rel}"
        );
        // Breadcrumbs: home, category, platform.
        let crumbs = &page[page.find("<nav class=\"breadcrumb\"").unwrap()..];
        let crumbs = &crumbs[..crumbs.find("</nav>").unwrap()];
        assert_eq!(crumbs.matches("<li>").count(), 3, "{rel}");
    }
}

#[test]
fn nothing_is_loaded_from_elsewhere_and_no_script_blocks_rendering() {
    let (_tmp, out) = build_fixture();
    for (rel, page) in html_pages(&out) {
        let lower = page.to_lowercase();
        for (i, _) in lower.match_indices("<script") {
            let tag = &lower[i..=i + lower[i..].find('>').unwrap()];
            if tag.contains("application/ld+json") {
                continue;
            }
            let src =
                attr(tag, "<script", "src").unwrap_or_else(|| panic!("inline script in {rel}"));
            assert!(src.starts_with("/kb/assets/"), "{src} in {rel}");
            assert!(
                tag.contains(" defer") || tag.contains("type=\"module\""),
                "render-blocking {tag} in {rel}"
            );
        }
        for (i, _) in lower.match_indices("<link ") {
            let tag = &lower[i..=i + lower[i..].find('>').unwrap()];
            if tag.contains("rel=\"stylesheet\"")
                || tag.contains("rel=\"icon\"")
                || tag.contains("rel=\"preload\"")
            {
                let href = attr(tag, "<link", "href").unwrap();
                assert!(href.starts_with("/kb/"), "{href} in {rel}");
            }
        }
        assert!(!lower.contains("<img src=\"http"), "outside image in {rel}");
    }
    let css = std::fs::read_to_string(out.join("assets/style.css")).unwrap();
    for outside in ["@import", "url(", "@font-face"] {
        assert!(!css.contains(outside), "{outside} in style.css");
    }
    assert!(css.contains("@media (prefers-color-scheme: dark)") && css.contains("@media print"));
}

#[test]
fn the_largest_entry_page_weighs_at_most_50_kb() {
    let (_tmp, out) = build_fixture();
    // Everything an entry page loads before any search: the HTML, the stylesheet, the script
    // and the icon, uncompressed.
    let shared: u64 = ["assets/style.css", "assets/kbgen.js", "favicon.svg"]
        .iter()
        .map(|f| std::fs::metadata(out.join(f)).unwrap().len())
        .sum();
    let largest = html_pages(&out)
        .into_iter()
        .filter(|(_, page)| page.contains("\"@type\":\"TechArticle\""))
        .map(|(rel, page)| (page.len() as u64, rel))
        .max()
        .unwrap();
    let total = largest.0 + shared;
    assert!(
        total <= 50_000,
        "{} is {} bytes + {shared} bytes of assets = {total} bytes",
        largest.1,
        largest.0
    );
}

#[test]
fn long_entries_get_a_table_of_contents_of_every_section() {
    let (_tmp, out) = build_fixture();
    let page =
        std::fs::read_to_string(out.join("openrouter/expired-key-user-not-found/index.html"))
            .unwrap();
    let toc = &page[page
        .find("<nav id=\"toc\"")
        .expect("a long entry has a TOC")..];
    let toc = &toc[..toc.find("</nav>").unwrap()];
    // Every h2 of the article below the TOC, in order, with its text, and a link to itself.
    let article = &page[page.find("</nav>\n").unwrap()..page.find("</article>").unwrap()];
    let after_toc = &article[article.find("toc-heading").unwrap()..];
    let mut sections = Vec::new();
    for (i, _) in after_toc.match_indices("<h2 id=\"") {
        let rest = &after_toc[i + 8..];
        let id = &rest[..rest.find('"').unwrap()];
        let text = &rest[rest.find('>').unwrap() + 1..rest.find("</h2>").unwrap()];
        if id == "toc-heading" {
            continue;
        }
        assert!(
            rest.contains(&format!("</h2>\n<a class=\"anchor\" href=\"#{id}\">"))
                || rest.contains(&format!("</h2><a class=\"anchor\" href=\"#{id}\">")),
            "h2 #{id} has no link to itself"
        );
        sections.push(format!("<li><a href=\"#{id}\">{text}</a></li>"));
    }
    assert_eq!(sections.len(), 10, "{sections:?}");
    assert!(toc.contains(&sections.concat()), "{toc}\n{sections:?}");

    for short in [
        "git/not-a-repository/index.html",
        "openrouter/no-auth-credentials/index.html",
    ] {
        let page = std::fs::read_to_string(out.join(short)).unwrap();
        assert!(!page.contains("id=\"toc\""), "{short} is short");
    }
}

#[test]
fn entries_link_their_neighbours_and_highlight_code() {
    let (_tmp, out) = build_fixture();
    let page =
        std::fs::read_to_string(out.join("openrouter/expired-key-user-not-found/index.html"))
            .unwrap();
    let more = &page[page.find("<nav class=\"platform-entries\"").unwrap()..];
    assert!(more.contains("More OpenRouter errors"));
    assert!(more.contains("href=\"/kb/openrouter/no-auth-credentials/\""));
    assert!(more.contains("All 2 OpenRouter errors"));
    assert!(page.contains("<code class=\"language-python\"><span class=\"hl-k\">import</span> os"));
    // One copy slot per signature and code block.
    assert_eq!(page.matches("<span class=\"copy-slot\"></span>").count(), 4);
}

#[test]
fn the_edit_link_needs_a_repository() {
    let (_tmp, out) = build_fixture();
    let page = std::fs::read_to_string(out.join("git/not-a-repository/index.html")).unwrap();
    assert!(page.contains(
        "<a href=\"https://github.com/example/fixture-kb/edit/main/content/git/not-a-repository.md\">Edit this page</a>"
    ));

    let site = TempSite::new();
    let out = site.root().join("out");
    build_ok(site.root(), &out, &[]);
    let page = std::fs::read_to_string(out.join("git/an-error/index.html")).unwrap();
    assert!(!page.contains("Edit this page"));

    site.write(
        "kbgen.yaml",
        &format!(
            "{}repository: https://example.com/o/r\nrepository_branch: trunk\n",
            common::MIN_CONFIG
        ),
    );
    build_ok(site.root(), &out, &[]);
    let page = std::fs::read_to_string(out.join("git/an-error/index.html")).unwrap();
    assert!(page.contains(
        "<a href=\"https://example.com/o/r/edit/trunk/content/git/an-error.md\">Edit this page</a>"
    ));
}
