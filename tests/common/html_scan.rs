//! The hostile-output scan: what no file built from untrusted content may hold.
//!
//! [`violations`] reads one built file, or one HTML fragment the Markdown renderer wrote,
//! and lists everything in it that could run script, send the reader elsewhere, or take
//! over the theme's own elements:
//!
//! - HTML: `on*` attributes; `javascript:`, `data:` and `vbscript:` URLs in any attribute
//!   that holds one (entities decoded, white space and controls dropped, any case; each
//!   `srcset` candidate); `<script>` other than the theme's (an `assets/*.js` file, or
//!   JSON-LD that parses and holds no `<!--` or `<script`); `<iframe>`, `<object>`,
//!   `<embed>`, `<base>`, `<svg>`, `<math>`, `<style>`, `srcdoc`, `formaction`,
//!   `autofocus`, `http-equiv`; `style` that loads or computes anything (and, inside
//!   rendered content, any `style` but `text-align`); forms other than the theme's
//!   search forms; form controls, `name`, `tabindex` and friends inside rendered content;
//!   and the theme's ids ([`reserved_id`]) inside rendered content, or more often than
//!   the theme itself writes them.
//! - JSON: it parses; no raw `<script`, `</script` or `<!--` (a JSON file is one
//!   `innerHTML` or sniffing mistake away from HTML); no URL-valued key with a bad scheme;
//!   no control characters in strings.
//! - XML: well-formed; no `script` elements or `on*` attributes; no bad-scheme URL in an
//!   `href`/`src`/`uri` attribute or in a `loc`/`id`/`uri`/`url`/`icon`/`logo` element;
//!   Atom text of `type="html"` or `"xhtml"` is scanned as the HTML it becomes.
//! - Every file: no control characters but tab, newline and carriage return, raw or (in
//!   HTML and XML) as numeric references; escape sequences reach terminals and have no
//!   place in a page.
//!
//! "Rendered content" is what the templates wrap around Markdown: an element with the
//! class `prose`, `li`, `dd`, `dt`, `td`, `th`, `blockquote`, `pre`, and the `div` right
//! inside `section#quick-fix`. The theme puts none of its ids, forms or controls there. A
//! text that is not a whole page (no `<!DOCTYPE` or `<html` first) is a fragment, and a
//! fragment is rendered content throughout.
//!
//! Tags are read the way a browser's tokenizer reads them (quoted, unquoted and bare
//! attributes, `/` between attributes, any case, raw-text elements, comments), not with
//! patterns, in one pass: the Markdown renderer's fuzz target runs this on every input.
//! Std only, so that crate can include this file by `#[path]`.

#![allow(dead_code)]

use std::collections::HashMap;
use std::fmt::Write as _;

/// Ids the theme's templates and scripts own, from the one table of them
/// (`kbgen::model::sections`). Rendered content never takes one, and a page holds each at
/// most as often as the theme writes it: once, or for the search page's ids, once on the
/// search page and never elsewhere ([`max_count`]).
fn reserved_id(value: &str) -> Option<&'static str> {
    kbgen::model::sections::reserved_ids().find(|&r| r == value)
}

/// The ids the theme's search script looks up, which only the search page has.
const SEARCH_PAGE_IDS: &[&str] = &["search-results", "search-input", "search-status"];

/// The header search box's id, on every page but the search page.
const HEADER_SEARCH_ID: &str = "site-search";

/// Schemes that run script or carry a document of their own.
const BAD_SCHEMES: &[&str] = &["javascript:", "vbscript:", "data:"];

/// Attributes whose value is one URL.
const URL_ATTRS: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "lowsrc",
    "dynsrc",
    "cite",
    "longdesc",
    "codebase",
    "classid",
    "archive",
    "ping",
    "manifest",
    "icon",
    "profile",
    "usemap",
    "itemtype",
];

/// Attributes whose value is a list of image candidates.
const SRCSET_ATTRS: &[&str] = &["srcset", "imagesrcset"];

/// Attributes no page of the theme has, and content must never bring.
const NEVER_ATTRS: &[&str] = &["srcdoc", "formaction", "autofocus", "http-equiv"];

/// Attributes that make rendered content interactive, focusable or named.
const CONTENT_ATTRS: &[&str] = &[
    "name",
    "tabindex",
    "accesskey",
    "contenteditable",
    "popover",
    "popovertarget",
    "form",
];

/// Elements that run, embed or re-parse something, on any page.
const NEVER_ELEMENTS: &[&str] = &[
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "portal",
    "fencedframe",
    "svg",
    "math",
    "style",
];

/// Elements rendered content never needs: forms and their controls, document structure,
/// and the elements whose content a browser parses differently from a sanitizer.
const CONTENT_ELEMENTS: &[&str] = &[
    "form",
    "button",
    "textarea",
    "select",
    "option",
    "optgroup",
    "datalist",
    "output",
    "fieldset",
    "label",
    "dialog",
    "template",
    "slot",
    "noscript",
    "noembed",
    "noframes",
    "xmp",
    "plaintext",
    "title",
    "head",
    "body",
    "html",
    "meta",
    "link",
    "keygen",
    "isindex",
];

const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "frame", "basefont", "bgsound", "image", "isindex",
];

/// Elements whose content is text up to their end tag (outside `svg` and `math`).
const RAW_TEXT_ELEMENTS: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

/// Elements that wrap rendered Markdown in the theme's templates.
const CONTENT_WRAPPERS: &[&str] = &["li", "dd", "dt", "td", "th", "blockquote", "pre"];

/// At most this many violations are listed per file, so a fuzz input that repeats one
/// vector a million times still costs one pass.
const MAX_REPORTED: usize = 1000;

/// Everything in `text` that a page built from untrusted content must not hold, one line
/// each, as `path:line:column: what: the markup`. `path` picks the rules: `.json`, `.xml`
/// and `.txt` files have their own, anything else is HTML. For pages, give it relative to
/// the site's output root (`search/index.html` is the search page); any other name reads
/// as a fragment unless the text starts like a page.
pub fn violations(path: &str, text: &str) -> Vec<String> {
    let mut out = Report::new(path, text);
    let lower = path.to_ascii_lowercase();
    controls(text, &mut out);
    if lower.ends_with(".json") {
        json_file(text, &mut out);
    } else if lower.ends_with(".xml") || lower.ends_with(".atom") || lower.ends_with(".rss") {
        numeric_controls(text, &mut out);
        xml_file(text, &mut out);
    } else if lower.ends_with(".txt") {
        if let Some(at) = find_ci(text.as_bytes(), b"<script", 0) {
            out.add(at, "raw <script in a text file", "");
        }
    } else {
        numeric_controls(text, &mut out);
        let rel = path.replace('\\', "/");
        let rel = rel.trim_start_matches("./");
        let search_page = rel == "search/index.html";
        HtmlScan::new(text, 0, search_page, &mut out).run();
    }
    out.finish()
}

/// The scheme `url` starts with, when it is one that runs script or carries a document,
/// read as a browser reads an attribute's URL: entities decoded, ASCII white space and
/// control characters dropped, any case.
pub fn bad_scheme(url: &str) -> Option<&'static str> {
    let decoded = decode_entities(url);
    let mut head = String::with_capacity(16);
    for c in decoded.chars() {
        if c.is_control() || c.is_ascii_whitespace() || c == '\u{0}' {
            continue;
        }
        head.extend(c.to_lowercase());
        if head.len() >= 16 {
            break;
        }
    }
    BAD_SCHEMES.iter().copied().find(|s| head.starts_with(s))
}

/// HTML character references decoded: numeric ones with or without `;` (as browsers do
/// in attributes), and the named ones that can spell a URL scheme or close a context.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut plain = 0;
    while i < b.len() {
        if b[i] != b'&' {
            i += 1;
            continue;
        }
        out.push_str(&s[plain..i]);
        let (c, len) = entity_at(s, i).unwrap_or(('&', 1));
        out.push(c);
        i += len;
        plain = i;
    }
    out.push_str(&s[plain..]);
    out
}

