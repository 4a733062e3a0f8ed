//! `check`: validates scheme, policy, calendar and data files and lists every problem with its
//! place (`file:line:column: message [code]`). Exit code 1 when there is any.
//!
//! What a file is comes from `--as`, else from its content: a TOML/JSON object with
//! `indicators`/`groups` is a scheme, with `rules` a policy, with `notices`/`days` calendar
//! data; a CSV header or JSON array of rows with `type` and `at` is an events table, with
//! `received_at` (or whole tickets) a tickets table, with `group` a units table, with `metric`
//! external metrics (or, with `amount` / `reason` / `approver`, manual adjustments). Data tables
//! are checked together (events against their tickets, units against both; external metrics
//! and adjustments against the units table and the scheme).

use std::io::Write;
use std::path::{Path, PathBuf};

use hotline_score::calendar::{CalendarBuilder, CalendarData};
use hotline_score::clocks::Evaluator;
use hotline_score::config_file::ConfigKind;
use hotline_score::instant::CHINA_OFFSET;
use hotline_score::scheme::{Format, Scheme};
use hotline_score::ticket::{Mode, Ticket, resembles};
use hotline_score::{Calendar, Error, Policy, Unit};

use crate::fail::{CliResult, Failure};
use crate::input::data::{DataFiles, load, problems_failure, read_units};
use crate::input::encoding::Encoding;
use crate::input::external::ExternalInputs;
use crate::input::locate::Problem;
use crate::input::place::{group_problems, policy_group_problems};
use crate::input::{
    CalendarOptions, cannot_read, is_json, load_policy, load_scheme, positioned, read_config,
    scheme_failure,
};
use crate::progress::Progress;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FileKind {
    /// A scoring scheme (TOML/JSON).
    Scheme,
    /// A time-limit policy (TOML/JSON).
    Policy,
    /// Calendar data (TOML/JSON).
    Calendar,
    /// A tickets table (CSV/JSON), or JSON tickets with their events.
    Tickets,
    /// An events table (CSV/JSON).
    Events,
    /// A units table (CSV/JSON).
    Units,
    /// External metrics (CSV/JSON rows: unit, metric, value[, period]), as `score --external`.
    External,
    /// Manual adjustments (CSV/JSON rows: unit, metric, amount, reason, approver[, period]),
    /// as `score --adjustments`.
    Adjustments,
}

/// Options of `check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The files to check.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// What the files are (default: recognised from their content).
    #[arg(long = "as", value_enum)]
    pub kind: Option<FileKind>,
    /// Text encoding of the CSV files: `gb18030` (or `gbk`) for tables saved as "CSV" by Excel
    /// on Chinese-language Windows. JSON files are always UTF-8.
    #[arg(long, value_enum, value_name = "ENCODING", default_value_t)]
    pub encoding: Encoding,
    /// Read timestamps written without an offset (`2026-03-02 09:30:00`) as local time in
    /// +08:00.
    #[arg(long)]
    pub local_times: bool,
    /// A column of the tickets or events table to leave out (repeatable), as `score` takes it.
    #[arg(long = "ignore-column", value_name = "NAME")]
    pub ignore_columns: Vec<String>,
    /// Time-limit policy the tickets' deadline clocks run under: built in or a TOML/JSON file
    /// (default: the one policy file checked alongside, else henan, as `score`).
    #[arg(long)]
    pub policy: Option<String>,
    /// The calendar the deadline clocks run on (calendar data files checked alongside are
    /// layered after `--calendar-data`).
    #[command(flatten)]
    pub calendar: CalendarOptions,
}

