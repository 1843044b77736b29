//! `kbgen lookup`: the entry for a pasted error, from the site's sources, printed for a
//! person or as JSON. Nothing it prints can drive the terminal.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::LoadOptions;

/// Find the entry for an error message, straight from the site's sources.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  kbgen lookup 'fatal: not a git repository'\n  npm install 2>&1 | kbgen lookup\n  kbgen lookup --format json --limit 3 < error.log"
)]
pub struct LookupArgs {
    /// The site folder (holds kbgen.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// How to print the matches.
    #[arg(long, value_enum, default_value_t = LookupFormat::Human)]
    format: LookupFormat,
    /// How many matches to print at most.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..))]
    limit: u16,
    /// The error text or keywords; read from standard input when absent. Only the first
    /// 1 MiB is read: the rest of a longer input is ignored.
    text: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LookupFormat {
    Human,
    Json,
}

/// Prints lookup's matches on standard output in `format`.
fn print_matches(matches: &[crate::search::Match], format: LookupFormat) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match format {
        LookupFormat::Json => {
            #[derive(serde::Serialize)]
            struct Out<'a> {
                matches: &'a [crate::search::Match],
            }
            let json = serde_json::to_string_pretty(&Out { matches }).expect("matches serialize");
            writeln!(out, "{json}")?;
        }
        LookupFormat::Human => {
            for (i, m) in matches.iter().enumerate() {
                let (title, url) = (terminal_safe(&m.title), terminal_safe(&m.url));
                writeln!(out, "{}. {title}  (score {:.3})", i + 1, m.score)?;
                writeln!(out, "   {}  {url}", terminal_safe(&m.id))?;
                if !m.quick_fix.is_empty() {
                    writeln!(out, "   Quick fix: {}", terminal_safe(&m.quick_fix))?;
                }
            }
        }
    }
    out.flush()
}

/// `text` for a terminal: control characters but tab and newline (escape sequences among
/// them) become U+FFFD,
/// so nothing read from a knowledge base can move the cursor, retitle the window or hide
/// text. `kbgen check` refuses them in entries; this holds for whatever reaches the screen.
fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| if unsafe_char(c) { '\u{fffd}' } else { c })
        .collect()
}

impl LookupArgs {
    pub fn run(self) -> ExitCode {
        let text = match self.text {
            Some(t) => t,
            None => {
                // Up to the cap and a few bytes more, so that a character cut by the cap
                // decodes as far as it goes; the rest of the input is not read.
                let mut buf = Vec::new();
                let cap = crate::search::MAX_QUERY_BYTES as u64 + 4;
                let mut stdin = std::io::Read::take(std::io::stdin().lock(), cap);
                if let Err(e) = std::io::Read::read_to_end(&mut stdin, &mut buf) {
                    eprintln!("error: cannot read standard input: {e}");
                    return ExitCode::from(2);
                }
                String::from_utf8_lossy(&buf).into_owned()
            }
        };
        let (site, report) = crate::load(&self.root, LoadOptions::default());
        let Some(site) = site else {
            eprint!("{}", report.render_human());
            return ExitCode::from(1);
        };
        if report.has_errors() {
            eprintln!(
                "warning: the site has {} error(s); searching the entries that loaded (see `kbgen check`)",
                report.error_count()
            );
        }
        let matches = crate::search::lookup_matches(&site, &text, usize::from(self.limit));
        if matches.is_empty() && matches!(self.format, LookupFormat::Human) {
            eprintln!("No entry matches this text.");
        }
        // A reader that stops reading (`kbgen lookup ... | head -1`) is no error.
        if let Err(e) = print_matches(&matches, self.format)
            && e.kind() != std::io::ErrorKind::BrokenPipe
        {
            eprintln!("error: cannot write the matches: {e}");
            return ExitCode::from(1);
        }
        if matches.is_empty() {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }
    }
}

#[cfg(test)]
#[cfg(test)]
mod tests {
    use super::terminal_safe;

    #[test]
    fn nothing_printed_can_drive_the_terminal() {
        let hostile = "Title \u{1b}]0;owned\u{7} \u{1b}[2J\u{9b}31m end\r";
        let safe = terminal_safe(hostile);
        assert!(!safe.chars().any(|c| c.is_control()), "{safe:?}");
        assert!(safe.starts_with("Title ") && safe.contains("owned") && safe.contains(" end"));
        assert_eq!(terminal_safe("plain\ttext\nnext"), "plain\ttext\nnext");
    }
}
