//! `kbgen build` on the full fixture site: every output docs/format.md names,
//! what the entry page shows and never shows, determinism, and the base path.

use crate::common::{self, build_ok, fixture, kbgen, snapshot_dir, text};

fn build_fixture(extra: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_ok(&fixture("site"), &out, extra);
    (tmp, out)
}

fn read(out: &std::path::Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn writes_every_output_the_format_names() {
    let (_tmp, out) = build_fixture(&[]);
    for rel in [
        "index.html",
        "openrouter/expired-key-user-not-found/index.html",
        "openrouter/no-auth-credentials/index.html",
        "git/not-a-repository/index.html",
        "docker/template-looking/index.html",
        "openrouter/index.html",
        "git/index.html",
        "docker/index.html",
        "categories/cloud-platforms/index.html",
        "categories/developer-tools/index.html",
        "search/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "atom.xml",
        "api/entries.json",
        "robots-extra.txt",
        "assets/style.css",
        "favicon.svg",
    ] {
        assert!(out.join(rel).is_file(), "missing {rel}");
    }
    assert_eq!(read(&out, "robots-extra.txt"), "static file copied as-is\n");
    assert!(
        !out.join("docker/draft-entry").exists(),
        "drafts are left out by default"
    );
}

#[test]
fn drafts_are_built_with_the_flag() {
    let (_tmp, out) = build_fixture(&["--drafts"]);
    assert!(out.join("docker/draft-entry/index.html").is_file());
}

#[test]
fn summary_line_counts_entries_and_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let log = build_ok(&fixture("site"), &tmp.path().join("p"), &[]);
    // 4 entries + 3 platforms + 2 categories + home, search, 404.
    assert!(log.contains("Built 4 entries (12 pages) in "), "{log}");
}

#[test]
fn sitemap_robots_atom_and_api_are_complete() {
    let (_tmp, out) = build_fixture(&[]);
    let sitemap = read(&out, "sitemap.xml");
    assert!(sitemap.contains(
        "<url><loc>https://user.github.io/kb/openrouter/expired-key-user-not-found/</loc><lastmod>2026-11-26</lastmod></url>"
    ));
    assert!(sitemap.contains("<loc>https://user.github.io/kb/</loc><lastmod>2026-11-26</lastmod>"));
    assert!(sitemap.contains("<loc>https://user.github.io/kb/categories/developer-tools/</loc><lastmod>2026-09-15</lastmod>"));
    assert_eq!(sitemap.matches("<url>").count(), 4 + 3 + 2 + 1);
    assert!(read(&out, "robots.txt").contains("Sitemap: https://user.github.io/kb/sitemap.xml"));

    let atom = read(&out, "atom.xml");
    assert!(atom.contains("<updated>2026-11-26T00:00:00Z</updated>"));
    let first = atom.find("expired-key-user-not-found").unwrap();
    let second = atom.find("no-auth-credentials").unwrap();
    assert!(first < second, "newest first");
    assert!(
        atom.contains("&lt;!DOCTYPE html&gt;"),
        "titles are XML-escaped"
    );

    let api: serde_json::Value = serde_json::from_str(&read(&out, "api/entries.json")).unwrap();
    let entries = api.as_array().unwrap();
    assert_eq!(entries.len(), 4);
    let e = entries
        .iter()
        .find(|e| e["id"] == "openrouter/expired-key-user-not-found")
        .unwrap();
    assert_eq!(
        e["url"],
        "https://user.github.io/kb/openrouter/expired-key-user-not-found/"
    );
    assert_eq!(e["platform"], "openrouter");
    assert_eq!(e["category"], "cloud-platforms");
    assert_eq!(e["updated"], "2026-11-26");
    assert_eq!(e["tags"][2], "http-401");
    assert_eq!(
        e["signatures"][0],
        r#"{"error":{"message":"User not found.","code":401}}"#
    );
    assert_eq!(
        e["signatures"][1],
        "HTTP/2 401\n{\"message\": \"User not found.\", \"code\": 401}"
    );
    assert!(e["title"].is_string() && e["summary"].is_string());
}

