//! The `kbgen` command line: one Args struct per command, each with `run()`.
//! Exit codes: 0 success; 1 the site has errors (or `lookup` found nothing);
//! 2 the command line itself is wrong (clap's own exit code for usage errors).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use kbgen::{BuildOptions, Format, LoadOptions};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "kbgen",
    version,
    about = "A static-site generator for troubleshooting knowledge bases",
    after_help = "Start a knowledge base and preview it:\n  kbgen init my-kb\n  cd my-kb\n  kbgen serve                        # http://127.0.0.1:1111/, reloads as you save\n  kbgen new bash/permission-denied --title 'bash: ./run.sh: Permission denied'\n  kbgen check --strict\n\n`kbgen COMMAND --help` explains a command, with examples."
)]
#[command(propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Build(BuildArgs),
    Check(CheckArgs),
    Lookup(LookupArgs),
    Schema(SchemaArgs),
    Init(InitArgs),
    New(NewArgs),
    Serve(ServeArgs),
    Completions(CompletionsArgs),
}

/// Build the site into a folder of static files.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  kbgen build\n  kbgen build --root my-kb --output /tmp/site --base-url https://me.github.io/kb/"
)]
struct BuildArgs {
    /// The site folder (holds kbgen.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Where to write the site [default: <root>/public].
    #[arg(long)]
    output: Option<PathBuf>,
    /// Override base_url from kbgen.yaml.
    #[arg(long)]
    base_url: Option<String>,
    /// Include entries marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Replace the output folder even if kbgen did not create it.
    #[arg(long)]
    force: bool,
}

/// Check the site for errors and content problems without building it.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  kbgen check\n  kbgen check --strict --format github   # in CI: problems show on the PR diff"
)]
struct CheckArgs {
    /// The site folder (holds kbgen.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// How to print the problems.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Treat warnings as errors.
    #[arg(long)]
    strict: bool,
}

/// Find the entry for an error message, straight from the site's sources.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  kbgen lookup 'fatal: not a git repository'\n  npm install 2>&1 | kbgen lookup\n  kbgen lookup --format json --limit 3 < error.log"
)]
struct LookupArgs {
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

/// Print the JSON Schema of an entry or of `_platform.yaml`, for editors.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  kbgen schema entry\n  kbgen schema --write   # schema/entry.schema.json and schema/platform.schema.json under --root\n\nEntries point their editor at it with a first front-matter line:\n  # yaml-language-server: $schema=../../schema/entry.schema.json"
)]
struct SchemaArgs {
    /// Which schema to print.
    #[arg(value_enum, required_unless_present = "write")]
    which: Option<SchemaKind>,
    /// Write both schemas into <root>/schema/ instead of printing one.
    #[arg(long, conflicts_with = "which")]
    write: bool,
    /// The site folder (with --write).
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum SchemaKind {
    /// An entry: content/<platform>/<slug>.md front matter or .yaml.
    Entry,
    /// content/<platform>/_platform.yaml.
    Platform,
}

/// Start a new knowledge base in a new or empty folder.
///
/// Writes kbgen.yaml with one category, one platform, one example entry, the
/// JSON Schemas for editors, a .gitignore and GitHub workflows (checks on pull
/// requests, deployment to GitHub Pages). The site builds and passes
/// `kbgen check --strict` at once.
#[derive(clap::Args)]
#[command(
    after_help = "DIR must be new or empty (hidden entries such as .git are allowed).\n\nExamples:\n  kbgen init my-kb\n  git clone https://github.com/me/my-kb && kbgen init my-kb"
)]
struct InitArgs {
    /// The folder to create the site in.
    dir: PathBuf,
}

/// Write a new entry: every section, each with a one-line hint to replace.
#[derive(clap::Args)]
#[command(
    after_help = "The entry goes to content/<platform>/<slug>.md; an existing file is never overwritten.\n\nExamples:\n  kbgen new git/detached-head --title 'You are in detached HEAD state'\n  kbgen new gh/auth-required --create-platform --category version-control"
)]
struct NewArgs {
    /// The site folder (holds kbgen.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The entry's id: <platform>/<slug>, lower-case words joined by `-`.
    #[arg(value_name = "PLATFORM/SLUG", value_parser = parse_entry_id)]
    id: (String, String),
    /// The entry's title (often the error message itself).
    #[arg(long, value_parser = one_line)]
    title: Option<String>,
    /// Create the platform (content/<platform>/_platform.yaml) when it does not exist.
    #[arg(long, requires = "category")]
    create_platform: bool,
    /// The category of the new platform: a key of `categories` in kbgen.yaml.
    #[arg(long, requires = "create_platform")]
    category: Option<String>,
}

