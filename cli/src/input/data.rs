//! Data sets from files (SPEC §3.2a): the `tickets`, `events` and `units` tables as CSV or JSON,
//! assembled into validated tickets by the core's [`Assembler`], with every problem placed at
//! its file, line and column.
//!
//! JSON forms: an array of row objects with the same column names as the CSV files; or, for
//! tickets only, an array of whole tickets with their `events` (the core's ticket JSON), in which
//! case no events file is given.

use std::fs::File;
use std::path::{Path, PathBuf};

use hotline_score::ticket::Ticket;
use hotline_score::ticket::{
    Assembler, EventRow, Loaded, Mode, TicketErrorKind, TicketRow, check_units, id_text,
    load_json_parallel, resembles, rows_ids_as_text,
};
use hotline_score::{Error, FilePos, Unit};
use time::UtcOffset;

use indicatif::{ProgressBar, ProgressBarIter};
use serde_json::value::RawValue;

use super::csv_text::{CsvText, UnclosedQuote};
use super::encoding::{Encoding, Malformed, NOT_UTF8_HINT, TextReader};
use super::locate::{LineCursor, Problem};
use super::place::{Source, place, strict_failure, unit_problem};
use super::{cannot_read, is_json, open_file, read_text};
use crate::engine::threads;
use crate::fail::{CliResult, Failure};
use crate::progress::Progress;

/// The files of one data set.
#[derive(Debug, Clone, clap::Args)]
pub struct DataFiles {
    /// Tickets table: CSV (ticket_id, kind, urgency, channel, received_at, attribute columns…),
    /// or JSON (an array of such rows, or of whole tickets with their events).
    #[arg(long, value_name = "FILE")]
    pub tickets: PathBuf,
    /// Events table: CSV or JSON rows (ticket_id, at, type, unit, role, reason, accepted,
    /// approved, amount, passed, satisfaction, resolved, event_id). Not needed when the tickets
    /// JSON carries the events.
    #[arg(long, value_name = "FILE")]
    pub events: Option<PathBuf>,
    /// Units table: CSV or JSON rows (unit, group, name): every unit that is scored.
    #[arg(long, value_name = "FILE")]
    pub units: Option<PathBuf>,
    /// Text encoding of the CSV files: `gb18030` (or `gbk`) for tables saved as "CSV" by Excel
    /// on Chinese-language Windows. JSON files are always UTF-8.
    #[arg(long, value_enum, value_name = "ENCODING", default_value_t)]
    pub encoding: Encoding,
    /// Read timestamps written without an offset (`2026-03-02 09:30:00`, as database exports
    /// write them) as local time in the calendar's offset (+08:00 unless calendar data says
    /// otherwise). Without it, such a timestamp is a bad value.
    #[arg(long)]
    pub local_times: bool,
    /// A column to leave out of the tickets and events tables (repeatable), of each table that
    /// does not read it: the other columns of a platform's export (handler, opinion text …),
    /// which the events table would otherwise refuse and the tickets table keep as attributes.
    /// (`kind` leaves the events table only; `ticket_id`, read by both, cannot be named.)
    #[arg(long = "ignore-column", value_name = "NAME")]
    pub ignore_columns: Vec<String>,
}

/// A loaded data set.
#[derive(Debug)]
pub struct DataSet {
    /// The units table, if given.
    pub units: Option<Vec<Unit>>,
    /// The valid tickets, in input order.
    pub tickets: Vec<Ticket>,
    /// Every problem (lenient mode: one per skipped ticket or bad row).
    pub problems: Vec<Problem>,
    /// What to try, said after the problems ([`LOCAL_TIMES_HINT`]).
    pub hint: Option<&'static str>,
}

/// Said after a bad timestamp when `--local-times` was not given.
pub const LOCAL_TIMES_HINT: &str = "hint: a timestamp without an offset (`2026-03-02 09:30:00`, \
     as database exports write them) is read as local time with --local-times";

/// What the core's message says of a timestamp without an offset (`Error::MissingOffset`): the
/// one bad timestamp [`LOCAL_TIMES_HINT`] is about.
const NO_OFFSET: &str = "has no UTC offset";

/// [`LOCAL_TIMES_HINT`] after a failure on a timestamp without an offset, unless
/// `--local-times` was given.
fn with_hint(files: &DataFiles, failure: Failure) -> Failure {
    match failure {
        Failure::Data(m)
            if !files.local_times
                && m.contains("[malformed_timestamp]")
                && m.contains(NO_OFFSET) =>
        {
            Failure::Data(format!("{m}\n{LOCAL_TIMES_HINT}"))
        }
        other => other,
    }
}