#[test]
fn entry_page_shows_every_section_in_order() {
    let (_tmp, out) = build_fixture(&[]);
    let html = read(&out, "openrouter/expired-key-user-not-found/index.html");
    let order = [
        r#"<nav class="breadcrumb""#,
        "<h1>Expired API key returns 401 &quot;User not found.&quot;</h1>",
        r#"<p class="summary">"#,
        "{&quot;error&quot;:{&quot;message&quot;:&quot;User not found.&quot;,&quot;code&quot;:401}}",
        r#"id="quick-fix""#,
        r#"<h2 id="what-this-error-means""#,
        r#"<h2 id="causes""#,
        r#"<h2 id="fixes""#,
        r#"<h2 id="checks""#,
        r#"<h2 id="steps""#,
        r#"<h2 id="prevention""#,
        r#"<h2 id="sources""#,
        r#"<h2 id="evidence""#,
        r#"<h2 id="faq""#,
        r#"<h2 id="related""#,
        r#"<time id="updated" datetime="2026-11-26""#,
    ];
    let mut at = 0;
    for needle in order {
        let found = html[at..]
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} missing or out of order"));
        at += found + needle.len();
    }
    // Breadcrumb: category then platform.
    let crumb = &html[html.find("breadcrumb").unwrap()..html.find("</nav>").unwrap()];
    assert!(crumb.find("Cloud Platforms").unwrap() < crumb.find("OpenRouter").unwrap());
    // Markdown: table, footnote, strikethrough, task list, code block, relative links.
    for needle in [
        "<table>",
        r#"class="footnote-definition""#,
        "<del>Old advice</del>",
        r#"type="checkbox""#,
        r#"<code class="language-python">"#,
        r#"href="/kb/openrouter/no-auth-credentials/#what-it-means""#,
        r#"href="/kb/git/not-a-repository/""#,
        r#"href="https://github.com/example/fixture-kb/edit/main/content/openrouter/expired-key-user-not-found.md""#,
    ] {
        assert!(html.contains(needle), "{needle} missing");
    }
}

#[test]
fn a_minimal_entry_renders_no_empty_section() {
    let (_tmp, out) = build_fixture(&[]);
    let html = read(&out, "git/not-a-repository/index.html");
    for absent in [
        "Quick fix",
        ">Causes<",
        "Quick fixes",
        "checks<",
        "Step-by-step",
        "Prevention",
        ">Sources<",
        ">Evidence<",
        ">FAQ<",
        "Related errors",
        r#"class="prose""#,
        "<ul></ul>",
        "<ol></ol>",
    ] {
        assert!(!html.contains(absent), "{absent} shown on a minimal entry");
    }
    // No heading without text anywhere on any page.
    for (rel, bytes) in snapshot_dir(&out) {
        if rel.ends_with(".html") {
            let page = String::from_utf8(bytes).unwrap();
            for level in 1..=6 {
                let re_open = format!("<h{level}");
                for (i, _) in page.match_indices(&re_open) {
                    let end = page[i..].find(&format!("</h{level}>")).unwrap() + i;
                    let inner = &page[page[i..].find('>').unwrap() + i + 1..end];
                    assert!(!inner.trim().is_empty(), "empty h{level} in {rel}");
                }
            }
        }
    }
}

