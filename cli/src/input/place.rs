//! Placing load problems in their files: a diagnostic's table row and field become
//! `file:line:column` (CSV: the row's line and the character column where the cell starts;
//! JSON: the position of the value).

use std::path::{Path, PathBuf};

use hotline_score::scheme::Scheme;
use hotline_score::ticket::Diagnostic;
use hotline_score::{Error, Policy, Unit};

use super::data::{DataFiles, problems_failure};
use super::encoding::Encoding;
use super::is_json;
use super::json_pos::{RowOffsets, Step};
use super::locate::{LineCursor, Problem, csv_columns};
use crate::fail::{Failure, describe};

/// Where the rows of one table came from, to place diagnostics.
#[derive(Debug)]
pub enum Source {
    /// CSV: the header and the 1-based line of each data row.
    Csv {
        /// The file.
        path: PathBuf,
        /// Its text encoding.
        encoding: Encoding,
        /// Its header.
        header: Vec<String>,
        /// The line of each data row.
        lines: Vec<u32>,
    },
    /// JSON rows or whole tickets: the text.
    Json {
        /// The file.
        path: PathBuf,
        /// Its text.
        text: String,
    },
}

impl Source {
    /// The file name, for messages.
    pub fn name(&self) -> String {
        match self {
            Source::Csv { path, .. } | Source::Json { path, .. } => path.display().to_string(),
        }
    }
}

/// A diagnostic's message for a CSV row placed by line: the core's table row numbers (which
/// count the rows one reading thread kept) give way to the file's lines.
fn csv_message(message: &str, d: &Diagnostic, tickets: &Source) -> String {
    let mut m = match d.row {
        Some(r) => message.replacen(&format!(" (row {r})"), "", 1),
        None => message.to_owned(),
    };
    let marker = "first seen at row ";
    if let (Some(i), Source::Csv { lines, .. }) = (m.find(marker), tickets) {
        let start = i + marker.len();
        let digits: String = m
            .get(start..)
            .unwrap_or("")
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if let Some(line) = digits.parse::<usize>().ok().and_then(|r| lines.get(r)) {
            m.replace_range(
                i..start + digits.len(),
                &format!("first seen at line {line}"),
            );
        }
    }
    m
}

/// A strict-mode loading error, placed.
pub fn strict_failure(e: &Error, tickets: &Source, events: &Source, nested: bool) -> Failure {
    match e {
        Error::InvalidTicket { .. } => {
            let d = Diagnostic::from(e);
            problems_failure(&place(&[d], tickets, events, nested))
        }
        // Whole-ticket JSON that is not JSON: its place in the tickets file.
        e @ Error::InvalidTicketJson { .. } => Failure::data(super::positioned(&tickets.name(), e)),
        other => Failure::data(describe(other)),
    }
}

/// Places lenient diagnostics in their files.
pub fn place(
    diags: &[Diagnostic],
    tickets: &Source,
    events: &Source,
    nested: bool,
) -> Vec<Problem> {
    let mut out: Vec<Problem> = diags
        .iter()
        .map(|d| {
            let src = if d.event_index.is_some() && !nested {
                events
            } else {
                tickets
            };
            Problem {
                file: src.name(),
                line: None,
                column: None,
                code: d.code.clone(),
                message: d.message.clone(),
                ticket_id: Some(d.ticket_id.clone()).filter(|t| !t.is_empty()),
                event_index: d.event_index,
                field: Some(d.field.clone()).filter(|f| !f.is_empty()),
            }
        })
        .collect();
    // CSV: line from the row, column from the field's header position.
    let mut wanted: Vec<(usize, u64, usize, bool)> = Vec::new();
    // JSON: the value's offset, per table.
    let (mut json_tickets, mut json_events) = (JsonPlaces::default(), JsonPlaces::default());
    for (i, (d, p)) in diags.iter().zip(out.iter_mut()).enumerate() {
        let on_events = d.event_index.is_some() && !nested;
        let src = if on_events { events } else { tickets };
        match src {
            Source::Csv { header, lines, .. } => {
                let Some(line) = d.row.and_then(|r| lines.get(r)) else {
                    continue;
                };
                p.line = Some(u64::from(*line));
                p.message = csv_message(&p.message, d, tickets);
                if let Some(f) = header.iter().position(|h| *h == d.field) {
                    wanted.push((i, u64::from(*line), f, on_events));
                }
            }
            Source::Json { text, .. } => {
                let Some(row) = d.row else { continue };
                let mut path = vec![Step::Index(row)];
                if nested {
                    if let Some(e) = d.event_index {
                        path.extend([Step::Key("events"), Step::Index(e)]);
                    }
                    path.push(Step::Key(if d.field == "ticket_id" {
                        "id"
                    } else {
                        &d.field
                    }));
                } else {
                    path.push(Step::Key(&d.field));
                }
                let places = if on_events {
                    &mut json_events
                } else {
                    &mut json_tickets
                };
                places.add(text, i, &path);
            }
        }
    }
    json_tickets.place(&mut out);
    json_events.place(&mut out);
    for on_events in [false, true] {
        let src = if on_events { events } else { tickets };
        let Source::Csv { path, encoding, .. } = src else {
            continue;
        };
        let places: Vec<(u64, usize)> = wanted
            .iter()
            .filter(|w| w.3 == on_events)
            .map(|w| (w.1, w.2))
            .collect();
        if places.is_empty() {
            continue;
        }
        let cols = csv_columns(path, *encoding, &places);
        for (i, line, field, _) in wanted.iter().filter(|w| w.3 == on_events) {
            if let (Some(p), Some(c)) = (out.get_mut(*i), cols.get(&(*line, *field))) {
                p.column = Some(*c);
            }
        }
    }
    out
}