/// Preview the site, rebuilding and reloading open pages on every change.
///
/// Builds the site in memory and serves it with links that point at the
/// server's own address; nothing is written to disk.
#[derive(clap::Args)]
#[command(
    after_help = "Rebuilds when content/, templates/, static/ or kbgen.yaml change; a broken edit shows its\nerrors in the browser and the next good save recovers. Links point at the server's own address.\n\nExamples:\n  kbgen serve\n  kbgen serve --root my-kb --port 8080\n  kbgen serve --port 0          # any free port; the address is printed"
)]
struct ServeArgs {
    /// The site folder (holds kbgen.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The port to listen on (0: any free port).
    #[arg(long, default_value_t = kbgen::serve::DEFAULT_PORT)]
    port: u16,
    /// The address to listen on. Keep the default unless other machines must see the preview.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Include entries marked `draft: true`.
    #[arg(long)]
    drafts: bool,
}

/// Print a shell completion script.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  kbgen completions bash > ~/.local/share/bash-completion/completions/kbgen\n  kbgen completions zsh > \"${fpath[1]}/_kbgen\"\n  kbgen completions fish > ~/.config/fish/completions/kbgen.fish"
)]
struct CompletionsArgs {
    /// The shell to complete for.
    shell: clap_complete::Shell,
}

fn parse_entry_id(s: &str) -> Result<(String, String), String> {
    kbgen::scaffold::parse_id(s)
}

fn one_line(s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        Err("the title must not be empty".into())
    } else if s.contains(['\n', '\r']) {
        Err("the title must be one line".into())
    } else {
        Ok(s.to_owned())
    }
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LookupFormat {
    Human,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => args.run(),
        Command::Check(args) => args.run(),
        Command::Lookup(args) => args.run(),
        Command::Schema(args) => args.run(),
        Command::Init(args) => args.run(),
        Command::New(args) => args.run(),
        Command::Serve(args) => args.run(),
        Command::Completions(args) => args.run(),
    }
}

impl BuildArgs {
    fn run(self) -> ExitCode {
        if let Some(code) = check_today_var() {
            return code;
        }
        let opts = BuildOptions {
            root: self.root,
            output: self.output,
            base_url: self.base_url,
            drafts: self.drafts,
            force: self.force,
            process_exits: true,
        };
        match kbgen::build(&opts) {
            Ok(summary) => {
                eprintln!("{}", summary.line());
                ExitCode::SUCCESS
            }
            Err(report) => {
                eprint!("{}", report.render_human());
                eprintln!("Build failed; the output folder was left as it was.");
                ExitCode::from(1)
            }
        }
    }
}

impl CheckArgs {
    fn run(self) -> ExitCode {
        if let Some(code) = check_today_var() {
            return code;
        }
        let mut report = kbgen::site::check(&self.root);
        if self.strict {
            report.make_warnings_errors();
        }
        match self.format {
            Format::Human => eprint!("{}", report.render(self.format)),
            Format::Json => print!("{}", report.render(self.format)),
            Format::Github => print!("{}", report.render_github(&github_prefix(&self.root))),
        }
        if report.has_errors() {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }
    }
}

/// The path from the current folder to the site root, `kb/` for `--root kb`:
/// GitHub annotations name files from the repository root, where CI runs.
fn github_prefix(root: &std::path::Path) -> String {
    let root = match std::env::current_dir() {
        Ok(cwd) if root.is_absolute() => root.strip_prefix(cwd).unwrap_or(root).to_owned(),
        _ => root.to_owned(),
    };
    let parts: Vec<String> = root
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("{}/", parts.join("/"))
    }
}

/// Refuses a `KBGEN_TODAY` that is set but not a date (exit 2), rather than
/// silently checking against the real date.
fn check_today_var() -> Option<ExitCode> {
    let value = std::env::var(kbgen::entry::TODAY_VAR)
        .ok()
        .filter(|v| !v.is_empty())?;
    match kbgen::entry::parse_date(&value) {
        Ok(_) => None,
        Err(_) => {
            eprintln!(
                "error: {} must be a date written YYYY-MM-DD, found `{value}`",
                kbgen::entry::TODAY_VAR
            );
            Some(ExitCode::from(2))
        }
    }
}

