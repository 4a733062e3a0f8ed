//! Reading a configuration file — a scheme, a policy, calendar data — as every front end does
//! (the CLI and both bindings call [`read`] or the `from_path` built on it):
//!
//! - JSON when the extension is `json` (in any case), TOML otherwise ([`is_json`]);
//! - at most the kind's size limit and one byte is read, so a huge file is refused after reading
//!   that much, and a file that never ends (`/dev/zero`) at once;
//! - the text must be UTF-8 (a byte-order mark is dropped): a GBK / GB18030 file saved by Excel
//!   is refused with the line and column of its first byte that is not, and how to convert it.
//!
//! Each refusal is an error of the kind's family (`scheme_invalid`, `invalid_policy`,
//! `invalid_calendar_data`), except a file that cannot be opened or read at all:
//! [`Error::CannotRead`] (`cannot_read`).
//!
//! ```
//! use hotline_score::config_file::{self, ConfigKind};
//! let missing = std::path::Path::new("no/such/scheme.toml");
//! let err = config_file::read(missing, ConfigKind::Scheme).unwrap_err();
//! assert_eq!(err.code(), "cannot_read");
//! assert!(err.to_string().starts_with("cannot read no/such/scheme.toml: "));
//! ```

use std::io::Read;
use std::path::Path;

use crate::calendar::data::MAX_DATA_BYTES;
use crate::error::{Error, FilePos, Result};
use crate::policy::MAX_POLICY_BYTES;
use crate::scheme::{MAX_SCHEME_BYTES, SchemeProblem};

/// What a configuration file holds: its size limit and its family of errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConfigKind {
    /// A scoring scheme (`docs/scheme-format.md`): at most [`MAX_SCHEME_BYTES`].
    Scheme,
    /// A time-limit policy: at most [`MAX_POLICY_BYTES`].
    Policy,
    /// Calendar data (`docs/calendar-data.md`): at most [`MAX_DATA_BYTES`].
    CalendarData,
}

impl ConfigKind {
    /// The largest file of this kind, in bytes.
    pub const fn limit(self) -> usize {
        match self {
            ConfigKind::Scheme => MAX_SCHEME_BYTES,
            ConfigKind::Policy => MAX_POLICY_BYTES,
            ConfigKind::CalendarData => MAX_DATA_BYTES,
        }
    }

    /// The kind's error when `text` is past its limit (read in `format`, `toml` or `json`).
    pub(crate) fn check_size(self, text: &str, format: &str) -> Result<()> {
        if text.len() > self.limit() {
            return Err(self.too_large(&format!("{} bytes long", text.len()), format));
        }
        Ok(())
    }

    /// The kind's error for text past its limit; `size` says how long it is (`2097152 bytes
    /// long`, or `more than 1048576 bytes long` when the length is not known).
    fn too_large(self, size: &str, format: &str) -> Error {
        let noun = match self {
            ConfigKind::Scheme => "scheme",
            ConfigKind::Policy => "policy",
            ConfigKind::CalendarData => "data",
        };
        let limit = self.limit();
        let reason = format!(
            "the {noun} is {size}; the limit is {limit} ({} MiB)",
            limit >> 20
        );
        self.invalid(format, None, "file_too_large", reason)
    }

    /// The kind's error for a problem at `pos` (the whole text when `None`); `code` is the
    /// scheme problem's code (the other kinds have none).
    fn invalid(self, format: &str, pos: Option<FilePos>, code: &str, reason: String) -> Error {
        match self {
            ConfigKind::Scheme => {
                let pos = pos.unwrap_or(FilePos { line: 1, column: 1 });
                Error::SchemeInvalid {
                    problems: vec![SchemeProblem {
                        code: code.to_owned(),
                        message: reason,
                        line: pos.line,
                        column: pos.column,
                        key: String::new(),
                        suggestion: None,
                    }],
                }
            }
            ConfigKind::Policy => Error::InvalidPolicy {
                format: format.to_owned(),
                pos,
                reason,
            },
            ConfigKind::CalendarData => Error::InvalidCalendarData { reason, pos },
        }
    }
}