/// What JSON `text` holds, told from its first element only (`None`: neither, or not JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JsonHolds {
    /// Table rows: the first names a `ticket_id` (a tickets row may have an attribute column
    /// named `events`).
    Rows,
    /// Whole tickets with their events: the first has no `ticket_id` and an `events` array.
    WholeTickets,
}

fn json_holds(text: &str) -> Option<JsonHolds> {
    let rest = text.trim_start().strip_prefix('[')?;
    let first = serde_json::Deserializer::from_str(rest.trim_start())
        .into_iter::<serde_json::Map<String, serde_json::Value>>()
        .next()?
        .ok()?;
    if first.contains_key("ticket_id") {
        Some(JsonHolds::Rows)
    } else {
        first
            .get("events")
            .is_some_and(serde_json::Value::is_array)
            .then_some(JsonHolds::WholeTickets)
    }
}

/// A usage failure when a table file given with `--events` holds whole tickets (each with
/// its `events`): such a file is the whole data set, given alone.
fn refuse_whole_tickets(path: &Path, option: &str) -> CliResult<()> {
    if !is_json(path) {
        return Ok(());
    }
    // The first element is told from the file's start (a first ticket longer than that is
    // read as rows, and refused row by row).
    let mut start = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(open_file(path)?, 1 << 20),
        &mut start,
    )
    .map_err(|e| cannot_read(path, &e))?;
    if json_holds(&String::from_utf8_lossy(&start)) != Some(JsonHolds::WholeTickets) {
        return Ok(());
    }
    Err(Failure::usage(format!(
        "{} holds whole tickets with their `events`, not {option} rows: give it alone \
         (`score --tickets {}` without --events, or alone to `check`)",
        path.display(),
        path.display()
    )))
}