/// Runs `check`.
pub fn run(args: &CheckArgs) -> CliResult<()> {
    let mut failures: Vec<String> = Vec::new();
    let mut ok: Vec<String> = Vec::new();
    let mut warnings: Vec<String> = Vec::new();
    let (mut tickets, mut events, mut units) = (None, None, None);
    let (mut external, mut adjustments) = (None, None);
    // Schemes that loaded: the units table's groups are checked against them.
    let mut schemes: Vec<&Path> = Vec::new();
    let mut given = Given {
        policy_files: 0,
        policies: Vec::new(),
        calendar_files: 0,
        calendars: Vec::new(),
    };
    for path in &args.files {
        let kind = match args.kind {
            Some(k) => k,
            None => detect(path, args.encoding)?,
        };
        let name = path.display().to_string();
        let result = match kind {
            FileKind::Scheme => check_scheme(path, &mut warnings),
            FileKind::Policy => {
                given.policy_files += 1;
                check_policy(path)
            }
            FileKind::Calendar => {
                given.calendar_files += 1;
                check_calendar(path)
            }
            FileKind::Tickets
            | FileKind::Events
            | FileKind::Units
            | FileKind::External
            | FileKind::Adjustments => {
                let slot = match kind {
                    FileKind::Tickets => &mut tickets,
                    FileKind::Events => &mut events,
                    FileKind::External => &mut external,
                    FileKind::Adjustments => &mut adjustments,
                    _ => &mut units,
                };
                if slot.replace(path.clone()).is_some() {
                    return Err(Failure::usage(format!(
                        "two {} tables given: check one data set at a time",
                        format!("{kind:?}").to_lowercase()
                    )));
                }
                continue;
            }
        };
        match result {
            Ok(what) => {
                match kind {
                    FileKind::Scheme => schemes.push(path),
                    FileKind::Policy => given.policies.push(path),
                    FileKind::Calendar => given.calendars.push(path),
                    _ => {}
                }
                ok.push(format!("{name}: ok ({what})"));
            }
            Err(Failure::Data(m)) => failures.push(m),
            Err(other) => return Err(other),
        }
    }
    // The groups the units table names must be the schemes' (as `score` requires), and the
    // groups the policies' rules name must be some unit's; a table that cannot be read is
    // reported by the data check below.
    if let Some(path) = units
        .as_ref()
        .filter(|_| !schemes.is_empty() || !given.policies.is_empty())
    {
        let mut unreadable = Vec::new();
        let list = read_units(path, args.encoding, &mut unreadable)?;
        if unreadable.is_empty() {
            let mut problems = Vec::new();
            for scheme in &schemes {
                let scheme = load_scheme(&scheme.display().to_string())?;
                problems.extend(group_problems(path, &list, &scheme));
            }
            for policy in &given.policies {
                let name = policy.display().to_string();
                problems.extend(policy_group_problems(&name, &list, &load_policy(&name)?));
            }
            if !problems.is_empty() {
                failures.push(problems_failure(&problems).to_string());
            }
        }
    }
    // External metrics and adjustments: against the units table and the one scheme checked
    // alongside, when given (as `score` reads them).
    if external.is_some() || adjustments.is_some() {
        let mut unreadable = Vec::new();
        let list = match &units {
            Some(path) => Some(read_units(path, args.encoding, &mut unreadable)?),
            None => None,
        };
        let scheme = match schemes.as_slice() {
            [one] => Some(load_scheme(&one.display().to_string())?),
            _ => None,
        };
        let checked = ExternalInputs::check(
            external.as_deref(),
            adjustments.as_deref(),
            args.encoding,
            list.as_deref().filter(|_| unreadable.is_empty()),
            scheme.as_ref(),
        );
        match checked {
            Ok(read) => {
                let files: Vec<String> = [&external, &adjustments]
                    .into_iter()
                    .flatten()
                    .map(|p| p.display().to_string())
                    .collect();
                ok.push(format!("{}: ok ({} rows)", files.join(", "), read.len()));
            }
            Err(Failure::Data(m)) => failures.push(m),
            Err(other) => return Err(other),
        }
    }
    if tickets.is_some() || events.is_some() || units.is_some() {
        let clocks = || clocks(args, &given);
        match check_data(tickets, events, units, args, clocks) {
            Ok((what, problems)) if problems.is_empty() => ok.push(what),
            Ok((_, problems)) => failures.push(problems),
            Err(Failure::Data(m)) => failures.push(m),
            Err(other) => return Err(other),
        }
    }
    // A file with a problem is not also "ok" (a units table valid alone whose groups the
    // scheme checked alongside lacks).
    ok.retain(|line| {
        let file = line.split(": ok (").next().unwrap_or_default();
        let prefix = format!("{file}:");
        !failures
            .iter()
            .any(|f| f.lines().any(|l| l.starts_with(&prefix)))
    });
    let mut out = std::io::stdout().lock();
    for line in ok.iter().chain(&warnings) {
        writeln!(out, "{line}")?;
    }
    for f in &failures {
        writeln!(out, "{f}")?;
    }
    // One problem per line, each starting with its file's name.
    let count: usize = failures.iter().map(|f| f.lines().count()).sum();
    let in_files = args
        .files
        .iter()
        .filter(|path| {
            let prefix = format!("{}:", path.display());
            failures
                .iter()
                .any(|f| f.lines().any(|l| l.starts_with(&prefix)))
        })
        .count()
        .max(1);
    if failures.is_empty() {
        Ok(())
    } else {
        out.flush()?;
        let _ = writeln!(
            std::io::stderr(),
            "{count} problem(s) in {in_files} file(s)"
        );
        Err(Failure::Reported)
    }
}

