//! Printing a [`Report`]: rustc-style text with the quoted source line, JSON, and GitHub
//! Actions workflow commands. The diagnostics themselves know nothing of how they are shown.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Diagnostic, Format, Report, Severity};
use serde::Serialize;

use crate::util::text::{normalize_newlines, plural};

/// The most of a file that is read to quote a line from it.
const MAX_QUOTED_FILE: u64 = 4 * 1024 * 1024;

impl Report {
    /// Renders the whole report in `format`.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Human => self.render_human(),
            Format::Json => self.render_json(),
            Format::Github => self.render_github(""),
        }
    }

    /// `error[rule]: message` with `--> file:line:col`, the source line and a caret.
    pub fn render_human(&self) -> String {
        let mut out = String::new();
        let mut cache = SourceCache::default();
        for d in self.sorted() {
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let _ = writeln!(out, "{level}[{}]: {}", d.rule, d.message);
            let mut place = d.file.clone();
            if let Some(line) = d.line {
                let _ = write!(place, ":{line}");
                if let Some(col) = d.column {
                    let _ = write!(place, ":{col}");
                }
            }
            let field = d
                .field
                .as_deref()
                .map(|f| format!(" (field `{f}`)"))
                .unwrap_or_default();
            let _ = writeln!(out, "  --> {place}{field}");
            if let Some(text) = d.line.and_then(|l| cache.line(self, &d.file, l)) {
                let num = d.line.unwrap_or(0).to_string();
                let pad = " ".repeat(num.len());
                let col = d.column.unwrap_or(1).max(1) as usize;
                let text: String = text
                    .chars()
                    .map(|c| if c == '\t' || c.is_control() { ' ' } else { c })
                    .collect();
                let (shown, col) = window(&text, col);
                let width = caret_width(&shown, col);
                let _ = writeln!(out, "{pad} |");
                let _ = writeln!(out, "{num} | {shown}");
                let _ = writeln!(out, "{pad} | {}{}", " ".repeat(col - 1), "^".repeat(width));
            }
            out.push('\n');
        }
        let _ = writeln!(out, "{}", self.summary());
        out
    }

    /// `2 errors, 5 warnings in 3 files`.
    pub fn summary(&self) -> String {
        let sorted = self.sorted();
        let errors = sorted
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = sorted.len() - errors;
        let mut files: Vec<&str> = sorted.iter().map(|d| d.file.as_str()).collect();
        files.dedup();
        if sorted.is_empty() {
            return "No problems found.".to_owned();
        }
        format!(
            "{}, {} in {}",
            plural(errors, "error", "errors"),
            plural(warnings, "warning", "warnings"),
            plural(files.len(), "file", "files")
        )
    }

    fn render_json(&self) -> String {
        #[derive(Serialize)]
        struct Out<'a> {
            errors: Vec<&'a Diagnostic>,
            warnings: Vec<&'a Diagnostic>,
        }
        let (errors, warnings) = self
            .sorted()
            .into_iter()
            .partition(|d| d.severity == Severity::Error);
        let mut s = serde_json::to_string_pretty(&Out { errors, warnings })
            .expect("diagnostics always serialize");
        s.push('\n');
        s
    }

    /// GitHub workflow commands; `prefix` (e.g. `kb/`) leads from the
    /// repository root to the site root, so annotations land on the right file.
    pub fn render_github(&self, prefix: &str) -> String {
        let mut out = String::new();
        for d in self.sorted() {
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let mut props = format!("file={}", gh_property(&format!("{prefix}{}", d.file)));
            if let Some(line) = d.line {
                let _ = write!(props, ",line={line}");
            }
            if let Some(col) = d.column {
                let _ = write!(props, ",col={col}");
            }
            let _ = write!(
                props,
                ",title={}",
                gh_property(&format!("kbgen({})", d.rule))
            );
            let mut msg = d.message.clone();
            if let Some(field) = &d.field {
                msg = format!("{msg} (field `{field}`)");
            }
            let _ = writeln!(out, "::{level} {props}::{}", gh_data(&msg));
        }
        let _ = writeln!(out, "{}", self.summary());
        out
    }

    /// The text of `file`: remembered, or read (at most [`MAX_QUOTED_FILE`] bytes) from the root.
    fn source_text(&self, file: &str) -> Option<String> {
        if let Some(t) = self.sources.get(file) {
            return Some(t.clone());
        }
        // Only regular files are quoted: a diagnostic about a link or a FIFO has no line.
        let path = self.root.as_ref()?.join(file);
        if !std::fs::metadata(&path).ok()?.is_file() {
            return None;
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(std::fs::File::open(&path).ok()?, MAX_QUOTED_FILE),
            &mut bytes,
        )
        .ok()?;
        let text = String::from_utf8_lossy(&bytes);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        Some(normalize_newlines(text).into_owned())
    }
}