#[test]
fn signatures_are_verbatim_and_nothing_hostile_reaches_a_page() {
    let (_tmp, out) = build_fixture(&[]);
    let html = read(&out, "docker/template-looking/index.html");
    assert!(html.contains(
        "<code>{{ config.secret }} {% raw %} &lt;!DOCTYPE html&gt;&lt;script&gt;alert(1)&lt;/script&gt;</code>"
    ));
    assert!(html.contains(
        "Error response from daemon: {{ .Name }} is not a valid name\n&lt;/code&gt;&lt;/pre&gt;&lt;img src=x onerror=alert(1)&gt;</code>"
    ));
    assert!(html.contains("Template-looking {{ error }} and &lt;!DOCTYPE html&gt; text</h1>"));
    for (rel, bytes) in snapshot_dir(&out) {
        if !rel.ends_with(".html") {
            continue;
        }
        let page = String::from_utf8(bytes).unwrap();
        let lower = page.to_lowercase();
        // Every real tag (escaped text such as `&lt;img onerror=` is harmless and allowed).
        for (i, _) in lower.match_indices('<') {
            let tag = &lower[i..i + lower[i..].find('>').unwrap_or(lower.len() - i)];
            assert!(!tag.starts_with("<iframe"), "iframe in {rel}");
            assert!(
                !tag.contains("javascript:"),
                "javascript: URL in {tag} in {rel}"
            );
            let attrs: Vec<&str> = tag.split_whitespace().skip(1).collect();
            assert!(
                !attrs.iter().any(|a| a.starts_with("on") && a.contains('=')),
                "event handler attribute in {tag} in {rel}"
            );
        }
        assert!(!page.contains("<script>alert"), "raw script in {rel}");
        // Only the theme's own scripts: the JSON-LD block and files from the site.
        for (i, _) in lower.match_indices("<script") {
            let tag = &lower[i..i + lower[i..].find('>').unwrap()];
            assert!(
                tag.contains("application/ld+json") || tag.contains("src=\"/kb/assets/"),
                "unexpected script tag {tag} in {rel}"
            );
        }
        // JSON-LD parses and is never closed early.
        if let Some(start) = page.find(r#"<script type="application/ld+json">"#) {
            let body = &page[start + 35..];
            let json = &body[..body.find("</script>").unwrap()];
            let v: serde_json::Value =
                serde_json::from_str(json).unwrap_or_else(|e| panic!("{rel}: {e}"));
            assert_eq!(v["@context"], "https://schema.org");
        }
    }
}

#[test]
fn every_link_carries_the_base_path() {
    let (_tmp, out) = build_fixture(&[]);
    for (rel, bytes) in snapshot_dir(&out) {
        if !(rel.ends_with(".html") || rel.ends_with(".xml") || rel.ends_with(".txt")) {
            continue;
        }
        let page = String::from_utf8(bytes).unwrap();
        for attr in ["href=\"", "src=\"", "<loc>", "href='"] {
            for (i, _) in page.match_indices(attr) {
                let url = &page[i + attr.len()..];
                let url = &url[..url.find(['"', '\'', '<']).unwrap()];
                if url.starts_with('/') {
                    assert!(
                        url.starts_with("/kb/"),
                        "{url} in {rel} lacks the base path"
                    );
                }
                if url.starts_with("https://user.github.io") {
                    assert!(
                        url.starts_with("https://user.github.io/kb/"),
                        "{url} in {rel}"
                    );
                }
            }
        }
    }
}

#[test]
fn base_url_flag_replaces_the_configured_one() {
    let (_tmp, out) = build_fixture(&["--base-url", "http://127.0.0.1:8080/"]);
    let html = read(&out, "index.html");
    assert!(html.contains(r#"href="/assets/style.css""#));
    assert!(read(&out, "sitemap.xml").contains("<loc>http://127.0.0.1:8080/git/</loc>"));
}

#[test]
fn two_builds_are_byte_identical() {
    let (_a, out_a) = build_fixture(&[]);
    let (_b, out_b) = build_fixture(&[]);
    let a = snapshot_dir(&out_a);
    let b = snapshot_dir(&out_b);
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        assert!(v == &b[k], "{k} differs between builds");
    }
}

#[test]
fn entry_page_matches_its_snapshot() {
    let (_tmp, out) = build_fixture(&[]);
    let html = read(&out, "openrouter/expired-key-user-not-found/index.html");
    let path = fixture("snapshots/expired-key-user-not-found.html");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &html).unwrap();
    }
    let expected = std::fs::read_to_string(&path).expect(
        "snapshot missing: run `UPDATE_SNAPSHOTS=1 cargo test --test main build::entry_page` and review the file",
    );
    assert!(
        expected == html,
        "entry page changed; review and run UPDATE_SNAPSHOTS=1 cargo test --test main build::entry_page"
    );
}

