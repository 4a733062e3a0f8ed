//! The crate's one error type.
//!
//! Every variant has a stable snake_case [`Error::code`] that the Python and Node bindings expose
//! unchanged (`exc.code`, `err.code`), and carries the context a caller needs to find the problem:
//! the date, the offending value, the ticket id / event index / field, or the file position.

use std::fmt;

/// A position in a text file (1-based line and column), for errors in data and scheme files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct FilePos {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column number (in characters).
    pub column: u32,
}

impl FilePos {
    /// The position of byte `offset` in `text` (clamped to the end of the text).
    pub fn from_offset(text: &str, offset: usize) -> Self {
        let mut line = 1u32;
        let mut column = 1u32;
        for (i, ch) in text.char_indices() {
            if i >= offset {
                break;
            }
            if ch == '\n' {
                line = line.saturating_add(1);
                column = 1;
            } else {
                column = column.saturating_add(1);
            }
        }
        FilePos { line, column }
    }

    /// Where serde_json stopped with `error` in `text`, in characters like every position
    /// (serde_json counts columns in bytes); `None` for an error without a position.
    ///
    /// ```
    /// use hotline_score::FilePos;
    /// let text = "{\"名称\": \"x\",}";
    /// let e = serde_json::from_str::<serde_json::Value>(text).unwrap_err();
    /// assert_eq!(e.column(), 16); // bytes: the closing brace
    /// assert_eq!(FilePos::of_json_error(text, &e), Some(FilePos { line: 1, column: 12 }));
    /// ```
    pub fn of_json_error(text: &str, error: &serde_json::Error) -> Option<Self> {
        (error.line() > 0).then(|| Self::from_offset(text, json_error_offset(text, error)))
    }
}

/// What serde_json says is wrong, without the position it appends (`… at line 1 column 16`,
/// a column in bytes): the position is given apart, in characters
/// ([`FilePos::of_json_error`]).
pub fn json_reason(error: &serde_json::Error) -> String {
    let full = error.to_string();
    let reason = match full.rfind(" at line ") {
        Some(i) => full.get(..i).unwrap_or(&full).to_owned(),
        None => full,
    };
    // serde names the Rust type it wanted (`expected struct EventRow`): say what it is.
    match reason.rfind("expected struct ") {
        Some(i) => {
            let what = match reason.get(i + "expected struct ".len()..) {
                Some("EventRow") => "an object (an events-table row)",
                Some("TicketRow") => "an object (a tickets-table row)",
                Some("Unit") => "an object (a units-table row: unit, group, name)",
                _ => "an object",
            };
            format!("{}expected {what}", reason.get(..i).unwrap_or_default())
        }
        None => reason,
    }
}

/// The byte offset in `text` of the character serde_json stopped at with `error` (its line,
/// and its column in bytes naming the last byte it read); the end of the text for an error
/// without a position.
pub fn json_error_offset(text: &str, error: &serde_json::Error) -> usize {
    if error.line() == 0 {
        return text.len();
    }
    let line_start: usize = text
        .split_inclusive('\n')
        .take(error.line().saturating_sub(1))
        .map(str::len)
        .sum();
    let mut at = line_start
        .saturating_add(error.column().saturating_sub(1))
        .min(text.len());
    while !text.is_char_boundary(at) {
        at = at.saturating_sub(1);
    }
    at
}

/// [`FilePos::from_offset`] for many offsets into one text: asked in increasing order (as a
/// document's problems are), each position is counted on from the one before, so placing them
/// all is one pass over the text.
///
/// ```
/// use hotline_score::{FilePos, FilePosCursor};
/// let text = "a = 1\nb = [\n  2,\n  \"x\"]\n";
/// let mut cursor = FilePosCursor::new(text);
/// for offset in [0, 4, 9, 14, 18] {
///     assert_eq!(cursor.at(offset), FilePos::from_offset(text, offset));
/// }
/// assert_eq!(cursor.at(14), FilePos { line: 3, column: 3 });
/// ```
#[derive(Debug, Clone)]
pub struct FilePosCursor<'a> {
    text: &'a str,
    /// The offset asked last (a character boundary) and its position.
    last: (usize, FilePos),
}

impl<'a> FilePosCursor<'a> {
    /// A cursor at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        FilePosCursor {
            text,
            last: (0, FilePos { line: 1, column: 1 }),
        }
    }

    /// The position of byte `offset`, as [`FilePos::from_offset`] gives it (an offset before the
    /// one asked last is counted from the start).
    pub fn at(&mut self, offset: usize) -> FilePos {
        let (from, base) = match self.last {
            last if last.0 <= offset => last,
            _ => (0, FilePos { line: 1, column: 1 }),
        };
        let rest = self.text.get(from..).unwrap_or_default();
        let step = FilePos::from_offset(rest, offset.saturating_sub(from));
        let pos = if step.line == 1 {
            FilePos {
                line: base.line,
                column: base.column.saturating_add(step.column).saturating_sub(1),
            }
        } else {
            FilePos {
                line: base.line.saturating_add(step.line).saturating_sub(1),
                column: step.column,
            }
        };
        if self.text.is_char_boundary(offset) {
            self.last = (offset, pos);
        }
        pos
    }
}

impl fmt::Display for FilePos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// What [`Error::MissingOffset`]'s message says, found again in a ticket's
/// `malformed_timestamp` reason by [`Error::lacks_offset`].
const NO_OFFSET: &str = "has no UTC offset";