/// The character a reference at `at` (a `&`) stands for, and the reference's length.
fn entity_at(s: &str, at: usize) -> Option<(char, usize)> {
    let b = s.as_bytes();
    let mut i = at + 1;
    if b.get(i) == Some(&b'#') {
        i += 1;
        let hex = matches!(b.get(i), Some(b'x' | b'X'));
        if hex {
            i += 1;
        }
        let start = i;
        let mut value: u32 = 0;
        while let Some(&d) = b.get(i) {
            let digit = match (hex, d) {
                (_, b'0'..=b'9') => u32::from(d - b'0'),
                (true, b'a'..=b'f') => u32::from(d - b'a' + 10),
                (true, b'A'..=b'F') => u32::from(d - b'A' + 10),
                _ => break,
            };
            value = value
                .saturating_mul(if hex { 16 } else { 10 })
                .saturating_add(digit);
            i += 1;
        }
        if i == start {
            return None;
        }
        if b.get(i) == Some(&b';') {
            i += 1;
        }
        let c = match value {
            0 => '\u{fffd}',
            v => char::from_u32(v).unwrap_or('\u{fffd}'),
        };
        return Some((c, i - at));
    }
    let start = i;
    while b.get(i).is_some_and(u8::is_ascii_alphanumeric) && i - start < 32 {
        i += 1;
    }
    if b.get(i) != Some(&b';') {
        return None;
    }
    let c = match &s[start..i] {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "colon" => ':',
        "Tab" => '\t',
        "NewLine" => '\n',
        "nbsp" => '\u{a0}',
        "sol" => '/',
        "bsol" => '\\',
        "lpar" => '(',
        "rpar" => ')',
        "period" => '.',
        "comma" => ',',
        "semi" => ';',
        "equals" => '=',
        "excl" => '!',
        "quest" => '?',
        "num" => '#',
        "percnt" => '%',
        "plus" => '+',
        "commat" => '@',
        "lowbar" => '_',
        "hyphen" | "dash" => '-',
        "grave" => '`',
        "lsqb" | "lbrack" => '[',
        "rsqb" | "rbrack" => ']',
        "lcub" | "lbrace" => '{',
        "rcub" | "rbrace" => '}',
        _ => return None,
    };
    Some((c, i + 1 - at))
}

/// The violations of one file, with positions turned into line and column.
struct Report<'a> {
    path: &'a str,
    text: &'a str,
    found: Vec<(usize, String)>,
    dropped: usize,
}

impl<'a> Report<'a> {
    fn new(path: &'a str, text: &'a str) -> Self {
        Report {
            path,
            text,
            found: Vec::new(),
            dropped: 0,
        }
    }

    /// Records `what` at byte `at` of the file, showing `markup` (cut short).
    fn add(&mut self, at: usize, what: &str, markup: &str) {
        if self.found.len() >= MAX_REPORTED {
            self.dropped += 1;
            return;
        }
        let mut line = what.to_owned();
        if !markup.is_empty() {
            let mut shown: String = markup.chars().take(160).collect();
            if shown.len() < markup.len() {
                shown.push('…');
            }
            let shown: String = shown
                .chars()
                .map(|c| if c.is_control() { '\u{fffd}' } else { c })
                .collect();
            let _ = write!(line, ": {shown}");
        }
        self.found.push((at, line));
    }

    fn finish(self) -> Vec<String> {
        let mut out = Vec::with_capacity(self.found.len() + 1);
        // One pass over the text for every position, in order.
        let mut order: Vec<usize> = (0..self.found.len()).collect();
        order.sort_by_key(|&i| self.found[i].0);
        let mut lines = vec![(0, 0); self.found.len()];
        let (mut line, mut line_start, mut pos) = (1usize, 0usize, 0usize);
        let bytes = self.text.as_bytes();
        for i in order {
            let at = self.found[i].0.min(bytes.len());
            while pos < at {
                if bytes[pos] == b'\n' {
                    line += 1;
                    line_start = pos + 1;
                }
                pos += 1;
            }
            let col = self.text[line_start..floor_char(self.text, at)]
                .chars()
                .count()
                + 1;
            lines[i] = (line, col);
        }
        for (i, (_, what)) in self.found.iter().enumerate() {
            out.push(format!(
                "{}:{}:{}: {what}",
                self.path, lines[i].0, lines[i].1
            ));
        }
        if self.dropped > 0 {
            out.push(format!("{}: {} more not listed", self.path, self.dropped));
        }
        out
    }
}

fn floor_char(s: &str, mut at: usize) -> usize {
    while at > 0 && !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// A control character that has no place in a built file: any but tab, newline and
/// carriage return, including DEL and the C1 range (CSI, OSC, ...).
fn is_forbidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

fn controls(text: &str, out: &mut Report<'_>) {
    for (i, c) in text.char_indices() {
        if is_forbidden_control(c) {
            out.add(i, &format!("control character U+{:04X}", u32::from(c)), "");
        }
    }
}

/// Numeric references to forbidden control characters (`&#27;`, `&#x9b;`, `&#0;`), which
/// a browser or an XML reader turns back into the character.
fn numeric_controls(text: &str, out: &mut Report<'_>) {
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(at) = find(b, b"&#", from) {
        from = at + 2;
        let hex = matches!(b.get(at + 2), Some(b'x' | b'X'));
        let digits_at = at + 2 + usize::from(hex);
        let len = b[digits_at.min(b.len())..]
            .iter()
            .take_while(|c| {
                if hex {
                    c.is_ascii_hexdigit()
                } else {
                    c.is_ascii_digit()
                }
            })
            .count();
        if len == 0 {
            continue;
        }
        let digits = &text[digits_at..digits_at + len];
        let value = u32::from_str_radix(digits.trim_start_matches('0'), if hex { 16 } else { 10 })
            .unwrap_or(if digits.bytes().all(|c| c == b'0') {
                0
            } else {
                u32::MAX
            });
        if char::from_u32(value).is_some_and(is_forbidden_control) {
            let what = format!("reference to control character U+{value:04X}");
            out.add(at, &what, &text[at..digits_at + len]);
        }
    }
}

/// First position of `needle` in `hay` at or after `from`.
fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from >= hay.len() || needle.is_empty() {
        return None;
    }
    let first = needle[0];
    let mut i = from;
    while i + needle.len() <= hay.len() {
        match hay[i..].iter().position(|&x| x == first) {
            None => return None,
            Some(p) => i += p,
        }
        if i + needle.len() <= hay.len() && &hay[i..i + needle.len()] == needle {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// [`find`], ignoring ASCII case; `needle` is lower-case.
fn find_ci(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let mut i = from;
    while i + needle.len() <= hay.len() {
        if hay[i..i + needle.len()].eq_ignore_ascii_case(needle) {
            return Some(i);
        }
        i += 1;
    }
    None
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

// ---------------------------------------------------------------------------------------
// HTML

/// One attribute as written: its name in lower case, its raw (undecoded) value.
struct Attr<'t> {
    name: String,
    value: &'t str,
}

/// One tag: its name in lower case, attributes, and where it starts and ends.
struct Tag<'t> {
    name: String,
    attrs: Vec<Attr<'t>>,
    self_closing: bool,
    start: usize,
    end: usize,
}

impl Tag<'_> {
    /// The decoded value of the first attribute called `name` (browsers keep the first).
    fn attr(&self, name: &str) -> Option<String> {
        self.attrs
            .iter()
            .find(|a| a.name == name)
            .map(|a| decode_entities(a.value))
    }
}

/// Reads the tag that starts at `start` (a `<`, then a letter or `/`), as the HTML
/// tokenizer does: the name runs to white space, `/` or `>`; attributes are separated by
/// white space or `/`; values are double-quoted, single-quoted or unquoted; an attribute
/// without `=` has an empty value. A tag that never closes runs to the end of the text.
fn read_tag(text: &str, start: usize) -> Tag<'_> {
    let b = text.as_bytes();
    let n = b.len();
    let mut i = start + 1;
    if b.get(i) == Some(&b'/') {
        i += 1;
    }
    let name_start = i;
    while i < n && !is_ws(b[i]) && b[i] != b'/' && b[i] != b'>' {
        i += 1;
    }
    let name = text[name_start..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    let mut self_closing = false;
    loop {
        while i < n && (is_ws(b[i]) || b[i] == b'/') {
            if b[i] == b'/' && b.get(i + 1) == Some(&b'>') {
                self_closing = true;
            }
            i += 1;
        }
        if i >= n {
            break;
        }
        if b[i] == b'>' {
            i += 1;
            break;
        }
        let a_start = i;
        i += 1; // the first character belongs to the name, even `=`
        while i < n && !is_ws(b[i]) && b[i] != b'/' && b[i] != b'>' && b[i] != b'=' {
            i += 1;
        }
        let a_name = text[a_start..i].to_ascii_lowercase();
        let mut j = i;
        while j < n && is_ws(b[j]) {
            j += 1;
        }
        let mut value = "";
        if j < n && b[j] == b'=' {
            j += 1;
            while j < n && is_ws(b[j]) {
                j += 1;
            }
            if j < n && (b[j] == b'"' || b[j] == b'\'') {
                let q = b[j];
                let v_start = j + 1;
                let v_end = b[v_start..]
                    .iter()
                    .position(|&x| x == q)
                    .map_or(n, |p| v_start + p);
                value = &text[v_start..v_end];
                i = (v_end + 1).min(n);
            } else {
                let v_start = j;
                while j < n && !is_ws(b[j]) && b[j] != b'>' {
                    j += 1;
                }
                value = &text[v_start..j];
                i = j;
            }
        }
        attrs.push(Attr {
            name: a_name,
            value,
        });
    }
    Tag {
        name,
        attrs,
        self_closing,
        start,
        end: i,
    }
}

/// Where the raw text of `name` that starts at `from` ends: the start of its end tag
/// (`</name` then white space, `/` or `>`, any case), and the end of that tag.
fn raw_text_end(text: &str, from: usize, name: &str) -> (usize, usize) {
    let b = text.as_bytes();
    let mut i = from;
    while let Some(at) = find(b, b"</", i) {
        let after = at + 2 + name.len();
        if after <= b.len()
            && b[at + 2..after].eq_ignore_ascii_case(name.as_bytes())
            && (after == b.len() || is_ws(b[after]) || b[after] == b'/' || b[after] == b'>')
        {
            let end = read_tag(text, at).end;
            return (at, end);
        }
        i = at + 2;
    }
    (b.len(), b.len())
}

struct Open {
    name: String,
    wrapper: bool,
    quick_fix: bool,
    foreign: bool,
}

struct HtmlScan<'t, 'r, 'o> {
    text: &'t str,
    /// Added to positions, when the text is a part of a larger file.
    base: usize,
    out: &'o mut Report<'r>,
    page: bool,
    search_page: bool,
    seen_body: bool,
    stack: Vec<Open>,
    open_counts: HashMap<String, usize>,
    wrappers: usize,
    foreign: usize,
    ids: HashMap<&'static str, (usize, usize)>,
}

