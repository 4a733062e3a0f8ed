//! `calendar`: day kinds, working-time arithmetic and deadlines on the built-in PRC calendar
//! (or one with extra data, other hours, or as known on a date).
//!
//! Amounts: `30m`, `2h`, `2wh` are working time (office hours; `30m`, `2h` on the whole-day
//! clock with `--whole-day`); `3wd` is working days. Instants are RFC 3339 with an offset; a bare date
//! means its 00:00 in +08:00 (for `wd` amounts on `add`/`sub`, a bare date gives a date).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use hotline_score::clocks::Evaluator;
use hotline_score::instant::{CHINA_OFFSET, MS_PER_HOUR, MS_PER_MINUTE};
use hotline_score::policy::{Clock, Limit, Subject, TimeBasis};
use hotline_score::ticket::{Kind, Urgency};
use hotline_score::{Amount, Calendar, DayCount, DeadlineAt, Instant, Policy};
use time::Date;

use crate::fail::{CliResult, Failure};
use crate::input::{CalendarOptions, load_policy, parse_date, parse_instant};

/// Options of `calendar`.
#[derive(Debug, clap::Args)]
pub struct CalendarArgs {
    #[command(subcommand)]
    pub query: Query,
    #[command(flatten)]
    pub calendar: CalendarOptions,
    /// Use the whole-day clock (working days 00:00–24:00, 非工作日顺延) instead of office hours.
    #[arg(long, global = true)]
    pub whole_day: bool,
}

/// A calendar query.
#[derive(Debug, clap::Subcommand)]
pub enum Query {
    /// The kind of each date (workday, weekend, holiday, in_lieu, adjusted_workday) and its hours.
    Day {
        /// Dates (YYYY-MM-DD), or one range FIRST..LAST.
        #[arg(required = true)]
        dates: Vec<String>,
    },
    /// The earliest instant with AMOUNT of working time after START (`wd`: N working days).
    Add {
        /// Start: an instant, or a date.
        start: String,
        /// Working time (`30m`, `2h`, `2wh`) or working days (`3wd`).
        amount: String,
    },
    /// The latest instant with AMOUNT of working time before START (`wd`: N working days back).
    Sub {
        /// Start: an instant, or a date.
        start: String,
        /// Working time (`30m`, `2h`, `2wh`) or working days (`3wd`, with a date).
        amount: String,
    },
    /// Working time in [FROM, TO) (negative when TO is before FROM); working days for two dates.
    Between {
        /// From: an instant or a date.
        from: String,
        /// To: an instant or a date.
        to: String,
    },
    /// The due instant of a time limit started at START, as a policy computes it.
    Deadline {
        /// Start (dispatch or sign-for instant).
        start: String,
        /// The limit (`24h`, `2wh`, `5wd`); omit it with --policy and --kind.
        amount: Option<String>,
        /// What the amount is measured on: natural (wall time), office, workdays (whole days).
        #[arg(long, value_enum, conflicts_with = "policy")]
        clock: Option<Basis>,
        /// Count the start day as day 1 of a `wd` limit (含本数).
        #[arg(long, conflicts_with = "policy")]
        count_start_day: bool,
        /// Where a `wd` limit ends on its last day.
        #[arg(long, value_enum, conflicts_with = "policy")]
        deadline_at: Option<EndOfDay>,
        /// Take the limit from this policy (built-in name or file) instead of AMOUNT.
        #[arg(long)]
        policy: Option<String>,
        /// Ticket kind for --policy (consult, help, complaint, report, suggestion, praise, other).
        #[arg(long, requires = "policy")]
        kind: Option<String>,
        /// Ticket urgency for --policy.
        #[arg(long, default_value = "normal", requires = "policy")]
        urgency: String,
        /// Unit group for --policy rules that look at it.
        #[arg(long, default_value = "", requires = "policy")]
        group: String,
        /// The stage clock for --policy: sign, contact, reply, complete, return_window.
        #[arg(long, default_value = "complete", requires = "policy")]
        stage: String,
        /// Also print the instant this much working time before the deadline (a warning).
        #[arg(long, value_name = "AMOUNT")]
        warn_before: Option<String>,
    },
}

