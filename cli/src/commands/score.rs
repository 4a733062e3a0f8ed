//! `score`: tickets and events from files, a scheme, a policy, a period and `as_of` → a table,
//! JSON, CSV or an HTML report.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use hotline_score::scheme::Scheme;
use hotline_score::ticket::Mode;
use hotline_score::{Calendar, Unit, UnitId};

use crate::engine::{Explain, Job, run as score};
use crate::fail::{CliResult, Failure};
use crate::input::data::{DataFiles, load, problems_failure};
use crate::input::external::ExternalInputs;
use crate::input::place::{group_problems, policy_group_problems};
use crate::input::{CalendarOptions, load_policy, load_scheme, parse_instant, parse_period};
use crate::progress::Progress;
use crate::report;

/// Output formats of `score`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Aligned text tables for a terminal.
    Table,
    /// The whole result as JSON (scores, warnings, sanctions, explanations, summary, trend).
    Json,
    /// One row per unit: rank, total, grade, and each indicator's value and points.
    Csv,
    /// One self-contained HTML report.
    Html,
}

/// Options of `score`.
#[derive(Debug, clap::Args)]
pub struct ScoreArgs {
    #[command(flatten)]
    pub data: DataFiles,
    /// Scoring scheme: a preset (sanmenxia, lianyungang-2022, three-rates) or a TOML/JSON file.
    #[arg(long, default_value = "sanmenxia")]
    pub scheme: String,
    /// Time-limit policy: built in (henan, guangdong, sichuan-2025, shandong, lvliang) or a
    /// TOML/JSON file.
    #[arg(long, default_value = "henan")]
    pub policy: String,
    /// Assessment period: 2026-Q1, 2026-03, 2026 or 2026-01-01..2026-03-31 (default: the
    /// scheme's period that contains --as-of).
    #[arg(long)]
    pub period: Option<String>,
    /// Evaluation instant: 2026-03-12T09:00:00+08:00, or a date for its 00:00 (default: the end
    /// of the period, i.e. final results).
    #[arg(long, value_name = "INSTANT")]
    pub as_of: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// Write the output to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// CSV without the UTF-8 byte-order mark it starts with by default (Excel needs the mark
    /// to open UTF-8 text; programs reading the CSV may not want it).
    #[arg(long)]
    pub no_bom: bool,
    /// Skip bad tickets and rows instead of stopping at the first; every one is listed on stderr.
    #[arg(long)]
    pub lenient: bool,
    /// Explain this unit's points ticket by ticket (repeatable; its id, or its name): in the table
    /// a drill-down per unit; in JSON and HTML only these units are explained (default: every
    /// unit).
    #[arg(long = "unit", value_name = "UNIT")]
    pub explain_units: Vec<String>,
    /// External metrics (`ext.<name>` in the scheme: mystery calls, knowledge-base updates …):
    /// CSV or JSON rows (unit, metric, value[, period]). Rows without a period are the scored
    /// period's; with one (`2026-Q1`), that period's (earlier periods of --history)
    #[arg(long, value_name = "FILE")]
    pub external: Option<PathBuf>,
    /// Manual adjustments (人工加减分): CSV or JSON rows (unit, metric, amount, reason,
    /// approver[, period]), each amount added to the unit's external metric and listed with
    /// its reason and approver
    #[arg(long, value_name = "FILE")]
    pub adjustments: Option<PathBuf>,
    /// Earlier periods to score from the same data for the sanctions ladder.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=24))]
    pub history: u32,
    #[command(flatten)]
    pub calendar: CalendarOptions,
}

/// [`CalendarOptions::coverage_hint`] after a failure on a date outside the calendar's data.
fn coverage_hint(failure: Failure, options: &CalendarOptions, calendar: &Calendar) -> Failure {
    match failure {
        Failure::Data(m) if m.contains("outside the calendar's coverage") => {
            // The core's message names the date: "date 2015-03-02 is outside …" (ISO dates
            // compare as text).
            let first = calendar.first_date().to_string();
            let before_start = m
                .split("date ")
                .filter_map(|rest| rest.get(..10))
                .filter(|d| d.bytes().filter(u8::is_ascii_digit).count() == 8)
                .any(|d| d < first.as_str());
            let hint = options.coverage_hint(calendar, before_start);
            Failure::Data(format!("{m}\n{hint}"))
        }
        other => other,
    }
}

