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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => args.run(),
        Command::Check(args) => args.run(),
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
