//! Turns "this text, inside that field" into a line and column of the original file.
//!
//! The loader records where each field starts (`causes[2]`, `body`), but the
//! site-wide rules find their problems deeper: a broken link in the middle of a
//! body, a repeated sentence inside a list item. A [`Locator`] re-reads a file
//! only when a diagnostic needs it, estimates the line from the offset inside
//! the field's text, and confirms it by finding the quoted snippet on that line
//! (or, for YAML scalars whose lines are folded or escaped, on the nearest line
//! below the field's start that holds it).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::load::yaml;

/// How far below a field's first line a snippet is looked for.
const SEARCH_WINDOW: usize = 400;

/// Where a problem is, before the file is consulted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Known exactly.
    At(u32, u32),
    /// Inside the text of a field that starts at `field`: `newlines` line breaks
    /// into the field's text, at the start of `snippet`.
    Text {
        field: (u32, u32),
        newlines: u32,
        snippet: String,
    },
    /// The top-level key `key`, or the top of the file when it is not written.
    Key(&'static str),
    /// The whole file.
    File,
}

impl Place {
    /// A place inside `text`, the Markdown of a field written at `field`, at byte `offset`.
    pub fn in_text(field: (u32, u32), text: &str, offset: usize) -> Place {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let before = &text[..offset];
        let rest = &text[offset..];
        let line_end = rest.find('\n').unwrap_or(rest.len());
        let snippet: String = rest[..line_end].trim_end().chars().take(40).collect();
        Place::Text {
            field,
            newlines: before.bytes().filter(|&b| b == b'\n').count() as u32,
            snippet,
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Reads files under a site root on demand and resolves [`Place`]s in them.
pub struct Locator {
    root: PathBuf,
    files: HashMap<String, Option<Vec<String>>>,
}

impl Locator {
    /// A locator for the files under `root`.
    pub fn new(root: &Path) -> Locator {
        Locator {
            root: root.to_owned(),
            files: HashMap::new(),
        }
    }

    /// A locator over texts already in memory (tests, fuzzing), keyed by file.
    pub fn with_texts<'a>(texts: impl IntoIterator<Item = (&'a str, &'a str)>) -> Locator {
        Locator {
            root: PathBuf::new(),
            files: texts
                .into_iter()
                .map(|(f, t)| (f.to_owned(), Some(split_lines(t))))
                .collect(),
        }
    }

    fn lines(&mut self, file: &str) -> Option<&[String]> {
        let root = &self.root;
        self.files
            .entry(file.to_owned())
            .or_insert_with(|| {
                let bytes = crate::load::files::read_limited(&root.join(file), file).ok()?;
                Some(split_lines(&String::from_utf8_lossy(&bytes)))
            })
            .as_deref()
    }

    /// The 1-based line and column of `place` in `file`, if it has one.
    pub fn resolve(&mut self, file: &str, place: &Place) -> Option<(u32, u32)> {
        match place {
            Place::At(l, c) => Some((*l, *c)),
            Place::File => None,
            Place::Key(key) => {
                let lines = self.lines(file)?;
                let line = lines
                    .iter()
                    .position(|l| yaml::top_level_key(l) == Some(key))
                    .map_or(1, |i| i + 1);
                Some((line as u32, 1))
            }
            Place::Text {
                field,
                newlines,
                snippet,
            } => {
                let fallback = *field;
                let Some(lines) = self.lines(file) else {
                    return Some(fallback);
                };
                Some(find_snippet(lines, *field, *newlines, snippet).unwrap_or(fallback))
            }
        }
    }
}

fn split_lines(text: &str) -> Vec<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l).to_owned())
        .collect()
}

/// Looks for `snippet` on the estimated line first: the field's line plus the
/// line breaks before it (plus one when the field is a `|` or `>` block scalar,
/// whose text starts on the next line), then on the lines below the field.
fn find_snippet(
    lines: &[String],
    field: (u32, u32),
    newlines: u32,
    snippet: &str,
) -> Option<(u32, u32)> {
    let first = field.0.checked_sub(1)? as usize;
    let field_line = lines.get(first)?;
    let rest: String = field_line
        .chars()
        .skip(field.1.saturating_sub(1) as usize)
        .collect();
    let block = rest.starts_with('|') || rest.starts_with('>');
    let estimate = first + newlines as usize + usize::from(block);
    if snippet.is_empty() {
        return (estimate < lines.len()).then(|| (estimate as u32 + 1, 1));
    }
    let col_in = |line: &str, from_col: usize| -> Option<u32> {
        let start = line
            .char_indices()
            .nth(from_col)
            .map_or(line.len(), |(i, _)| i);
        let at = line[start..].find(snippet)? + start;
        Some(line[..at].chars().count() as u32 + 1)
    };
    let from_col = |i: usize| {
        if i == first {
            field.1.saturating_sub(1) as usize
        } else {
            0
        }
    };
    if let Some(line) = lines.get(estimate)
        && let Some(col) = col_in(line, from_col(estimate))
    {
        return Some((estimate as u32 + 1, col));
    }
    lines
        .iter()
        .enumerate()
        .skip(first)
        .take(SEARCH_WINDOW + newlines as usize)
        .find_map(|(i, line)| col_in(line, from_col(i)).map(|c| (i as u32 + 1, c)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "---\ntitle: x\ncauses:\n  - |\n    first line\n    see [other](other.md)\n  - \"quoted [y](y.md)\"\n---\n\nBody [z](z.md)\n";

    fn resolve(place: Place) -> Option<(u32, u32)> {
        Locator::with_texts([("f.md", FILE)]).resolve("f.md", &place)
    }

    #[test]
    fn block_scalars_start_on_the_next_line() {
        let text = "first line\nsee [other](other.md)\n";
        let off = text.find("[other]").unwrap();
        assert_eq!(resolve(Place::in_text((4, 5), text, off)), Some((6, 9)));
    }

    #[test]
    fn quoted_scalars_are_found_on_their_line() {
        let text = "quoted [y](y.md)";
        let off = text.find("[y]").unwrap();
        assert_eq!(resolve(Place::in_text((7, 5), text, off)), Some((7, 13)));
    }

    #[test]
    fn keys_and_unknown_snippets_fall_back() {
        assert_eq!(resolve(Place::Key("causes")), Some((3, 1)));
        assert_eq!(resolve(Place::Key("sources")), Some((1, 1)));
        let place = Place::in_text((2, 8), "not in the file", 0);
        assert_eq!(resolve(place), Some((2, 8)));
        assert_eq!(resolve(Place::File), None);
    }
}
