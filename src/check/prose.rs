//! The words of a piece of Markdown, with where each came from.
//!
//! The content-quality rules read prose, not markup: they split it into
//! sentences, look for placeholder text and compare headings. This module walks
//! pulldown-cmark's events with their source offsets, so every sentence or word
//! it hands out can be pointed at in the original file. Code blocks are not
//! prose and are left out; inline code stays part of its sentence but is never
//! searched for placeholders (`// TODO` in an example is not a placeholder).

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::load::locate::Place;
use crate::model::Entry;

/// Sentences shorter than this many words are not compared across entries:
/// short instructions such as "Run it again." or "Restart the terminal." recur
/// naturally in any knowledge base, while copied filler is long and generic.
pub const MIN_SENTENCE_WORDS: usize = 6;

/// One Markdown field of an entry: `body`, `causes[2]`, `faq[0].a`, ...
#[derive(Debug, Clone)]
pub struct MdField<'a> {
    pub name: String,
    pub text: &'a str,
    /// Where the field's value was written.
    pub pos: (u32, u32),
    /// For the body of a `.md` entry: the file line its text starts on, which
    /// makes every offset in it exact.
    pub body_line: Option<u32>,
}

impl MdField<'_> {
    /// The place of byte `offset` of this field's Markdown.
    pub fn place(&self, offset: usize) -> Place {
        match self.body_line {
            Some(line) => {
                let offset = offset.min(self.text.len());
                let before = self.text.get(..offset).unwrap_or(self.text);
                let newlines = before.matches('\n').count() as u32;
                let col = before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
                Place::At(line + newlines, col)
            }
            None => Place::in_text(self.pos, self.text, offset),
        }
    }
}

/// Every Markdown field of `e`, in page order.
pub fn markdown_fields(e: &Entry) -> Vec<MdField<'_>> {
    markdown_fields_with(e, &e.body)
}

/// [`markdown_fields`] with the body given (read back with [`crate::Site::body`]).
pub fn markdown_fields_with<'a>(e: &'a Entry, body: &'a str) -> Vec<MdField<'a>> {
    let mut out = Vec::new();
    let pos = |name: &str| e.pos(name).unwrap_or((1, 1));
    if !body.is_empty() {
        let md = e.file.ends_with(".md");
        out.push(MdField {
            name: "body".into(),
            text: body,
            pos: if md { (e.body_line, 1) } else { pos("body") },
            body_line: md.then_some(e.body_line),
        });
    }
    if let Some(q) = &e.quick_fix {
        out.push(MdField {
            name: "quick_fix".into(),
            text: q,
            pos: pos("quick_fix"),
            body_line: None,
        });
    }
    for (list, items) in [
        ("causes", &e.causes),
        ("fixes", &e.fixes),
        ("checks", &e.checks),
        ("steps", &e.steps),
        ("prevention", &e.prevention),
    ] {
        for (i, item) in items.iter().enumerate() {
            let name = format!("{list}[{i}]");
            out.push(MdField {
                pos: pos(&name),
                name,
                text: item,
                body_line: None,
            });
        }
    }
    if let Some(ev) = &e.evidence {
        out.push(MdField {
            name: "evidence".into(),
            text: ev,
            pos: pos("evidence"),
            body_line: None,
        });
    }
    for (i, f) in e.faq.iter().enumerate() {
        let name = format!("faq[{i}].a");
        out.push(MdField {
            pos: pos(&name),
            name,
            text: &f.a,
            body_line: None,
        });
    }
    out
}

/// A run of text from one block (paragraph, list item, heading, table cell).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Chunk {
    text: String,
    /// Byte offset in the Markdown source where the text starts.
    src: usize,
    /// Inline code.
    code: bool,
}

/// A sentence: its normalized text and the source offset where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Lower-case, single-spaced, without closing punctuation.
    pub normalized: String,
    /// As written (plain text).
    pub text: String,
    pub offset: usize,
}

/// A heading of a Markdown text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadingAt {
    pub text: String,
    pub offset: usize,
}