impl<'t, 'r, 'o> HtmlScan<'t, 'r, 'o> {
    fn new(text: &'t str, base: usize, search_page: bool, out: &'o mut Report<'r>) -> Self {
        let head = text.trim_start_matches(['\u{feff}', ' ', '\t', '\n', '\r']);
        let starts = |p: &str| {
            head.len() >= p.len() && head.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
        };
        let page = starts("<!doctype") || starts("<html");
        HtmlScan {
            text,
            base,
            out,
            page,
            search_page: page && search_page,
            seen_body: !page,
            stack: Vec::new(),
            open_counts: HashMap::new(),
            wrappers: 0,
            foreign: 0,
            ids: HashMap::new(),
        }
    }

    fn in_content(&self) -> bool {
        !self.page || self.wrappers > 0
    }

    fn add(&mut self, at: usize, what: &str, markup: &str) {
        self.out.add(self.base + at, what, markup);
    }

    fn run(mut self) {
        let text = self.text;
        let b = text.as_bytes();
        let n = b.len();
        let mut i = 0;
        while let Some(p) = b[i.min(n)..].iter().position(|&x| x == b'<') {
            let at = i + p;
            let next = b.get(at + 1).copied();
            i = match next {
                Some(b'!') if text[at..].starts_with("<!--") => {
                    let body = at + 4;
                    if text[body..].starts_with('>') {
                        body + 1
                    } else if text[body..].starts_with("->") {
                        body + 2
                    } else {
                        let a = find(b, b"-->", body).map(|e| e + 3);
                        let c = find(b, b"--!>", body).map(|e| e + 4);
                        match (a, c) {
                            (Some(x), Some(y)) => x.min(y),
                            (x, y) => x.or(y).unwrap_or(n),
                        }
                    }
                }
                Some(b'!') if self.foreign > 0 && text[at..].starts_with("<![CDATA[") => {
                    find(b, b"]]>", at + 9).map_or(n, |e| e + 3)
                }
                Some(b'!' | b'?') => find(b, b">", at + 2).map_or(n, |e| e + 1),
                Some(b'/') => match b.get(at + 2) {
                    Some(c) if c.is_ascii_alphabetic() => {
                        let tag = read_tag(text, at);
                        self.end_tag(&tag.name);
                        tag.end
                    }
                    Some(b'>') => at + 3,
                    Some(_) => find(b, b">", at + 2).map_or(n, |e| e + 1),
                    None => n,
                },
                Some(c) if c.is_ascii_alphabetic() => {
                    let tag = read_tag(text, at);
                    self.start_tag(tag)
                }
                _ => at + 1,
            };
            if i >= n {
                break;
            }
        }
        self.finish();
    }