/// Time basis of a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Basis {
    /// Wall time.
    Natural,
    /// Office hours.
    Office,
    /// Whole working days, 00:00–24:00.
    Workdays,
}

/// Where a `wd` limit ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EndOfDay {
    /// The end of the last working interval (17:30).
    EndOfOfficeHours,
    /// 24:00 of the last working day.
    Midnight,
}

/// Runs `calendar`.
pub fn run(args: &CalendarArgs) -> CliResult<()> {
    let office = args.calendar.build()?;
    let cal = if args.whole_day {
        office.whole_day()
    } else {
        office.clone()
    };
    let amounts = |amount: &str| -> CliResult<()> {
        if args.whole_day && matches!(parse_amount(amount)?, Amount::WorkingHours { .. }) {
            return Err(Failure::usage(
                "`wh` is office working time; on the whole-day clock (--whole-day) write `h`",
            ));
        }
        Ok(())
    };
    if args.whole_day && matches!(args.query, Query::Deadline { .. }) {
        return Err(Failure::usage(
            "`deadline` takes its clock from --clock (`--clock workdays` is the whole-day \
             clock), not --whole-day",
        ));
    }
    let out = match &args.query {
        Query::Day { dates } => day(&cal, dates)?,
        Query::Add { start, amount } => {
            amounts(amount)?;
            shift(&cal, start, amount, 1)?
        }
        Query::Sub { start, amount } => {
            amounts(amount)?;
            shift(&cal, start, amount, -1)?
        }
        Query::Between { from, to } => between(&cal, from, to)?,
        Query::Deadline {
            start,
            amount,
            clock,
            count_start_day,
            deadline_at,
            policy,
            kind,
            urgency,
            group,
            stage,
            warn_before,
        } => {
            let start = parse_instant(start)?;
            let (policy, limit) = match (amount, policy) {
                (Some(a), None) => {
                    let mut limit = Limit::new(parse_amount(a)?);
                    if let Some(c) = clock {
                        limit.clock = match c {
                            Basis::Natural => TimeBasis::Natural,
                            Basis::Office => TimeBasis::Office,
                            Basis::Workdays => TimeBasis::Workdays,
                        };
                    }
                    // As in a policy file: the start day and the end of the last day belong to
                    // `wd` limits (they were ignored silently on `2h`: a CLI audit).
                    if !matches!(limit.amount, Amount::WorkingDays(_))
                        && (*count_start_day || deadline_at.is_some())
                    {
                        return Err(Failure::usage(format!(
                            "--count-start-day and --deadline-at apply to working-days (`wd`) \
                             limits, not `{a}`"
                        )));
                    }
                    if matches!(limit.amount, Amount::WorkingDays(_)) {
                        limit.count_start_day = Some(*count_start_day);
                        limit.deadline_at = Some(match deadline_at {
                            Some(EndOfDay::Midnight) => DeadlineAt::Midnight,
                            _ => DeadlineAt::EndOfOfficeHours,
                        });
                    }
                    limit.check().map_err(Failure::usage)?;
                    // The limit is given: the policy only carries the conventions (its one
                    // rule, which a policy needs, says no more than "no limit").
                    let policy = "name = \"cli\"\n[[rules]]\nname = \"the limit given\"\n\
                                  limits.complete = \"none\"\n";
                    (Policy::from_toml_str(policy)?, limit)
                }
                (None, Some(p)) => {
                    let policy = load_policy(p)?;
                    let limit = policy_limit(&policy, kind.as_deref(), urgency, group, stage)?;
                    (policy, limit)
                }
                _ => {
                    return Err(Failure::usage(
                        "give either AMOUNT (e.g. `24h --clock workdays`) or --policy NAME --kind KIND",
                    ));
                }
            };
            let ev = Evaluator::new(&office, policy, &[]);
            let due = ev.base_due(&limit, start, 0)?;
            let mut s = format!(
                "{}  due ({} on the {} clock{})\n",
                due.format(CHINA_OFFSET),
                limit.amount,
                basis_name(limit.clock),
                flag(&office, start, due)
            );
            if let Some(w) = warn_before {
                // As a policy's `yellow` amount: `h`/`m` on the limit's basis, `wh` in office
                // hours (it was taken as wall time: a CLI audit).
                let amount = parse_amount(w)?;
                let basis = match amount {
                    Amount::WorkingHours { .. } => TimeBasis::Office,
                    _ => limit.clock,
                };
                let at = ev.sub(basis, due, working_ms(amount)?)?;
                let _ = writeln!(s, "{}  warning ({w} before)", at.format(CHINA_OFFSET));
            }
            s
        }
    };
    super::emit(None, &out)
}