/// The blocks of `md` as lists of chunks; code blocks and raw HTML left out.
fn blocks(md: &str) -> Vec<Vec<Chunk>> {
    let mut out: Vec<Vec<Chunk>> = Vec::new();
    let mut current: Vec<Chunk> = Vec::new();
    let mut in_code_block = false;
    for (event, range) in Parser::new_ext(md, crate::render::markdown::options()).into_offset_iter()
    {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Text(t) if !in_code_block => current.push(Chunk {
                text: t.into_string(),
                src: range.start,
                code: false,
            }),
            Event::Code(t) => current.push(Chunk {
                text: t.into_string(),
                src: range.start,
                code: true,
            }),
            Event::SoftBreak | Event::HardBreak => current.push(Chunk {
                text: " ".into(),
                src: range.start,
                code: false,
            }),
            Event::Start(
                Tag::Paragraph
                | Tag::Item
                | Tag::Heading { .. }
                | Tag::TableCell
                | Tag::BlockQuote(_),
            )
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::Heading(_)
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_),
            ) if !current.is_empty() => out.push(std::mem::take(&mut current)),
            _ => {}
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The sentences of `md`, each with at least [`MIN_SENTENCE_WORDS`] words.
pub fn sentences(md: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    for block in blocks(md) {
        // The block's plain text, and for each chunk where it starts in it.
        let mut text = String::new();
        let mut starts = Vec::with_capacity(block.len());
        for c in &block {
            starts.push(text.len());
            text.push_str(&c.text);
        }
        let src_of = |i: usize| {
            let k = starts.partition_point(|&s| s <= i).saturating_sub(1);
            let c = &block[k];
            // Inline code offsets point at the backtick; text maps one to one.
            if c.code {
                c.src
            } else {
                c.src + (i - starts[k]).min(c.text.len())
            }
        };
        for (start, end) in sentence_spans(&text) {
            let raw = text[start..end].trim();
            let lead = text[start..end].len() - text[start..end].trim_start().len();
            let normalized = normalize(raw);
            if normalized.split(' ').count() >= MIN_SENTENCE_WORDS {
                out.push(Sentence {
                    normalized,
                    text: raw.to_owned(),
                    offset: src_of(start + lead),
                });
            }
        }
    }
    out
}

/// Abbreviations after which a period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "etc", "vs", "cf", "approx", "no", "eg", "ie", "mr", "dr", "st", "fig",
];

/// Byte spans of the sentences of one block of plain text. A sentence ends at
/// `.`, `!` or `?` (and any closing quotes or brackets) followed by a space and
/// an upper-case letter, a digit, a quote or a backtick; not after a known
/// abbreviation or a single letter, and never inside `1.2.3` or a file name.
fn sentence_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (_, c) = chars[i];
        if matches!(c, '.' | '!' | '?') {
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j].1, '"' | '\'' | ')' | ']' | '”' | '’') {
                j += 1;
            }
            let end = chars.get(j).map_or(text.len(), |&(b, _)| b);
            let followed_by_space = j < chars.len() && chars[j].1.is_whitespace();
            let next = chars[j..]
                .iter()
                .find(|(_, c)| !c.is_whitespace())
                .map(|&(_, c)| c);
            let starts_sentence = next.is_some_and(|n| {
                n.is_uppercase() || n.is_ascii_digit() || matches!(n, '"' | '`' | '\'' | '“')
            });
            let word_before: String = text[..chars[i].0]
                .rsplit(|c: char| c.is_whitespace() || c == '(')
                .next()
                .unwrap_or("")
                .to_lowercase();
            let abbreviation = c == '.'
                && (ABBREVIATIONS.contains(&word_before.as_str())
                    || word_before.chars().count() == 1);
            if j >= chars.len() || (followed_by_space && starts_sentence && !abbreviation) {
                spans.push((start, end));
                start = end;
            }
            i = j;
            continue;
        }
        i += 1;
    }
    if text[start..].trim().chars().any(char::is_alphanumeric) {
        spans.push((start, text.len()));
    }
    spans
}

/// Lower case, single spaces, no surrounding punctuation or quotes.
pub fn normalize(s: &str) -> String {
    let words: Vec<String> = s.split_whitespace().map(str::to_lowercase).collect();
    let joined = words.join(" ");
    joined
        .trim_matches(|c: char| {
            matches!(
                c,
                '.' | '!' | '?' | ';' | ':' | ',' | '"' | '\'' | '“' | '”' | '’' | '(' | ')'
            )
        })
        .to_owned()
}