    /// Checks a start tag and moves past it (and past its content, for raw-text elements);
    /// returns where scanning goes on.
    fn start_tag(&mut self, tag: Tag<'t>) -> usize {
        let content = self.in_content();
        let markup = &self.text[tag.start..tag.end];
        self.attributes(&tag, content, markup);
        let name = tag.name.as_str();

        if name == "body" {
            self.seen_body = true;
        }
        if NEVER_ELEMENTS.contains(&name) {
            self.add(tag.start, &format!("<{name}> element"), markup);
        }
        if content && CONTENT_ELEMENTS.contains(&name) {
            self.add(tag.start, &format!("<{name}> in rendered content"), markup);
        }
        if content
            && name == "input"
            && !tag
                .attr("type")
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("checkbox"))
        {
            self.add(
                tag.start,
                "<input> that is not a checkbox, in rendered content",
                markup,
            );
        }
        if (name == "meta" || name == "link") && !content && self.seen_body {
            self.add(tag.start, &format!("<{name}> outside <head>"), markup);
        }
        if name == "form" && !content {
            let action = tag.attr("action").unwrap_or_default();
            let method = tag.attr("method").unwrap_or_default();
            let path = action.trim();
            let own = !path.contains(':')
                && !path.starts_with("//")
                && path.ends_with("search/")
                && method.trim().eq_ignore_ascii_case("get");
            if !own {
                self.add(
                    tag.start,
                    "<form> that is not the theme's search form",
                    markup,
                );
            }
        }
        if name == "script" {
            if self.foreign == 0 {
                return self.script(&tag, content);
            }
            self.add(tag.start, "<script> inside <svg> or <math>", markup);
        }
        if name == "plaintext" && self.foreign == 0 {
            return self.text.len();
        }
        if RAW_TEXT_ELEMENTS.contains(&name) && self.foreign == 0 {
            let (_, end) = raw_text_end(self.text, tag.end, name);
            return end;
        }
        let foreign = self.foreign > 0 || name == "svg" || name == "math";
        if VOID_ELEMENTS.contains(&name) || (foreign && tag.self_closing) {
            return tag.end;
        }
        let classes = tag.attr("class").unwrap_or_default();
        let quick_fix_div = name == "div"
            && self.stack.last().is_some_and(|o| o.quick_fix)
            && classes.trim().is_empty();
        let wrapper = self.page
            && (CONTENT_WRAPPERS.contains(&name)
                || classes.split_ascii_whitespace().any(|c| c == "prose")
                || quick_fix_div);
        let quick_fix = name == "section" && tag.attr("id").as_deref() == Some("quick-fix");
        let is_foreign_root = name == "svg" || name == "math";
        self.wrappers += usize::from(wrapper);
        self.foreign += usize::from(is_foreign_root);
        *self.open_counts.entry(tag.name.clone()).or_default() += 1;
        self.stack.push(Open {
            name: tag.name,
            wrapper,
            quick_fix,
            foreign: is_foreign_root,
        });
        tag.end
    }

    fn end_tag(&mut self, name: &str) {
        if self.open_counts.get(name).copied().unwrap_or(0) == 0 {
            return;
        }
        while let Some(open) = self.stack.pop() {
            self.wrappers -= usize::from(open.wrapper);
            self.foreign -= usize::from(open.foreign);
            let count = self
                .open_counts
                .get_mut(&open.name)
                .expect("counted when opened");
            *count -= 1;
            if open.name == name {
                break;
            }
        }
    }

    fn attributes(&mut self, tag: &Tag<'t>, content: bool, markup: &str) {
        for a in &tag.attrs {
            let name = a.name.as_str();
            if name.starts_with("on") {
                self.add(
                    tag.start,
                    &format!("event handler attribute `{name}`"),
                    markup,
                );
            }
            if NEVER_ATTRS.contains(&name) {
                self.add(tag.start, &format!("`{name}` attribute"), markup);
            }
            if content && CONTENT_ATTRS.contains(&name) {
                self.add(
                    tag.start,
                    &format!("`{name}` attribute in rendered content"),
                    markup,
                );
            }
            if URL_ATTRS.contains(&name)
                && let Some(scheme) = bad_scheme(a.value)
            {
                self.add(tag.start, &format!("`{scheme}` URL in `{name}`"), markup);
            }
            if SRCSET_ATTRS.contains(&name) {
                let decoded = decode_entities(a.value);
                for candidate in decoded.split(',') {
                    let url = candidate
                        .trim_start()
                        .split_ascii_whitespace()
                        .next()
                        .unwrap_or("");
                    if let Some(scheme) = bad_scheme(url) {
                        self.add(tag.start, &format!("`{scheme}` URL in `{name}`"), markup);
                    }
                }
            }
            if name == "style"
                && let Some(problem) = style_problem(&decode_entities(a.value), content)
            {
                self.add(tag.start, &problem, markup);
            }
            if name == "id" || name == "name" {
                let value = decode_entities(a.value);
                if let Some(id) = reserved_id(&value) {
                    if content {
                        self.add(
                            tag.start,
                            &format!("the theme's id `{id}` as `{name}` in rendered content"),
                            markup,
                        );
                    } else if name == "name" {
                        self.add(
                            tag.start,
                            &format!("the theme's id `{id}` as a `name`"),
                            markup,
                        );
                    }
                    if name == "id" && self.page {
                        let entry = self.ids.entry(id).or_insert((0, tag.start));
                        entry.0 += 1;
                        if entry.0 > max_count(id, self.search_page) {
                            let what =
                                format!("the theme's id `{id}` once more than the theme writes it");
                            self.add(tag.start, &what, markup);
                        }
                    }
                }
            }
        }
    }

    /// A `<script>`: only the theme's own, in `<head>`: an `assets/*.js` file with nothing
    /// inside, or JSON-LD that parses and cannot end or re-open the element.
    fn script(&mut self, tag: &Tag<'t>, content: bool) -> usize {
        let (inner_end, end) = raw_text_end(self.text, tag.end, "script");
        let inner = &self.text[tag.end.min(inner_end)..inner_end];
        let markup = &self.text[tag.start..tag.end];
        if content || !self.page || self.seen_body {
            self.add(tag.start, "<script> outside the theme's <head>", markup);
            return end;
        }
        let kind = tag.attr("type").map(|t| t.trim().to_ascii_lowercase());
        match (tag.attr("src"), kind.as_deref()) {
            (Some(src), None | Some("module" | "text/javascript")) => {
                if !theme_script_src(&src) || !inner.trim().is_empty() {
                    self.add(
                        tag.start,
                        "<script> that is not one of the theme's assets",
                        markup,
                    );
                }
            }
            (None, Some("application/ld+json")) => {
                let lower = inner.to_ascii_lowercase();
                for bad in ["<!--", "<script", "</script"] {
                    if let Some(at) = lower.find(bad) {
                        self.add(
                            tag.end + at,
                            &format!("`{bad}` inside JSON-LD"),
                            &inner[at..],
                        );
                    }
                }
                let mut sub = Report::new("", inner);
                json_file(inner, &mut sub);
                for (at, what) in sub.found {
                    self.add(tag.end + at, &format!("JSON-LD: {what}"), "");
                }
            }
            _ => self.add(tag.start, "<script> that is not the theme's", markup),
        }
        end
    }

    /// A page must hold the search ids its kind has: the counts above are only right for
    /// the page kind the path names, so a page of another kind (the search page under an
    /// absolute path, say) is reported rather than checked against the wrong counts.
    fn finish(self) {
        if !self.page {
            return;
        }
        let wanted: &[&str] = if self.search_page {
            SEARCH_PAGE_IDS
        } else {
            &[HEADER_SEARCH_ID]
        };
        for id in wanted {
            if !self.ids.contains_key(id) {
                let what =
                    format!("the theme's `{id}` is missing: is this the page its path says?");
                self.out.add(self.base, &what, "");
            }
        }
    }
}

/// How many elements with the theme's id `id` a page may hold.
fn max_count(id: &str, search_page: bool) -> usize {
    if SEARCH_PAGE_IDS.contains(&id) {
        usize::from(search_page)
    } else if id == HEADER_SEARCH_ID {
        usize::from(!search_page)
    } else {
        1
    }
}

/// A theme script's `src`: a path on the site (no scheme, no other host) to
/// `assets/<name>.js`.
fn theme_script_src(src: &str) -> bool {
    let src = src.trim();
    if src.contains(':') || src.starts_with("//") || src.contains('?') || src.contains('#') {
        return false;
    }
    let Some(file) = src
        .strip_prefix("assets/")
        .or_else(|| src.rsplit_once("/assets/").map(|(_, f)| f))
    else {
        return false;
    };
    file.strip_suffix(".js").is_some_and(|stem| {
        !stem.is_empty()
            && stem
                .bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
    })
}

/// What is wrong with a `style` attribute's (decoded) value: anything that loads or
/// computes, anywhere; inside rendered content, anything but `text-align`.
fn style_problem(style: &str, content: bool) -> Option<String> {
    // CSS escapes (`\6a`, `\:`) and comments decoded away, then case and white space.
    let mut css = String::with_capacity(style.len());
    let mut chars = style.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            let mut hex = String::new();
            while hex.len() < 6 && chars.peek().is_some_and(char::is_ascii_hexdigit) {
                hex.push(chars.next().unwrap());
            }
            if hex.is_empty() {
                if let Some(next) = chars.next() {
                    css.push(next);
                }
            } else {
                if chars.peek().is_some_and(|c| c.is_ascii_whitespace()) {
                    chars.next();
                }
                let v = u32::from_str_radix(&hex, 16).unwrap_or(0xfffd);
                css.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
        } else if c == '/' && chars.peek() == Some(&'*') {
            chars.next();
            let mut prev = ' ';
            for c in chars.by_ref() {
                if prev == '*' && c == '/' {
                    break;
                }
                prev = c;
            }
        } else {
            css.extend(c.to_lowercase());
        }
    }
    let squeezed: String = css
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    for bad in [
        "expression(",
        "javascript:",
        "vbscript:",
        "url(",
        "image-set(",
        "@import",
        "behavior:",
        "-moz-binding",
    ] {
        if squeezed.contains(bad) {
            return Some(format!("`{bad}` in a style attribute"));
        }
    }
    if content {
        for decl in squeezed.split(';').filter(|d| !d.is_empty()) {
            let ok = decl.strip_prefix("text-align:").is_some_and(|v| {
                ["left", "right", "center", "justify", "start", "end"].contains(&v)
            });
            if !ok {
                return Some(format!("style `{decl}` in rendered content"));
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------------------
// JSON

/// Keys whose string value is a URL.
fn url_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    matches!(
        k.as_str(),
        "url"
            | "href"
            | "src"
            | "@id"
            | "item"
            | "sameas"
            | "image"
            | "logo"
            | "uri"
            | "link"
            | "mainentityofpage"
    ) || k.ends_with("url")
        || k.ends_with("_href")
}

fn json_file(text: &str, out: &mut Report<'_>) {
    let lower = text.to_ascii_lowercase();
    for bad in ["<script", "</script", "<!--"] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(bad) {
            out.add(
                from + at,
                &format!("raw `{bad}` in JSON (write `<` as \\u003c)"),
                "",
            );
            from += at + bad.len();
        }
    }
    let mut parser = Json {
        b: text.as_bytes(),
        i: 0,
        depth: 0,
        out,
    };
    parser.skip_ws();
    let ok = parser.value(None).is_ok() && {
        parser.skip_ws();
        parser.i == parser.b.len()
    };
    if !ok {
        let at = parser.i;
        parser.out.add(at, "JSON that does not parse", "");
    }
}

/// A strict JSON reader (RFC 8259) that checks each string as it goes.
struct Json<'b, 'o, 'r> {
    b: &'b [u8],
    i: usize,
    depth: usize,
    out: &'o mut Report<'r>,
}