/// Runs `score`.
pub fn run(args: &ScoreArgs, progress: Progress) -> CliResult<()> {
    let scheme = load_scheme(&args.scheme)?;
    let policy = load_policy(&args.policy)?;
    let calendar = args.calendar.build()?;
    let (period, as_of) = match (&args.period, &args.as_of) {
        (Some(p), Some(a)) => (parse_period(p)?, parse_instant(a)?),
        (Some(p), None) => {
            let p = parse_period(p)?;
            let end = p.end;
            (p, end)
        }
        (None, Some(a)) => {
            let a = parse_instant(a)?;
            (scheme.period_at(a)?, a)
        }
        (None, None) => {
            return Err(Failure::usage(
                "give the period (--period 2026-Q1) or the evaluation instant (--as-of 2026-03-12), or both",
            ));
        }
    };
    if args.format == OutputFormat::Csv && !args.explain_units.is_empty() {
        return Err(Failure::usage(
            "--unit explains units in the table, JSON and HTML reports; CSV has one row per unit",
        ));
    }
    let mode = if args.lenient {
        Mode::Lenient
    } else {
        Mode::Strict
    };
    let data = load(&args.data, mode, calendar.offset(), progress)?;
    if !data.problems.is_empty() {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(
            err,
            "{} problem(s) in the data; the tickets concerned were skipped:",
            data.problems.len()
        );
        for p in &data.problems {
            let _ = writeln!(err, "  {p}");
        }
        if let Some(hint) = data.hint {
            let _ = writeln!(err, "{hint}");
        }
    }
    let units = match data.units {
        Some(u) => {
            let path = args.data.units.as_deref().unwrap_or(Path::new(""));
            let mut problems = group_problems(path, &u, &scheme);
            problems.extend(policy_group_problems(&args.policy, &u, &policy));
            if !problems.is_empty() {
                return Err(problems_failure(&problems));
            }
            u
        }
        None => units_from_tickets(&scheme, &data.tickets)?,
    };
    let external = ExternalInputs::read(
        args.external.as_deref(),
        args.adjustments.as_deref(),
        args.data.encoding,
        &units,
        &scheme,
        &period,
    )?;
    let asked = args
        .explain_units
        .iter()
        .map(|u| unit_named(&units, u))
        .collect::<CliResult<Vec<UnitId>>>()?;
    let html_or_json = matches!(args.format, OutputFormat::Json | OutputFormat::Html);
    let explain = if !asked.is_empty() {
        Explain::Only(asked)
    } else if html_or_json {
        Explain::Everyone
    } else {
        Explain::Nobody
    };
    let title = args
        .data
        .tickets
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let job = Job {
        title: format!("{title} ({} tickets)", data.tickets.len()),
        scheme: &scheme,
        policy: (policy.name.clone(), policy),
        calendar: &calendar,
        units: &units,
        tickets: &data.tickets,
        period,
        as_of,
        history: args.history as usize,
        explain,
        trend: html_or_json,
        external: &external,
        problems: data.problems,
    };
    let report = score(job, progress).map_err(|f| coverage_hint(f, &args.calendar, &calendar))?;
    if let Some(note) = empty_period_note(&report, &scheme, &data.tickets, calendar.offset()) {
        let _ = writeln!(std::io::stderr().lock(), "{note}");
    }
    let text = match args.format {
        OutputFormat::Table => report::text::render(&report),
        OutputFormat::Json => {
            let mut s = serde_json::to_string_pretty(&report)
                .map_err(|e| Failure::data(format!("cannot write JSON: {e}")))?;
            s.push('\n');
            s
        }
        OutputFormat::Csv => {
            let text = report::csv::render(&report)?;
            if args.no_bom {
                text
            } else {
                format!("\u{feff}{text}")
            }
        }
        OutputFormat::Html => report::html::render(&report),
    };
    super::emit(args.output.as_deref(), &text)?;
    // A million tickets are tens of millions of small allocations: the process is about to
    // exit, which returns the memory at once; freeing them one by one would only cost time.
    std::mem::forget(data.tickets);
    Ok(())
}