/// Loads a data set. Strict mode fails on the first bad ticket; lenient mode skips bad tickets
/// and bad rows and returns every problem. `offset` is the calendar's, for `--local-times`.
pub fn load(
    files: &DataFiles,
    mode: Mode,
    offset: UtcOffset,
    progress: Progress,
) -> CliResult<DataSet> {
    let read_by_both = |c: &&str| Table::Tickets.reads(c) && Table::Events.reads(c);
    if let Some(c) = files
        .ignore_columns
        .iter()
        .map(|c| c.trim())
        .find(read_by_both)
    {
        return Err(Failure::usage(format!(
            "--ignore-column {c}: `{c}` is a column the engine reads in both tables"
        )));
    }
    let mut problems = Vec::new();
    let units = match &files.units {
        Some(path) => Some(read_units(path, files.encoding, &mut problems)?),
        None => None,
    };
    if !problems.is_empty() {
        return Err(problems_failure(&problems));
    }
    if let Some(u) = &units {
        check_units(u).map_err(|e| Failure::data(unit_problem(files, &e).to_string()))?;
    }
    let nested = files.events.is_none();
    if nested {
        if !is_json(&files.tickets) {
            return Err(Failure::usage(format!(
                "{} is a CSV tickets table: give its events table too (`score --events FILE`, \
                 or one more file to `check`)",
                files.tickets.display()
            )));
        }
        if files.local_times {
            return Err(Failure::usage(format!(
                "--local-times reads tickets and events tables: {} holds whole tickets, whose \
                 instants carry their offsets",
                files.tickets.display()
            )));
        }
        let text = read_text(&files.tickets)?;
        if json_holds(&text) == Some(JsonHolds::Rows) {
            return Err(Failure::usage(format!(
                "{} is a JSON tickets table (rows with `ticket_id`, not whole tickets with their \
                 `events`): give its events table too (`score --events FILE`, or one more file to \
                 `check`)",
                files.tickets.display()
            )));
        }
        let bar = progress.step("reading tickets");
        let loaded = load_json_parallel(&text, units.as_deref(), mode, threads());
        bar.finish_and_clear();
        let source = Source::Json {
            path: files.tickets.clone(),
            text,
        };
        let loaded = loaded.map_err(|e| strict_failure(&e, &source, &source, true))?;
        problems.extend(place(&loaded.diagnostics, &source, &source, true));
        return Ok(DataSet {
            units,
            tickets: loaded.tickets,
            problems,
            hint: None,
        });
    }
    let events_path = files.events.as_deref().unwrap_or(Path::new(""));
    refuse_whole_tickets(&files.tickets, "tickets")?;
    refuse_whole_tickets(events_path, "events")?;
    let local = files.local_times.then_some(offset);
    // Tickets are independent: each shard of tickets (by a hash of the id) is read and assembled
    // on its own thread, every thread reading the files and keeping its own rows.
    let shards = if is_json(&files.tickets) || is_json(events_path) {
        1
    } else {
        threads()
    };
    let results: Vec<CliResult<(Vec<Ticket>, Vec<Problem>)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..shards)
            .map(|shard| {
                let units = units.as_deref();
                let bars = if shard == 0 {
                    progress
                } else {
                    Progress::hidden()
                };
                scope.spawn(move || {
                    let part = Part { shard, shards };
                    load_part(files, events_path, units, mode, local, part, bars)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut tickets = Vec::new();
    let mut failures = Vec::new();
    for r in results {
        match r {
            Ok((t, p)) => {
                if tickets.is_empty() {
                    tickets = t;
                } else {
                    tickets.extend(t);
                }
                problems.extend(p);
            }
            Err(f) => failures.push(f),
        }
    }
    if let Some(first) = first_failure(failures) {
        return Err(with_hint(files, first));
    }
    if !is_json(&files.tickets) && !is_json(events_path) {
        // In file order, whatever the number of threads.
        problems.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    }
    let timestamps = problems
        .iter()
        .any(|p| p.code == "malformed_timestamp" && p.message.contains(NO_OFFSET));
    Ok(DataSet {
        units,
        tickets,
        problems,
        hint: (timestamps && !files.local_times).then_some(LOCAL_TIMES_HINT),
    })
}

/// Which tickets a thread reads: those whose id hashes to `shard` of `shards`.
#[derive(Debug, Clone, Copy)]
struct Part {
    shard: usize,
    shards: usize,
}

impl Part {
    /// Whether the row of ticket `id` belongs to this part (FNV-1a of the id).
    fn takes(self, id: &str) -> bool {
        if self.shards < 2 {
            return true;
        }
        let h = id.trim().bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        usize::try_from(h % self.shards as u64).unwrap_or(0) == self.shard
    }

    /// This part's share of `rows` rows.
    fn share(self, rows: usize) -> usize {
        rows / self.shards.max(1)
    }

    /// Whether this part reports problems that belong to no ticket (malformed rows).
    fn reports_rows(self) -> bool {
        self.shard == 0
    }
}

/// How a thread reads its part of the tables.
#[derive(Debug, Clone, Copy)]
struct Reading<'a> {
    /// The tickets it keeps.
    part: Part,
    /// The columns left out (`--ignore-column`).
    ignored: &'a [String],
    /// The CSV files' encoding.
    encoding: Encoding,
    /// Whether a problem of a row (a CSV row, a JSON row that does not read) is a failure
    /// (else the row's ticket is skipped).
    strict: bool,
    /// Its progress bars.
    progress: Progress,
}

/// Reads and assembles one part of the tickets (timestamps without an offset in `local`, if
/// given).
fn load_part(
    files: &DataFiles,
    events_path: &Path,
    units: Option<&[Unit]>,
    mode: Mode,
    local: Option<UtcOffset>,
    part: Part,
    progress: Progress,
) -> CliResult<(Vec<Ticket>, Vec<Problem>)> {
    let how = Reading {
        part,
        ignored: &files.ignore_columns,
        encoding: files.encoding,
        strict: mode == Mode::Strict,
        progress,
    };
    let mut problems = Vec::new();
    let mut assembler = Assembler::new(units, mode)?;
    if let Some(offset) = local {
        assembler = assembler.with_local_offset(offset);
    }
    let mut feed = |path: &Path, table: Table, assembler: &mut Assembler| {
        read_table(path, table, how, assembler, &mut problems)
    };
    let tickets_src = feed(&files.tickets, Table::Tickets, &mut assembler)?;
    let events_src = feed(events_path, Table::Events, &mut assembler)?;
    let bar = progress.step("checking tickets");
    let loaded: Result<Loaded, Error> = assembler.finish();
    bar.finish_and_clear();
    let loaded = loaded.map_err(|e| strict_failure(&e, &tickets_src, &events_src, false))?;
    problems.extend(place(&loaded.diagnostics, &tickets_src, &events_src, false));
    Ok((loaded.tickets, problems))
}

/// Of the parts' failures, the one earliest in the files (deterministic whatever the threads).
fn first_failure(failures: Vec<Failure>) -> Option<Failure> {
    failures.into_iter().min_by_key(|f| {
        let text = f.to_string();
        let first = text.lines().next().unwrap_or("").to_owned();
        let mut parts = first.splitn(3, ':');
        let file = parts.next().unwrap_or("").to_owned();
        let line: u64 = parts
            .next()
            .and_then(|l| l.parse().ok())
            .unwrap_or(u64::MAX);
        (file.contains("events"), line, first)
    })
}

/// A failure listing `problems`.
pub fn problems_failure(problems: &[Problem]) -> Failure {
    Failure::data(
        problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// Reads the units table; every bad row is a problem (text that is not in the encoding stops
/// the reading).
pub fn read_units(
    path: &Path,
    encoding: Encoding,
    problems: &mut Vec<Problem>,
) -> CliResult<Vec<Unit>> {
    let name = path.display().to_string();
    if is_json(path) {
        let text = read_text(path)?;
        return match serde_json::from_str::<Vec<Unit>>(&text) {
            Ok(units) => Ok(units),
            Err(e) => {
                let pos = FilePos::of_json_error(&text, &e);
                problems.push(Problem {
                    file: name,
                    line: pos.map(|p| u64::from(p.line)),
                    column: pos.map(|p| u64::from(p.column)),
                    code: "invalid_units".into(),
                    message: hotline_score::json_reason(&e),
                    ..Default::default()
                });
                Ok(Vec::new())
            }
        };
    }
    let (mut reader, ..) = open_csv(
        path,
        encoding,
        Progress::hidden(),
        "reading units",
        csv::Trim::All,
    )?;
    // A header that cannot be read is a problem (the rows would silently be none); so are
    // its unknown, repeated and missing columns, placed on the header's line.
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_owned()).collect(),
        Err(e) => {
            problems.push(csv_problem(&name, &e, "invalid_units"));
            return Ok(Vec::new());
        }
    };
    let columns = Columns {
        table: "units",
        required: &["unit", "group"],
        known: Some(&["unit", "group", "name"]),
    };
    let header_problems = check_header(&name, &columns, &header, &|_| false);
    if !header_problems.is_empty() {
        problems.extend(header_problems);
        return Ok(Vec::new());
    }
    // Rows are read by the trimmed names the header was checked by (`unit ,group ` included).
    reader.set_headers(csv::StringRecord::from(header));
    let mut units = Vec::new();
    for record in reader.deserialize::<Unit>() {
        match record {
            Ok(u) => units.push(u),
            Err(e) => {
                problems.push(csv_problem(&name, &e, "invalid_units"));
                if !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                    break;
                }
            }
        }
    }
    Ok(units)
}

/// A CSV-level problem (text not in the file's encoding, wrong number of fields, a value of
/// the wrong type).
pub fn csv_problem(file: &str, e: &csv::Error, code: &str) -> Problem {
    let mut line = e.position().map(|p| p.line());
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "this row has {len} fields, the header has {expected_len} (a cell holding a comma \
             must be quoted: \"a, b\")"
        ),
        csv::ErrorKind::Deserialize { err, .. } => err.to_string(),
        csv::ErrorKind::Utf8 { err, .. } => {
            format!(
                "field {} is not UTF-8 text: {NOT_UTF8_HINT}",
                err.field() + 1
            )
        }
        csv::ErrorKind::Io(io) => {
            let inner = io.get_ref();
            if let Some(m) = inner.and_then(|m| m.downcast_ref::<Malformed>()) {
                line = Some(m.line);
            }
            if let Some(q) = inner.and_then(|q| q.downcast_ref::<UnclosedQuote>()) {
                line = Some(q.line);
            }
            io.to_string()
        }
        _ => e.to_string(),
    };
    Problem {
        file: file.to_owned(),
        line,
        column: None,
        code: code.to_owned(),
        message,
        ..Default::default()
    }
}