#[test]
fn the_command_line_exit_codes() {
    assert_eq!(kbgen(&["build", "--no-such-flag"]).status.code(), Some(2));
    assert_eq!(kbgen(&["frobnicate"]).status.code(), Some(2));
    let tmp = tempfile::tempdir().unwrap();
    let out = kbgen(&["build", "--root", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("no kbgen.yaml"), "{}", text(&out));
}

/// A build parses entries without their fields' positions (`LoadOptions::skip_positions`):
/// the pages are the same, a site with errors is loaded again so that every error still
/// has its line and column, and a warning alone does not cost a second load.
#[test]
fn positions_are_skipped_unless_there_are_errors() {
    use kbgen::LoadOptions;
    use kbgen::output::MemorySink;
    use kbgen::site::{load_checked, prepare_with, render_site};
    let render = |skip_positions: bool| {
        let opts = LoadOptions {
            skip_positions,
            ..LoadOptions::default()
        };
        let (site, mut templates) = prepare_with(&fixture("site"), opts, None).unwrap();
        let sink = MemorySink::default();
        render_site(&site, &mut templates, &sink).unwrap();
        (site, sink.files.into_inner().unwrap())
    };
    let (with, pages_with) = render(false);
    let (without, pages_without) = render(true);
    assert!(pages_with.len() > 20);
    assert_eq!(pages_with, pages_without);
    // Without problems nothing was loaded again: the positions really were skipped.
    assert!(
        with.entries
            .iter()
            .all(|e| e.pos("title").is_some_and(|p| p.0 > 0))
    );
    assert!(without.entries.iter().all(|e| e.pos("title").is_none()));

    // A warning alone (a stray file) is not an error: no second load, and so no positions.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    common::copy_tree(&fixture("site"), &root);
    std::fs::write(root.join("content/git/notes.txt"), "scratch\n").unwrap();
    let skipping = LoadOptions {
        skip_positions: true,
        ..LoadOptions::default()
    };
    let (site, report) = load_checked(&root, skipping);
    assert!(!report.is_empty() && !report.has_errors());
    let site = site.expect("warnings do not stop a build");
    assert!(site.entries.iter().all(|e| e.pos("title").is_none()));

    let broken = fixture("broken-site");
    let text = |opts: LoadOptions| {
        let (site, report) = load_checked(&broken, opts);
        assert!(site.is_none());
        report.render(kbgen::Format::Json)
    };
    let reported = text(LoadOptions::default());
    // Field errors carry their place: `updated` of push-rejected.md is on line 6.
    let json: serde_json::Value = serde_json::from_str(&reported).unwrap();
    let placed = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["field"].is_string() && d["line"].as_u64().is_some_and(|l| l > 1))
        .count();
    assert!(placed >= 3, "{reported}");
    let skipping = LoadOptions {
        skip_positions: true,
        ..LoadOptions::default()
    };
    assert_eq!(text(skipping), reported);
}

/// A large site is loaded with its bodies left in their files, read back per page
/// (`LoadOptions::bodies_in_files_over`, `Site::release_bodies`); the pages must be what
/// they are with the bodies held.
#[test]
fn pages_are_the_same_with_bodies_read_back() {
    use kbgen::LoadOptions;
    use kbgen::output::MemorySink;
    use kbgen::site::{prepare_with, render_site};
    let render = |over: Option<usize>, release: bool| {
        let opts = LoadOptions {
            drafts: false,
            bodies_in_files_over: over,
            skip_positions: false,
        };
        let (mut site, mut templates) = prepare_with(&fixture("site"), opts, None).unwrap();
        if release {
            site.release_bodies();
        }
        let md: Vec<_> = site
            .entries
            .iter()
            .filter(|e| e.file.ends_with(".md"))
            .collect();
        assert!(!md.is_empty());
        assert_eq!(
            md.iter().all(|e| e.body.is_empty()),
            over.is_some() || release
        );
        let sink = MemorySink::default();
        render_site(&site, &mut templates, &sink).unwrap();
        sink.files.into_inner().unwrap()
    };
    let held = render(None, false);
    assert!(held.len() > 20);
    assert_eq!(held, render(None, true));
    assert_eq!(held, render(Some(0), false));
}

#[test]
fn a_body_changed_after_loading_is_an_error_not_a_wrong_page() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    common::copy_tree(&fixture("site"), &root);
    let opts = kbgen::LoadOptions {
        drafts: false,
        bodies_in_files_over: Some(0),
        skip_positions: false,
    };
    let (site, _) = kbgen::site::prepare_with(&root, opts, None).unwrap();
    let e = site
        .entries
        .iter()
        .find(|e| e.file.ends_with(".md"))
        .unwrap();
    assert!(!site.body(e).unwrap().is_empty());
    let path = root.join(&e.file);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\nOne more line.\n")).unwrap();
    let err = site.body(e).unwrap_err();
    assert!(err.message.contains("changed during the build"), "{err:?}");
}

