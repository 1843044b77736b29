//! The command line: one Args struct per command, each with `run()`, and what each prints.
//! Exit codes: 0 success; 1 the site has errors (or `lookup` found nothing);
//! 2 the command line itself is wrong (clap's own exit code for usage errors).
//! `init`, `new` and `schema --write` write files into a site ([`scaffold`], [`schema`]).

mod lookup;
pub mod scaffold;
pub mod schema;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::{BuildOptions, Format};
use lookup::LookupArgs;

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
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    format: CheckFormat,
    /// Treat warnings as errors.
    #[arg(long)]
    strict: bool,
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
    #[arg(long, default_value_t = crate::serve::DEFAULT_PORT)]
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
    crate::cli::scaffold::parse_id(s)
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

/// The output formats of `kbgen check` (see [`Format`]).
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum CheckFormat {
    /// rustc-style messages with the source line and a caret.
    Human,
    /// `{"errors": [...], "warnings": [...]}`.
    Json,
    /// GitHub Actions workflow commands, shown on the pull request diff.
    Github,
}

impl From<CheckFormat> for Format {
    fn from(f: CheckFormat) -> Format {
        match f {
            CheckFormat::Human => Format::Human,
            CheckFormat::Json => Format::Json,
            CheckFormat::Github => Format::Github,
        }
    }
}

/// Parses the command line and runs the command.
pub fn main() -> ExitCode {
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
        match crate::build(&opts) {
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
        let mut report = crate::site::check(&self.root);
        if self.strict {
            report.make_warnings_errors();
        }
        let format = Format::from(self.format);
        match format {
            Format::Human => eprint!("{}", report.render(format)),
            Format::Json => print!("{}", report.render(format)),
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
    let value = std::env::var(crate::util::time::TODAY_VAR)
        .ok()
        .filter(|v| !v.is_empty())?;
    match crate::util::time::parse_date(&value) {
        Ok(_) => None,
        Err(_) => {
            eprintln!(
                "error: {} must be a date written YYYY-MM-DD, found `{value}`",
                crate::util::time::TODAY_VAR
            );
            Some(ExitCode::from(2))
        }
    }
}

impl SchemaArgs {
    fn run(self) -> ExitCode {
        if self.write {
            return match crate::cli::schema::write_schemas(&self.root) {
                Ok(()) => {
                    eprintln!(
                        "Wrote {0}/entry.schema.json and {0}/platform.schema.json",
                        self.root.join(crate::cli::schema::SCHEMA_DIR).display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!(
                        "error: cannot write {}: {e}",
                        self.root.join(crate::cli::schema::SCHEMA_DIR).display()
                    );
                    ExitCode::from(1)
                }
            };
        }
        match self.which {
            Some(SchemaKind::Platform) => print!("{}", crate::cli::schema::platform_schema()),
            _ => print!("{}", crate::cli::schema::entry_schema()),
        }
        ExitCode::SUCCESS
    }
}

impl InitArgs {
    fn run(self) -> ExitCode {
        match crate::cli::scaffold::init(&self.dir, crate::cli::scaffold::local_today()) {
            Ok(files) => {
                let dir = self.dir.display();
                eprintln!("Created a knowledge base in {dir}/:");
                for f in &files {
                    eprintln!("  {f}");
                }
                eprintln!(
                    "\nNext:\n  cd {dir}\n  kbgen serve                  # preview at http://127.0.0.1:1111/, reloads as you save\n  kbgen new {p}/another-error # start an entry (--title 'the message')\n  kbgen check --strict         # what CI checks on every pull request\n\nPublish: push to GitHub, then set Settings > Pages > Source to \"GitHub Actions\".",
                    p = crate::cli::scaffold::EXAMPLE_PLATFORM
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
        let opts = crate::cli::scaffold::NewOptions {
            root: self.root.clone(),
            platform,
            slug,
            title: self.title,
            create_platform: self.create_platform,
            category: self.category,
        };
        match crate::cli::scaffold::new_entry(&opts, crate::cli::scaffold::local_today()) {
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
        let opts = crate::serve::ServeOptions {
            root: self.root,
            bind: self.bind,
            port: self.port,
            drafts: self.drafts,
        };
        match crate::serve::run(&opts) {
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