fn basis_name(b: TimeBasis) -> &'static str {
    match b {
        TimeBasis::Natural => "natural",
        TimeBasis::Office => "office",
        TimeBasis::Workdays => "workdays",
    }
}

/// ", predicted" when the span used days predicted from the template.
fn flag(cal: &Calendar, a: Instant, b: Instant) -> &'static str {
    if cal.uses_prediction(a, b) {
        ", PREDICTED: beyond the calendar data"
    } else {
        ""
    }
}

fn parse_amount(text: &str) -> CliResult<Amount> {
    text.parse::<Amount>()
        .map_err(|e| Failure::usage(format!("`{text}`: {e}")))
}

/// Milliseconds of a time amount (`m`, `h`, `wh`).
fn working_ms(a: Amount) -> CliResult<i64> {
    match a {
        Amount::Time { ms } | Amount::WorkingHours { ms } => Ok(ms),
        Amount::WorkingDays(_) => Err(Failure::usage(
            "a working-days amount (`wd`) is not a working time here: use `h`, `m` or `wh`",
        )),
    }
}

fn day(cal: &Calendar, dates: &[String]) -> CliResult<String> {
    let mut list: Vec<Date> = Vec::new();
    for d in dates {
        match d.split_once("..") {
            Some((a, b)) => {
                let (mut x, last) = (parse_date(a)?, parse_date(b)?);
                if last < x {
                    // It listed nothing and exited 0 (a CLI audit).
                    return Err(Failure::usage(format!(
                        "`{d}`: the range ends before it starts (write `{b}..{a}`)"
                    )));
                }
                if (last - x).whole_days() > 3660 {
                    return Err(Failure::usage("a range lists at most 3,660 days"));
                }
                while x <= last {
                    list.push(x);
                    x = match x.next_day() {
                        Some(n) => n,
                        None => break,
                    };
                }
            }
            None => list.push(parse_date(d)?),
        }
    }
    let mut out = String::new();
    for d in list {
        let kind = cal.day_kind(d)?;
        let start = Instant::from_local(d, 0, CHINA_OFFSET);
        let next = d.next_day().unwrap_or(d);
        let ms = cal.working_between(start, Instant::from_local(next, 0, CHINA_OFFSET))?;
        let label = match kind.name() {
            "workday" => "工作日",
            "weekend" => "周末",
            "holiday" => "法定节假日",
            "in_lieu" => "调休休息",
            "adjusted_workday" => "调休上班",
            _ => "",
        };
        let _ = writeln!(
            out,
            "{d}  {:<3}  {:<16}  {label}  {} working{}",
            weekday(d),
            kind.name(),
            duration(ms),
            if cal.is_predicted(d) {
                "  (predicted)"
            } else {
                ""
            }
        );
    }
    Ok(out)
}

fn weekday(d: Date) -> &'static str {
    match d.weekday() {
        time::Weekday::Monday => "Mon",
        time::Weekday::Tuesday => "Tue",
        time::Weekday::Wednesday => "Wed",
        time::Weekday::Thursday => "Thu",
        time::Weekday::Friday => "Fri",
        time::Weekday::Saturday => "Sat",
        time::Weekday::Sunday => "Sun",
    }
}

/// `7h`, `1h30m`, `-2h`, `0m`, `90ms`…
fn duration(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let a = ms.unsigned_abs();
    let (h, rest) = (a / MS_PER_HOUR as u64, a % MS_PER_HOUR as u64);
    let (m, rest) = (rest / MS_PER_MINUTE as u64, rest % MS_PER_MINUTE as u64);
    let mut s = String::from(sign);
    if h > 0 {
        let _ = write!(s, "{h}h");
    }
    if m > 0 || (h == 0 && rest == 0) {
        let _ = write!(s, "{m}m");
    }
    if rest > 0 {
        let _ = write!(s, "{rest}ms");
    }
    s
}