/// A scheme's problems (a failure), or what it holds; its suspicious values (fractions where
/// percents are read) go to `warnings`, one line each, and do not fail the check.
fn check_scheme(path: &Path, warnings: &mut Vec<String>) -> CliResult<String> {
    let name = path.display().to_string();
    let describe = |s: &Scheme| {
        format!(
            "scheme `{}`: {} groups, {} indicators",
            s.name(),
            s.groups().len(),
            s.indicators().len()
        )
    };
    if !path.exists() {
        // A preset's name, as a built-in policy's is accepted (`--as scheme sanmenxia`).
        return load_scheme(&name).map(|s| describe(&s));
    }
    let text = read_config(path, ConfigKind::Scheme)?;
    let format = if is_json(path) {
        Format::Json
    } else {
        Format::Toml
    };
    let scheme = Scheme::load(&text, format).map_err(|e| scheme_failure(&name, &e))?;
    warnings.extend(scheme.suspicious_values().iter().map(|p| {
        format!(
            "{name}:{}:{}: warning: {}: {} [{}]",
            p.line, p.column, p.key, p.message, p.code
        )
    }));
    Ok(describe(&scheme))
}

/// Every problem of a policy file; a built-in policy name is accepted too.
fn check_policy(path: &Path) -> CliResult<String> {
    let name = path.display().to_string();
    if !path.exists() {
        return load_policy(&name).map(|p| format!("policy `{}`", p.name));
    }
    let text = read_config(path, ConfigKind::Policy)?;
    let (problems, policy) = if is_json(path) {
        (Policy::check_json_str(&text), Policy::from_json_str(&text))
    } else {
        (Policy::check_toml_str(&text), Policy::from_toml_str(&text))
    };
    every_problem(&name, &problems)?;
    let policy = policy.map_err(|e| Failure::data(positioned(&name, &e)))?;
    Ok(format!("policy `{}`", policy.name))
}

/// Every problem of a calendar data file, then its consistency with the built-in data.
fn check_calendar(path: &Path) -> CliResult<String> {
    let name = path.display().to_string();
    let text = read_config(path, ConfigKind::CalendarData)?;
    let (problems, data) = if is_json(path) {
        (
            CalendarData::check_json(&text),
            CalendarData::from_json(&text),
        )
    } else {
        (
            CalendarData::check_toml(&text),
            CalendarData::from_toml(&text),
        )
    };
    every_problem(&name, &problems)?;
    let data = data.map_err(|e| Failure::data(positioned(&name, &e)))?;
    let notices = data.notices.len();
    let days = data.days.len();
    CalendarBuilder::new()
        .prc_data()
        .data(data)
        .build()
        .map_err(|e| Failure::in_file(&name, &e))?;
    Ok(format!(
        "calendar data: {notices} notice(s), {days} date rule(s), consistent with the built-in data"
    ))
}

/// A data failure listing `problems` one per line (`file:line:column: …`), if there are any.
fn every_problem(file: &str, problems: &[Error]) -> CliResult<()> {
    if problems.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = problems.iter().map(|e| positioned(file, e)).collect();
    Err(Failure::data(lines.join("\n")))
}

/// The calendar and policy the deadline clocks of a checked data set run on: `--policy`, else
/// the one policy file checked (else henan); `--calendar-data`, then the calendar files checked.
/// `None`, with the reason, when they cannot be told: a policy or calendar file given that did
/// not load (its problems are reported), or several policy files without `--policy`.
fn clocks(args: &CheckArgs, given: &Given<'_>) -> CliResult<Result<(Calendar, Policy), String>> {
    if given.calendar_files != given.calendars.len() {
        return Ok(Err("a calendar file given has problems".to_owned()));
    }
    let policy = match (&args.policy, given.policies.as_slice()) {
        (Some(name), _) => load_policy(name)?,
        (None, _) if given.policy_files != given.policies.len() => {
            return Ok(Err("a policy file given has problems".to_owned()));
        }
        (None, [one]) => load_policy(&one.display().to_string())?,
        (None, []) => load_policy("henan")?,
        (None, _) => {
            return Ok(Err(
                "several policy files given: name the one with --policy".to_owned(),
            ));
        }
    };
    let mut options = args.calendar.clone();
    options
        .data
        .extend(given.calendars.iter().map(|p| p.to_path_buf()));
    Ok(Ok((options.build()?, policy)))
}

/// The policy and calendar files `check` was given, and those of them that loaded.
struct Given<'a> {
    policy_files: usize,
    policies: Vec<&'a Path>,
    calendar_files: usize,
    calendars: Vec<&'a Path>,
}

