//! Files the binding reads (schemes, policies, calendar data): at most the size limit of their
//! kind plus one byte is read, so a huge file is refused after reading that much (not all of
//! it) and a special file that never ends (`/dev/zero`, `/dev/urandom`) is refused at once.
//! The refusal is the core's own error for text over the limit (`docs/limits.md`).

use std::fs::File;
use std::io::Read;
use std::path::Path;

use hotline_score::calendar::CalendarData;
use hotline_score::policy::MAX_POLICY_BYTES;
use hotline_score::scheme::{Format, MAX_SCHEME_BYTES, Scheme, SchemeProblem};
use hotline_score::{Error as CoreError, Policy};

use crate::errors::{Fallible, bad_arg};

/// What reading a file gave.
enum Contents {
    /// The whole text (at most `limit` bytes).
    Text(String),
    /// More than `limit` bytes: how the size is told (`1073741824 bytes long`, or `more than
    /// 1048576 bytes long` for a file whose size is not known in advance).
    TooLarge(String),
}

/// Reads `path`, at most `limit + 1` bytes.
fn read(path: &str, limit: usize) -> std::io::Result<Contents> {
    let file = File::open(path)?;
    let mut bytes = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    (&file).take(cap).read_to_end(&mut bytes)?;
    if bytes.len() > limit {
        let size = file.metadata().ok().filter(|m| m.is_file()).map_or_else(
            || format!("more than {limit} bytes long"),
            |m| format!("{} bytes long", m.len()),
        );
        return Ok(Contents::TooLarge(size));
    }
    String::from_utf8(bytes)
        .map(Contents::Text)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

/// A scheme file: `.json` as JSON, anything else as TOML; over `MAX_SCHEME_BYTES` the core's
/// `scheme_invalid` with one `file_too_large` problem.
pub fn scheme(path: &str) -> Fallible<Scheme> {
    let format = if path.ends_with(".json") {
        Format::Json
    } else {
        Format::Toml
    };
    match read(path, MAX_SCHEME_BYTES).map_err(|e| bad_arg("path", format!("{path}: {e}")))? {
        Contents::Text(text) => Ok(Scheme::load(&text, format)?),
        Contents::TooLarge(size) => Err(CoreError::SchemeInvalid {
            problems: vec![SchemeProblem {
                code: "file_too_large".to_owned(),
                message: format!("the scheme is {size}; the limit is {MAX_SCHEME_BYTES} (1 MiB)"),
                line: 1,
                column: 1,
                key: String::new(),
                suggestion: None,
            }],
        }
        .into()),
    }
}

/// A policy file: `.json` as JSON, anything else as TOML.
pub fn policy(path: &str) -> Fallible<Policy> {
    let format = if path.ends_with(".json") {
        "json"
    } else {
        "toml"
    };
    let text = match read(path, MAX_POLICY_BYTES) {
        Ok(Contents::Text(text)) => text,
        Ok(Contents::TooLarge(size)) => {
            return Err(CoreError::InvalidPolicy {
                format: format.into(),
                pos: None,
                reason: format!("the policy is {size}; the limit is {MAX_POLICY_BYTES} (1 MiB)"),
            }
            .into());
        }
        Err(e) => {
            return Err(CoreError::InvalidPolicy {
                format: "file".into(),
                pos: None,
                reason: format!("{path}: {e}"),
            }
            .into());
        }
    };
    Ok(if format == "json" {
        Policy::from_json_str(&text)?
    } else {
        Policy::from_toml_str(&text)?
    })
}

/// A calendar data file (`.toml` or `.json`): `CalendarData::from_path`, which reads it with
/// its size limit.
pub fn calendar_data(path: &str) -> Fallible<CalendarData> {
    Ok(CalendarData::from_path(Path::new(path))?)
}