/// Which table a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Table {
    Tickets,
    Events,
}

impl Table {
    /// Its columns, as [`check_header`] checks them.
    fn columns(self) -> Columns {
        match self {
            Table::Tickets => Columns {
                table: "tickets",
                required: &["ticket_id", "kind", "received_at"],
                // Every other column of a tickets table is an attribute.
                known: None,
            },
            Table::Events => Columns {
                table: "events",
                required: &["ticket_id", "at", "type"],
                known: Some(&EventRow::COLUMNS),
            },
        }
    }

    /// Whether the engine reads `column` of this table: the events columns; the tickets
    /// table's fixed columns and its `repeat` attribute (重复件).
    fn reads(self, column: &str) -> bool {
        match self {
            Table::Tickets => TicketRow::COLUMNS.contains(&column) || column == "repeat",
            Table::Events => EventRow::COLUMNS.contains(&column),
        }
    }

    /// Whether `column` (as named in a header or a row, around spaces) is left out of this
    /// table: named by `--ignore-column` and not read here.
    fn leaves_out(self, ignored: &[String], column: &str) -> bool {
        let column = column.trim();
        !self.reads(column) && ignored.iter().any(|i| i.trim() == column)
    }

    /// What reading it is called on a progress bar.
    fn label(self) -> &'static str {
        match self {
            Table::Tickets => "reading tickets",
            Table::Events => "reading events",
        }
    }
}

