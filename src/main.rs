//! The `kbgen` command line: one Args struct per command, each with `run()`.
//! Exit codes: 0 success; 1 the site has errors (or `lookup` found nothing);
//! 2 the command line itself is wrong (clap's own exit code for usage errors).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use kbgen::{BuildOptions, Format, LoadOptions};

#[derive(Parser)]
#[command(
    name = "kbgen",
    version,
    about = "A static-site generator for troubleshooting knowledge bases"
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
    /// The error text or keywords; read from standard input when absent.
    text: Option<String>,
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
    }
}

impl BuildArgs {
    fn run(self) -> ExitCode {
        let opts = BuildOptions {
            root: self.root,
            output: self.output,
            base_url: self.base_url,
            drafts: self.drafts,
            force: self.force,
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
        let (_site, mut report) =
            kbgen::site::load_checked(&self.root, LoadOptions { drafts: true });
        if self.strict {
            report.make_warnings_errors();
        }
        let out = report.render(self.format);
        match self.format {
            Format::Human => eprint!("{out}"),
            Format::Json | Format::Github => print!("{out}"),
        }
        if report.has_errors() {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }
    }
}

impl LookupArgs {
    fn run(self) -> ExitCode {
        let text = match self.text {
            Some(t) => t,
            None => {
                let mut buf = Vec::new();
                if let Err(e) = std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf) {
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
        match self.format {
            LookupFormat::Json => {
                #[derive(serde::Serialize)]
                struct Out<'a> {
                    matches: &'a [kbgen::search::Match],
                }
                let out = serde_json::to_string_pretty(&Out { matches: &matches })
                    .expect("matches serialize");
                println!("{out}");
            }
            LookupFormat::Human => {
                if matches.is_empty() {
                    eprintln!("No entry matches this text.");
                }
                for (i, m) in matches.iter().enumerate() {
                    println!("{}. {}  (score {:.3})", i + 1, m.title, m.score);
                    println!("   {}  {}", m.id, m.url);
                    if !m.quick_fix.is_empty() {
                        println!("   Quick fix: {}", m.quick_fix);
                    }
                }
            }
        }
        if matches.is_empty() {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }
    }
}
