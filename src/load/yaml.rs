//! Strict, bounded YAML parsing with errors that point at the original file.
//!
//! All YAML goes through [`from_str`]: serde-saphyr with a budget (alias bombs,
//! deep nesting and huge documents stop with an error, not a hang), and every
//! error turned into a [`Diagnostic`]. Callers pad front matter with blank lines
//! so that positions are lines of the original `.md` file.

use std::cell::Cell;
use std::fmt;

use serde::de::{Deserialize, DeserializeOwned, Deserializer};

use crate::diagnostic::Diagnostic;

/// Largest record or settings file kbgen reads, in bytes.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// A value with the 1-based line and column where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub line: u32,
    pub column: u32,
}

impl<T> Spanned<T> {
    /// `(line, column)`.
    pub fn pos(&self) -> (u32, u32) {
        (self.line, self.column)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if !RECORD_POSITIONS.get() {
            return Ok(Spanned {
                value: T::deserialize(d)?,
                line: 0,
                column: 0,
            });
        }
        let s = serde_saphyr::Spanned::<T>::deserialize(d)?;
        Ok(Spanned {
            value: s.value,
            line: s.referenced.line().min(u32::MAX as u64) as u32,
            column: s.referenced.column().min(u32::MAX as u64) as u32,
        })
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Spanned<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
    fn inline_schema() -> bool {
        T::inline_schema()
    }
}

impl<T: fmt::Display> fmt::Display for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

thread_local! {
    /// Whether [`Spanned`] values record their position; see [`without_positions`].
    static RECORD_POSITIONS: Cell<bool> = const { Cell::new(true) };
}

/// Runs `f` with YAML parsed on this thread giving every [`Spanned`] value line and
/// column 0, which `PositionsBuilder` does not record. Asking serde-saphyr for each value's
/// position is about 6% of parsing a record (callgrind); a build that finds no error never
/// uses the positions (see `LoadOptions::skip_positions`).
pub fn without_positions<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            RECORD_POSITIONS.set(self.0);
        }
    }
    let _restore = Restore(RECORD_POSITIONS.replace(false));
    f()
}

fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_events = 200_000;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_depth = 64;
    budget.flow_nesting_limit = 64;
    budget.max_nodes = 100_000;
    budget.max_total_scalar_bytes = MAX_FILE_BYTES as usize;
    budget.max_recorded_anchor_bytes = 1024 * 1024;
    serde_saphyr::options! {
        budget: Some(budget),
        with_snippet: false,
    }
}

/// Parses `text` as one YAML document into `T`; errors name `file`.
pub fn from_str<T: DeserializeOwned>(text: &str, file: &str) -> Result<T, Box<Diagnostic>> {
    serde_saphyr::from_str_with_options(text, options())
        .map_err(|e| Box::new(to_diagnostic(&e, text, file)))
}

fn to_diagnostic(e: &serde_saphyr::Error, text: &str, file: &str) -> Diagnostic {
    let render = serde_saphyr::render_options! {
        snippets: serde_saphyr::SnippetMode::Off,
    };
    let mut message = e.render_with_options(render);
    // The plain rendering appends " at line L column C"; the diagnostic carries those.
    if let Some(i) = message.rfind(" at line ") {
        message.truncate(i);
    }
    let message = message.trim().trim_end_matches('.').to_owned();
    let (rule, message) = classify(&message);
    let mut d = Diagnostic::error(file, rule, message);
    if let Some(loc) = e.location() {
        let (mut line, mut column) = (loc.line() as u32, loc.column() as u32);
        if d.message.contains("tab")
            && let Some((l, c)) = tab_near(text, line)
        {
            (line, column) = (l, c);
            d.message = "a tab indents this line; YAML indents with spaces only".into();
        }
        let missing = (rule == "required")
            .then(|| d.message.split('`').nth(1).map(str::to_owned))
            .flatten();
        match missing {
            // A top-level field is missing: serde reports where the mapping
            // ended, so point at the top of the file instead, naming the field.
            Some(name) if column <= 1 => {
                d.message = format!("the required field `{name}` is missing");
                d = d.at(1, 1).field(name);
            }
            _ if line > 0 => {
                if let Some(name) = missing {
                    d.message = format!("the required field `{name}` is missing here");
                }
                d = d.at(line, column.max(1));
                if let Some(field) = field_at(text, line) {
                    d = d.field(field);
                }
            }
            _ => {}
        }
    }
    d
}