/// Reads one table into the assembler. CSV-level problems are failures in strict mode and
/// problems (the row is skipped) otherwise.
fn read_table(
    path: &Path,
    table: Table,
    how: Reading,
    assembler: &mut Assembler,
    problems: &mut Vec<Problem>,
) -> CliResult<Source> {
    let Reading {
        part,
        ignored,
        encoding,
        strict,
        progress,
    } = how;
    let name = path.display().to_string();
    if is_json(path) {
        let text = read_text(path)?;
        let bar = progress.step(table.label());
        // Strict mode stops at the first row that does not read.
        let mut first_bad: Option<Problem> = None;
        let mut cursor = LineCursor::new(&text);
        let result = match table {
            Table::Tickets => json_rows::<TicketRow>(&text, table, ignored).map(|rows| {
                for row in rows {
                    match row {
                        Ok(r) => assembler.add_ticket(r),
                        Err(bad) if strict => {
                            first_bad = Some(bad.problem(&name, &mut cursor, false));
                            break;
                        }
                        Err(bad) => {
                            assembler.add_unreadable_ticket(&bad.ticket_id);
                            problems.push(bad.problem(&name, &mut cursor, true));
                        }
                    }
                }
            }),
            Table::Events => json_rows::<EventRow>(&text, table, ignored).map(|rows| {
                for row in rows {
                    match row {
                        Ok(r) => assembler.add_event(&r),
                        Err(bad) if strict => {
                            first_bad = Some(bad.problem(&name, &mut cursor, false));
                            break;
                        }
                        Err(bad) => {
                            // Diagnostics name rows by position: the row still counts (as an
                            // event of the skipped ticket, an orphan row, or a row alone).
                            if bad.ticket_id.is_empty() {
                                assembler.add_unreadable_event();
                            } else {
                                assembler.skip_ticket(&bad.ticket_id);
                                assembler.add_event(&EventRow {
                                    ticket_id: bad.ticket_id.clone(),
                                    ..EventRow::default()
                                });
                            }
                            problems.push(bad.problem(&name, &mut cursor, true));
                        }
                    }
                }
            }),
        };
        bar.finish_and_clear();
        if let Some(p) = first_bad {
            return Err(problems_failure(&[p]));
        }
        if let Err(e) = result {
            let pos = FilePos::of_json_error(&text, &e);
            let p = Problem {
                file: name,
                line: pos.map(|p| u64::from(p.line)),
                column: pos.map(|p| u64::from(p.column)),
                code: "invalid_table".into(),
                message: hotline_score::json_reason(&e),
                ..Default::default()
            };
            if strict {
                return Err(problems_failure(&[p]));
            }
            problems.push(p);
        }
        return Ok(Source::Json {
            path: path.to_owned(),
            text,
        });
    }
    let (mut reader, header, bar, file_len) = open_table(path, table, encoding, progress, ignored)?;
    let id_column = header.iter().position(|h| h == "ticket_id").unwrap_or(0);
    let columns = event_columns(&header);
    let mut row = EventRow::default();
    let mut spare: [Option<String>; 10] = Default::default();
    let mut lines = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut records: u64 = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                records += 1;
                if records == SAMPLE_RECORDS {
                    let rows =
                        part.share(estimated_rows(file_len, reader.position().byte(), records));
                    match table {
                        Table::Tickets => assembler.reserve(rows, 0),
                        Table::Events => assembler.reserve(0, rows),
                    }
                    lines.reserve(rows);
                }
                if !part.takes(record.get(id_column).unwrap_or("").trim()) {
                    continue;
                }
                let line = record.position().map_or(0, |p| p.line());
                lines.push(u32::try_from(line).unwrap_or(u32::MAX));
                match table {
                    Table::Tickets => assembler.add_ticket(TicketRow::from_columns(
                        header
                            .iter()
                            .map(String::as_str)
                            .zip(record.iter().map(str::trim))
                            .filter(|(column, _)| !table.leaves_out(ignored, column)),
                    )),
                    Table::Events => {
                        fill_event_row(&columns, &record, &mut row, &mut spare);
                        assembler.add_event(&row);
                    }
                }
            }
            Err(e) => {
                let mut p = csv_problem(&name, &e, "invalid_table");
                if strict || !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                    bar.finish_and_clear();
                    return Err(problems_failure(&[p]));
                }
                // The row's ticket is skipped: its other rows alone would make another ticket.
                let id = record.get(id_column).unwrap_or("").trim();
                if part.takes(id) {
                    match table {
                        Table::Tickets => {
                            lines.push(u32::try_from(p.line.unwrap_or(0)).unwrap_or(u32::MAX));
                            assembler.add_unreadable_ticket(id);
                        }
                        Table::Events => assembler.skip_ticket(id),
                    }
                }
                if !id.is_empty() {
                    p.message = format!("{}; ticket {id} is skipped", p.message);
                    p.ticket_id = Some(id.to_owned());
                }
                if part.reports_rows() {
                    problems.push(p);
                }
            }
        }
    }
    bar.finish_and_clear();
    Ok(Source::Csv {
        path: path.to_owned(),
        encoding,
        header,
        lines,
    })
}

