//! `hotline-score`: the command line of the hotline-score engine, for people who have a CSV or
//! JSON export and no code (SPEC §11). Every command is a thin layer over the core crate.
//!
//! Exit codes: 0 success, 1 data problems (an invalid file, a bad ticket, problems found by
//! `check`), 2 usage problems (bad options, unreadable files, unknown preset names).

mod commands;
mod engine;
mod fail;
mod input;
mod progress;
mod report;
mod text;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::fail::Failure;

/// Loading a million-ticket export allocates tens of millions of small strings; mimalloc makes
/// that (and freeing them) several times cheaper than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Scores 12345 government-hotline tickets: working-time deadlines, rankings, warnings and
/// sanctions.
#[derive(Debug, Parser)]
#[command(name = "hotline-score", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Score a built-in synthetic city quarter and print rankings, warnings and sanctions.
    Demo(commands::demo::DemoArgs),
    /// Score exported tickets and events (CSV or JSON) with a scheme and a policy.
    Score(commands::score::ScoreArgs),
    /// Query working days and deadlines on the built-in (or a loaded) calendar.
    Calendar(commands::calendar::CalendarArgs),
    /// Validate scheme, policy, calendar or data files and list every problem.
    Check(commands::check::CheckArgs),
    /// Write a synthetic data set (tickets, events, units) as CSV or JSON.
    Generate(commands::generate::GenerateArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let progress = progress::Progress::new();
    let result = match cli.command {
        Command::Demo(a) => commands::demo::run(&a, progress),
        Command::Score(a) => commands::score::run(&a, progress),
        Command::Calendar(a) => commands::calendar::run(&a),
        Command::Check(a) => commands::check::run(&a),
        Command::Generate(a) => commands::generate::run(&a, progress),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            let text = f.to_string();
            if !text.is_empty() {
                let mut err = std::io::stderr().lock();
                let _ = writeln!(err, "error: {text}");
                if matches!(f, Failure::Usage(_)) {
                    let _ = writeln!(err, "(run `hotline-score --help` for usage)");
                }
            }
            f.exit_code()
        }
    }
}