/// Gives the common YAML and serde errors a rule id and a plainer message.
fn classify(message: &str) -> (&'static str, String) {
    let lower = message.to_lowercase();
    if lower.contains("unknown field") {
        return ("unknown-field", message.to_owned());
    }
    if lower.contains("missing field") {
        return ("required", message.to_owned());
    }
    if lower.contains("budget") || lower.contains("recursion limit") || lower.contains("depth") {
        let what = if lower.contains("alias") {
            "uses too many aliases (`*name`); kbgen records need none"
        } else if lower.contains("anchor") {
            "defines too many anchors (`&name`); kbgen records need none"
        } else if lower.contains("depth") || lower.contains("recursion") || lower.contains("nest") {
            "is nested too deeply (more than 64 levels)"
        } else {
            "is too large for a record"
        };
        return ("yaml-limit", format!("the YAML {what} ({message})"));
    }
    if lower.contains("expected string scalar") {
        return (
            "wrong-type",
            "expected text here, not a list or a mapping (quote text that starts with `[`, `{`, `*`, `&`, `!`, `|`, `>`, `%` or `@`)".to_owned(),
        );
    }
    if lower.contains("expected sequence") {
        return (
            "wrong-type",
            "expected a list here (`- item` lines, or `[a, b]`)".to_owned(),
        );
    }
    if lower.contains("expected mapping") {
        return (
            "wrong-type",
            "expected a mapping of `key: value` fields here".to_owned(),
        );
    }
    if lower.contains("invalid type") || lower.contains("expected") && lower.contains("found") {
        return ("wrong-type", message.to_owned());
    }
    ("yaml-syntax", message.to_owned())
}

/// The first tab in the indentation of `line` or of the few lines after it:
/// YAML's scanner reports a tab where the scalar before it started.
fn tab_near(text: &str, line: u32) -> Option<(u32, u32)> {
    let first = line.saturating_sub(1) as usize;
    text.split('\n')
        .enumerate()
        .skip(first)
        .take(4)
        .find_map(|(i, l)| {
            let indent = &l[..l.len() - l.trim_start().len()];
            let col = indent.find('\t')?;
            Some((i as u32 + 1, indent[..col].chars().count() as u32 + 1))
        })
}

/// The top-level key whose block holds `line`, if any: the nearest line at or
/// above it that starts a `key:` at column 1.
pub fn field_at(text: &str, line: u32) -> Option<String> {
    let lines: Vec<&str> = text.split('\n').take(line as usize).collect();
    lines
        .iter()
        .rev()
        .find_map(|l| top_level_key(l))
        .map(str::to_owned)
}

/// `title` for a line `title: x`; None for indented, comment or list lines.
pub fn top_level_key(line: &str) -> Option<&str> {
    let first = line.chars().next()?;
    if !(first.is_ascii_alphabetic() || first == '_') {
        return None;
    }
    let colon = line.find(':')?;
    let key = &line[..colon];
    key.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        .then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        a: Spanned<String>,
        b: Option<Vec<String>>,
    }

    #[test]
    fn spans_are_lines_of_the_padded_text() {
        let t: T = from_str("\n\na: hello\nb: [x]\n", "f.md").unwrap();
        assert_eq!(t.a.pos(), (3, 4));
    }

    #[test]
    fn unknown_field_names_line_and_field() {
        let d = from_str::<T>("a: x\nc: y\n", "f.md").unwrap_err();
        assert_eq!(d.rule, "unknown-field", "{d:?}");
        assert_eq!(d.line, Some(2), "{d:?}");
        assert_eq!(d.field.as_deref(), Some("c"), "{d:?}");
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut s = String::from("a: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = i - 1;
            s.push_str(&format!("l{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
        }
        let d = from_str::<serde_json::Value>(&s, "bomb.yaml").unwrap_err();
        assert_eq!(d.file, "bomb.yaml");
    }
}