/// Everything that can go wrong in hotline-score.
///
/// Sections follow the crate's modules. Add a variant together with its arm in [`Error::code`];
/// codes are part of the public contract and never change once released.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // --- instants -------------------------------------------------------------------------
    /// A timestamp string could not be parsed.
    #[error("invalid timestamp {value:?}: {reason}")]
    InvalidInstant {
        /// The text as given.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A timestamp without a UTC offset where one is required.
    #[error(
        "timestamp {value:?} has no UTC offset; write it as e.g. \"2026-02-13T16:30:00+08:00\", or parse it explicitly as local time in the calendar's offset"
    )]
    MissingOffset {
        /// The text as given.
        value: String,
    },
    /// An instant outside the representable range (years -9999..=9999).
    #[error("instant {millis} ms is outside the supported range")]
    InstantOutOfRange {
        /// The offending epoch milliseconds.
        millis: i64,
    },
    /// A period that is empty or malformed.
    #[error("invalid period {label}: {reason}")]
    InvalidPeriod {
        /// The period's label.
        label: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A duration such as `3wd` or `2h` that could not be read.
    #[error("invalid amount {value:?}: {reason}")]
    InvalidAmount {
        /// The text as given.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    // --- calendar -------------------------------------------------------------------------
    /// A computation needed a date outside the calendar's coverage (data not known for it).
    #[error(
        "date {date} is outside the calendar's coverage; load calendar data for it, or, for a date after the data, opt in to predict mode"
    )]
    OutOfCoverage {
        /// The first date needed that the calendar does not cover.
        date: time::Date,
    },
    /// Working time was asked for on a calendar that has none at all.
    #[error("the calendar has no working time at all")]
    NoWorkingTime,
    /// A calendar that cannot be built (no coverage, coverage too large, bad options …).
    #[error("invalid calendar: {reason}")]
    InvalidCalendar {
        /// What is wrong.
        reason: String,
    },
    /// A date (or date range) in calendar data that could not be read.
    #[error(
        "invalid date {value:?}{}: {reason}",
        crate::calendar::data::at_pos(pos)
    )]
    InvalidDate {
        /// The text as given.
        value: String,
        /// What is wrong with it.
        reason: String,
        /// Where it is in the data file, when read from one.
        pos: Option<FilePos>,
    },
    /// A time of day or working interval (`09:00-12:00`) that could not be read.
    #[error(
        "invalid working interval {value:?}{}: {reason}",
        crate::calendar::data::at_pos(pos)
    )]
    InvalidTimeOfDay {
        /// The text as given.
        value: String,
        /// What is wrong with it.
        reason: String,
        /// Where it is in the data file, when read from one.
        pos: Option<FilePos>,
    },
    /// A working interval whose end is not after its start (`12:00-09:00`).
    #[error(
        "working interval {value:?}{} ends before it starts",
        crate::calendar::data::at_pos(pos)
    )]
    IntervalEndsBeforeStart {
        /// The interval as written.
        value: String,
        /// Where it is in the data file, when read from one.
        pos: Option<FilePos>,
    },
    /// Two working intervals of one day overlap (touching intervals are fine and merge).
    #[error(
        "working intervals {value}{} overlap",
        crate::calendar::data::at_pos(pos)
    )]
    OverlappingIntervals {
        /// The two intervals as written, e.g. `09:00-12:00, 11:00-13:00`.
        value: String,
        /// Where they are in the data file, when read from one.
        pos: Option<FilePos>,
    },
    /// A key that the calendar data format does not know (a typo, usually).
    #[error(
        "unknown key {key:?} in calendar data{}",
        crate::calendar::data::at_pos(pos)
    )]
    UnknownCalendarKey {
        /// The key as written.
        key: String,
        /// Where it is in the data file.
        pos: Option<FilePos>,
    },
    /// Calendar data that is not valid JSON/TOML or does not have the documented shape.
    #[error(
        "invalid calendar data{}: {reason}",
        crate::calendar::data::at_pos(pos)
    )]
    InvalidCalendarData {
        /// What is wrong.
        reason: String,
        /// Where it is in the data file, when known.
        pos: Option<FilePos>,
    },
    /// One date given contradicting rules (off and on) in the same layer of calendar data.
    #[error("date {date} has conflicting rules: {reason}")]
    ConflictingDateRules {
        /// The date.
        date: time::Date,
        /// The rules that contradict each other.
        reason: String,
    },
    // --- tickets and events ---------------------------------------------------------------
    /// A ticket or one of its events breaks a rule of SPEC §3.2; `kind` says which (and gives
    /// the stable code). `event_index` is the index within the ticket's events (`None`: the
    /// ticket's own fields). `row` is the 0-based row of the table the value came from: the
    /// events table when `event_index` is set, else the tickets table; for JSON ticket arrays,
    /// the ticket's position in the array.
    #[error("{}: {kind}", crate::ticket::whereabouts(ticket_id, *.event_index, *.row, field))]
    InvalidTicket {
        /// The ticket's id (empty if the ticket has none).
        ticket_id: String,
        /// Index of the event within the ticket, if the problem is in an event.
        event_index: Option<usize>,
        /// The field (column) concerned.
        field: String,
        /// 0-based row in the input table, when the input was a table or an array.
        row: Option<usize>,
        /// What is wrong (boxed to keep `Error` small).
        kind: Box<crate::ticket::TicketErrorKind>,
    },
    /// A JSON ticket file that is not valid JSON, or not an array of objects.
    #[error("invalid ticket JSON at line {line}, column {column}: {reason}")]
    InvalidTicketJson {
        /// What is wrong.
        reason: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
    },
    /// A unit listed twice in the units table.
    #[error("unit {unit:?} is listed twice in the units table (row {row})")]
    DuplicateUnit {
        /// The unit.
        unit: String,
        /// 0-based row of the second occurrence.
        row: usize,
    },
    /// A units-table row with an empty `unit` or `group`.
    #[error("units table row {row}: `{field}` is empty")]
    InvalidUnitRow {
        /// 0-based row.
        row: usize,
        /// The empty column.
        field: String,
    },
    /// A synthetic-city parameter out of range.
    #[error("invalid synthetic city parameter `{field}`: {reason}")]
    InvalidCityConfig {
        /// The parameter.
        field: String,
        /// What is wrong.
        reason: String,
    },
    // --- policy ---------------------------------------------------------------------------
    /// A policy file that could not be read (syntax, unknown key or value, contradiction).
    #[error("invalid policy ({format}){}: {reason}", crate::policy::at_pos(pos))]
    InvalidPolicy {
        /// `toml` or `json`.
        format: String,
        /// Position of the offending value, when known.
        pos: Option<FilePos>,
        /// What is wrong.
        reason: String,
    },
    /// A clock of an assignment could not be computed (typically: its deadline falls outside
    /// the calendar's coverage). `source` is the underlying error.
    #[error("ticket {ticket_id:?}, assignment dispatched at event {event_index}: {source}")]
    ClockFailed {
        /// The ticket.
        ticket_id: String,
        /// Index of the assignment's `dispatched` event.
        event_index: usize,
        /// The underlying error (e.g. `out_of_coverage`).
        source: Box<Error>,
    },
    /// A partial-state table (per-unit counter rows) that does not follow the documented
    /// layout, or partial states of different scopes merged (`scope.as_of` …).
    #[error("invalid partial state, column {column:?}: {reason}")]
    InvalidPartial {
        /// The offending column (or unit, for a malformed row).
        column: String,
        /// What is wrong.
        reason: String,
    },
    /// A built-in policy name that does not exist.
    #[error("unknown policy {name:?}; built-in policies: {known}")]
    UnknownPolicy {
        /// The name asked for.
        name: String,
        /// The built-in names, comma-separated.
        known: String,
    },
    // --- schemes and formulas -------------------------------------------------------------
    /// A scheme file with problems; every problem found is listed with its position.
    #[error("invalid scheme: {}", crate::scheme::problems_summary(problems))]
    SchemeInvalid {
        /// Every problem found, in file order.
        problems: Vec<crate::scheme::SchemeProblem>,
    },
    /// A preset name that is not built in.
    #[error("no preset {name:?}; the presets are {}", available.join(", "))]
    UnknownPreset {
        /// The name asked for.
        name: String,
        /// The built-in presets.
        available: Vec<String>,
    },
    /// A unit whose group the scheme does not define.
    #[error("unit {unit} is in group {group:?}, which the scheme does not define (groups: {})", groups.join(", "))]
    UnitGroupUnknown {
        /// The unit.
        unit: crate::unit::UnitId,
        /// Its group.
        group: String,
        /// The scheme's groups.
        groups: Vec<String>,
    },
    /// Metrics given for a unit that is not in the units table.
    #[error("metrics for unit {unit}, which is not in the units table")]
    MetricsForUnknownUnit {
        /// The unit.
        unit: crate::unit::UnitId,
    },
    /// An external metric the scheme does not declare.
    #[error(
        "external metric {name:?} of unit {unit} is not declared in the scheme's `external` list"
    )]
    UnknownExternalMetric {
        /// The unit.
        unit: crate::unit::UnitId,
        /// The metric's name.
        name: String,
    },
    /// A manual adjustment that cannot be applied: no reason or approver, or a sum past the
    /// decimal range. `field` names it: `adjustments[2].approver`.
    #[error("{field}: {reason}")]
    InvalidAdjustment {
        /// The adjustment's field (`adjustments[<index>].<field>`).
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// An operation the scheme has no section for (warnings, sanctions).
    #[error("the scheme has no {feature} section")]
    SchemeLacks {
        /// The missing section.
        feature: String,
    },
    /// Results computed with another scheme than the one asked to use them.
    #[error("results were computed with scheme {found}, not {expected}")]
    SchemeMismatch {
        /// This scheme's hash.
        expected: String,
        /// The results' scheme hash.
        found: String,
    },
    /// A unit asked for (explanations of some units) that has no scorecard in the scores.
    #[error("unit {unit} has no scorecard in these scores")]
    UnitNotScored {
        /// The unit.
        unit: crate::unit::UnitId,
    },
    // --- board ----------------------------------------------------------------------------
    /// An event for a ticket the board has not registered (register its header first).
    #[error("ticket {ticket_id:?} is not on the board: register its header before its events")]
    BoardUnknownTicket {
        /// The ticket.
        ticket_id: String,
    },
    /// A ticket header registered again with different content.
    #[error("ticket {ticket_id:?} is already on the board with another `{field}`")]
    BoardTicketConflict {
        /// The ticket.
        ticket_id: String,
        /// The first field that differs.
        field: String,
    },
    /// An `event_id` already ingested for this ticket, now with different content.
    #[error(
        "ticket {ticket_id:?}: event_id {event_id:?} was already ingested with other content (event {event_index})"
    )]
    BoardEventConflict {
        /// The ticket.
        ticket_id: String,
        /// The event id.
        event_id: String,
        /// Index of the event already holding that id.
        event_index: usize,
    },
    /// An event dated inside a period that was already closed (its results are frozen).
    #[error(
        "ticket {ticket_id:?}: event at {at} falls in a closed period (closed through {closed_through})"
    )]
    BoardPeriodClosed {
        /// The ticket.
        ticket_id: String,
        /// The index the event would take in the ticket's log (appended).
        event_index: usize,
        /// The event's instant.
        at: crate::instant::Instant,
        /// End of the last closed period.
        closed_through: crate::instant::Instant,
    },
    /// `close_period` called out of order, before the period ended, or for an unknown period.
    #[error("cannot close period {period:?}: {reason}")]
    BoardCloseRefused {
        /// The period's label.
        period: String,
        /// Why.
        reason: String,
    },
    /// A query or setting for a unit that is not in the units table.
    #[error("unit {unit:?} is not in the board's units table")]
    BoardUnknownUnit {
        /// The unit.
        unit: String,
    },
    /// A board built without one of its parts, or with parts that do not fit together.
    #[error("board configuration: `{field}`: {reason}")]
    BoardConfig {
        /// The part concerned (`calendar`, `policy`, `scheme`, `units`).
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// Snapshot bytes or JSON that are damaged, truncated or not a board snapshot.
    #[error("corrupt board snapshot at byte {offset}: {reason}")]
    BoardSnapshotCorrupt {
        /// Byte offset where the problem was found (0 when it concerns the whole input).
        offset: u64,
        /// What is wrong.
        reason: String,
    },
    /// A snapshot written in another format version.
    #[error(
        "board snapshot format version {found} is not supported (this build reads version {supported})"
    )]
    BoardSnapshotVersion {
        /// The snapshot's version.
        found: u32,
        /// The version this build reads and writes.
        supported: u32,
    },
    /// A snapshot taken with another calendar, policy, scheme, units table or option.
    #[error("board snapshot was taken with another `{field}` than this board's")]
    BoardSnapshotMismatch {
        /// What differs (`calendar`, `policy`, `scheme`, `units`, `due_anchor`).
        field: String,
    },

    // --- files ---
    /// A configuration file that could not be opened or read (missing, a directory, no
    /// permission); see [`config_file`](crate::config_file). Its context's `field` is `path`.
    #[error("cannot read {path}: {reason}")]
    CannotRead {
        /// The file, as given.
        path: String,
        /// What kind of failure it was (bindings raise the language's own: Python's
        /// `FileNotFoundError`, …).
        kind: std::io::ErrorKind,
        /// The system's message.
        reason: String,
    },

    // --- arguments ---
    /// A unit asked about (the contributions of a unit) that is not in the units table: a typo
    /// would otherwise explain nothing without a word.
    #[error("unit {unit:?} is not in the units table{}", suggestion.as_ref().map(|s| format!(" (did you mean {s:?}?)")).unwrap_or_default())]
    NoSuchUnit {
        /// The unit asked for.
        unit: String,
        /// The closest unit of the table, if one is close enough to be a typo.
        suggestion: Option<String>,
    },
}

