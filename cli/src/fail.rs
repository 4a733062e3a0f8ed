//! Failures and exit codes: 0 success, 1 data problems, 2 usage problems.
//!
//! A usage problem is something about the command line itself: an unknown option (clap reports
//! those), a file that cannot be opened, an unknown preset name, a malformed `--as-of`. A data
//! problem is something inside a file or a data set: an invalid scheme, a bad ticket row, a date
//! the calendar does not cover.

use std::fmt;
use std::process::ExitCode;

use hotline_score::Error;

/// Why a command failed.
#[derive(Debug)]
pub enum Failure {
    /// The command line is wrong (exit code 2).
    Usage(String),
    /// The data is wrong (exit code 1).
    Data(String),
    /// Already reported on stdout/stderr; just exit with code 1 (`check` found problems).
    Reported,
    /// stdout was closed (e.g. piped into `head`): stop quietly with code 0.
    BrokenPipe,
}

impl Failure {
    /// A usage failure.
    pub fn usage(message: impl Into<String>) -> Self {
        Failure::Usage(message.into())
    }

    /// A data failure.
    pub fn data(message: impl Into<String>) -> Self {
        Failure::Data(message.into())
    }

    /// A core error met while reading `file`: its message prefixed by the file name.
    pub fn in_file(file: &str, error: &Error) -> Self {
        Failure::Data(
            describe(error)
                .lines()
                .map(|l| format!("{file}: {l}"))
                .collect::<Vec<_>>()
                .join("\n"),
        )
    }

    /// The process exit code.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Failure::Usage(_) => ExitCode::from(2),
            Failure::Data(_) | Failure::Reported => ExitCode::from(1),
            Failure::BrokenPipe => ExitCode::SUCCESS,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(m) | Failure::Data(m) => f.write_str(m),
            Failure::Reported | Failure::BrokenPipe => Ok(()),
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Data(describe(&e))
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::Data(format!("cannot write the output: {e}"))
        }
    }
}

/// A core error in words, with its stable code; a scheme's problems one per line.
pub fn describe(e: &Error) -> String {
    match e {
        Error::SchemeInvalid { problems } => {
            let mut lines = vec![format!(
                "the scheme has {} problem(s) [{}]:",
                problems.len(),
                e.code()
            )];
            lines.extend(problems.iter().map(|p| format!("  {p}")));
            lines.join("\n")
        }
        _ => format!("{e} [{}]", e.code()),
    }
}

/// `Result` with a [`Failure`].
pub type CliResult<T> = Result<T, Failure>;
