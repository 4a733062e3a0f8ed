//! The subcommands, one module each, and where their output goes.

pub mod calendar;
pub mod check;
pub mod demo;
pub mod generate;
pub mod score;

use std::io::Write;
use std::path::Path;

use crate::fail::{CliResult, Failure};

/// Writes `text` to `path`, or to stdout when `path` is `None`.
pub fn emit(path: Option<&Path>, text: &str) -> CliResult<()> {
    match path {
        Some(p) => std::fs::write(p, text)
            .map_err(|e| Failure::usage(format!("cannot write {}: {e}", p.display()))),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
            Ok(())
        }
    }
}
