use super::*;

/// Bits of Markdown that random lines are made of: prose, characters that open blocks or
/// inline syntax, entities, and code spans both well and badly formed, so that random lines
/// reach both sides of every check in `simple_pieces`.
const PIECES: &[&str] = &[
    "a",
    "Z",
    "word",
    " ",
    "  ",
    "\t",
    "\n",
    "1",
    "42.",
    "3)",
    ".",
    ",",
    ":",
    ";",
    "-",
    "--",
    "+",
    "=",
    "(",
    ")",
    "'",
    "\"",
    "/",
    "?",
    "%",
    "$",
    "@",
    "^",
    "{",
    "}",
    "{#x}",
    "é",
    "—",
    "\u{a0}",
    "日本",
    "*",
    "_",
    "`",
    "[",
    "]",
    "<",
    ">",
    "&",
    "&amp;",
    "!",
    "~",
    "|",
    "#",
    "\\",
    "http://x.y",
    "www.x.y",
    "\r",
    "`code`",
    "`a*b_c`",
    "`x & y`",
    "`a\"b'`",
    "` sp`",
    "`[x](y)`",
    "`-v`",
    "`\\n`",
    "`<b>`",
    "``",
    "`",
    " `",
    "` ",
];

/// A fixed stream of random lines, each of 1 to 8 [`PIECES`] (xorshift64).
fn random_lines() -> impl Iterator<Item = String> {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    std::iter::repeat_with(move || {
        let len = 1 + next(8);
        (0..len).map(|_| PIECES[next(PIECES.len())]).collect()
    })
}

/// Every string the fast paths take renders and flattens exactly as the parser would.
#[test]
fn fast_paths_match_the_parser() {
    let (mut plain, mut with_code) = (0, 0);
    for md in random_lines().take(40_000) {
        let Some(pieces) = simple_pieces(&md) else {
            continue;
        };
        plain += 1;
        with_code += usize::from(pieces.iter().any(|p| p.0));
        let slow = unwrap_paragraph(render(&md, CTX).html);
        assert_eq!(render_inline(&md, CTX), slow, "render_inline({md:?})");
        assert_eq!(
            plain_text(&md),
            plain_text_parsed(&md),
            "plain_text({md:?})"
        );
    }
    // The generator must reach the fast path often enough to mean something.
    assert!(plain > 2_000, "only {plain} strings on the fast path");
    assert!(with_code > 500, "only {with_code} of them with code");
}

/// One-line prose with closed code spans takes the fast path; anything the parser could read
/// as more than text and code does not.
#[test]
fn fast_path_takes_plain_lines_only() {
    for md in [
        "Run it.",
        "Use a \"quoted\" key: it's fine - really (mostly).",
        "Run `npm ci --force` then wait",
        "`git status` first",
    ] {
        assert!(simple_pieces(md).is_some(), "{md:?}");
    }
    assert_eq!(
        render_inline("Run `a && b` now.", CTX),
        "Run <code>a &amp;&amp; b</code> now."
    );
    for md in [
        "", " a", "a ", "1. a", "- a", "a\nb", "a <b>", "a & b", "# a", "a `b", "a ``b``",
        "a ` b`", "a `<b>`", "*a* `b`",
    ] {
        assert!(simple_pieces(md).is_none(), "{md:?}");
    }
}

const CTX: LinkContext<'static> = LinkContext {
    platform: "git",
    base_path: "/kb/",
};

#[test]
fn dangerous_html_never_survives() {
    let md = "Hi <script>alert(1)</script> <img src=x onerror=alert(2)> <iframe src=//e></iframe>\n\n\
              [a](javascript:alert(3)) [b](JaVaScRiPt:alert(4)) ![c](javascript:alert(5))\n\n<div onclick=\"x()\">d</div>";
    let html = render(md, CTX).html;
    for bad in [
        "<script",
        "onerror",
        "<iframe",
        "javascript:",
        "JaVaScRiPt",
        "onclick",
    ] {
        assert!(!html.contains(bad), "{bad} in {html}");
    }
    assert!(html.contains("<div>d</div>"), "{html}");
}

#[test]
fn heading_attributes_never_reach_the_page() {
    for md in [
        "## Why it happens {autofocus onfocus=alert(document.domain) tabindex=0}",
        "## Why it happens {.x onmouseover=alert(1) #why-it-happens}",
        "Text\n\nWhy it happens {onclick=alert(1)}\n---------------",
    ] {
        for html in [render(md, CTX).html, render_inline(md, CTX)] {
            for bad in [
                "onfocus",
                "autofocus",
                "tabindex",
                "onmouseover",
                "onclick",
                "class=\"x\"",
            ] {
                assert!(!html.contains(bad), "{bad} in {html}");
            }
            assert!(html.contains("id=\"why-it-happens\""), "{html}");
        }
    }
}