/// A JSON table's row that cannot be read (its ticket's problem in lenient mode; the failure
/// in strict mode).
#[derive(Debug)]
struct BadJsonRow {
    /// Where in the text the row goes wrong: the byte serde stopped at when the row was read
    /// as written, else (ids rewritten, columns left out) the row's start.
    offset: usize,
    /// Its `ticket_id`, when it is a string or a whole number (empty otherwise).
    ticket_id: String,
    /// Why it cannot be read.
    error: serde_json::Error,
}

impl BadJsonRow {
    /// The problem, placed at [`BadJsonRow::offset`] by `cursor` over the table's text
    /// (`skipped`: saying its ticket is).
    fn problem(&self, file: &str, cursor: &mut LineCursor<'_>, skipped: bool) -> Problem {
        let (line, column) = cursor.line_col(self.offset);
        let mut message = hotline_score::json_reason(&self.error);
        // serde's "unknown field `handler`, expected one of …" (an events row's extra key).
        let unknown = message
            .strip_prefix("unknown field `")
            .and_then(|rest| rest.split_once('`'))
            .map(|(column, _)| leave_out_hint(column));
        if let Some(hint) = unknown {
            message.push_str(&hint);
        }
        if skipped {
            if self.ticket_id.is_empty() {
                message.push_str("; its ticket cannot be told: this row alone is skipped");
            } else {
                message = format!("{message}; ticket {} is skipped", self.ticket_id);
            }
        }
        Problem {
            file: file.to_owned(),
            line: Some(line),
            column: Some(column),
            code: "invalid_table".into(),
            message,
            ticket_id: Some(self.ticket_id.clone()).filter(|t| !t.is_empty()),
            ..Default::default()
        }
    }
}

/// The rows of a JSON table (an array of row objects) of `table`. Read at once when they can
/// be; else (and when columns are `ignored`) row by row, without the `ignored` keys and with
/// whole-number ids as their digits ([`rows_ids_as_text`]), a row that still does not read
/// being its ticket's problem (a failure in strict mode), placed where serde stopped in it.
/// The text must be JSON.
fn json_rows<T: serde::de::DeserializeOwned>(
    text: &str,
    table: Table,
    ignored: &[String],
) -> serde_json::Result<Vec<Result<T, BadJsonRow>>> {
    if ignored.is_empty()
        && let Ok(rows) = serde_json::from_str::<Vec<T>>(text)
    {
        return Ok(rows.into_iter().map(Ok).collect());
    }
    let ids: &[&str] = match table {
        Table::Tickets => &TicketRow::ID_COLUMNS,
        Table::Events => &EventRow::ID_COLUMNS,
    };
    // Each row's own text, borrowed from `text`: its errors placed in the file.
    let rows: Vec<&RawValue> = serde_json::from_str(text)?;
    Ok(rows
        .into_iter()
        .map(|raw| {
            let row = raw.get();
            let start = row.as_ptr().addr().saturating_sub(text.as_ptr().addr());
            let as_written = || serde_json::from_str::<T>(row);
            if ignored.is_empty()
                && let Ok(r) = as_written()
            {
                return Ok(r);
            }
            let mut value: serde_json::Value =
                serde_json::from_str(row).map_err(|error| BadJsonRow {
                    // A value no `Value` holds (`1e400`): the row's ticket is still told.
                    offset: start.saturating_add(offset_in(row, &error)),
                    ticket_id: ticket_of(row),
                    error,
                })?;
            let mut rewritten = false;
            if let Some(columns) = value.as_object_mut() {
                let before = columns.len();
                columns.retain(|column, _| !table.leaves_out(ignored, column));
                rewritten = columns.len() != before;
            }
            rewritten |= rows_ids_as_text(&mut value, ids);
            let ticket_id = value
                .get("ticket_id")
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_owned();
            T::deserialize(value).map_err(|error| match as_written() {
                Err(exact) if !rewritten => BadJsonRow {
                    offset: start.saturating_add(offset_in(row, &exact)),
                    ticket_id,
                    error: exact,
                },
                _ => BadJsonRow {
                    offset: start,
                    ticket_id,
                    error,
                },
            })
        })
        .collect())
}