/// The problems of one JSON table, by the offset of their value.
#[derive(Default)]
struct JsonPlaces<'a> {
    rows: Option<RowOffsets<'a>>,
    /// (offset, index of the problem).
    offsets: Vec<(usize, usize)>,
}

impl<'a> JsonPlaces<'a> {
    /// Problem `problem` is at `path` in `text` (the table's text, the same at every call).
    fn add(&mut self, text: &'a str, problem: usize, path: &[Step<'_>]) {
        let at = self
            .rows
            .get_or_insert_with(|| RowOffsets::new(text))
            .offset_of(path);
        self.offsets.push((at, problem));
    }

    /// Gives the problems their line and column, in one pass over the text.
    fn place(mut self, out: &mut [Problem]) {
        let Some(rows) = self.rows else { return };
        self.offsets.sort_unstable();
        let mut cursor = LineCursor::new(rows.text());
        for (at, i) in self.offsets {
            if let Some(p) = out.get_mut(i) {
                let (l, c) = cursor.line_col(at);
                p.line = Some(l);
                p.column = Some(c);
            }
        }
    }
}

/// A units-table error (duplicate unit, empty cell) placed in the units file.
pub fn unit_problem(files: &DataFiles, e: &Error) -> Problem {
    let file = files
        .units
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let row = match e {
        Error::DuplicateUnit { row, .. } | Error::InvalidUnitRow { row, .. } => Some(*row),
        _ => None,
    };
    let line = match files.units.as_deref() {
        Some(p) if !is_json(p) => row.map(|r| r as u64 + 2),
        _ => None,
    };
    Problem {
        file,
        line,
        column: None,
        code: e.code().to_owned(),
        message: e.to_string(),
        ..Default::default()
    }
}

/// The rules of `policy` (the file or name `source`) whose `when` names a unit group no unit of
/// `units` is in: such a rule never applies, and its tickets silently took a later rule's
/// limits (a policy audit: `group = "countys"` for `counties`).
pub fn policy_group_problems(source: &str, units: &[Unit], policy: &Policy) -> Vec<Problem> {
    let mut groups: Vec<&str> = units.iter().map(|u| u.group.as_str()).collect();
    groups.sort_unstable();
    groups.dedup();
    let mut out = Vec::new();
    for (i, rule) in policy.rules.iter().enumerate() {
        for g in rule
            .when
            .group
            .iter()
            .filter(|g| !groups.contains(&g.as_str()))
        {
            let rule_name = if rule.name.is_empty() {
                String::new()
            } else {
                format!(" ({})", rule.name)
            };
            out.push(Problem {
                file: source.to_owned(),
                code: "invalid_policy".to_owned(),
                message: format!(
                    "rules[{i}]{rule_name}: no unit is in group {g:?} (the units' groups: {}), \
                     so the rule never applies",
                    groups.join(", ")
                ),
                ..Default::default()
            });
        }
    }
    out
}

/// The units of the units file at `path` whose group `scheme` does not define
/// (`unit_group_unknown`), each at its row (a CSV file's line; a JSON file by name only).
pub fn group_problems(path: &Path, units: &[Unit], scheme: &Scheme) -> Vec<Problem> {
    let groups: Vec<String> = scheme.groups().iter().map(|g| g.id.clone()).collect();
    units
        .iter()
        .enumerate()
        .filter(|(_, u)| !groups.contains(&u.group))
        .map(|(row, u)| {
            let e = Error::UnitGroupUnknown {
                unit: u.id.clone(),
                group: u.group.clone(),
                groups: groups.clone(),
            };
            Problem {
                file: path.display().to_string(),
                line: (!is_json(path)).then_some(row as u64 + 2),
                column: None,
                code: e.code().to_owned(),
                message: e.to_string(),
                ..Default::default()
            }
        })
        .collect()
}