/// Every ticket whose deadline clocks cannot run (`clock_failed`: a deadline past the
/// calendar's data …), each a problem of `file`: what `score` stops at, found for every ticket.
/// The clocks run to the data's last instant, each ticket on its units' groups' limits (units
/// absent from `units` in no group). The second item is the hint for a date the calendar lacks.
fn clock_problems(
    file: &Path,
    tickets: &[Ticket],
    units: &[Unit],
    (calendar, policy): (Calendar, Policy),
    options: &CalendarOptions,
) -> (Vec<Problem>, Option<String>) {
    let ev = Evaluator::new(&calendar, policy, units);
    let Some(as_of) = tickets
        .iter()
        .flat_map(|t| t.events.iter().map(|e| e.at).chain([t.received_at]))
        .max()
    else {
        return (Vec::new(), None);
    };
    let mut problems = Vec::new();
    let mut before_start = None;
    for ticket in tickets {
        let Err(e) = ev.evaluate(ticket, as_of) else {
            continue;
        };
        if let Some(date) = e.beyond_coverage() {
            *before_start.get_or_insert(false) |= date < calendar.first_date();
        }
        let event_index = match &e {
            Error::ClockFailed { event_index, .. } => Some(*event_index),
            _ => None,
        };
        problems.push(Problem {
            file: file.display().to_string(),
            code: e.code().to_owned(),
            message: e.to_string(),
            ticket_id: Some(ticket.id.clone()),
            event_index,
            ..Problem::default()
        });
    }
    let hint = before_start.map(|before| options.coverage_hint(&calendar, before));
    (problems, hint)
}

/// Checks one data set (lenient: every bad ticket and row is a problem), then the deadline
/// clocks of its valid tickets on `clocks`' calendar and policy.
fn check_data(
    tickets: Option<PathBuf>,
    events: Option<PathBuf>,
    units: Option<PathBuf>,
    args: &CheckArgs,
    clocks: impl FnOnce() -> CliResult<Result<(Calendar, Policy), String>>,
) -> CliResult<(String, String)> {
    let encoding = args.encoding;
    let Some(tickets) = tickets else {
        if events.is_some() {
            return Err(Failure::usage(
                "events are checked against their tickets: give the tickets table too",
            ));
        }
        // A units table alone.
        let mut problems = Vec::new();
        let path = units.unwrap_or_default();
        let list = crate::input::data::read_units(&path, encoding, &mut problems)?;
        if problems.is_empty()
            && let Err(e) = hotline_score::ticket::check_units(&list)
        {
            return Ok((
                String::new(),
                Failure::in_file(&path.display().to_string(), &e).to_string(),
            ));
        }
        let text = problems_failure(&problems).to_string();
        return Ok((
            format!("{}: ok ({} units)", path.display(), list.len()),
            text,
        ));
    };
    let files = DataFiles {
        tickets: tickets.clone(),
        events,
        units,
        encoding,
        local_times: args.local_times,
        ignore_columns: args.ignore_columns.clone(),
    };
    let data = load(&files, Mode::Lenient, CHINA_OFFSET, Progress::new())?;
    let mut problems = data.problems;
    // The clocks' calendar or policy failing is one more problem: the data's are kept.
    let mut unbuilt = None;
    let mut coverage = None;
    match clocks() {
        Ok(Ok(setup)) => {
            let units = data.units.as_deref().unwrap_or_default();
            let (late, hint) =
                clock_problems(&tickets, &data.tickets, units, setup, &args.calendar);
            problems.extend(late);
            coverage = hint;
        }
        Ok(Err(why)) => eprintln!("note: the deadline clocks were not run: {why}"),
        Err(Failure::Data(m)) => unbuilt = Some(m),
        Err(other) => return Err(other),
    }
    let mut text = problems_failure(&problems).to_string();
    if let Some(m) = unbuilt {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&m);
    }
    // Advice, not a problem: on stderr, with the count.
    for hint in data.hint.map(str::to_owned).into_iter().chain(coverage) {
        eprintln!("{hint}");
    }
    Ok((
        format!(
            "{}: ok ({} tickets{})",
            tickets.display(),
            data.tickets.len(),
            data.units
                .as_ref()
                .map_or_else(String::new, |u| format!(", {} units", u.len()))
        ),
        text,
    ))
}