/// A warning when no ticket of the data counts in the period scored (every unit without
/// activity, every counter zero: each is scored by its no-data rules, tied, which reads like a
/// real result): the usual causes are a period or `--as-of` that misses the data (the instant a
/// final report prints, the midnight after the quarter, is already the next quarter), an
/// `--as-of` at or before the period's start (nothing has happened yet) and a lenient run that
/// skipped every ticket.
fn empty_period_note(
    report: &report::model::Report,
    scheme: &Scheme,
    tickets: &[hotline_score::ticket::Ticket],
    offset: time::UtcOffset,
) -> Option<String> {
    if report.scores.units.iter().any(|c| !report.is_idle(&c.unit)) {
        return None;
    }
    let p = &report.period;
    let mut what = format!(
        "warning: no ticket counts in period {} ({} to {}), so every unit is scored by its \
         no-data rules",
        p.label,
        p.start.format(offset),
        p.end.format(offset)
    );
    let early = report.as_of <= p.start;
    if early {
        let _ = write!(
            what,
            "; --as-of {} is {} the period's start: nothing has happened in it yet",
            report.as_of.format(offset),
            if report.as_of == p.start {
                "at"
            } else {
                "before"
            }
        );
    }
    let received = tickets.iter().map(|t| t.received_at);
    Some(match (received.clone().min(), received.max()) {
        (Some(first), Some(last)) => {
            let latest = scheme.period_at(last).ok();
            let advice = match latest {
                // Naming the period already scored would send the reader round in a circle.
                Some(l) if early && (l.start, l.end) == (p.start, p.end) => {
                    "give an --as-of inside the period, or --period \
                                                alone for its final results"
                        .to_owned()
                }
                l => format!(
                    "choose the period with --period{} or an --as-of inside it",
                    l.map(|l| format!(" (the latest tickets' is --period {})", l.label))
                        .unwrap_or_default()
                ),
            };
            format!(
                "{what}; the data's tickets were received from {} to {}: {advice}",
                first.format(offset),
                last.format(offset)
            )
        }
        _ => format!("{what}; no ticket was loaded"),
    })
}

/// The unit `--unit` names: by id, or else by display name when one unit has it.
fn unit_named(units: &[Unit], asked: &str) -> CliResult<UnitId> {
    if let Some(u) = units.iter().find(|u| u.id.as_str() == asked) {
        return Ok(u.id.clone());
    }
    let named: Vec<&Unit> = units.iter().filter(|u| u.name == asked).collect();
    match named.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => Err(Failure::usage(format!(
            "--unit {asked}: no scored unit has this id or name (the units are those of --units FILE, or without it the units the events name)"
        ))),
        many => Err(Failure::usage(format!(
            "--unit {asked}: {} units have this name; give one of their ids: {}",
            many.len(),
            many.iter()
                .map(|u| u.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// Without a units table, a scheme with a single group ranks every unit the tickets mention.
fn units_from_tickets(
    scheme: &Scheme,
    tickets: &[hotline_score::ticket::Ticket],
) -> CliResult<Vec<Unit>> {
    let groups = scheme.groups();
    let [group] = groups else {
        let ids: Vec<&str> = groups.iter().map(|g| g.id.as_str()).collect();
        return Err(Failure::usage(format!(
            "the scheme ranks {} groups ({}): give --units FILE with the columns unit, group, name",
            ids.len(),
            ids.join(", ")
        )));
    };
    let ids: BTreeSet<&str> = tickets
        .iter()
        .flat_map(|t| t.events.iter().filter_map(|e| e.body.unit()))
        .map(|u| u.as_str())
        .collect();
    Ok(ids
        .into_iter()
        .map(|id| Unit {
            id: id.into(),
            group: group.id.clone(),
            name: String::new(),
        })
        .collect())
}