impl Error {
    /// Every code [`Error::code`] returns, except those of [`Error::InvalidTicket`] (which are
    /// [`TicketErrorKind::CODES`](crate::ticket::TicketErrorKind::CODES)); in declaration order.
    /// A unit test keeps it equal to what `code` returns for every variant.
    pub const CODES: &'static [&'static str] = &[
        "invalid_instant",
        "missing_offset",
        "instant_out_of_range",
        "invalid_period",
        "invalid_amount",
        "out_of_coverage",
        "no_working_time",
        "invalid_calendar",
        "invalid_date",
        "invalid_time_of_day",
        "interval_ends_before_start",
        "overlapping_intervals",
        "unknown_calendar_key",
        "invalid_calendar_data",
        "conflicting_date_rules",
        "invalid_ticket_json",
        "duplicate_unit",
        "invalid_unit_row",
        "invalid_city_config",
        "invalid_policy",
        "unknown_policy",
        "clock_failed",
        "invalid_partial",
        "scheme_invalid",
        "unknown_preset",
        "unit_group_unknown",
        "metrics_for_unknown_unit",
        "unknown_external_metric",
        "invalid_adjustment",
        "scheme_lacks",
        "scheme_mismatch",
        "unit_not_scored",
        "board_unknown_ticket",
        "board_ticket_conflict",
        "board_event_conflict",
        "board_period_closed",
        "board_close_refused",
        "board_unknown_unit",
        "board_config",
        "board_snapshot_corrupt",
        "board_snapshot_version",
        "board_snapshot_mismatch",
        "cannot_read",
        "no_such_unit",
    ];

    /// The stable machine-readable code of this error (snake_case).
    pub fn code(&self) -> &'static str {
        match self {
            // --- instants ---
            Error::InvalidInstant { .. } => "invalid_instant",
            Error::MissingOffset { .. } => "missing_offset",
            Error::InstantOutOfRange { .. } => "instant_out_of_range",
            Error::InvalidPeriod { .. } => "invalid_period",
            Error::InvalidAmount { .. } => "invalid_amount",
            // --- calendar ---
            Error::OutOfCoverage { .. } => "out_of_coverage",
            Error::NoWorkingTime => "no_working_time",
            Error::InvalidCalendar { .. } => "invalid_calendar",
            Error::InvalidDate { .. } => "invalid_date",
            Error::InvalidTimeOfDay { .. } => "invalid_time_of_day",
            Error::IntervalEndsBeforeStart { .. } => "interval_ends_before_start",
            Error::OverlappingIntervals { .. } => "overlapping_intervals",
            Error::UnknownCalendarKey { .. } => "unknown_calendar_key",
            Error::InvalidCalendarData { .. } => "invalid_calendar_data",
            Error::ConflictingDateRules { .. } => "conflicting_date_rules",
            // --- tickets and events ---
            Error::InvalidTicket { kind, .. } => kind.code(),
            Error::InvalidTicketJson { .. } => "invalid_ticket_json",
            Error::DuplicateUnit { .. } => "duplicate_unit",
            Error::InvalidUnitRow { .. } => "invalid_unit_row",
            Error::InvalidCityConfig { .. } => "invalid_city_config",
            // --- policy ---
            Error::InvalidPolicy { .. } => "invalid_policy",
            Error::UnknownPolicy { .. } => "unknown_policy",
            Error::ClockFailed { .. } => "clock_failed",
            Error::InvalidPartial { .. } => "invalid_partial",
            // --- schemes and formulas ---
            Error::SchemeInvalid { .. } => "scheme_invalid",
            Error::UnknownPreset { .. } => "unknown_preset",
            Error::UnitGroupUnknown { .. } => "unit_group_unknown",
            Error::MetricsForUnknownUnit { .. } => "metrics_for_unknown_unit",
            Error::UnknownExternalMetric { .. } => "unknown_external_metric",
            Error::InvalidAdjustment { .. } => "invalid_adjustment",
            Error::SchemeLacks { .. } => "scheme_lacks",
            Error::SchemeMismatch { .. } => "scheme_mismatch",
            Error::UnitNotScored { .. } => "unit_not_scored",
            // --- board ---
            Error::BoardUnknownTicket { .. } => "board_unknown_ticket",
            Error::BoardTicketConflict { .. } => "board_ticket_conflict",
            Error::BoardEventConflict { .. } => "board_event_conflict",
            Error::BoardPeriodClosed { .. } => "board_period_closed",
            Error::BoardCloseRefused { .. } => "board_close_refused",
            Error::BoardUnknownUnit { .. } => "board_unknown_unit",
            Error::BoardConfig { .. } => "board_config",
            Error::BoardSnapshotCorrupt { .. } => "board_snapshot_corrupt",
            Error::BoardSnapshotVersion { .. } => "board_snapshot_version",
            Error::BoardSnapshotMismatch { .. } => "board_snapshot_mismatch",
            // --- files ---
            Error::CannotRead { .. } => "cannot_read",
            // --- arguments ---
            Error::NoSuchUnit { .. } => "no_such_unit",
        }
    }
}

