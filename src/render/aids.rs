//! Reading aids the theme adds to rendered Markdown, at build time.
//!
//! Every heading gets a "#" link to itself (named for screen readers), fenced
//! code is highlighted (`crate::highlight`) and leaves an empty `.copy-slot`
//! where `assets/kbgen.js` puts its Copy button, and task-list boxes get an
//! accessible name. The output is HTML events that `crate::markdown` renders;
//! its sanitizer lets exactly these classes and attributes through.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};

use crate::render::markdown::Heading;

/// Heading self-links, highlighted code blocks and named task-list boxes, as HTML events.
pub fn reading_aids<'a>(events: Vec<Event<'a>>, headings: &[Heading]) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len() + headings.len() * 2);
    let mut heading = headings.iter();
    let mut code: Option<(String, String)> = None;
    for event in events {
        if let Some((lang, text)) = &mut code {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    out.push(Event::Html(code_block(lang, text).into()));
                    code = None;
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading { .. }) => {
                out.push(Event::Html(CowStr::Borrowed("<div class=\"heading\">")));
                out.push(event);
            }
            Event::End(TagEnd::Heading(level)) => {
                // `#` headings were made h2 (the title is the page's only h1).
                out.push(Event::End(TagEnd::Heading(level.max(HeadingLevel::H2))));
                if let Some(h) = heading.next() {
                    out.push(Event::Html(anchor(&h.id, &h.text).into()));
                }
                out.push(Event::Html(CowStr::Borrowed("</div>\n")));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    pulldown_cmark::CodeBlockKind::Fenced(info) => {
                        info.split([' ', ',', '{']).next().unwrap_or("").to_owned()
                    }
                    pulldown_cmark::CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::TaskListMarker(done) => out.push(Event::Html(CowStr::Borrowed(if done {
                "<input type=\"checkbox\" disabled=\"\" checked=\"\" aria-label=\"done\"> "
            } else {
                "<input type=\"checkbox\" disabled=\"\" aria-label=\"not done\"> "
            }))),
            e => out.push(e),
        }
    }
    out
}

/// The "#" link after a heading; screen readers hear where it points instead of "#".
pub fn anchor(id: &str, text: &str) -> String {
    let mut label = String::new();
    crate::util::escape::text_into(&mut label, text);
    format!(
        "<a class=\"anchor\" href=\"#{id}\"><span aria-hidden=\"true\">#</span><span class=\"visually-hidden\">Link to this section: {label}</span></a>"
    )
}

/// A fenced block: highlighted at build time, with a slot for the copy button.
fn code_block(lang: &str, text: &str) -> String {
    let mut html = String::with_capacity(text.len() * 2 + 80);
    html.push_str("<pre><span class=\"copy-slot\"></span><code");
    if !lang.is_empty()
        && lang
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+#-_.".contains(c))
    {
        html.push_str(" class=\"language-");
        html.push_str(lang);
        html.push('"');
    }
    html.push('>');
    html.push_str(&crate::render::highlight::highlight(lang, text));
    html.push_str("</code></pre>\n");
    html
}

#[cfg(test)]
mod tests {
    use crate::render::markdown::{LinkContext, render, sanitize};

    const CTX: LinkContext<'static> = LinkContext {
        platform: "git",
        base_path: "/kb/",
    };

    #[test]
    fn headings_link_to_themselves_and_h1_becomes_h2() {
        for md in [
            "# Big\n\ntext",
            "# Big\n\n<b>raw html takes the sanitizer path</b>",
        ] {
            let r = render(md, CTX);
            assert!(
                r.html.contains(
                    "<h2 id=\"big\">Big</h2>\n<a class=\"anchor\" href=\"#big\"><span aria-hidden=\"true\">#</span><span class=\"visually-hidden\">Link to this section: Big</span></a></div>"
                ),
                "{}",
                r.html
            );
            assert!(r.html.starts_with("<div class=\"heading\">"), "{}", r.html);
            assert!(!r.html.contains("h1"), "{}", r.html);
            assert_eq!(r.headings[0].level, 2);
        }
        // Heading text is escaped in the link's name.
        let r = render("## a \\< b & `<c>`", CTX);
        assert!(
            r.html
                .contains("Link to this section: a &lt; b &amp; &lt;c&gt;</span>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn code_blocks_are_highlighted_with_a_copy_slot() {
        let md = "```bash\necho \"$HOME\" # hi\n```\n\n```\"><script>\nx\n```\n";
        for html in [render(md, CTX).html, sanitize(&render(md, CTX).html)] {
            assert!(
                html.contains("<pre><span class=\"copy-slot\"></span><code class=\"language-bash\"><span class=\"hl-k\">echo</span> <span class=\"hl-s\">\"$HOME\"</span> <span class=\"hl-c\"># hi</span>\n</code></pre>"),
                "{html}"
            );
            // A hostile info string neither becomes a class nor breaks out of the tag.
            assert!(
                html.contains("<pre><span class=\"copy-slot\"></span><code>x\n</code></pre>"),
                "{html}"
            );
            assert!(!html.contains("<script"), "{html}");
        }
    }

    #[test]
    fn sanitizer_keeps_only_the_theme_classes() {
        let html = render(
            "<span class=\"hl-k\">k</span><span class=\"skip-link\">s</span><a class=\"copy-button\" href=\"#x\">a</a><span aria-hidden=\"false\">h</span>",
            CTX,
        )
        .html;
        assert!(html.contains("<span class=\"hl-k\">k</span>"), "{html}");
        assert!(
            !html.contains("skip-link") && !html.contains("copy-button"),
            "{html}"
        );
        assert!(!html.contains("aria-hidden"), "{html}");
    }

    #[test]
    fn task_boxes_have_names_and_images_get_alt() {
        let html = render("- [x] a\n- [ ] b", CTX).html;
        assert!(
            html.contains("aria-label=\"done\"> a") && html.contains("aria-label=\"not done\"> b"),
            "{html}"
        );
        let html = render("<img src=\"x.png\"> <img alt=\"kept\" src=\"y.png\"> <img title=\"a > alt=b\" src=\"z.png\">", CTX).html;
        assert!(html.contains("<img src=\"x.png\" alt=\"\">"), "{html}");
        assert!(html.contains("<img alt=\"kept\" src=\"y.png\">"), "{html}");
        // ` alt=` inside a quoted value is not an alt attribute.
        assert!(
            html.contains("<img title=\"a &gt; alt=b\" src=\"z.png\" alt=\"\">"),
            "{html}"
        );
    }
}