impl Json<'_, '_, '_> {
    fn skip_ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Result<(), ()> {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            Ok(())
        } else {
            Err(())
        }
    }

    fn value(&mut self, key: Option<&str>) -> Result<(), ()> {
        self.depth += 1;
        if self.depth > 512 {
            return Err(());
        }
        let r = match self.b.get(self.i) {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => {
                let at = self.i;
                let s = self.string()?;
                if let Some(c) = s.chars().find(|&c| is_forbidden_control(c)) {
                    self.out.add(
                        at,
                        &format!("control character U+{:04X} in a JSON string", u32::from(c)),
                        "",
                    );
                }
                if key.is_some_and(url_key)
                    && let Some(scheme) = bad_scheme(&s)
                {
                    self.out.add(
                        at,
                        &format!("`{scheme}` URL in JSON key `{}`", key.unwrap_or("")),
                        &s,
                    );
                }
                Ok(())
            }
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(()),
        };
        self.depth -= 1;
        r
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), ()> {
        if self.b[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(())
        }
    }

    fn object(&mut self) -> Result<(), ()> {
        self.eat(b'{')?;
        self.skip_ws();
        if self.eat(b'}').is_ok() {
            return Ok(());
        }
        loop {
            self.skip_ws();
            let key = self.string()?;
            self.skip_ws();
            self.eat(b':')?;
            self.skip_ws();
            self.value(Some(&key))?;
            self.skip_ws();
            if self.eat(b',').is_ok() {
                continue;
            }
            return self.eat(b'}');
        }
    }

    fn array(&mut self) -> Result<(), ()> {
        self.eat(b'[')?;
        self.skip_ws();
        if self.eat(b']').is_ok() {
            return Ok(());
        }
        loop {
            self.skip_ws();
            self.value(None)?;
            self.skip_ws();
            if self.eat(b',').is_ok() {
                continue;
            }
            return self.eat(b']');
        }
    }

    fn number(&mut self) -> Result<(), ()> {
        let digits = |s: &mut Self| {
            let start = s.i;
            while s.b.get(s.i).is_some_and(u8::is_ascii_digit) {
                s.i += 1;
            }
            s.i > start
        };
        let _ = self.eat(b'-');
        if self.eat(b'0').is_err() && !digits(self) {
            return Err(());
        }
        if self.eat(b'.').is_ok() && !digits(self) {
            return Err(());
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !digits(self) {
                return Err(());
            }
        }
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, ()> {
        let h = self.b.get(self.i..self.i + 4).ok_or(())?;
        let s = std::str::from_utf8(h).map_err(|_| ())?;
        if !s.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Err(());
        }
        self.i += 4;
        u32::from_str_radix(s, 16).map_err(|_| ())
    }

    fn string(&mut self) -> Result<String, ()> {
        self.eat(b'"')?;
        let mut s = String::new();
        loop {
            let start = self.i;
            while self.i < self.b.len() && self.b[self.i] != b'"' && self.b[self.i] != b'\\' {
                if self.b[self.i] < 0x20 {
                    return Err(());
                }
                self.i += 1;
            }
            s.push_str(std::str::from_utf8(&self.b[start..self.i]).map_err(|_| ())?);
            match self.b.get(self.i) {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(s);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let c = *self.b.get(self.i).ok_or(())?;
                    self.i += 1;
                    match c {
                        b'"' => s.push('"'),
                        b'\\' => s.push('\\'),
                        b'/' => s.push('/'),
                        b'b' => s.push('\u{8}'),
                        b'f' => s.push('\u{c}'),
                        b'n' => s.push('\n'),
                        b'r' => s.push('\r'),
                        b't' => s.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let c = if (0xd800..0xdc00).contains(&hi)
                                && self.b[self.i..].starts_with(b"\\u")
                            {
                                self.i += 2;
                                let lo = self.hex4()?;
                                char::from_u32(
                                    0x10000
                                        + ((hi - 0xd800) << 10)
                                        + (lo.wrapping_sub(0xdc00) & 0x3ff),
                                )
                            } else {
                                char::from_u32(hi)
                            };
                            s.push(c.unwrap_or('\u{fffd}'));
                        }
                        _ => return Err(()),
                    }
                }
                _ => return Err(()),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// XML

/// Elements whose text is a URL, in sitemaps and Atom feeds.
const XML_URL_ELEMENTS: &[&str] = &["loc", "id", "uri", "url", "icon", "logo"];

fn xml_name_char(c: char, first: bool) -> bool {
    c.is_alphabetic()
        || c == '_'
        || c == ':'
        || !c.is_ascii()
        || (!first && (c.is_ascii_digit() || c == '-' || c == '.'))
}

/// Checks that `text` is well-formed XML (one root, matched tags, quoted attributes,
/// known entities, no `]]>` in text) and holds nothing that runs.
fn xml_file(text: &str, out: &mut Report<'_>) {
    struct El<'t> {
        name: &'t str,
        /// Where its content starts, when its text is a URL or HTML to look at.
        watch: Option<(usize, XmlText)>,
    }
    let b = text.as_bytes();
    let n = b.len();
    let mut stack: Vec<El<'_>> = Vec::new();
    let mut roots = 0;
    let mut i = usize::from(text.starts_with('\u{feff}')) * 3;
    fn bad(out: &mut Report<'_>, at: usize, what: &str) {
        out.add(at, &format!("XML is not well-formed: {what}"), "");
    }
    while i < n {
        let Some(p) = b[i..].iter().position(|&x| x == b'<') else {
            xml_text(text, i, n, !stack.is_empty(), out);
            break;
        };
        let at = i + p;
        xml_text(text, i, at, !stack.is_empty(), out);
        let rest = &text[at..];
        if rest.starts_with("<?") {
            match find(b, b"?>", at + 2) {
                Some(e) => i = e + 2,
                None => {
                    bad(out, at, "unclosed processing instruction");
                    return;
                }
            }
        } else if rest.starts_with("<!--") {
            match find(b, b"-->", at + 4) {
                Some(e) => {
                    if text[at + 4..e].contains("--") {
                        bad(out, at, "`--` inside a comment");
                    }
                    i = e + 3;
                }
                None => {
                    bad(out, at, "unclosed comment");
                    return;
                }
            }
        } else if rest.starts_with("<![CDATA[") {
            if stack.is_empty() {
                bad(out, at, "CDATA outside the root element");
            }
            match find(b, b"]]>", at + 9) {
                Some(e) => i = e + 3,
                None => {
                    bad(out, at, "unclosed CDATA section");
                    return;
                }
            }
        } else if rest.starts_with("<!") {
            out.add(
                at,
                "a DOCTYPE or declaration in XML",
                &rest[..rest.len().min(80)],
            );
            i = find(b, b">", at).map_or(n, |e| e + 1);
        } else if rest.starts_with("</") {
            let name_end = at
                + 2
                + text[at + 2..]
                    .find(|c: char| !xml_name_char(c, false))
                    .unwrap_or(n - at - 2);
            let name = &text[at + 2..name_end];
            let mut j = name_end;
            while j < n && is_ws(b[j]) {
                j += 1;
            }
            if b.get(j) != Some(&b'>') {
                bad(out, at, "malformed end tag");
                return;
            }
            match stack.pop() {
                Some(el) if el.name == name => {
                    if let Some((start, kind)) = el.watch {
                        xml_watched(text, start, at, kind, el.name, out);
                    }
                }
                _ => {
                    bad(out, at, &format!("`</{name}>` closes nothing open"));
                    return;
                }
            }
            i = j + 1;
        } else {
            let name_len = text[at + 1..]
                .find(|c: char| !xml_name_char(c, false))
                .unwrap_or(n - at - 1);
            let name = &text[at + 1..at + 1 + name_len];
            if name.is_empty() || !name.chars().next().is_some_and(|c| xml_name_char(c, true)) {
                bad(out, at, "`<` that starts no tag");
                return;
            }
            if stack.is_empty() {
                roots += 1;
                if roots > 1 {
                    bad(out, at, "a second root element");
                }
            }
            let local = name.rsplit(':').next().unwrap_or(name);
            if local.eq_ignore_ascii_case("script") {
                out.add(at, "a script element in XML", "");
            }
            let mut j = at + 1 + name_len;
            let mut seen: Vec<&str> = Vec::new();
            let mut kind = None;
            let self_closing;
            loop {
                let ws_start = j;
                while j < n && is_ws(b[j]) {
                    j += 1;
                }
                match b.get(j) {
                    Some(b'>') => {
                        self_closing = false;
                        j += 1;
                        break;
                    }
                    Some(b'/') if b.get(j + 1) == Some(&b'>') => {
                        self_closing = true;
                        j += 2;
                        break;
                    }
                    None => {
                        bad(out, at, "unclosed tag");
                        return;
                    }
                    _ => {}
                }
                if j == ws_start {
                    bad(out, j, "attributes not separated by white space");
                    return;
                }
                let a_len = text[j..]
                    .find(|c: char| !xml_name_char(c, false))
                    .unwrap_or(n - j);
                let a_name = &text[j..j + a_len];
                if a_len == 0 {
                    bad(out, j, "malformed attribute");
                    return;
                }
                if seen.contains(&a_name) {
                    bad(out, j, &format!("attribute `{a_name}` twice"));
                }
                seen.push(a_name);
                j += a_len;
                while j < n && is_ws(b[j]) {
                    j += 1;
                }
                if b.get(j) != Some(&b'=') {
                    bad(out, j, "attribute without a value");
                    return;
                }
                j += 1;
                while j < n && is_ws(b[j]) {
                    j += 1;
                }
                let Some(&q) = b.get(j).filter(|&&q| q == b'"' || q == b'\'') else {
                    bad(out, j, "unquoted attribute value");
                    return;
                };
                let v_start = j + 1;
                let Some(v_len) = b[v_start..].iter().position(|&x| x == q) else {
                    bad(out, j, "unclosed attribute value");
                    return;
                };
                let raw = &text[v_start..v_start + v_len];
                if raw.contains('<') {
                    bad(out, v_start, "`<` in an attribute value");
                }
                xml_entities(raw, v_start, out);
                let value = decode_entities(raw);
                let a_lower = a_name.to_ascii_lowercase();
                let a_local = a_lower.rsplit(':').next().unwrap_or(&a_lower);
                if a_local.starts_with("on") {
                    out.add(
                        at,
                        &format!("event handler attribute `{a_name}` in XML"),
                        "",
                    );
                }
                if matches!(a_local, "href" | "src" | "uri")
                    && let Some(scheme) = bad_scheme(&value)
                {
                    out.add(v_start, &format!("`{scheme}` URL in `{a_name}`"), &value);
                }
                if a_lower == "type" {
                    kind = match value.trim() {
                        "html" | "text/html" => Some(XmlText::Html),
                        "xhtml" | "application/xhtml+xml" => Some(XmlText::Xhtml),
                        _ => None,
                    };
                }
                j = v_start + v_len + 1;
            }
            let kind = kind.or_else(|| XML_URL_ELEMENTS.contains(&local).then_some(XmlText::Url));
            if !self_closing {
                stack.push(El {
                    name,
                    watch: kind.map(|k| (j, k)),
                });
            }
            i = j;
        }
    }
    if let Some(el) = stack.last() {
        bad(out, n, &format!("`<{}>` never closed", el.name));
    } else if roots == 0 {
        bad(out, 0, "no root element");
    }
}

