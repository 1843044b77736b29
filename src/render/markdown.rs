//! Markdown to safe HTML, with heading ids and links between entries.
//!
//! Entries come from strangers, so the HTML that pulldown-cmark produces is
//! sanitized with ammonia whenever the source holds raw HTML, a link whose
//! scheme is not on the allow-list, or any element outside a short list of
//! plain ones. The rest cannot produce unsafe HTML (pulldown-cmark escapes all
//! text and attribute values; headings lose `{.class key=value}` attributes and
//! keep only an id that is slugified and kept off the ids the theme owns), and
//! skips the sanitizer's HTML parse; a test holds both paths to the same result,
//! and the fuzz target `render_markdown` holds the output to the hostile-HTML scan.
//!
//! Links to other records (`other.md`, `../npm/x.md#causes`) are rewritten to the
//! page URLs they build to, carrying the site's base path.
//!
//! Every heading gets a unique id, and `#` headings become `h2` because a page's
//! only `h1` is its title; the theme's reading aids (`crate::aids`: heading
//! links, highlighted code, named task boxes) are added before rendering.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::model::sections::is_reserved_id;
use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

/// Where a piece of Markdown lives, for rewriting links to other records.
#[derive(Debug, Clone, Copy)]
pub struct LinkContext<'a> {
    /// The platform folder of the record (`git`), or "" outside an entry.
    pub platform: &'a str,
    /// The site's base path, `/` or `/kb/`.
    pub base_path: &'a str,
}

/// A heading of the rendered Markdown.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// A link to another record, found while rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordLink {
    /// As written.
    pub dest: String,
    /// The target id, `platform/slug`.
    pub id: String,
    /// The `#fragment`, if any.
    pub anchor: Option<String>,
}

/// Rendered Markdown.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    pub record_links: Vec<RecordLink>,
}

pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders a block of Markdown (a body or a list item) to sanitized HTML.
pub fn render(md: &str, ctx: LinkContext<'_>) -> Rendered {
    render_with_ids(md, ctx, &mut HashSet::new())
}

/// `md` as pieces of text and of code (`true`), when it is one line of prose that Markdown
/// leaves as it is but for inline code: nothing at its start could open a block; outside
/// single-backtick code spans no character could start inline syntax, an entity, a raw
/// HTML tag or a line break; and each code span is closed by one backtick and holds no
/// `<`, `>`, control character, or white space at either end. Such text renders to its text with
/// the code in `<code>`, and is its own plain text without the backticks, so list items
/// like it skip the parser (each item is rendered for its page and again for the search index).
/// `fast_paths_match_the_parser` holds both ways to the same output.
fn simple_pieces(md: &str) -> Option<Vec<(bool, &str)>> {
    let (first, last) = (md.chars().next()?, md.chars().next_back()?);
    if first.is_whitespace() || last.is_whitespace() || first.is_ascii_digit() {
        return None;
    }
    if matches!(first, '-' | '+' | '=' | ':') {
        return None;
    }
    let text_ok = |t: &str| !t.bytes().any(|b| SYNTAX[usize::from(b)]);
    let mut pieces = Vec::new();
    let mut rest = md;
    while let Some(open) = rest.find('`') {
        let (text, after) = (&rest[..open], &rest[open + 1..]);
        let close = after.find('`')?;
        let code = &after[..close];
        rest = &after[close + 1..];
        let code_ok = !code.is_empty()
            && !code.starts_with(char::is_whitespace)
            && !code.ends_with(char::is_whitespace)
            && !code
                .bytes()
                .any(|b| b < 0x20 || b == 0x7f || b == b'<' || b == b'>');
        if !text_ok(text) || !code_ok || rest.starts_with('`') {
            return None;
        }
        if !text.is_empty() {
            pieces.push((false, text));
        }
        pieces.push((true, code));
    }
    if !text_ok(rest) {
        return None;
    }
    if !rest.is_empty() {
        pieces.push((false, rest));
    }
    Some(pieces)
}

/// Bytes that can start Markdown syntax, an entity, a tag or a line break (and other controls).
const SYNTAX: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[0x7f] = true;
    let special = b"\\`*_[]<>&!~|#";
    let mut i = 0;
    while i < special.len() {
        t[special[i] as usize] = true;
        i += 1;
    }
    t
};

