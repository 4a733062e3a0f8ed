//! Problems found in a scheme file, each with its position, key path and a suggestion.

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::error::FilePos;

/// One problem of a scheme file. Loading reports every problem it finds, not just the first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemeProblem {
    /// Stable snake_case code: `syntax`, `unknown_key`, `missing_key`, `wrong_type`,
    /// `invalid_value`, `duplicate_id`, `unknown_reference`, `full_marks_mismatch`,
    /// `file_too_large`, `invalid_encoding`, or the code of a formula problem
    /// (`formula_unknown_name`, `formula_too_deep`, …).
    pub code: String,
    /// What is wrong, in words.
    pub message: String,
    /// 1-based line in the file.
    pub line: u32,
    /// 1-based column (characters) in the file.
    pub column: u32,
    /// Key path of the offending value, e.g. `indicators[2].rule.linear_below_target.target`.
    pub key: String,
    /// A likely fix ("did you mean …"), if one is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

impl fmt::Display for SchemeProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: ", self.line, self.column)?;
        if !self.key.is_empty() {
            write!(f, "{}: ", self.key)?;
        }
        write!(f, "{} [{}]", self.message, self.code)?;
        // Formula problems say their suggestion in the message already.
        if let Some(s) = self
            .suggestion
            .as_ref()
            .filter(|_| !self.message.contains("did you mean"))
        {
            write!(f, " (did you mean {s}?)")?;
        }
        Ok(())
    }
}

/// The most problems one load reports: the first ones in the order they are found (a file with
/// more problems than this is far from valid, and finding each problem's line and column costs a
/// scan of the text up to it, so an unbounded list would make loading a hostile file quadratic).
pub const MAX_PROBLEMS: usize = 100;

/// Whether `problems` can take another problem (see [`MAX_PROBLEMS`]).
pub(crate) fn has_room(problems: &[SchemeProblem]) -> bool {
    problems.len() < MAX_PROBLEMS
}

impl SchemeProblem {
    /// A problem at byte `offset` of `text`.
    pub fn at(
        text: &str,
        offset: usize,
        code: &str,
        key: String,
        message: impl Into<String>,
    ) -> Self {
        let pos = FilePos::from_offset(text, offset);
        SchemeProblem {
            code: code.to_owned(),
            message: message.into(),
            line: pos.line,
            column: pos.column,
            key,
            suggestion: None,
        }
    }

    /// Adds a suggestion.
    pub fn suggest(mut self, suggestion: Option<String>) -> Self {
        self.suggestion = suggestion;
        self
    }
}

pub(crate) use crate::formula::suggest::closest;