/// Files read for quoting, each once per rendering.
#[derive(Default)]
struct SourceCache {
    files: BTreeMap<String, Option<Vec<String>>>,
}

impl SourceCache {
    fn line(&mut self, report: &Report, file: &str, line: u32) -> Option<String> {
        let lines = self.files.entry(file.to_owned()).or_insert_with(|| {
            report
                .source_text(file)
                .map(|t| t.split('\n').map(str::to_owned).collect())
        });
        lines.as_ref()?.get(line.checked_sub(1)? as usize).cloned()
    }
}

/// Longest part of a source line the human format quotes.
const QUOTE_WIDTH: usize = 100;

/// Cuts a long line to a window around `col`, marking the cuts with `…`.
/// Returns the shown text and the caret column in it.
fn window(line: &str, col: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= QUOTE_WIDTH {
        return (line.to_owned(), col);
    }
    let start = col
        .saturating_sub(QUOTE_WIDTH / 3)
        .min(chars.len().saturating_sub(QUOTE_WIDTH - 2));
    let end = (start + QUOTE_WIDTH - 2).min(chars.len());
    let mut shown = String::new();
    let mut caret = col - start;
    if start > 0 {
        shown.push('…');
        caret += 1;
    }
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    (shown, caret.max(1))
}

/// The caret covers the word that starts at `col`, at least one character.
fn caret_width(line: &str, col: usize) -> usize {
    let rest: Vec<char> = line.chars().skip(col - 1).collect();
    let n = rest
        .iter()
        .take_while(|c| !c.is_whitespace() && **c != ':')
        .count();
    n.clamp(1, 60)
}

/// Escapes the message part of a GitHub workflow command.
fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a GitHub workflow command.
fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_format_quotes_the_line_with_a_caret() {
        let mut r = Report::default();
        r.add_source(
            "content/a/b.md",
            "---\ntitle: x\nupdated: 2999-01-01\n---\n",
        );
        r.push(
            Diagnostic::error(
                "content/a/b.md",
                "future-date",
                "`updated` is in the future",
            )
            .at(3, 10)
            .field("updated"),
        );
        let out = r.render_human();
        assert!(
            out.contains("error[future-date]: `updated` is in the future"),
            "{out}"
        );
        assert!(
            out.contains("--> content/a/b.md:3:10 (field `updated`)"),
            "{out}"
        );
        assert!(
            out.contains("3 | updated: 2999-01-01\n  |          ^^^^^^^^^^"),
            "{out}"
        );
        assert!(out.ends_with("1 error, 0 warnings in 1 file\n"), "{out}");
    }

    #[test]
    fn github_format_escapes_properties() {
        let mut r = Report::default();
        r.push(Diagnostic::warning("content/a,b.md", "r", "50%\nmore").at(4, 3));
        let out = r.render_github("");
        assert!(
            out.starts_with(
                "::warning file=content/a%2Cb.md,line=4,col=3,title=kbgen(r)::50%25%0Amore\n"
            ),
            "{out}"
        );
    }
}