/// Like [`render`], sharing heading ids with other pieces of the same page: a heading
/// takes none of `used_ids` (to which its own is added) and none the theme owns ([`is_reserved_id`]).
pub fn render_with_ids(md: &str, ctx: LinkContext<'_>, used_ids: &mut HashSet<String>) -> Rendered {
    let mut events: Vec<Event<'_>> = Parser::new_ext(md, options()).collect();
    let Prepared {
        needs_sanitizer,
        headings,
        record_links,
    } = prepare(&mut events, ctx, used_ids);

    let events = crate::render::aids::reading_aids(events, &headings);
    let mut html = String::with_capacity(md.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if needs_sanitizer {
        html = sanitize(&html);
    }
    // Character references (`&#x1b;`) decode to control characters that no field check saw.
    let html = crate::util::text::without_controls(html);
    Rendered {
        html,
        headings,
        record_links,
    }
}

/// What [`prepare`] learns of a piece's events.
struct Prepared {
    /// Whether the events hold anything that only the sanitizer makes safe.
    needs_sanitizer: bool,
    headings: Vec<Heading>,
    record_links: Vec<RecordLink>,
}

/// Makes the parser's events ready to write, in place: links to records point at their pages,
/// footnotes and headings stay off the ids the theme owns, and headings get their ids.
fn prepare(
    events: &mut [Event<'_>],
    ctx: LinkContext<'_>,
    used_ids: &mut HashSet<String>,
) -> Prepared {
    let mut needs_sanitizer = false;
    let mut headings = Vec::new();
    let mut record_links = Vec::new();
    for i in 0..events.len() {
        match &mut events[i] {
            Event::Html(_) | Event::InlineHtml(_) => needs_sanitizer = true,
            Event::Start(Tag::Link {
                dest_url,
                link_type,
                ..
            }) => {
                if !matches!(link_type, LinkType::Email) && !is_safe_url(dest_url) {
                    needs_sanitizer = true;
                }
                record_links.extend(point_at_record_page(dest_url, ctx));
                under_base_path(dest_url, ctx.base_path);
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                needs_sanitizer |= !is_safe_url(dest_url);
                under_base_path(dest_url, ctx.base_path);
            }
            // A footnote's label becomes an element id: one the theme uses is renamed.
            Event::FootnoteReference(label) | Event::Start(Tag::FootnoteDefinition(label))
                if is_reserved_id(label) =>
            {
                *label = CowStr::from(format!("fn-{label}"));
            }
            Event::Start(tag) if !is_plain_tag(tag) => needs_sanitizer = true,
            Event::Start(Tag::Heading { .. }) => {
                headings.extend(name_heading(events, i, used_ids));
            }
            _ => {}
        }
    }
    Prepared {
        needs_sanitizer,
        headings,
        record_links,
    }
}

/// A root-relative URL (`/img/x.png`) of a site served under a path (`/kb/`) is a path of
/// the site: it gets the base path, unless it carries it already. Every link of the output
/// respects the base path, so a site can move under another path without edits.
fn under_base_path(dest_url: &mut CowStr<'_>, base_path: &str) {
    if base_path == "/" || !dest_url.starts_with('/') || dest_url.starts_with("//") {
        return;
    }
    if dest_url.starts_with(base_path) || format!("{dest_url}/") == base_path {
        return;
    }
    *dest_url = CowStr::from(format!("{base_path}{}", &dest_url[1..]));
}

/// Rewrites a link to a record file to the URL of the record's page, and returns the link.
fn point_at_record_page(dest_url: &mut CowStr<'_>, ctx: LinkContext<'_>) -> Option<RecordLink> {
    let link = record_link(dest_url, ctx)?;
    *dest_url = CowStr::from(format!(
        "{}{}/{}",
        ctx.base_path,
        link.id,
        link.anchor
            .as_deref()
            .map(|a| format!("#{a}"))
            .unwrap_or_default()
    ));
    Some(link)
}

/// Settles the heading that opens at `events[at]`: its attributes go, `h1` becomes `h2`, and
/// it takes a unique id, its own `{#id}` or its text, slugified.
fn name_heading(
    events: &mut [Event<'_>],
    at: usize,
    used_ids: &mut HashSet<String>,
) -> Option<Heading> {
    let text = plain_text_until_end(&events[at + 1..]);
    let Event::Start(Tag::Heading {
        level,
        id,
        classes,
        attrs,
    }) = &mut events[at]
    else {
        return None;
    };
    // `{.class key=value}` would be written into the tag as it stands, an
    // event handler included: a heading keeps only its id, made safe below.
    classes.clear();
    attrs.clear();
    // The page title is the only h1.
    if *level == HeadingLevel::H1 {
        *level = HeadingLevel::H2;
    }
    let wanted = id.as_deref().map(slugify).unwrap_or_else(|| slugify(&text));
    let unique = unique_id(&wanted, used_ids);
    *id = Some(CowStr::from(unique.clone()));
    Some(Heading {
        level: level_number(*level),
        id: unique,
        text,
    })
}

/// Renders a list item or short field: one paragraph loses its `<p>` wrapper.
pub fn render_inline(md: &str, ctx: LinkContext<'_>) -> String {
    if let Some(pieces) = simple_pieces(md) {
        let mut html = String::with_capacity(md.len() + 16);
        for (code, piece) in pieces {
            if code {
                // Outside code, `simple_pieces` allows no `&`, `<` or `>`; inside, only `&`.
                html.push_str("<code>");
                crate::util::escape::text_into(&mut html, piece);
                html.push_str("</code>");
            } else {
                html.push_str(piece);
            }
        }
        return html;
    }
    let html = render(md, ctx).html;
    unwrap_paragraph(html)
}

fn unwrap_paragraph(html: String) -> String {
    let trimmed = html.trim_end();
    if let Some(inner) = trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
        && !inner.contains("<p>")
    {
        return inner.to_owned();
    }
    html
}

/// Plain text of Markdown: text and code, blocks separated by newlines.
pub fn plain_text(md: &str) -> String {
    if let Some(pieces) = simple_pieces(md) {
        return pieces.into_iter().map(|(_, piece)| piece).collect();
    }
    plain_text_parsed(md)
}

fn plain_text_parsed(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    for event in Parser::new_ext(md, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableRow,
            ) => out.push('\n'),
            Event::End(TagEnd::TableCell) => out.push(' '),
            _ => {}
        }
    }
    crate::util::text::without_controls(out.trim().to_owned())
}

fn plain_text_until_end(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for e in events {
        match e {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            _ => {}
        }
    }
    crate::util::text::without_controls(text.trim().to_owned())
}

fn level_number(level: HeadingLevel) -> u8 {
    level as u8
}

/// `What this error means` -> `what-this-error-means`; keeps letters of any script.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '_' {
            out.push(c);
        } else if (c.is_whitespace() || c == '-') && !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "section".to_owned()
    } else {
        out.to_owned()
    }
}

