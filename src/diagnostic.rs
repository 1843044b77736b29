//! Problems found in a site, and the three ways of printing them.
//!
//! Every stage of the pipeline reports into a [`Report`] instead of stopping at
//! the first problem, so one run of `kbgen check` or `kbgen build` lists every
//! broken file. A diagnostic names the file relative to the site root and, where
//! known, the line, column and field. The report also keeps the text of each file
//! it has seen, so the human format can quote the offending line with a caret
//! under it, the way rustc does.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The site cannot be published.
    Error,
    /// A content-quality problem; an error under `--strict`.
    Warning,
}

/// One problem, pointed at its place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Path relative to the site root, with `/` separators.
    pub file: String,
    /// 1-based line in the original file.
    pub line: Option<u32>,
    /// 1-based column (in characters).
    pub column: Option<u32>,
    /// The field concerned, e.g. `updated` or `sources[1].url`.
    pub field: Option<String>,
    /// A stable rule id, e.g. `unknown-field`.
    pub rule: &'static str,
    /// What is wrong, in one sentence.
    pub message: String,
    #[serde(skip)]
    pub severity: Severity,
}

impl Diagnostic {
    /// An error in `file` with no position yet.
    pub fn error(file: impl Into<String>, rule: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            line: None,
            column: None,
            field: None,
            rule,
            message: message.into(),
            severity: Severity::Error,
        }
    }

    /// A warning in `file` with no position yet.
    pub fn warning(
        file: impl Into<String>,
        rule: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, rule, message)
        }
    }

    /// Sets the line and column.
    pub fn at(mut self, line: u32, column: u32) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// Sets the position when one is known.
    pub fn at_opt(mut self, pos: Option<(u32, u32)>) -> Self {
        if let Some((line, column)) = pos {
            self.line = Some(line);
            self.column = Some(column);
        }
        self
    }

    /// Names the field concerned.
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

/// The output formats of `kbgen check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style messages with the source line and a caret.
    Human,
    /// `{"errors": [...], "warnings": [...]}`.
    Json,
    /// GitHub Actions workflow commands, shown on the pull request diff.
    Github,
}

/// Every diagnostic of a run, plus the text of the files they point into.
#[derive(Debug, Default)]
pub struct Report {
    diagnostics: Vec<Diagnostic>,
    sources: BTreeMap<String, String>,
    root: Option<PathBuf>,
}

impl Report {
    /// A report that quotes source lines by reading the files under `root` when printed.
    pub fn for_root(root: &Path) -> Report {
        Report {
            root: Some(root.to_owned()),
            ..Report::default()
        }
    }

    /// Adds one problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Adds many problems.
    pub fn extend(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        self.diagnostics.extend(diagnostics);
    }

    /// Remembers a file's text so the human format can quote it without reading it.
    pub fn add_source(&mut self, file: &str, text: &str) {
        self.sources.insert(file.to_owned(), text.to_owned());
    }

    /// Moves the warnings up to errors (`--strict`).
    pub fn make_warnings_errors(&mut self) {
        for d in &mut self.diagnostics {
            d.severity = Severity::Error;
        }
    }

    /// All diagnostics, sorted by file, line, column and rule.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut all: Vec<&Diagnostic> = self.diagnostics.iter().collect();
        all.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.severity, a.rule, &a.message)
                .cmp(&(&b.file, b.line, b.column, b.severity, b.rule, &b.message))
        });
        all.dedup();
        all
    }

    /// The number of errors.
    pub fn error_count(&self) -> usize {
        self.sorted()
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// The number of warnings.
    pub fn warning_count(&self) -> usize {
        self.sorted()
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    /// True when nothing blocks publishing.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// True when there is nothing at all to say.
    pub fn is_empty(&self) -> bool {
        self.diagnostics.is_empty()
    }

    /// The errors only, in order.
    pub fn errors(&self) -> Vec<&Diagnostic> {
        self.sorted()
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect()
    }

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
            plural(errors, "error"),
            plural(warnings, "warning"),
            plural(files.len(), "file")
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

    /// The text of `file`: remembered, or read (at most [`crate::yaml::MAX_FILE_BYTES`]) from the root.
    fn source_text(&self, file: &str) -> Option<String> {
        if let Some(t) = self.sources.get(file) {
            return Some(t.clone());
        }
        let path = self.root.as_ref()?.join(file);
        let bytes = crate::load::read_limited(&path, file).ok()?;
        let text = String::from_utf8_lossy(&bytes);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        Some(crate::entry::normalize_newlines(text).into_owned())
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

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
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