/// Placeholder text left in a draft: the marker found and its offset in `md`.
/// Inline code and code blocks are skipped.
pub fn placeholders(md: &str) -> Vec<(&'static str, usize)> {
    let mut out = Vec::new();
    for block in blocks(md) {
        for c in block.iter().filter(|c| !c.code) {
            for (marker, at) in placeholders_in_plain(&c.text) {
                out.push((marker, c.src + at));
            }
        }
    }
    out
}

/// Upper-case markers must stand as words; phrases match in any case.
const WORD_MARKERS: &[&str] = &["TODO", "TBD", "FIXME"];
const PHRASE_MARKERS: &[&str] = &["lorem ipsum", "add details here"];

/// Placeholder markers in plain text (a title, a summary): marker and byte offset.
pub fn placeholders_in_plain(text: &str) -> Vec<(&'static str, usize)> {
    let mut out = Vec::new();
    for marker in WORD_MARKERS {
        for (at, _) in text.match_indices(marker) {
            let before = text[..at].chars().next_back();
            let after = text[at + marker.len()..].chars().next();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            if !word(before) && !word(after) {
                out.push((*marker, at));
            }
        }
    }
    if text.is_ascii() {
        let lower = text.to_ascii_lowercase();
        for marker in PHRASE_MARKERS {
            out.extend(lower.match_indices(marker).map(|(at, _)| (*marker, at)));
        }
    } else {
        // Lower-casing can change byte lengths outside ASCII; compare char by char.
        for marker in PHRASE_MARKERS {
            for (at, _) in text.char_indices() {
                let candidate = text[at..].chars().take(marker.chars().count());
                if candidate.map(|c| c.to_ascii_lowercase()).eq(marker.chars()) {
                    out.push((*marker, at));
                }
            }
        }
    }
    out.sort_by_key(|&(_, at)| at);
    out
}

/// The headings of `md`, in order, with their source offsets.
pub fn headings(md: &str) -> Vec<HeadingAt> {
    let mut out = Vec::new();
    let mut current: Option<HeadingAt> = None;
    for (event, range) in Parser::new_ext(md, crate::render::markdown::options()).into_offset_iter()
    {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                current = Some(HeadingAt {
                    text: String::new(),
                    offset: range.start,
                })
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = &mut current {
                    h.text.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(mut h) = current.take() {
                    h.text = h.text.trim().to_owned();
                    out.push(h);
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(md: &str) -> Vec<String> {
        sentences(md).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn sentences_split_on_ends_not_on_versions_or_abbreviations() {
        let md = "Install version 1.2.3 of the tool before you continue. Then run `npm ci` in the project folder, e.g. the one with package.json in it. Short one.";
        assert_eq!(
            texts(md),
            [
                "Install version 1.2.3 of the tool before you continue.",
                "Then run npm ci in the project folder, e.g. the one with package.json in it."
            ]
        );
    }

    #[test]
    fn sentence_offsets_point_into_the_source() {
        let md = "Intro.\n\n- First item has *six or more* words in it. Second sentence is also long enough here.\n";
        let s = sentences(md);
        assert_eq!(s.len(), 2, "{s:?}");
        assert!(md[s[0].offset..].starts_with("First item"));
        assert!(md[s[1].offset..].starts_with("Second sentence"));
        assert_eq!(s[0].normalized, "first item has six or more words in it");
    }

    #[test]
    fn code_blocks_are_not_prose() {
        let md = "```\nThis code block line has more than six words in it.\n```\n";
        assert!(sentences(md).is_empty());
    }

    #[test]
    fn placeholders_are_words_outside_code() {
        let md = "TODO: write this. A TODOS list is fine, `// TODO` in code too.\n\n```\nFIXME\n```\nLorem Ipsum dolor; add DETAILS here.";
        let found: Vec<_> = placeholders(md)
            .into_iter()
            .map(|(m, at)| (m, &md[at..at + 3]))
            .collect();
        assert_eq!(
            found,
            [
                ("TODO", "TOD"),
                ("lorem ipsum", "Lor"),
                ("add details here", "add")
            ]
        );
        assert_eq!(
            placeholders_in_plain("Café TBD, lorem ipsum"),
            [("TBD", 6), ("lorem ipsum", 11)]
        );
    }

    #[test]
    fn headings_with_offsets() {
        let md = "Intro\n\n## Causes of `x`\n\ntext\n";
        let h = headings(md);
        assert_eq!(
            h,
            [HeadingAt {
                text: "Causes of x".into(),
                offset: 7
            }]
        );
    }
}