/// The structured context of an error, uniform across variants: what the bindings expose as
/// exception / error attributes (`ticket_id`, `event_index`, `field`, `line`, `column`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ErrorContext {
    /// The ticket concerned.
    pub ticket_id: Option<String>,
    /// The index of the event within its ticket.
    pub event_index: Option<usize>,
    /// The field (or key path) concerned.
    pub field: Option<String>,
    /// 1-based line in the file concerned.
    pub line: Option<u32>,
    /// 1-based column in the file concerned.
    pub column: Option<u32>,
    /// 0-based row of the input table or array concerned.
    pub row: Option<usize>,
    /// The calendar date concerned (`YYYY-MM-DD`).
    pub date: Option<String>,
}

impl Error {
    /// The first date past the calendar's data this error is about: an `out_of_coverage`, or a
    /// `clock_failed` it caused (a deadline that runs past the data, every December until next
    /// year's notice is loaded). The front ends say how to go on from it.
    pub fn beyond_coverage(&self) -> Option<time::Date> {
        match self {
            Error::OutOfCoverage { date } => Some(*date),
            Error::ClockFailed { source, .. } => source.beyond_coverage(),
            _ => None,
        }
    }

    /// Whether this error is about a timestamp written without a UTC offset: a
    /// `missing_offset`, or a ticket's `malformed_timestamp` (or a `clock_failed`) for that
    /// reason. The front ends say how to read local time from it.
    pub fn lacks_offset(&self) -> bool {
        match self {
            Error::MissingOffset { .. } => true,
            Error::InvalidTicket { kind, .. } => matches!(
                &**kind,
                crate::ticket::TicketErrorKind::MalformedTimestamp { reason, .. }
                    if reason.contains(NO_OFFSET)
            ),
            Error::ClockFailed { source, .. } => source.lacks_offset(),
            _ => false,
        }
    }

