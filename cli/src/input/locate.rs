//! Problems with a place in a file (`file:line:column: message [code]`), and the CSV helper
//! that turns (line, field number) into a character column.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{BufRead, BufReader};
use std::path::Path;

use hotline_score::FilePosCursor;
use serde::Serialize;

use super::encoding::Encoding;

/// One problem found in a file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The file.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<u64>,
    /// 1-based column (characters), when known.
    pub column: Option<u64>,
    /// Stable code of the problem.
    pub code: String,
    /// What is wrong, in words.
    pub message: String,
    /// The ticket, when the problem is one ticket's (also named in `message`).
    pub ticket_id: Option<String>,
    /// The event's index in its ticket, when the problem is an event's.
    pub event_index: Option<usize>,
    /// The field (column) at fault, when known.
    pub field: Option<String>,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ": {} [{}]", self.message, self.code)
    }
}

/// 1-based (line, column) of byte offsets in a text (columns in characters), asked in
/// increasing order: one pass over the text ([`FilePosCursor`]).
pub struct LineCursor<'a>(FilePosCursor<'a>);

impl<'a> LineCursor<'a> {
    /// A cursor at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        LineCursor(FilePosCursor::new(text))
    }

    /// 1-based (line, column) of byte `offset`.
    pub fn line_col(&mut self, offset: usize) -> (u64, u64) {
        let p = self.0.at(offset);
        (u64::from(p.line), u64::from(p.column))
    }
}

/// The character column where field `field` (0-based) starts in a raw CSV line.
pub fn csv_field_column(line: &str, field: usize) -> Option<u64> {
    if field == 0 {
        return Some(1);
    }
    let mut quoted = false;
    let mut commas = 0;
    for (i, c) in line.chars().enumerate() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                commas += 1;
                if commas == field {
                    return u64::try_from(i).ok().map(|i| i + 2);
                }
            }
            _ => {}
        }
    }
    None
}

/// Columns of the wanted `(line, field)` places of a CSV file in `encoding`, read from its
/// raw lines.
pub fn csv_columns(
    path: &Path,
    encoding: Encoding,
    wanted: &[(u64, usize)],
) -> BTreeMap<(u64, usize), u64> {
    let mut by_line: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
    for (line, field) in wanted {
        by_line.entry(*line).or_default().push(*field);
    }
    let mut out = BTreeMap::new();
    let Ok(file) = std::fs::File::open(path) else {
        return out;
    };
    let Some(&last) = by_line.keys().next_back() else {
        return out;
    };
    for (n, text) in BufReader::new(encoding.csv_text(file)).lines().enumerate() {
        let n = n as u64 + 1;
        if n > last {
            break;
        }
        let Ok(text) = text else { break };
        if let Some(fields) = by_line.get(&n) {
            for f in fields {
                if let Some(col) = csv_field_column(&text, *f) {
                    out.insert((n, *f), col);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_columns_count_characters_and_respect_quotes() {
        let line = "T1,\"a,b\",签收,x";
        assert_eq!(csv_field_column(line, 0), Some(1));
        assert_eq!(csv_field_column(line, 1), Some(4));
        assert_eq!(csv_field_column(line, 2), Some(10));
        assert_eq!(csv_field_column(line, 3), Some(13));
        assert_eq!(csv_field_column(line, 4), None);
        let p = Problem {
            file: "e.csv".into(),
            line: Some(3),
            column: Some(7),
            code: "bad".into(),
            message: "oops".into(),
            ..Default::default()
        };
        assert_eq!(p.to_string(), "e.csv:3:7: oops [bad]");
    }
}