#[test]
fn bodies_read_back_are_the_bodies_held_whatever_the_line_breaks() {
    // A body read back alone (the file is its text) or through decoding the whole file (a
    // byte-order mark, CRLF or lone CR line breaks) is the body a held load has.
    type Variant = (&'static str, fn(&str) -> String, bool);
    let variants: [Variant; 4] = [
        ("LF", |t| t.to_owned(), true),
        ("BOM", |t| format!("\u{feff}{t}"), false),
        ("CRLF", |t| t.replace('\n', "\r\n"), false),
        ("CR", |t| t.replace('\n', "\r"), false),
    ];
    for (name, transform, verbatim) in variants {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        common::copy_tree(&fixture("site"), &root);
        let load = |over: Option<usize>| {
            let opts = kbgen::LoadOptions {
                drafts: false,
                bodies_in_files_over: over,
                skip_positions: false,
            };
            kbgen::site::prepare_with(&root, opts, None).unwrap().0
        };
        let file = load(None)
            .entries
            .iter()
            .find(|e| e.file.ends_with(".md") && e.body.len() > 100)
            .map(|e| e.file.clone())
            .unwrap();
        let path = root.join(&file);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, transform(&text)).unwrap();
        let (held, released) = (load(None), load(Some(0)));
        let e = released.entries.iter().find(|e| e.file == file).unwrap();
        let span = e.body_span.unwrap();
        assert!(span.released, "{name}");
        assert_eq!(span.verbatim, verbatim, "{name}");
        let want = &held.entries.iter().find(|e| e.file == file).unwrap().body;
        assert!(!want.is_empty() && !want.contains('\r'), "{name}");
        assert_eq!(released.body(e).unwrap().as_ref(), want.as_str(), "{name}");
        // Changed in place to the same length: a CR in the body is no body decoding makes.
        let raw = std::fs::read(&path).unwrap();
        let at = raw.len() - 5;
        let mut edited = raw.clone();
        edited[at] = b'\r';
        std::fs::write(&path, &edited).unwrap();
        if verbatim {
            let err = released.body(e).unwrap_err();
            assert!(
                err.message.contains("changed during the build"),
                "{name}: {err:?}"
            );
            // A NUL, which no decoded text has, likewise.
            edited[at] = 0;
            std::fs::write(&path, &edited).unwrap();
            let err = released.body(e).unwrap_err();
            assert!(
                err.message.contains("changed during the build"),
                "{name}: {err:?}"
            );
        }
        // Shorter: always noticed.
        std::fs::write(&path, &raw[..raw.len() / 2]).unwrap();
        let err = released.body(e).unwrap_err();
        assert!(
            err.message.contains("changed during the build"),
            "{name}: {err:?}"
        );
    }
}

#[test]
fn bodies_left_in_their_files_are_link_checked_the_same() {
    use kbgen::LoadOptions;
    use kbgen::site::load_checked;
    // broken-site has broken links in a body; bodies left in files are read back for the
    // check only when they may have a link, and the report is the same.
    let report = |over: Option<usize>| {
        let opts = LoadOptions {
            bodies_in_files_over: over,
            ..LoadOptions::default()
        };
        let (site, report) = load_checked(&fixture("broken-site"), opts);
        assert!(site.is_none());
        report.render(kbgen::Format::Json)
    };
    let held = report(None);
    assert!(held.contains("missing-package"), "{held}");
    assert_eq!(report(Some(0)), held);
}