/// Tags that pulldown-cmark writes with nothing but escaped text and checked URLs
/// (a heading once its attributes are cleared). Any other tag sends the HTML through
/// the sanitizer, so a tag that a newer pulldown-cmark adds is sanitized until it is
/// known here.
fn is_plain_tag(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::BlockQuote(None)
            | Tag::CodeBlock(_)
            | Tag::List(_)
            | Tag::Item
            | Tag::FootnoteDefinition(_)
            | Tag::Table(_)
            | Tag::TableHead
            | Tag::TableRow
            | Tag::TableCell
            | Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

fn unique_id(wanted: &str, used: &mut HashSet<String>) -> String {
    let mut id = wanted.to_owned();
    let mut n = 1;
    while used.contains(&id) || is_reserved_id(&id) {
        id = format!("{wanted}-{n}");
        n += 1;
    }
    used.insert(id.clone());
    id
}

/// Relative, fragment, http(s) and mailto URLs are safe; anything with another scheme is not.
pub fn is_safe_url(url: &str) -> bool {
    let lower: String = url
        .trim()
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .flat_map(char::to_lowercase)
        .collect();
    match lower.find(':') {
        None => true,
        Some(colon) => {
            let before = &lower[..colon];
            // A colon after a path, query or fragment start is not a scheme.
            if before.contains(['/', '?', '#']) {
                return true;
            }
            matches!(before, "http" | "https" | "mailto")
        }
    }
}

/// Recognises a link to a record file (`x.md`, `../p/x.yaml#a`) and resolves its id.
pub fn record_link(dest: &str, ctx: LinkContext<'_>) -> Option<RecordLink> {
    if dest.contains("://") || dest.starts_with(['/', '#']) || dest.starts_with("mailto:") {
        return None;
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a.to_owned())),
        None => (dest, None),
    };
    let stem = path
        .strip_suffix(".md")
        .or_else(|| path.strip_suffix(".yaml"))?;
    let mut parts: Vec<&str> = if ctx.platform.is_empty() {
        vec![]
    } else {
        vec![ctx.platform]
    };
    for seg in stem.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            // A link written from the site root (`content/git/x.md`).
            "content" if parts.is_empty() => {}
            s => parts.push(s),
        }
    }
    let id = match parts.as_slice() {
        [platform, slug] => format!("{platform}/{slug}"),
        _ => return None,
    };
    Some(RecordLink {
        dest: dest.to_owned(),
        id,
        anchor: anchor.filter(|a| !a.is_empty()),
    })
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    // Task-list boxes are the only inputs: any other, a typeless `<input>` (a text box)
    // among them, becomes a checkbox.
    b.add_tags(["input"])
        .add_tag_attributes("input", ["type", "checked", "disabled", "aria-label"])
        .set_tag_attribute_value("input", "type", "checkbox")
        .add_tag_attributes("code", ["class"])
        .add_tag_attributes("a", ["class"])
        .add_tag_attributes("span", ["class", "aria-hidden"])
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        .add_tag_attributes("div", ["class", "id"])
        .add_tag_attributes("sup", ["class", "id"])
        .add_tag_attributes("li", ["id"])
        .filter_style_properties(["text-align"].into())
        .url_schemes(["http", "https", "mailto"].into())
        .link_rel(None)
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("input", "type") => (value == "checkbox").then(|| value.into()),
            // Only the theme's own classes: heading links, highlighting, the copy button's slot.
            ("a", "class") => (value == "anchor").then(|| value.into()),
            ("span", "class") => (["copy-slot", "visually-hidden"].contains(&value)
                || crate::render::highlight::CLASSES.contains(&value))
            .then(|| value.into()),
            ("span", "aria-hidden") => (value == "true").then(|| value.into()),
            ("code", "class") => value
                .strip_prefix("language-")
                .filter(|l| {
                    l.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+#-_.".contains(c))
                })
                .map(|_| value.into()),
            // Raw HTML may name its elements, but not with an id the theme owns.
            (_, "id") => (!is_reserved_id(value)).then(|| value.into()),
            _ => Some(value.into()),
        });
    for h in ["h1", "h2", "h3", "h4", "h5", "h6"] {
        b.add_tag_attributes(h, ["id"]);
    }
    b
});