/// Recognises a file by its content (a CSV file by its header, read in `encoding`).
fn detect(path: &Path, encoding: Encoding) -> CliResult<FileKind> {
    let unknown = || {
        Failure::usage(format!(
            "cannot tell what {} is: say it with --as scheme|policy|calendar|tickets|events|units|external|adjustments",
            path.display()
        ))
    };
    let is_csv = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if is_csv {
        let line = encoding.first_line(path)?;
        let header: Vec<&str> = line
            .trim_end()
            .split(',')
            .map(|h| h.trim().trim_matches('"'))
            .collect();
        return columns_kind(&header).ok_or_else(unknown);
    }
    // Read leniently: a settings file that is not UTF-8 is still recognised by its keys, and
    // its reader then places the first byte that is not.
    let bytes = std::fs::read(path).map_err(|e| cannot_read(path, &e))?;
    let text = String::from_utf8_lossy(&bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if is_json(path) {
        let trimmed = text.trim_start();
        if trimmed.starts_with('[') {
            // The first element's keys.
            // Unparsable (a trailing comma): the first element's keys as written, so that the
            // table's own reader places the problem (it was taken for a tickets table, and a
            // second one refused as "two tickets tables given": a CLI audit).
            let keys: Vec<String> = match serde_json::from_str::<serde_json::Value>(text) {
                Ok(value) => value
                    .get(0)
                    .and_then(|v| v.as_object())
                    .map(|o| o.keys().cloned().collect())
                    .unwrap_or_default(),
                Err(_) => outer_json_keys(trimmed.get(1..).unwrap_or_default()),
            };
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            if keys.is_empty() {
                return Ok(FileKind::Tickets);
            }
            if keys.contains(&"events") || keys.contains(&"id") {
                return Ok(FileKind::Tickets);
            }
            return columns_kind(&keys).ok_or_else(unknown);
        }
        // Unparsable JSON: the keys as written, the loader will list the problems.
        let keys: Vec<String> = serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| v.as_object().map(|o| o.keys().cloned().collect()))
            .unwrap_or_else(|| outer_json_keys(text));
        return settings_kind(&keys).ok_or_else(unknown);
    }
    let keys: Vec<String> = text
        .parse::<toml::Table>()
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_else(|_| {
            // Unparsable TOML: guess from the text, the loader will list the problems.
            text.lines()
                .filter_map(|l| {
                    let l = l.trim().trim_start_matches('[').trim_start_matches('[');
                    l.split(['=', ']', '.']).next().map(|k| k.trim().to_owned())
                })
                .collect()
        });
    settings_kind(&keys).ok_or_else(unknown)
}

/// The table a header's columns make, its names compared as a spreadsheet may write them
/// (`Type`, `Received At`: the table's reader then names the misspelling at its cell, where an
/// events header with `Type` was taken for a units table: a CLI audit).
fn columns_kind(cols: &[&str]) -> Option<FileKind> {
    let has = |name: &str| cols.iter().any(|c| *c == name || resembles(c, name));
    let ticket_columns = has("received_at") || has("kind");
    // `metric` names an external metric: no data table has it (events have `amount`, `reason`).
    if has("metric") {
        let adjustment = has("amount") || has("reason") || has("approver");
        return Some(if adjustment {
            FileKind::Adjustments
        } else {
            FileKind::External
        });
    }
    if (has("type") && has("at")) || (has("ticket_id") && has("unit") && !ticket_columns) {
        Some(FileKind::Events)
    } else if ticket_columns {
        Some(FileKind::Tickets)
    } else if has("group") || has("unit") {
        Some(FileKind::Units)
    } else {
        None
    }
}

/// The keys of the first outermost object of JSON `text`, read leniently: a string directly
/// inside the outermost braces followed by `:`, whatever else is broken. Reading stops where
/// that object closes (a table's first row: the rows after it are not read).
fn outer_json_keys(text: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut depth = 0usize;
    let mut chars = text.char_indices();
    while let Some((start, c)) = chars.next() {
        match c {
            '{' | '[' => depth = depth.saturating_add(1),
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            '"' => {
                let mut end = text.len();
                let mut escaped = false;
                for (i, c) in chars.by_ref() {
                    match c {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        '"' => {
                            end = i;
                            break;
                        }
                        _ => {}
                    }
                }
                let after = text.get(end.saturating_add(1)..).unwrap_or_default();
                if depth == 1 && after.trim_start().starts_with(':') {
                    keys.extend(text.get(start.saturating_add(1)..end).map(str::to_owned));
                }
            }
            _ => {}
        }
    }
    keys
}

fn settings_kind(keys: &[String]) -> Option<FileKind> {
    let has = |k: &str| keys.iter().any(|x| x == k);
    if has("indicators") || has("groups") {
        Some(FileKind::Scheme)
    } else if has("rules") || has("redispatch") || has("complete_on") {
        Some(FileKind::Policy)
    } else if has("notices") || has("days") {
        Some(FileKind::Calendar)
    } else {
        None
    }
}