#[test]
fn drafts_built_with_drafts_say_so_ask_not_to_be_indexed_and_stay_out_of_the_sitemap() {
    let site = crate::common::TempSite::new();
    site.write(
        "content/git/unfinished.md",
        &crate::common::MIN_ENTRY
            .replace("An error", "An unfinished error")
            .replace("updated:", "draft: true\nupdated:"),
    );
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build_ok(site.root(), &out, &["--drafts"]);
    let read = |rel: &str| std::fs::read_to_string(out.join(rel)).unwrap();
    let draft = read("git/unfinished/index.html");
    assert!(
        draft.contains(r#"<meta name="robots" content="noindex">"#),
        "{draft}"
    );
    assert!(draft.contains("Draft:"), "{draft}");
    let published = read("git/an-error/index.html");
    assert!(!published.contains("noindex") && !published.contains("Draft:"));
    let sitemap = read("sitemap.xml");
    assert!(sitemap.contains("/git/an-error/") && !sitemap.contains("/git/unfinished/"));
}

#[test]
fn root_relative_images_and_links_work_under_a_base_path_and_missing_ones_are_reported() {
    let site = crate::common::TempSite::new();
    site.write(
        "kbgen.yaml",
        &crate::common::MIN_CONFIG.replace("https://example.com/", "https://example.com/kb/"),
    );
    site.write(
        "content/git/with-image.md",
        &crate::common::MIN_ENTRY.replace(
            "Body.",
            "Body.\n\n![The flow](/img/flow.png)\n\nSee [the other error](/git/an-error/).",
        ),
    );
    site.write_bytes("static/img/flow.png", b"\x89PNG\r\n\x1a\n");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build_ok(site.root(), &out, &[]);
    let page = std::fs::read_to_string(out.join("git/with-image/index.html")).unwrap();
    assert!(page.contains(r#"src="/kb/img/flow.png""#), "{page}");
    assert!(page.contains(r#"href="/kb/git/an-error/""#), "{page}");
    assert!(out.join("img/flow.png").is_file());

    // Without the file, and with a link to a page that does not exist: errors at their lines.
    site.remove("static/img/flow.png");
    site.write(
        "content/git/with-image.md",
        &crate::common::MIN_ENTRY.replace(
            "Body.",
            "Body.\n\n![The flow](/img/flow.png)\n\nSee [nothing](/git/no-such-error/).",
        ),
    );
    let checked = site.check(&[]);
    let said = text(&checked);
    assert_eq!(checked.status.code(), Some(1), "{said}");
    assert!(
        said.contains("image `/img/flow.png` points at `/kb/img/flow.png`"),
        "{said}"
    );
    assert!(said.contains("content/git/with-image.md:11:1"), "{said}");
    assert!(said.contains("/git/no-such-error/"), "{said}");
}

#[test]
fn a_renamed_entry_keeps_its_old_address_through_an_alias() {
    let site = crate::common::TempSite::new();
    site.write(
        "content/git/renamed.md",
        &crate::common::MIN_ENTRY
            .replace("An error", "A renamed error")
            .replace("updated:", "aliases: [git/old-name, /old/place/]\nupdated:"),
    );
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build_ok(site.root(), &out, &[]);
    for old in ["git/old-name", "old/place"] {
        let page = std::fs::read_to_string(out.join(old).join("index.html")).unwrap();
        for want in [
            r#"<link rel="canonical" href="https://example.com/git/renamed/">"#,
            r#"<meta name="robots" content="noindex">"#,
            r#"<meta http-equiv="refresh" content="0; url=/git/renamed/">"#,
            r#"<a href="/git/renamed/">A renamed error</a>"#,
        ] {
            assert!(page.contains(want), "{old}: {want} in {page}");
        }
    }
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(
        !sitemap.contains("old-name") && !sitemap.contains("old/place"),
        "{sitemap}"
    );
    let api = std::fs::read_to_string(out.join("api/entries.json")).unwrap();
    assert!(api.contains(r#""aliases": ["#), "{api}");

    // An alias may not take a live page, another alias or kbgen's own paths.
    site.write(
        "content/git/other.md",
        &crate::common::MIN_ENTRY
            .replace("something failed", "something else failed")
            .replace(
                "updated:",
                "aliases: [git/an-error, git/old-name, search, git/other]\nupdated:",
            ),
    );
    let checked = site.check(&[]);
    let said = text(&checked);
    assert_eq!(checked.status.code(), Some(1), "{said}");
    for why in [
        "alias `git/an-error` is the id of the entry `git/an-error`",
        "alias `git/old-name` is also an alias of `git/other`",
        "alias `search` would take /search/",
        "alias `git/other` is the entry's own id",
    ] {
        assert!(said.contains(why), "{why} in {said}");
    }
}