#[derive(Clone, Copy)]
enum XmlText {
    Url,
    Html,
    Xhtml,
}

/// Character data between tags: only white space outside the root, no `]]>`, and every
/// `&` a reference XML knows.
fn xml_text(text: &str, from: usize, to: usize, inside: bool, out: &mut Report<'_>) {
    let part = &text[from..to];
    if !inside && !part.trim().is_empty() {
        out.add(
            from,
            "XML is not well-formed: text outside the root element",
            part.trim(),
        );
    }
    if let Some(p) = part.find("]]>") {
        out.add(from + p, "XML is not well-formed: `]]>` in text", "");
    }
    xml_entities(part, from, out);
}

fn xml_entities(part: &str, base: usize, out: &mut Report<'_>) {
    let b = part.as_bytes();
    let mut from = 0;
    while let Some(p) = b[from..].iter().position(|&x| x == b'&') {
        let at = from + p;
        let end = b[at..].iter().position(|&x| x == b';').map(|e| at + e);
        let ok = end.is_some_and(|e| {
            let name = &part[at + 1..e];
            matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
                || name
                    .strip_prefix("#x")
                    .is_some_and(|h| !h.is_empty() && h.bytes().all(|c| c.is_ascii_hexdigit()))
                || name
                    .strip_prefix('#')
                    .is_some_and(|d| !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit()))
        });
        if !ok {
            out.add(
                base + at,
                "XML is not well-formed: `&` that starts no known reference",
                "",
            );
        }
        from = at + 1;
    }
}