/// Maps a 1-based (line, column) inside a decoded string value to a byte offset in the file.
///
/// `raw` is the string's byte range in the file including its quotes (TOML basic, literal and
/// multi-line strings, JSON strings); escapes and TOML line-ending backslashes are walked so the
/// position lands on the character as written.
pub fn offset_in_string(
    text: &str,
    raw: &Range<usize>,
    decoded: &str,
    line: u32,
    column: u32,
) -> usize {
    let target = char_index(decoded, line, column);
    let Some(raw_text) = text.get(raw.clone()) else {
        return raw.start;
    };
    // Skip the opening delimiter and, for multi-line strings, a newline right after it.
    let mut pos = if raw_text.starts_with("\"\"\"") || raw_text.starts_with("'''") {
        let mut p = 3;
        if raw_text.get(p..).is_some_and(|r| r.starts_with("\r\n")) {
            p += 2;
        } else if raw_text.get(p..).is_some_and(|r| r.starts_with('\n')) {
            p += 1;
        }
        p
    } else if raw_text.starts_with(['"', '\'']) {
        1
    } else {
        0
    };
    let literal = raw_text.starts_with('\'');
    let mut idx = 0usize;
    let bytes = raw_text.as_bytes();
    loop {
        // A line-ending backslash skips whitespace and yields no character, also right before
        // the target (which then lies after it).
        while !literal
            && bytes.get(pos) == Some(&b'\\')
            && matches!(bytes.get(pos + 1), Some(b'\n' | b'\r' | b' ' | b'\t'))
        {
            pos += 1;
            while matches!(bytes.get(pos), Some(b'\n' | b'\r' | b' ' | b'\t')) {
                pos += 1;
            }
        }
        if idx >= target || pos >= raw_text.len() {
            break;
        }
        if !literal && bytes.get(pos) == Some(&b'\\') {
            match bytes.get(pos + 1) {
                // A JSON surrogate pair (`\ud835\udcb3`) is one character in two escapes.
                Some(b'u')
                    if raw_text
                        .get(pos + 2..pos + 6)
                        .and_then(|hex| u16::from_str_radix(hex, 16).ok())
                        .is_some_and(|unit| (0xD800..0xDC00).contains(&unit))
                        && raw_text.get(pos + 6..pos + 8) == Some("\\u") =>
                {
                    pos += 12;
                }
                Some(b'u') => pos += 6,
                Some(b'U') => pos += 10,
                // TOML 1.1's `\xHH` is one character in four (it was counted as two).
                Some(b'x') => pos += 4,
                _ => pos += 2,
            }
            idx += 1;
            continue;
        }
        let ch_len = raw_text
            .get(pos..)
            .and_then(|r| r.chars().next())
            .map_or(1, char::len_utf8);
        pos += ch_len;
        idx += 1;
    }
    raw.start + pos.min(raw_text.len())
}

/// The 0-based character index of 1-based (line, column) in `s`.
fn char_index(s: &str, line: u32, column: u32) -> usize {
    let mut l = 1u32;
    let mut idx = 0usize;
    for ch in s.chars() {
        if l >= line {
            break;
        }
        idx += 1;
        if ch == '\n' {
            l += 1;
        }
    }
    idx + column.saturating_sub(1) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(
            closest("tagret", ["target", "slope", "floor"]),
            Some("target".into())
        );
        assert_eq!(closest("xyz", ["target"]), None);
    }

    #[test]
    fn positions_inside_strings() {
        let text = "x = \"a \\\"b\\\" cc\"";
        // decoded: a "b" cc ; 'c' at column 7
        let raw = 4..text.len();
        let off = offset_in_string(text, &raw, "a \"b\" cc", 1, 7);
        assert_eq!(&text[off..off + 1], "c");
        let text = "x = '''\nab\ncd'''";
        let off = offset_in_string(text, &(4..text.len()), "ab\ncd", 2, 2);
        assert_eq!(&text[off..off + 1], "d");
        let text = "{\"f\": \"\\u00e9 + y\"}";
        let off = offset_in_string(text, &(6..18), "é + y", 1, 5);
        assert_eq!(&text[off..off + 1], "y");
        // A name right after a line-ending backslash (it was placed on the backslash).
        let text = "x = \"\"\"\na + \\\n     dued + b\"\"\"";
        let off = offset_in_string(text, &(4..text.len()), "a + dued + b", 1, 5);
        assert_eq!(&text[off..off + 4], "dued");
        let off = offset_in_string(text, &(4..text.len()), "a + dued + b", 1, 12);
        assert_eq!(&text[off..off + 1], "b");
        // A JSON surrogate pair is one character (a formula audit: it counted as two).
        let text = "{\"f\": \"\\ud835\\udcb3 + yy\"}";
        let off = offset_in_string(text, &(6..text.len() - 1), "\u{1d4b3} + yy", 1, 5);
        assert_eq!(&text[off..off + 2], "yy");
        // TOML 1.1's `\x20` is one character in four (it was counted as two: 2 columns off).
        let text = "f = \"due\\x20+ dued\"";
        let off = offset_in_string(text, &(4..text.len()), "due + dued", 1, 7);
        assert_eq!(&text[off..off + 4], "dued");
    }
}