    /// The structured context of this error (empty fields where a variant has none).
    pub fn context(&self) -> ErrorContext {
        let at = |pos: &Option<FilePos>| ErrorContext {
            line: pos.map(|p| p.line),
            column: pos.map(|p| p.column),
            ..ErrorContext::default()
        };
        let field = |name: &str| ErrorContext {
            field: Some(name.to_owned()),
            ..ErrorContext::default()
        };
        #[allow(unreachable_patterns)]
        match self {
            // --- calendar ---
            Error::OutOfCoverage { date } | Error::ConflictingDateRules { date, .. } => {
                ErrorContext {
                    date: Some(date.to_string()),
                    ..ErrorContext::default()
                }
            }
            Error::InvalidDate { pos, .. }
            | Error::InvalidTimeOfDay { pos, .. }
            | Error::IntervalEndsBeforeStart { pos, .. }
            | Error::OverlappingIntervals { pos, .. }
            | Error::InvalidCalendarData { pos, .. } => at(pos),
            Error::UnknownCalendarKey { key, pos } => ErrorContext {
                field: Some(key.clone()),
                ..at(pos)
            },
            // --- tickets and events ---
            Error::InvalidTicket {
                ticket_id,
                event_index,
                field,
                row,
                ..
            } => ErrorContext {
                ticket_id: Some(ticket_id.clone()).filter(|t| !t.is_empty()),
                event_index: *event_index,
                field: Some(field.clone()).filter(|f| !f.is_empty()),
                row: *row,
                ..ErrorContext::default()
            },
            Error::InvalidTicketJson { line, column, .. } => ErrorContext {
                line: Some(*line),
                column: Some(*column),
                ..ErrorContext::default()
            },
            Error::DuplicateUnit { row, .. } => ErrorContext {
                row: Some(*row),
                ..field("unit")
            },
            Error::InvalidUnitRow { row, field: f } => ErrorContext {
                row: Some(*row),
                ..field(f)
            },
            Error::InvalidCityConfig { field: f, .. } => field(f),
            // --- policy ---
            Error::InvalidPolicy { pos, .. } => at(pos),
            // The assignment's ticket and event, and whatever the underlying error names.
            Error::ClockFailed {
                ticket_id,
                event_index,
                source,
            } => ErrorContext {
                ticket_id: Some(ticket_id.clone()),
                event_index: Some(*event_index),
                ..source.context()
            },
            Error::InvalidPartial { column, .. } => field(column),
            // --- schemes and formulas ---
            Error::SchemeInvalid { problems } => match problems.first() {
                Some(p) => ErrorContext {
                    field: Some(p.key.clone()).filter(|k| !k.is_empty()),
                    line: Some(p.line),
                    column: Some(p.column),
                    ..ErrorContext::default()
                },
                None => ErrorContext::default(),
            },
            Error::UnitGroupUnknown { .. } | Error::MetricsForUnknownUnit { .. } => field("unit"),
            // The name is what is wrong (the unit is in the message).
            Error::UnknownExternalMetric { name, .. } => field(name),
            Error::InvalidAdjustment { field: f, .. } => field(f),
            Error::UnitNotScored { .. } => field("units"),
            Error::SchemeLacks { feature } => field(feature),

            // --- board ---
            Error::BoardUnknownTicket { ticket_id } => ErrorContext {
                ticket_id: Some(ticket_id.clone()),
                ..ErrorContext::default()
            },
            Error::BoardPeriodClosed {
                ticket_id,
                event_index,
                ..
            } => ErrorContext {
                ticket_id: Some(ticket_id.clone()),
                event_index: Some(*event_index),
                ..field("at")
            },
            Error::BoardTicketConflict {
                ticket_id,
                field: f,
            } => ErrorContext {
                ticket_id: Some(ticket_id.clone()),
                ..field(f)
            },
            Error::BoardEventConflict {
                ticket_id,
                event_index,
                ..
            } => ErrorContext {
                ticket_id: Some(ticket_id.clone()),
                event_index: Some(*event_index),
                ..field("event_id")
            },
            Error::BoardUnknownUnit { .. } => field("unit"),
            Error::BoardConfig { field: f, .. } | Error::BoardSnapshotMismatch { field: f } => {
                field(f)
            }
            // --- files ---
            Error::CannotRead { .. } => field("path"),
            Error::NoSuchUnit { .. } => field("unit"),
            _ => ErrorContext::default(),
        }
    }
}

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Every stable error code the crate defines: [`Error::CODES`], then
/// [`TicketErrorKind::CODES`](crate::ticket::TicketErrorKind::CODES).
pub fn codes() -> impl Iterator<Item = &'static str> {
    Error::CODES
        .iter()
        .chain(crate::ticket::TicketErrorKind::CODES)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// serde's Rust type names stay out of messages (`expected struct EventRow`).
    #[test]
    fn json_reasons_say_what_was_expected() {
        let e = serde_json::from_str::<Vec<crate::ticket::EventRow>>("[5]").unwrap_err();
        assert_eq!(
            json_reason(&e),
            "invalid type: integer `5`, expected an object (an events-table row)"
        );
        let e = serde_json::from_str::<Vec<crate::ticket::EventRow>>("[}").unwrap_err();
        assert!(!json_reason(&e).contains("struct"), "{}", json_reason(&e));
    }

    /// A timestamp without an offset is told apart whether it came as an instant or in a
    /// ticket's cell, and only then.
    #[test]
    fn lacking_an_offset_is_recognised_in_tickets() {
        let missing = Error::MissingOffset {
            value: "2026-03-02 09:00".into(),
        };
        assert!(missing.to_string().contains(NO_OFFSET) && missing.lacks_offset());
        let cell = |value: &str| {
            let json = format!(
                "[{{\"id\":\"T1\",\"kind\":\"help\",\"channel\":\"phone\",\
                 \"received_at\":\"{value}\",\"events\":[]}}]"
            );
            match crate::ticket::load_json(&json, None, crate::ticket::Mode::Strict) {
                Err(e) => e,
                Ok(_) => panic!("{value} was read"),
            }
        };
        assert!(cell("2026-03-02 09:00:00").lacks_offset());
        assert!(!cell("2026-13-02T09:00:00+08:00").lacks_offset());
        assert!(!Error::NoWorkingTime.lacks_offset());
    }

    #[test]
    fn a_cursor_places_every_offset_as_from_offset_does_in_any_order() {
        let text = "[{\"a\":\"签收\"},\n {\"b\":1},\n\n  {\"c\":\"反馈\"}]";
        let offsets: Vec<usize> = (0..=text.len() + 2).collect();
        let mut cursor = FilePosCursor::new(text);
        for &o in offsets
            .iter()
            .chain(offsets.iter().rev())
            .chain(&[7, 3, 40, 9])
        {
            assert_eq!(cursor.at(o), FilePos::from_offset(text, o), "offset {o}");
        }
    }

    #[test]
    fn file_pos_counts_lines_and_chars() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(
            FilePos::from_offset(text, 0),
            FilePos { line: 1, column: 1 }
        );
        // 'b' of line 2
        assert_eq!(
            FilePos::from_offset(text, 6),
            FilePos { line: 2, column: 1 }
        );
        // '=' of line 2: 'b', 'é' (2 bytes), ' ' → column 4
        let eq = text.rfind('=').unwrap();
        assert_eq!(
            FilePos::from_offset(text, eq),
            FilePos { line: 2, column: 4 }
        );
    }

    #[test]
    fn context_carries_the_variant_fields() {
        let pos = Some(FilePos { line: 3, column: 7 });
        let ctx = Error::UnknownCalendarKey {
            key: "yeer".into(),
            pos,
        }
        .context();
        assert_eq!(
            (ctx.field.as_deref(), ctx.line, ctx.column),
            (Some("yeer"), Some(3), Some(7))
        );
        let date = time::Date::from_calendar_date(2027, time::Month::January, 4).unwrap();
        let inner = Error::OutOfCoverage { date };
        assert_eq!(inner.context().date.as_deref(), Some("2027-01-04"));
        let ctx = Error::ClockFailed {
            ticket_id: "T1".into(),
            event_index: 2,
            source: Box::new(inner),
        }
        .context();
        assert_eq!(ctx.ticket_id.as_deref(), Some("T1"));
        assert_eq!(ctx.event_index, Some(2));
        assert_eq!(ctx.date.as_deref(), Some("2027-01-04"));
        let ctx = Error::InvalidUnitRow {
            row: 4,
            field: "group".into(),
        }
        .context();
        assert_eq!((ctx.row, ctx.field.as_deref()), (Some(4), Some("group")));
        let ctx = Error::BoardEventConflict {
            ticket_id: "T9".into(),
            event_id: "e1".into(),
            event_index: 5,
        }
        .context();
        assert_eq!(
            (
                ctx.ticket_id.as_deref(),
                ctx.event_index,
                ctx.field.as_deref()
            ),
            (Some("T9"), Some(5), Some("event_id"))
        );
        assert_eq!(Error::NoWorkingTime.context(), ErrorContext::default());
    }

    #[test]
    fn context_carries_ticket_and_file_position() {
        let e = Error::ClockFailed {
            ticket_id: "T1".into(),
            event_index: 3,
            source: Box::new(Error::NoWorkingTime),
        };
        let ctx = e.context();
        assert_eq!(ctx.ticket_id.as_deref(), Some("T1"));
        assert_eq!(ctx.event_index, Some(3));
        let e = Error::UnknownCalendarKey {
            key: "yeer".into(),
            pos: Some(FilePos { line: 3, column: 1 }),
        };
        let ctx = e.context();
        assert_eq!(
            (ctx.field.as_deref(), ctx.line, ctx.column),
            (Some("yeer"), Some(3), Some(1))
        );
        assert_eq!(Error::NoWorkingTime.context(), ErrorContext::default());
    }

    /// One value of every variant, and an exhaustive match (no wildcard) that stops compiling
    /// when a variant is added: the new variant then needs a sample here and its code in
    /// `Error::CODES`.
    fn every_variant() -> Vec<Error> {
        let date = time::Date::from_calendar_date(2026, time::Month::March, 2).unwrap();
        let s = || String::from("x");
        let t = crate::instant::Instant::from_millis(0);
        let u = || crate::unit::UnitId::from("u1");
        let all = vec![
            Error::InvalidInstant {
                value: s(),
                reason: s(),
            },
            Error::MissingOffset { value: s() },
            Error::InstantOutOfRange { millis: 0 },
            Error::InvalidPeriod {
                label: s(),
                reason: s(),
            },
            Error::InvalidAmount {
                value: s(),
                reason: s(),
            },
            Error::OutOfCoverage { date },
            Error::NoWorkingTime,
            Error::InvalidCalendar { reason: s() },
            Error::InvalidDate {
                value: s(),
                reason: s(),
                pos: None,
            },
            Error::InvalidTimeOfDay {
                value: s(),
                reason: s(),
                pos: None,
            },
            Error::IntervalEndsBeforeStart {
                value: s(),
                pos: None,
            },
            Error::OverlappingIntervals {
                value: s(),
                pos: None,
            },
            Error::UnknownCalendarKey {
                key: s(),
                pos: None,
            },
            Error::InvalidCalendarData {
                reason: s(),
                pos: None,
            },
            Error::ConflictingDateRules { date, reason: s() },
            Error::InvalidTicket {
                ticket_id: s(),
                event_index: None,
                field: s(),
                row: None,
                kind: Box::new(crate::ticket::TicketErrorKind::MissingField),
            },
            Error::InvalidTicketJson {
                reason: s(),
                line: 1,
                column: 1,
            },
            Error::DuplicateUnit { unit: s(), row: 0 },
            Error::InvalidUnitRow { row: 0, field: s() },
            Error::InvalidCityConfig {
                field: s(),
                reason: s(),
            },
            Error::InvalidPolicy {
                format: s(),
                pos: None,
                reason: s(),
            },
            Error::ClockFailed {
                ticket_id: s(),
                event_index: 0,
                source: Box::new(Error::NoWorkingTime),
            },
            Error::InvalidPartial {
                column: s(),
                reason: s(),
            },
            Error::UnknownPolicy {
                name: s(),
                known: s(),
            },
            Error::SchemeInvalid {
                problems: Vec::new(),
            },
            Error::UnknownPreset {
                name: s(),
                available: Vec::new(),
            },
            Error::UnitGroupUnknown {
                unit: u(),
                group: s(),
                groups: Vec::new(),
            },
            Error::MetricsForUnknownUnit { unit: u() },
            Error::UnknownExternalMetric {
                unit: u(),
                name: s(),
            },
            Error::InvalidAdjustment {
                field: s(),
                reason: s(),
            },
            Error::SchemeLacks { feature: s() },
            Error::SchemeMismatch {
                expected: s(),
                found: s(),
            },
            Error::UnitNotScored { unit: u() },
            Error::BoardUnknownTicket { ticket_id: s() },
            Error::BoardTicketConflict {
                ticket_id: s(),
                field: s(),
            },
            Error::BoardEventConflict {
                ticket_id: s(),
                event_id: s(),
                event_index: 0,
            },
            Error::BoardPeriodClosed {
                ticket_id: s(),
                event_index: 0,
                at: t,
                closed_through: t,
            },
            Error::BoardCloseRefused {
                period: s(),
                reason: s(),
            },
            Error::BoardUnknownUnit { unit: s() },
            Error::BoardConfig {
                field: s(),
                reason: s(),
            },
            Error::BoardSnapshotCorrupt {
                offset: 0,
                reason: s(),
            },
            Error::BoardSnapshotVersion {
                found: 2,
                supported: 1,
            },
            Error::BoardSnapshotMismatch { field: s() },
            Error::CannotRead {
                path: s(),
                kind: std::io::ErrorKind::NotFound,
                reason: s(),
            },
            Error::NoSuchUnit {
                unit: s(),
                suggestion: None,
            },
        ];
        let ordinal = |e: &Error| match e {
            Error::InvalidInstant { .. } => 0,
            Error::MissingOffset { .. } => 1,
            Error::InstantOutOfRange { .. } => 2,
            Error::InvalidPeriod { .. } => 3,
            Error::InvalidAmount { .. } => 4,
            Error::OutOfCoverage { .. } => 5,
            Error::NoWorkingTime => 6,
            Error::InvalidCalendar { .. } => 7,
            Error::InvalidDate { .. } => 8,
            Error::InvalidTimeOfDay { .. } => 9,
            Error::IntervalEndsBeforeStart { .. } => 10,
            Error::OverlappingIntervals { .. } => 11,
            Error::UnknownCalendarKey { .. } => 12,
            Error::InvalidCalendarData { .. } => 13,
            Error::ConflictingDateRules { .. } => 14,
            Error::InvalidTicket { .. } => 15,
            Error::InvalidTicketJson { .. } => 16,
            Error::DuplicateUnit { .. } => 17,
            Error::InvalidUnitRow { .. } => 18,
            Error::InvalidCityConfig { .. } => 19,
            Error::InvalidPolicy { .. } => 20,
            Error::ClockFailed { .. } => 21,
            Error::InvalidPartial { .. } => 22,
            Error::UnknownPolicy { .. } => 23,
            Error::SchemeInvalid { .. } => 24,
            Error::UnknownPreset { .. } => 25,
            Error::UnitGroupUnknown { .. } => 26,
            Error::MetricsForUnknownUnit { .. } => 27,
            Error::UnknownExternalMetric { .. } => 28,
            Error::InvalidAdjustment { .. } => 29,
            Error::SchemeLacks { .. } => 30,
            Error::SchemeMismatch { .. } => 31,
            Error::UnitNotScored { .. } => 32,
            Error::BoardUnknownTicket { .. } => 33,
            Error::BoardTicketConflict { .. } => 34,
            Error::BoardEventConflict { .. } => 35,
            Error::BoardPeriodClosed { .. } => 36,
            Error::BoardCloseRefused { .. } => 37,
            Error::BoardUnknownUnit { .. } => 38,
            Error::BoardConfig { .. } => 39,
            Error::BoardSnapshotCorrupt { .. } => 40,
            Error::BoardSnapshotVersion { .. } => 41,
            Error::BoardSnapshotMismatch { .. } => 42,
            Error::CannotRead { .. } => 43,
            Error::NoSuchUnit { .. } => 44,
        };
        let ordinals: Vec<usize> = all.iter().map(ordinal).collect();
        assert_eq!(
            ordinals,
            (0..=44).collect::<Vec<_>>(),
            "one sample per variant"
        );
        all
    }

    #[test]
    fn codes_lists_every_code() {
        let from_variants: std::collections::BTreeSet<&str> = every_variant()
            .iter()
            .filter(|e| !matches!(e, Error::InvalidTicket { .. }))
            .map(Error::code)
            .collect();
        let listed: std::collections::BTreeSet<&str> = Error::CODES.iter().copied().collect();
        assert_eq!(listed.len(), Error::CODES.len(), "no code twice");
        assert_eq!(from_variants, listed);
        let all: Vec<&str> = codes().collect();
        let unique: std::collections::BTreeSet<&str> = all.iter().copied().collect();
        assert_eq!(
            unique.len(),
            all.len(),
            "Error and ticket codes do not collide"
        );
        assert!(all.contains(&"event_before_dispatch"));
    }

    #[test]
    fn beyond_coverage_sees_through_a_failed_clock() {
        let date = time::macros::date!(2027 - 01 - 01);
        let out = Error::OutOfCoverage { date };
        assert_eq!(out.beyond_coverage(), Some(date));
        let failed = Error::ClockFailed {
            ticket_id: "T1".into(),
            event_index: 0,
            source: Box::new(out),
        };
        assert_eq!(failed.beyond_coverage(), Some(date));
        let other = Error::ConflictingDateRules {
            date,
            reason: "x".into(),
        };
        assert_eq!(other.beyond_coverage(), None);
    }

    #[test]
    fn codes_are_snake_case() {
        let e = Error::MissingOffset { value: "x".into() };
        assert_eq!(e.code(), "missing_offset");
        assert!(e.to_string().contains("+08:00"));
    }
}