/// Runs ammonia over HTML; an `<img>` written without `alt` gets `alt=""`.
pub fn sanitize(html: &str) -> String {
    with_image_alts(SANITIZER.clean(html).to_string())
}

/// Raw HTML images often lack `alt`, which makes the page invalid; an empty one
/// marks them decorative. The input is ammonia's output: tags are well formed
/// and every attribute value is double-quoted.
fn with_image_alts(html: String) -> String {
    if !html.contains("<img") {
        return html;
    }
    let mut out = String::with_capacity(html.len() + 16);
    let mut rest = html.as_str();
    while let Some(at) = rest.find("<img") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        // The end of the tag, skipping `>` inside quoted values.
        let mut quoted = false;
        let end = rest
            .char_indices()
            .find(|&(_, c)| {
                if c == '"' {
                    quoted = !quoted;
                }
                c == '>' && !quoted
            })
            .map_or(rest.len(), |(i, _)| i);
        let tag = &rest[..end];
        let mut quoted = false;
        let has_alt = tag.char_indices().any(|(i, c)| {
            if c == '"' {
                quoted = !quoted;
            }
            !quoted && c.is_whitespace() && tag[i + 1..].starts_with("alt=")
        });
        if has_alt {
            out.push_str(tag);
        } else {
            out.push_str(tag.trim_end_matches('/'));
            out.push_str(" alt=\"\"");
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests;