/// The content of an element whose text is a URL, or HTML (Atom's `type="html"`, text
/// that a feed reader decodes and renders; `type="xhtml"`, markup it renders as is).
fn xml_watched(
    text: &str,
    start: usize,
    end: usize,
    kind: XmlText,
    name: &str,
    out: &mut Report<'_>,
) {
    let raw = &text[start..end];
    // The element's text: CDATA as is, the rest with references decoded.
    let mut decoded = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(p) = rest.find("<![CDATA[") {
        decoded.push_str(&decode_entities(&rest[..p]));
        let after = &rest[p + 9..];
        let e = after.find("]]>").unwrap_or(after.len());
        decoded.push_str(&after[..e]);
        rest = after.get(e + 3..).unwrap_or("");
    }
    decoded.push_str(&decode_entities(rest));
    match kind {
        XmlText::Url => {
            if let Some(scheme) = bad_scheme(&decoded) {
                out.add(start, &format!("`{scheme}` URL in <{name}>"), &decoded);
            }
        }
        XmlText::Html | XmlText::Xhtml => {
            let html = if matches!(kind, XmlText::Html) {
                decoded.as_str()
            } else {
                raw
            };
            let mut sub = Report::new("", html);
            HtmlScan::new(html, 0, false, &mut sub).run();
            for (_, what) in sub.found {
                out.add(start, &format!("in the HTML of <{name}>: {what}"), "");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page shaped like the theme's, with `content` where rendered Markdown goes.
    fn page(content: &str) -> String {
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>T</title>\n\
             <link rel=\"stylesheet\" href=\"/kb/assets/style.css\">\n\
             <script type=\"application/ld+json\">{{\"@context\":\"https://schema.org\",\"url\":\"https://e.com/\",\"name\":\"\\u003c/script\\u003e\"}}</script>\n\
             <script src=\"/kb/assets/kbgen.js\" defer></script>\n<script type=\"module\" src=\"/kb/assets/search-ui.js\"></script>\n\
             </head>\n<body>\n<a class=\"skip-link\" href=\"#main\">Skip</a>\n<header><form class=\"search-box\" role=\"search\" action=\"/kb/search/\" method=\"get\">\
             <input id=\"site-search\" type=\"search\" name=\"q\"><button type=\"submit\">Search</button></form></header>\n\
             <main id=\"main\" class=\"wrap\" tabindex=\"-1\"><article><h1>T</h1>\n\
             <section id=\"signatures\"><pre class=\"signature\"><code>sig</code></pre></section>\n\
             <div class=\"prose\">\n{content}\n</div>\n\
             <section aria-labelledby=\"causes\"><div class=\"heading\"><h2 id=\"causes\">Causes</h2></div><ul><li>{content}</li></ul></section>\n\
             <footer><p>Updated <time id=\"updated\" datetime=\"2026-01-01\">1 January 2026</time></p></footer></article></main>\n</body>\n</html>\n"
        )
    }

    fn assert_clean(path: &str, text: &str) {
        let found = violations(path, text);
        assert!(
            found.is_empty(),
            "{path}: expected nothing, found {found:#?}\nin {text}"
        );
    }

    fn assert_caught(path: &str, text: &str, what: &str) {
        let found = violations(path, text);
        assert!(
            found.iter().any(|f| f.contains(what)),
            "{path}: expected `{what}`, found {found:#?}\nin {text}"
        );
    }

    #[test]
    fn the_theme_itself_is_clean() {
        assert_clean(
            "x/y/index.html",
            &page("<p>Hello <a href=\"https://e.com/\">link</a></p>"),
        );
        let search = page("").replace(
            "<div class=\"prose\">",
            "<form class=\"search-page-form\" role=\"search\" action=\"/kb/search/\" method=\"get\">\
             <textarea id=\"search-input\" name=\"q\"></textarea></form><p id=\"search-status\" role=\"status\"></p>\
             <div id=\"search-results\"></div><noscript><ul><li><a href=\"/kb/categories/x/\">X</a></li></ul></noscript><div class=\"prose\">",
        );
        let search = search.replace("<input id=\"site-search\" type=\"search\" name=\"q\">", "");
        assert_clean("search/index.html", &search);
    }

    #[test]
    fn every_raw_vector_is_caught_in_a_fragment_and_in_a_page() {
        let cases: &[(&str, &str)] = &[
            ("<script>alert(1)</script>", "<script> outside"),
            (
                "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
                "<script> outside",
            ),
            (
                "<img src=x onerror=alert(1)>",
                "event handler attribute `onerror`",
            ),
            (
                "<IMG SRC=x OnErRoR=alert(1)>",
                "event handler attribute `onerror`",
            ),
            (
                "<img/src/onerror=alert(1)>",
                "event handler attribute `onerror`",
            ),
            (
                "<img src=\"x\"/onerror='alert(1)'>",
                "event handler attribute `onerror`",
            ),
            ("<svg onload=alert(1)></svg>", "<svg> element"),
            (
                "<svg><a xlink:href=\"javascript:alert(1)\">x</a></svg>",
                "`javascript:` URL in `xlink:href`",
            ),
            (
                "<math href=\"javascript:alert(1)\">x</math>",
                "`javascript:` URL in `href`",
            ),
            (
                "<iframe src=\"https://e.com\"></iframe>",
                "<iframe> element",
            ),
            (
                "<iframe srcdoc=\"<script>x</script>\"></iframe>",
                "`srcdoc` attribute",
            ),
            (
                "<object data=\"javascript:alert(1)\"></object>",
                "`javascript:` URL in `data`",
            ),
            ("<embed src=\"x.swf\">", "<embed> element"),
            (
                "<details open ontoggle=alert(1)><summary>s</summary></details>",
                "`ontoggle`",
            ),
            ("<body onload=alert(1)>", "`onload`"),
            (
                "<input autofocus onfocus=alert(1)>",
                "`autofocus` attribute",
            ),
            (
                "<input autofocus onfocus=alert(1)>",
                "<input> that is not a checkbox",
            ),
            (
                "<a href=\"javascript:alert(1)\">x</a>",
                "`javascript:` URL in `href`",
            ),
            (
                "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
                "`javascript:` URL in `href`",
            ),
            (
                "<a href=\"&#106;avascript:alert(1)\">x</a>",
                "`javascript:` URL in `href`",
            ),
            (
                "<a href=\"&#x6A;avascript&#x3A;alert(1)\">x</a>",
                "`javascript:` URL in `href`",
            ),
            (
                "<a href=\"&#106&#97&#118&#97&#115&#99&#114&#105&#112&#116&#58alert(1)\">x</a>",
                "`javascript:` URL",
            ),
            (
                "<a href=\"javascript&colon;alert(1)\">x</a>",
                "`javascript:` URL",
            ),
            (
                "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
                "`javascript:` URL",
            ),
            (
                "<a href=\"java&Tab;script:alert(1)\">x</a>",
                "`javascript:` URL",
            ),
            (
                "<a href=\"jav\nascript:alert(1)\">x</a>",
                "`javascript:` URL",
            ),
            (
                "<a href=\" &#14; javascript:alert(1)\">x</a>",
                "`javascript:` URL",
            ),
            ("<a href=javascript:alert(1)>x</a>", "`javascript:` URL"),
            ("<a href='javascript:alert(1)'>x</a>", "`javascript:` URL"),
            (
                "<a href=\"data:text/html;base64,PHNjcmlwdD4=\">x</a>",
                "`data:` URL",
            ),
            ("<a href=\"vbscript:msgbox(1)\">x</a>", "`vbscript:` URL"),
            ("<base href=\"https://evil.example/\">", "<base> element"),
            (
                "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">",
                "`http-equiv` attribute",
            ),
            (
                "<form action=\"javascript:alert(1)\"><button>x</button></form>",
                "`javascript:` URL in `action`",
            ),
            ("<form action=\"https://evil.example/\"></form>", "<form>"),
            (
                "<button formaction=\"javascript:alert(1)\">x</button>",
                "`formaction` attribute",
            ),
            (
                "<div style=\"background:url(javascript:alert(1))\">x</div>",
                "`javascript:` in a style attribute",
            ),
            (
                "<div style=\"background: URL( https://evil.example/x )\">x</div>",
                "`url(` in a style attribute",
            ),
            (
                "<div style=\"width: expression(alert(1))\">x</div>",
                "`expression(` in a style attribute",
            ),
            (
                "<div style=\"width: ex\\70 ression(alert(1))\">x</div>",
                "`expression(` in a style attribute",
            ),
            (
                "<img srcset=\"javascript:alert(1) 1x, x 2x\">",
                "`javascript:` URL in `srcset`",
            ),
            (
                "<img srcset=\"x 1x, data:image/svg+xml;base64,AAAA 2x\">",
                "`data:` URL in `srcset`",
            ),
            (
                "<video poster=\"javascript:alert(1)\"></video>",
                "`javascript:` URL in `poster`",
            ),
            (
                "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
                "`onerror`",
            ),
            (
                "<svg><style><img src=x onerror=alert(1)></style></svg>",
                "`onerror`",
            ),
            (
                "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></p></noscript>",
                "`onerror`",
            ),
            (
                "<div id=\"search-results\">x</div>",
                "the theme's id `search-results`",
            ),
            ("<h2 id=\"causes\">x</h2>", "the theme's id `causes`"),
            (
                "<a name=\"search-results\">x</a>",
                "`name` attribute in rendered content",
            ),
            (
                "<img name=\"getElementById\" src=x>",
                "`name` attribute in rendered content",
            ),
            (
                "<h2 tabindex=0 id=x>x</h2>",
                "`tabindex` attribute in rendered content",
            ),
            (
                "<link rel=stylesheet href=x.css>",
                "<link> in rendered content",
            ),
            ("<style>body{}</style>", "<style> element"),
            ("<textarea>x</textarea>", "<textarea> in rendered content"),
            (
                "<p style=\"position:fixed;top:0\">x</p>",
                "style `position:fixed` in rendered content",
            ),
            ("x\u{1b}]0;pwned\u{7}y", "control character U+001B"),
            (
                "x&#x1b;]0;pwned&#7;",
                "reference to control character U+001B",
            ),
            ("<p>\u{9b}31m</p>", "control character U+009B"),
        ];
        for (vector, what) in cases {
            assert_caught("fragment.html", vector, what);
            assert_caught("render", vector, what);
            assert_caught("p/s/index.html", &page(vector), what);
        }
    }

    #[test]
    fn escaped_text_and_words_in_text_are_not_flagged() {
        for text in [
            "<p>&lt;img src=x onerror=alert(1)&gt;</p>",
            "<p>onfocus=alert(1) and javascript:alert(1) are words here</p>",
            "<p>a &lt;script&gt; tag, <code>&lt;iframe src=javascript:x&gt;</code></p>",
            "<pre><code>&lt;/script&gt;&lt;!--</code></pre>",
            "<p title=\"onerror=alert(1)\">x</p>",
            "<a href=\"https://e.com/?q=javascript:alert(1)\" title=\"data:x\">x</a>",
            "<a href=\"/kb/x/javascript:y/\">relative</a>",
            "<img src=\"https://e.com/x.png\" alt=\"onerror\">",
            "<table><tr><td style=\"text-align: left\">x</td></tr></table>",
            "<ul><li><input type=\"checkbox\" disabled=\"\" checked=\"\"> done</li></ul>",
            "<h2 id=\"search-results-1\">x</h2><div id=\"fn-main\"></div>",
            "<!-- <script>alert(1)</script> -->",
            "<p>tab\there, newline\nthere, return\r</p>",
        ] {
            assert_clean("fragment.html", text);
            assert_clean("p/s/index.html", &page(text));
        }
    }

    #[test]
    fn theme_ids_count_by_page() {
        // A second `main` anywhere, even outside the content, is one too many.
        assert_caught(
            "p/s/index.html",
            &page("").replace("</main>", "</main><div id=\"main\"></div>"),
            "`main` once more",
        );
        // The search page's ids belong to the search page only.
        let extra = page("").replace("<footer>", "<div id=\"search-results\"></div><footer>");
        assert_caught("p/s/index.html", &extra, "`search-results` once more");
        // A page without its header box is not the page its path says.
        let no_header = page("").replace("id=\"site-search\" ", "");
        assert_caught("p/s/index.html", &no_header, "`site-search` is missing");
        // A name that is one of the theme's ids, even outside content.
        let named = page("").replace(
            "<footer>",
            "<img name=\"search-input\" src=\"x.png\" alt=\"\"><footer>",
        );
        assert_caught(
            "p/s/index.html",
            &named,
            "the theme's id `search-input` as a `name`",
        );
    }

    #[test]
    fn theme_scripts_and_forms_are_recognised() {
        let head_script = |tag: &str| page("").replace("</head>", &format!("{tag}\n</head>"));
        assert_caught(
            "p/s/index.html",
            &head_script("<script>alert(1)</script>"),
            "not the theme's",
        );
        assert_caught(
            "p/s/index.html",
            &head_script("<script src=\"https://evil.example/assets/x.js\"></script>"),
            "not one of the theme's assets",
        );
        assert_caught(
            "p/s/index.html",
            &head_script("<script src=\"/kb/assets/kbgen.js\">alert(1)</script>"),
            "not one of the theme's assets",
        );
        assert_caught(
            "p/s/index.html",
            &head_script("<script src=\"data:,alert(1)\"></script>"),
            "not one of the theme's assets",
        );
        // JSON-LD that a field closed early, or that opens an escaped script state.
        let closed = head_script(
            "<script type=\"application/ld+json\">{\"a\":\"</script><script>alert(1)</script>\"}</script>",
        );
        assert_caught(
            "p/s/index.html",
            &closed,
            "JSON-LD: JSON that does not parse",
        );
        assert_caught(
            "p/s/index.html",
            &closed,
            "<script> that is not the theme's",
        );
        let comment =
            head_script("<script type=\"application/ld+json\">{\"a\":\"<!--<script>\"}</script>");
        assert_caught("p/s/index.html", &comment, "`<!--` inside JSON-LD");
        let url = head_script(
            "<script type=\"application/ld+json\">{\"url\":\"javascript:alert(1)\"}</script>",
        );
        assert_caught(
            "p/s/index.html",
            &url,
            "`javascript:` URL in JSON key `url`",
        );
        // A script in the body is never the theme's.
        assert_caught(
            "p/s/index.html",
            &page("").replace(
                "</footer>",
                "</footer><script src=\"/kb/assets/kbgen.js\"></script>",
            ),
            "outside the theme's <head>",
        );
    }

    #[test]
    fn tags_are_read_like_a_browser_reads_them() {
        // Quoted `>` does not end a tag; the handler after it is still an attribute.
        assert_caught("f.html", "<p title=\"a>b\" onclick=x>t</p>", "`onclick`");
        // Raw text hides tags from the tokenizer, as in a browser: only the element counts.
        assert_caught(
            "f.html",
            "<textarea><img src=x onerror=alert(1)></textarea>",
            "<textarea> in rendered content",
        );
        assert!(
            !violations(
                "f.html",
                "<textarea><img src=x onerror=alert(1)></textarea>"
            )
            .iter()
            .any(|v| v.contains("onerror"))
        );
        // A comment ends at `--!>` too, and `<!-->` is a whole comment.
        assert_caught(
            "f.html",
            "<!-- --!><img src=x onerror=alert(1)> -->",
            "`onerror`",
        );
        assert_caught(
            "f.html",
            "<!--><img src=x onerror=alert(1)>-->",
            "`onerror`",
        );
        // A tag that never closes is still read.
        assert_caught("f.html", "<img src=x onerror=alert(1)", "`onerror`");
        // Deep nesting and many end tags stay linear.
        let deep = "<div>".repeat(50_000) + &"</span>".repeat(50_000);
        let start = std::time::Instant::now();
        assert!(violations("f.html", &deep).is_empty());
        assert!(start.elapsed().as_secs() < 5, "took {:?}", start.elapsed());
        // Reports stay short however often a vector repeats.
        let many = "<img src=x onerror=alert(1)>".repeat(10_000);
        assert!(violations("f.html", &many).len() <= MAX_REPORTED + 1);
    }

    #[test]
    fn json_files() {
        assert_clean(
            "api/entries.json",
            r#"[{"url":"https://e.com/x/","title":"\u003cscript\u003e","n":-1.5e3,"t":true,"z":null}]"#,
        );
        assert_caught(
            "api/entries.json",
            r#"[{"title":"<script>alert(1)</script>"}]"#,
            "raw `<script` in JSON",
        );
        assert_caught("api/entries.json", r#"{"a":"<!--"}"#, "raw `<!--` in JSON");
        assert_caught(
            "api/entries.json",
            r#"{"url":" JavaScript:alert(1)"}"#,
            "`javascript:` URL in JSON key `url`",
        );
        assert_caught(
            "api/entries.json",
            r#"{"a":"\u001b]0;x\u0007"}"#,
            "control character U+001B in a JSON string",
        );
        assert_caught(
            "api/entries.json",
            r#"{"a":1,}"#,
            "JSON that does not parse",
        );
        assert_caught(
            "api/entries.json",
            r#"{"a":"x"} x"#,
            "JSON that does not parse",
        );
        assert_caught(
            "api/entries.json",
            "{\"a\":\"\x01\"}",
            "control character U+0001",
        );
        // Text that merely mentions a scheme is text.
        assert_clean(
            "api/entries.json",
            r#"{"summary":"javascript:alert(1) is what it printed","signatures":["data:x"]}"#,
        );
    }

    #[test]
    fn xml_files() {
        let feed = |entry: &str| {
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>T &amp; &lt;b&gt;</title>\n{entry}\n</feed>\n"
            )
        };
        assert_clean(
            "atom.xml",
            &feed(
                "<entry><link rel=\"alternate\" href=\"https://e.com/x/\"/><id>https://e.com/x/</id><summary>&lt;script&gt; ]]&gt; --&gt; javascript:alert(1)</summary></entry>",
            ),
        );
        assert_clean(
            "sitemap.xml",
            "<?xml version=\"1.0\"?><urlset><url><loc>https://e.com/</loc></url></urlset>",
        );
        assert_caught(
            "atom.xml",
            &feed("<entry><title>a <b>b</title></entry>"),
            "not well-formed",
        );
        assert_caught(
            "atom.xml",
            &feed("<entry><title>a & b</title></entry>"),
            "`&` that starts no known reference",
        );
        assert_caught(
            "atom.xml",
            &feed("<entry><title>]]></title></entry>"),
            "`]]>` in text",
        );
        assert_caught(
            "atom.xml",
            &feed("<entry><title x=1>a</title></entry>"),
            "unquoted attribute value",
        );
        assert_caught(
            "atom.xml",
            &feed("<script>alert(1)</script>"),
            "a script element in XML",
        );
        assert_caught(
            "atom.xml",
            &feed("<link href=\"javascript:alert(1)\"/>"),
            "`javascript:` URL in `href`",
        );
        assert_caught(
            "sitemap.xml",
            "<urlset><url><loc> javascript:alert(1)</loc></url></urlset>",
            "`javascript:` URL in <loc>",
        );
        assert_caught(
            "atom.xml",
            &feed("<summary type=\"html\">&lt;img src=x onerror=alert(1)&gt;</summary>"),
            "in the HTML of <summary>",
        );
        assert_caught(
            "atom.xml",
            &feed("<content type=\"html\"><![CDATA[<script>alert(1)</script>]]></content>"),
            "in the HTML of <content>",
        );
        assert_caught(
            "atom.xml",
            &feed("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"),
            "DOCTYPE",
        );
        assert_caught("atom.xml", "<a></a><b></b>", "a second root element");
        assert_caught(
            "atom.xml",
            &feed("<title>&#x1b;]0;x&#7;</title>"),
            "reference to control character U+001B",
        );
    }

    #[test]
    fn text_files() {
        assert_clean(
            "robots.txt",
            "User-agent: *\nSitemap: https://e.com/sitemap.xml\n",
        );
        assert_caught(
            "robots.txt",
            "<script>alert(1)</script>",
            "raw <script in a text file",
        );
        assert_caught("robots.txt", "\u{1b}[2J", "control character U+001B");
    }

    #[test]
    fn schemes_and_entities() {
        assert_eq!(bad_scheme(" \t JAVA\nSCRIPT:x"), Some("javascript:"));
        assert_eq!(bad_scheme("&#x0001;javascript:x"), Some("javascript:"));
        assert_eq!(bad_scheme("Data:text/html,x"), Some("data:"));
        assert_eq!(bad_scheme("https://e.com/javascript:x"), None);
        assert_eq!(bad_scheme("/data:x"), None);
        assert_eq!(bad_scheme("javascript%3Ax"), None);
        assert_eq!(
            decode_entities("a&amp;b&lt;&#60;&#x3c;&#x3C&colon;&unknown;&"),
            "a&b<<<<:&unknown;&"
        );
    }
}