fn shift(cal: &Calendar, start: &str, amount: &str, sign: i64) -> CliResult<String> {
    let amount = parse_amount(amount)?;
    if let Amount::WorkingDays(n) = amount {
        if let Ok(date) = parse_date(start) {
            let got = cal.add_working_days(date, sign * i64::from(n))?;
            // Every day from the start to the result, both included.
            let (first, last) = (date.min(got), date.max(got));
            let used = flag(
                cal,
                midnight(first),
                midnight(last.next_day().unwrap_or(last)),
            );
            return Ok(format!(
                "{got}  ({}, {}{used})\n",
                weekday(got),
                cal.day_kind(got)?.name()
            ));
        }
        if sign < 0 {
            return Err(Failure::usage(
                "`sub` with working days takes a date (YYYY-MM-DD), not an instant",
            ));
        }
        let t = parse_instant(start)?;
        let got = cal.working_days_deadline(t, n, DayCount::default())?;
        return Ok(describe(cal, t, got));
    }
    let ms = working_ms(amount)?;
    let t = parse_instant(start)?;
    let got = if sign > 0 {
        cal.add_working(t, ms)?
    } else {
        cal.sub_working(t, ms)?
    };
    Ok(describe(cal, t, got))
}

/// 00:00 of `d` in +08:00.
fn midnight(d: Date) -> Instant {
    Instant::from_local(d, 0, CHINA_OFFSET)
}

fn describe(cal: &Calendar, from: Instant, t: Instant) -> String {
    let kind = t
        .to_local(CHINA_OFFSET)
        .ok()
        .and_then(|(d, _)| cal.day_kind(d).ok().map(|k| (weekday(d), k.name())));
    match kind {
        Some((wd, k)) => format!(
            "{}  ({wd}, {k}{})\n",
            t.format(CHINA_OFFSET),
            flag(cal, from, t)
        ),
        None => format!("{}\n", t.format(CHINA_OFFSET)),
    }
}

fn between(cal: &Calendar, from: &str, to: &str) -> CliResult<String> {
    if let (Ok(a), Ok(b)) = (parse_date(from), parse_date(to)) {
        let days = cal.working_days_between(a, b)?;
        let ms = cal.working_between(midnight(a), midnight(b))?;
        return Ok(format!(
            "{days} working days in [{a}, {b})  ({} of working time{})\n",
            duration(ms),
            flag(cal, midnight(a), midnight(b))
        ));
    }
    let (a, b) = (parse_instant(from)?, parse_instant(to)?);
    let ms = cal.working_between(a, b)?;
    Ok(format!(
        "{}  ({ms} ms of working time in [from, to){})\n",
        duration(ms),
        flag(cal, a, b)
    ))
}

/// The limit a policy sets for one stage of a ticket of `kind`.
fn policy_limit(
    policy: &Policy,
    kind: Option<&str>,
    urgency: &str,
    group: &str,
    stage: &str,
) -> CliResult<Limit> {
    let kind_text = kind.ok_or_else(|| Failure::usage("--policy needs --kind KIND"))?;
    let names = |all: &[&str]| all.join(", ");
    let kind = Kind::from_name(kind_text).ok_or_else(|| {
        Failure::usage(format!(
            "unknown kind `{kind_text}`; kinds: {}",
            names(&Kind::ALL.iter().map(|k| k.name()).collect::<Vec<_>>())
        ))
    })?;
    let urgency = Urgency::from_name(urgency).ok_or_else(|| {
        Failure::usage(format!("unknown urgency `{urgency}`; use normal or urgent"))
    })?;
    let clock = Clock::ALL
        .into_iter()
        .find(|c| c.name() == stage)
        .ok_or_else(|| {
            Failure::usage(format!(
                "unknown stage `{stage}`; stages: {}",
                names(&Clock::ALL.iter().map(|c| c.name()).collect::<Vec<_>>())
            ))
        })?;
    let attributes = BTreeMap::new();
    let limits = policy.limits_for_subject(&Subject {
        kind,
        urgency,
        channel: "",
        group,
        attributes: &attributes,
    });
    limits.get(clock).copied().ok_or_else(|| {
        Failure::data(format!(
            "policy `{}` sets no {stage} limit for a {urgency} {kind_text} ticket [no_limit]",
            policy.name
        ))
    })
}
