//! Problems found in a site, and the three ways of printing them.
//!
//! Every stage of the pipeline reports into a [`Report`] instead of stopping at
//! the first problem, so one run of `kbgen check` or `kbgen build` lists every
//! broken file. A diagnostic names the file relative to the site root and, where
//! known, the line, column and field. The report also keeps the text of each file
//! it has seen, so the human format can quote the offending line with a caret
//! under it, the way rustc does.

mod print;

use std::collections::BTreeMap;
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
}