/// The `ticket_id` of a row's text (a string or a whole number), its other keys skipped
/// unread; empty when it has none.
fn ticket_of(row: &str) -> String {
    #[derive(serde::Deserialize)]
    struct Ticket {
        ticket_id: Option<serde_json::Value>,
    }
    serde_json::from_str::<Ticket>(row)
        .ok()
        .and_then(|t| t.ticket_id)
        .and_then(|id| id_text(&id))
        .unwrap_or_default()
}

/// The byte of `text` at which serde stopped with `error` (its line and byte column): the
/// last character of a value it read, a key's closing quote, or, for an object or array it only
/// looked at (a wrong type), that value's opening bracket (serde stops before it, on the `:`,
/// `,` or space, which are skipped).
fn offset_in(text: &str, error: &serde_json::Error) -> usize {
    let at = hotline_score::json_error_offset(text, error);
    let between = |b: &u8| b.is_ascii_whitespace() || matches!(b, b':' | b',');
    let rest = text.as_bytes().get(at..).unwrap_or_default();
    match rest.iter().position(|b| !between(b)) {
        Some(skip) => at.saturating_add(skip),
        None => at,
    }
}

/// Records read before a CSV table's size is estimated, to make room for the rest at once.
const SAMPLE_RECORDS: u64 = 4096;

/// The records of a `file_len`-byte file of which the first `bytes` held `records`, with 5 %
/// to spare (a hint for reservations: too many costs address space only, too few one regrowth).
fn estimated_rows(file_len: u64, bytes: u64, records: u64) -> usize {
    let rows = u128::from(file_len) * u128::from(records) / u128::from(bytes.max(1));
    usize::try_from(rows + rows / 20).unwrap_or(usize::MAX)
}

/// A CSV file's text read through a progress bar (which counts the file's bytes).
type CsvReader = csv::Reader<CsvText<TextReader<ProgressBarIter<File>>>>;

/// A CSV reader over `path`'s text in `encoding`, with a progress bar labelled `label` over
/// the file's bytes, and the file's length. Every cell is trimmed, as the header is: a cell of
/// spaces is empty (absent), and ` water-supply ` is the unit `water-supply` (a file typed by
/// hand with `, ` between cells failed every dispatch: a CLI audit). `trim` says who does it:
/// the reader (`Trim::All`, which builds a new record per row: for the small units table), or
/// the caller, as it reads each cell (`Trim::Headers`: the tickets and events tables).
pub(super) fn open_csv(
    path: &Path,
    encoding: Encoding,
    progress: Progress,
    label: &str,
    trim: csv::Trim,
) -> CliResult<(CsvReader, ProgressBar, u64)> {
    let file = open_file(path)?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = progress.bytes(label, len);
    let reader = csv::ReaderBuilder::new()
        .buffer_capacity(1 << 20)
        .trim(trim)
        .from_reader(encoding.csv_text(bar.wrap_read(file)));
    Ok((reader, bar, len))
}

/// A data table's CSV reader (see [`open_csv`]), with its checked header and the file's length.
fn open_table(
    path: &Path,
    table: Table,
    encoding: Encoding,
    progress: Progress,
    ignored: &[String],
) -> CliResult<(CsvReader, Vec<String>, ProgressBar, u64)> {
    let name = path.display().to_string();
    let (mut reader, bar, len) =
        open_csv(path, encoding, progress, table.label(), csv::Trim::Headers)?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| problems_failure(&[csv_problem(&name, &e, "invalid_table")]))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let left_out = |h: &str| table.leaves_out(ignored, h);
    let header_problems = check_header(&name, &table.columns(), &header, &left_out);
    if !header_problems.is_empty() {
        bar.finish_and_clear();
        return Err(problems_failure(&header_problems));
    }
    Ok((reader, header, bar, len))
}

/// The columns of a CSV table, as its header is checked.
#[derive(Debug)]
pub(super) struct Columns {
    /// What the table is called in messages.
    pub table: &'static str,
    /// Columns it must have.
    pub required: &'static [&'static str],
    /// Every column it may have (`None`: any, the tickets table's attributes).
    pub known: Option<&'static [&'static str]>,
}

/// What an unknown column's message adds: how to leave it out (the name quoted for a shell
/// when it needs to be).
fn leave_out_hint(column: &str) -> String {
    let plain = !column.is_empty()
        && column
            .chars()
            .all(|c| !c.is_whitespace() && !"'\"\\$`!*?[]{}()<>|&;#~=%".contains(c));
    let name = if plain {
        column.to_owned()
    } else {
        format!("'{}'", column.replace('\'', r"'\''"))
    };
    format!(" (or leave it out: --ignore-column {name})")
}