impl SchemaArgs {
    fn run(self) -> ExitCode {
        if self.write {
            return match kbgen::schema::write_schemas(&self.root) {
                Ok(()) => {
                    eprintln!(
                        "Wrote {0}/entry.schema.json and {0}/platform.schema.json",
                        self.root.join(kbgen::schema::SCHEMA_DIR).display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!(
                        "error: cannot write {}: {e}",
                        self.root.join(kbgen::schema::SCHEMA_DIR).display()
                    );
                    ExitCode::from(1)
                }
            };
        }
        match self.which {
            Some(SchemaKind::Platform) => print!("{}", kbgen::schema::platform_schema()),
            _ => print!("{}", kbgen::schema::entry_schema()),
        }
        ExitCode::SUCCESS
    }
}

impl LookupArgs {
    fn run(self) -> ExitCode {
        let text = match self.text {
            Some(t) => t,
            None => {
                // Up to the cap and a few bytes more, so that a character cut by the cap
                // decodes as far as it goes; the rest of the input is not read.
                let mut buf = Vec::new();
                let cap = kbgen::search::MAX_QUERY_BYTES as u64 + 4;
                let mut stdin = std::io::Read::take(std::io::stdin().lock(), cap);
                if let Err(e) = std::io::Read::read_to_end(&mut stdin, &mut buf) {
                    eprintln!("error: cannot read standard input: {e}");
                    return ExitCode::from(2);
                }
                String::from_utf8_lossy(&buf).into_owned()
            }
        };
        let (site, report) = kbgen::load(&self.root, LoadOptions::default());
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
        let matches = kbgen::search::lookup_matches(&site, &text, usize::from(self.limit));
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

impl InitArgs {
    fn run(self) -> ExitCode {
        match kbgen::scaffold::init(&self.dir, kbgen::scaffold::local_today()) {
            Ok(files) => {
                let dir = self.dir.display();
                eprintln!("Created a knowledge base in {dir}/:");
                for f in &files {
                    eprintln!("  {f}");
                }
                eprintln!(
                    "\nNext:\n  cd {dir}\n  kbgen serve                  # preview at http://127.0.0.1:1111/, reloads as you save\n  kbgen new {p}/another-error # start an entry (--title 'the message')\n  kbgen check --strict         # what CI checks on every pull request\n\nPublish: push to GitHub, then set Settings > Pages > Source to \"GitHub Actions\".",
                    p = kbgen::scaffold::EXAMPLE_PLATFORM
                );
                ExitCode::SUCCESS
            }
            Err(why) => {
                eprintln!("error: {why}");
                ExitCode::from(1)
            }
        }
    }
}

impl NewArgs {
    fn run(self) -> ExitCode {
        let (platform, slug) = self.id;
        let opts = kbgen::scaffold::NewOptions {
            root: self.root.clone(),
            platform,
            slug,
            title: self.title,
            create_platform: self.create_platform,
            category: self.category,
        };
        match kbgen::scaffold::new_entry(&opts, kbgen::scaffold::local_today()) {
            Ok(made) => {
                let shown = |rel: &str| {
                    if self.root == std::path::Path::new(".") {
                        rel.to_owned()
                    } else {
                        self.root.join(rel).display().to_string()
                    }
                };
                if let Some(p) = &made.platform {
                    eprintln!("Created {} (check its name)", shown(p));
                }
                if made.schemas {
                    eprintln!("Created {} (JSON Schemas for editors)", shown("schema/"));
                }
                eprintln!("Created {}", shown(&made.entry));
                eprintln!(
                    "Next: replace every TODO hint (`kbgen check` lists those left), preview with `kbgen serve`, then run `kbgen check --strict`."
                );
                ExitCode::SUCCESS
            }
            Err(why) => {
                eprintln!("error: {why}");
                ExitCode::from(1)
            }
        }
    }
}

impl ServeArgs {
    fn run(self) -> ExitCode {
        let opts = kbgen::serve::ServeOptions {
            root: self.root,
            bind: self.bind,
            port: self.port,
            drafts: self.drafts,
        };
        match kbgen::serve::run(&opts) {
            Ok(()) => ExitCode::SUCCESS,
            Err(why) => {
                eprintln!("error: {why}");
                ExitCode::from(1)
            }
        }
    }
}

impl CompletionsArgs {
    fn run(self) -> ExitCode {
        let mut cmd = <Cli as clap::CommandFactory>::command();
        clap_complete::generate(self.shell, &mut cmd, "kbgen", &mut std::io::stdout());
        ExitCode::SUCCESS
    }
}

/// Prints lookup's matches on standard output in `format`.
fn print_matches(matches: &[kbgen::search::Match], format: LookupFormat) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match format {
        LookupFormat::Json => {
            #[derive(serde::Serialize)]
            struct Out<'a> {
                matches: &'a [kbgen::search::Match],
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