/// Whether `path` names a JSON file: its extension is `json`, in any case. Otherwise a
/// configuration file is read as TOML.
pub fn is_json(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// The text of the configuration file at `path`, of kind `kind` (see the module docs).
pub fn read(path: &Path, kind: ConfigKind) -> Result<String> {
    let cannot = |e: &std::io::Error| Error::CannotRead {
        path: path.display().to_string(),
        kind: e.kind(),
        reason: e.to_string(),
    };
    let format = if is_json(path) { "json" } else { "toml" };
    let file = std::fs::File::open(path).map_err(|e| cannot(&e))?;
    let limit = kind.limit();
    let mut bytes = Vec::new();
    (&file)
        .take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| cannot(&e))?;
    if bytes.len() > limit {
        let size = file.metadata().ok().filter(|m| m.is_file()).map_or_else(
            || format!("more than {limit} bytes long"),
            |m| format!("{} bytes long", m.len()),
        );
        return Err(kind.too_large(&size, format));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let before =
            std::str::from_utf8(e.as_bytes().get(..good).unwrap_or_default()).unwrap_or_default();
        let pos = FilePos::from_offset(before, before.len());
        kind.invalid(
            format,
            Some(pos),
            "invalid_encoding",
            "not UTF-8 text: re-save it as UTF-8 (a GBK / GB18030 file, e.g. from Excel, can be \
             converted with `iconv -f gb18030 -t utf-8`)"
                .to_owned(),
        )
    })?;
    // A byte-order mark (Notepad's "UTF-8 with BOM") is not part of the text: JSON readers
    // refuse it.
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory for test `name` (removed by the test).
    fn dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("hs-config-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn json_by_extension_in_any_case() {
        assert!(is_json(Path::new("a/b.json")));
        assert!(is_json(Path::new("B.JSON")));
        assert!(!is_json(Path::new("b.toml")));
        assert!(!is_json(Path::new("json")));
    }

    #[test]
    fn reads_utf8_text() {
        let dir = dir("utf8");
        let path = dir.join("p.toml");
        std::fs::write(&path, "name = \"河南\"\n").unwrap();
        assert_eq!(
            read(&path, ConfigKind::Policy).unwrap(),
            "name = \"河南\"\n"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_byte_order_mark_is_dropped() {
        let dir = dir("bom");
        let path = dir.join("s.json");
        std::fs::write(&path, "\u{feff}{\"name\": \"x\"}").unwrap();
        assert_eq!(
            read(&path, ConfigKind::Scheme).unwrap(),
            "{\"name\": \"x\"}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn missing_file_and_directory_cannot_be_read() {
        let dir = dir("missing");
        let err = read(&dir.join("none.toml"), ConfigKind::Scheme).unwrap_err();
        assert!(matches!(
            err,
            Error::CannotRead {
                kind: std::io::ErrorKind::NotFound,
                ..
            }
        ));
        assert_eq!(err.context().field.as_deref(), Some("path"));
        let err = read(&dir, ConfigKind::Policy).unwrap_err();
        assert_eq!(err.code(), "cannot_read");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn gbk_text_is_placed_at_its_first_bad_byte() {
        // "a = 1\nname = \"" then 河南 in GBK.
        let mut bytes = b"a = 1\nname = \"".to_vec();
        bytes.extend_from_slice(&[0xBA, 0xD3, 0xC4, 0xCF, b'"', b'\n']);
        let dir = dir("gbk");
        let path = dir.join("s.toml");
        std::fs::write(&path, &bytes).unwrap();
        let Error::SchemeInvalid { problems } = read(&path, ConfigKind::Scheme).unwrap_err() else {
            panic!("a scheme error")
        };
        let p = &problems[0];
        assert_eq!(
            (p.code.as_str(), p.line, p.column),
            ("invalid_encoding", 2, 9)
        );
        assert!(p.message.contains("iconv -f gb18030 -t utf-8"));
        let err = read(&path, ConfigKind::Policy).unwrap_err();
        assert_eq!(err.code(), "invalid_policy");
        assert_eq!(
            (err.context().line, err.context().column),
            (Some(2), Some(9))
        );
        let err = read(&path, ConfigKind::CalendarData).unwrap_err();
        assert_eq!(err.code(), "invalid_calendar_data");
        assert_eq!(err.context().line, Some(2));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn past_the_limit_names_the_size() {
        let dir = dir("big");
        let path = dir.join("big.json");
        std::fs::write(&path, vec![b' '; MAX_POLICY_BYTES + 10]).unwrap();
        let err = read(&path, ConfigKind::Policy).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "invalid policy (json): the policy is {} bytes long; the limit is {MAX_POLICY_BYTES} (1 MiB)",
                MAX_POLICY_BYTES + 10
            )
        );
        let Error::SchemeInvalid { problems } = read(&path, ConfigKind::Scheme).unwrap_err() else {
            panic!("a scheme error")
        };
        assert_eq!(problems[0].code, "file_too_large");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn an_endless_file_is_refused_at_once() {
        let err = read(Path::new("/dev/zero"), ConfigKind::Scheme).unwrap_err();
        assert!(
            err.to_string()
                .contains("the scheme is more than 1048576 bytes long"),
            "{err}"
        );
    }
}