/// Header problems: unknown columns (events and units tables), repeated and missing columns,
/// of the columns not `left_out`.
pub(super) fn check_header(
    file: &str,
    columns: &Columns,
    header: &[String],
    left_out: &dyn Fn(&str) -> bool,
) -> Vec<Problem> {
    let Columns {
        table,
        required,
        known,
    } = columns;
    let mut out = Vec::new();
    let line = header.join(",");
    for (i, h) in header.iter().enumerate() {
        if left_out(h) {
            continue;
        }
        let unknown = known.filter(|k| !k.contains(&h.as_str()));
        if let Some(known) = unknown {
            // The tickets and events tables can leave a column out; the units table cannot.
            let leave_out = if *table == "units" {
                String::new()
            } else {
                leave_out_hint(h)
            };
            out.push(Problem {
                file: file.to_owned(),
                line: Some(1),
                column: super::locate::csv_field_column(&line, i),
                code: "unknown_column".into(),
                message: format!(
                    "unknown {table} column `{h}`; the columns are: {}{leave_out}",
                    known.join(", ")
                ),
                ..Default::default()
            });
        }
        // The tickets table takes any other column as an attribute: an optional column
        // written another way (`Channel`) is named here, once, not once per ticket (a CLI
        // audit: 1,485 `misnamed_column` lines, and `--lenient` skipped every ticket).
        let misnamed = TicketRow::resembled(h).filter(|c| known.is_none() && !required.contains(c));
        if let Some(column) = misnamed {
            out.push(Problem {
                file: file.to_owned(),
                line: Some(1),
                column: super::locate::csv_field_column(&line, i),
                code: "misnamed_column".into(),
                message: format!(
                    "field `{h}`: {}",
                    TicketErrorKind::MisnamedColumn { column }
                ),
                ..Default::default()
            });
        }
        if header.iter().take(i).any(|x| x == h) {
            out.push(Problem {
                file: file.to_owned(),
                line: Some(1),
                column: super::locate::csv_field_column(&line, i),
                code: "duplicate_column".into(),
                message: format!("column `{h}` appears twice"),
                ..Default::default()
            });
        }
    }
    for r in *required {
        if !header.iter().any(|h| h == r) {
            // A spreadsheet's `Received At` for `received_at`: named, and placed at its cell.
            let like = header.iter().position(|h| resembles(h, r));
            let message = match like.and_then(|i| header.get(i)) {
                Some(h) => {
                    format!("the header has no `{r}` column (`{h}` looks like it: rename it)")
                }
                None => format!("the header has no `{r}` column"),
            };
            out.push(Problem {
                file: file.to_owned(),
                line: Some(1),
                column: like.and_then(|i| super::locate::csv_field_column(&line, i)),
                code: "missing_column".into(),
                message,
                ..Default::default()
            });
        }
    }
    out
}

/// For each events column, its position in `header`.
fn event_columns(header: &[String]) -> [Option<usize>; 13] {
    let mut out = [None; 13];
    for (slot, name) in out.iter_mut().zip(EventRow::COLUMNS) {
        *slot = header.iter().position(|h| h == name);
    }
    out
}

/// Fills `row` from a record, reusing its strings' buffers (no allocation per row once they
/// have grown); `spare` keeps the buffers of cells that are empty in this row.
fn fill_event_row(
    columns: &[Option<usize>; 13],
    record: &csv::StringRecord,
    row: &mut EventRow,
    spare: &mut [Option<String>; 10],
) {
    let cell = |i: usize| -> &str {
        columns
            .get(i)
            .copied()
            .flatten()
            .and_then(|c| record.get(c))
            .unwrap_or("")
            .trim()
    };
    for (i, slot) in [&mut row.ticket_id, &mut row.at, &mut row.event_type]
        .into_iter()
        .enumerate()
    {
        slot.clear();
        slot.push_str(cell(i));
    }
    let optional = [
        &mut row.unit,
        &mut row.role,
        &mut row.reason,
        &mut row.accepted,
        &mut row.approved,
        &mut row.amount,
        &mut row.passed,
        &mut row.satisfaction,
        &mut row.resolved,
        &mut row.event_id,
    ];
    for (k, (slot, spare)) in optional.into_iter().zip(spare.iter_mut()).enumerate() {
        let text = cell(k + 3);
        if text.is_empty() {
            if let Some(s) = slot.take() {
                *spare = Some(s);
            }
        } else {
            let mut s = slot.take().or_else(|| spare.take()).unwrap_or_default();
            s.clear();
            s.push_str(text);
            *slot = Some(s);
        }
    }
}