#[test]
fn character_references_never_make_control_characters() {
    let md = "# T&#x1b;]0;x&#7;\n\nSay &#x1b;[2J `a` &#155;31m <b>&#x1b;</b>";
    let r = render(md, CTX);
    for text in [r.html.as_str(), &plain_text(md), &r.headings[0].text] {
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
    }
    assert!(r.html.contains("\u{fffd}[2J"), "{}", r.html);
}

#[test]
fn content_never_takes_an_id_the_theme_owns() {
    let md = "<div id=\"search-results\">spoof</div><div id=\"mine\">x</div>\n\n## Results {#search-input}\n\nSee[^search-status].\n\n[^search-status]: A note.";
    let html = render(md, CTX).html;
    for id in crate::model::sections::reserved_ids() {
        assert!(!html.contains(&format!("id=\"{id}\"")), "{id} in {html}");
        assert!(
            !html.contains(&format!("href=\"#{id}\"")),
            "#{id} in {html}"
        );
    }
    assert!(
        html.contains("spoof") && html.contains("id=\"mine\""),
        "{html}"
    );
    // The footnote still links to its note, under another id.
    assert!(html.contains("href=\"#fn-search-status\""), "{html}");
    assert!(html.contains("id=\"fn-search-status\""), "{html}");
    // Without raw HTML (the parser's own output, no sanitizer), the same holds.
    let html = render("See[^main].\n\n[^main]: A note.\n\n# x {#toc}", CTX).html;
    assert!(
        !html.contains("id=\"main\"") && !html.contains("id=\"toc\""),
        "{html}"
    );
}

#[test]
fn fast_path_and_sanitizer_agree_on_safe_markdown() {
    let md = "# Title\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\n~~old~~ [x](https://e.com) note[^1]\n\n[^1]: foot\n\n```rust\nfn main() {}\n```\n";
    let fast = render(md, CTX).html;
    // The sanitizer re-serializes (`style="a: b"`, `<input/>`) but keeps every element and attribute.
    let normal = |s: &str| s.replace(": ", ":").replace("/>", ">");
    assert_eq!(normal(&sanitize(&fast)), normal(&fast));
}

#[test]
fn headings_get_unique_ids_that_avoid_section_ids() {
    let r = render(
        "## What it means\n\n## Causes\n\n## What it means\n\n## Custom {#mine}",
        CTX,
    );
    let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(
        ids,
        ["what-it-means", "causes-1", "what-it-means-1", "mine"]
    );
    assert!(
        r.html
            .contains(r#"<h2 id="what-it-means">What it means</h2>"#),
        "{}",
        r.html
    );
}

#[test]
fn record_links_become_page_urls() {
    let r = render(
        "[a](other.md) [b](../npm/x.md#causes) [c](../y/) [d](https://e.com/x.md)",
        CTX,
    );
    assert!(r.html.contains(r#"href="/kb/git/other/""#), "{}", r.html);
    assert!(r.html.contains(r#"href="/kb/npm/x/#causes""#), "{}", r.html);
    assert!(r.html.contains(r#"href="../y/""#));
    let ids: Vec<_> = r.record_links.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["git/other", "npm/x"]);
}

#[test]
fn inline_items_lose_the_paragraph() {
    assert_eq!(
        render_inline("Run `git status`.", CTX),
        "Run <code>git status</code>."
    );
    assert!(render_inline("a\n\nb", CTX).starts_with("<p>a</p>"));
}

#[test]
fn url_safety() {
    assert!(
        is_safe_url("../x/")
            && is_safe_url("https://a")
            && is_safe_url("a/b:c")
            && is_safe_url("#x")
    );
    assert!(
        !is_safe_url("javascript:x")
            && !is_safe_url(" java\tscript:x")
            && !is_safe_url("data:text/html,x")
    );
}

#[test]
fn root_relative_links_and_images_get_the_base_path() {
    let md = "![d](/img/d.png) [a](/git/x/) [b](/kb/git/y/) [c](//cdn.example/z) [e](/kb) [f](https://e.com/q)";
    let html = render(md, CTX).html;
    for want in [
        r#"src="/kb/img/d.png""#,
        r#"href="/kb/git/x/""#,
        r#"href="/kb/git/y/""#,
        r#"href="//cdn.example/z""#,
        r#"href="/kb""#,
        r#"href="https://e.com/q""#,
    ] {
        assert!(html.contains(want), "{want} in {html}");
    }
    // A site at the root of its host keeps them as written.
    let root = LinkContext {
        platform: "git",
        base_path: "/",
    };
    let html = render(md, root).html;
    assert!(
        html.contains(r#"src="/img/d.png""#) && html.contains(r#"href="/git/x/""#),
        "{html}"
    );
}
