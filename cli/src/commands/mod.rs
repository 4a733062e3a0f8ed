//! The subcommands, one module each, and where their output goes.

pub mod calendar;
pub mod check;
pub mod demo;
pub mod generate;
pub mod score;

use std::io::Write;
use std::path::Path;

use crate::fail::{CliResult, Failure};

/// Writes `text` to `path`, or to stdout when `path` is `None`. A file is written whole or not
/// at all: into a temporary file beside it, renamed over it once complete, so a failed write
/// (a full disk) leaves an earlier report as it was. A path that is not a regular file
/// (`/dev/null`, a pipe) is written directly. A failure is exit 1, as on stdout.
pub fn emit(path: Option<&Path>, text: &str) -> CliResult<()> {
    match path {
        Some(p) => write_file(p, text).map_err(|e| {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                Failure::BrokenPipe
            } else {
                Failure::data(format!("cannot write the output to {}: {e}", p.display()))
            }
        }),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
            Ok(())
        }
    }
}

/// [`emit`]'s file: through a temporary file in the same directory when `path` is a regular
/// file (or a link to one, which stays a link) or does not exist yet.
fn write_file(path: &Path, text: &str) -> std::io::Result<()> {
    let linked = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let resolved = if linked {
        std::fs::canonicalize(path).ok()
    } else {
        None
    };
    let path = resolved.as_deref().unwrap_or(path);
    let existing = std::fs::metadata(path).ok();
    if existing.as_ref().is_some_and(|m| !m.is_file()) {
        return std::fs::write(path, text);
    }
    let name = path.file_name().ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, "it is not a file name")
    })?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".{}.tmp", std::process::id()));
    let temp = path.with_file_name(temp_name);
    let written =
        write_whole(&temp, text, existing.as_ref()).and_then(|()| std::fs::rename(&temp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// `text` into the new file `temp`, on disk, with the permissions of the file it replaces.
fn write_whole(
    temp: &Path,
    text: &str,
    replaced: Option<&std::fs::Metadata>,
) -> std::io::Result<()> {
    let mut file = std::fs::File::create_new(temp)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    if let Some(m) = replaced {
        file.set_permissions(m.permissions())?;
    }
    Ok(())
}
