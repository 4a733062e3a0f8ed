//! "Score this data set": the glue from loaded tickets to a [`Report`], in the core's own
//! steps — evaluate (one pass for the period and its weeks), score, warn, run the sanctions
//! ladder over earlier periods, explain.

use std::borrow::Cow;

use hotline_score::clocks::Evaluator;
use hotline_score::instant::{CHINA_OFFSET, MS_PER_DAY};
use hotline_score::metrics::{Counter, DueAnchor, MetricsTable, Partial, Scope, partial, partials};
use hotline_score::scheme::{Scheme, Scores};
use hotline_score::ticket::Ticket;
use hotline_score::{Calendar, Error, Instant, Period, Policy, Unit, UnitId};
use rust_decimal::Decimal;

use crate::fail::CliResult;
use crate::input::external::ExternalInputs;
use crate::input::locate::Problem;
use crate::input::previous_period;
use crate::progress::Progress;
use crate::report::model::{
    CitySummary, GroupInfo, IndicatorInfo, Report, SanctionsView, SchemeInfo, TrendPoint,
};

/// One scoring run.
#[derive(Debug)]
pub struct Job<'a> {
    /// Title of the report.
    pub title: String,
    /// The scheme.
    pub scheme: &'a Scheme,
    /// The policy and its name.
    pub policy: (String, Policy),
    /// The office-hours calendar.
    pub calendar: &'a Calendar,
    /// Every scored unit.
    pub units: &'a [Unit],
    /// The tickets.
    pub tickets: &'a [Ticket],
    /// The period.
    pub period: Period,
    /// The evaluation instant.
    pub as_of: Instant,
    /// How many earlier periods to score for the sanctions ladder.
    pub history: usize,
    /// Which units to explain ticket by ticket.
    pub explain: Explain,
    /// Whether to compute the weekly trend.
    pub trend: bool,
    /// External metrics and manual adjustments, by period.
    pub external: &'a ExternalInputs,
    /// Problems met while loading (carried into the report).
    pub problems: Vec<Problem>,
}

impl Job<'_> {
    /// The metrics table of period `p` from its counters: every unit, with the period's
    /// external metrics and adjustments.
    fn metrics(&self, counters: Partial, p: &Period) -> MetricsTable {
        let (external, adjustments) = self.external.of(p, &self.period);
        let mut table = counters.finalize(self.units, external);
        table.adjustments = adjustments;
        table
    }
}

/// Which units a run explains ticket by ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Explain {
    /// None.
    Nobody,
    /// Every scored unit.
    Everyone,
    /// These units (`unit_not_scored` for one without a scorecard).
    Only(Vec<UnitId>),
}

/// Runs `job`.
pub fn run(job: Job<'_>, progress: Progress) -> CliResult<Report> {
    let scheme = job.scheme;
    let ev = Evaluator::new(job.calendar, job.policy.1.clone(), job.units);
    let weeks = if job.trend {
        weeks(&job.period, job.as_of)?
    } else {
        Vec::new()
    };
    let mut periods = vec![job.period.clone()];
    periods.extend(weeks.iter().cloned());
    let bar = progress.step("evaluating tickets");
    let mut shards = par(job.tickets, |chunk| {
        partials(chunk, &ev, job.as_of, &periods, DueAnchor::DueDate)
    })?
    .into_iter();
    let mut parts = shards.next().unwrap_or_default();
    for shard in shards {
        for (x, y) in parts.iter_mut().zip(shard) {
            x.merge(y)?;
        }
    }
    bar.finish_and_clear();
    let week_parts = parts.split_off(1);
    let current = parts.pop().unwrap_or_default();
    let metrics = job.metrics(current.clone(), &job.period);
    let scores = scheme.score_parallel(job.units, &metrics, &job.period, job.as_of, threads())?;

    // A window longer than the period (a week's report, warnings 20 days before its end) starts
    // with the period (`warning_start`): reports show where warnings begin.
    let warning_start = scheme.warning_start(&job.period);
    let in_window = warning_start.is_some_and(|s| s <= job.as_of) && job.as_of < job.period.end;
    let warnings = if in_window {
        let bar = progress.step("finding rescuable tickets");
        let w = scheme.period_warnings_from_tickets_parallel(
            &ev,
            job.tickets,
            &metrics,
            &job.period,
            job.as_of,
            threads(),
        )?;
        bar.finish_and_clear();
        w
    } else {
        Vec::new()
    };

    let sanctions = sanctions(&job, &ev, &scores, progress)?;

    let explained = match &job.explain {
        Explain::Nobody => None,
        Explain::Everyone => Some(Cow::Borrowed(&scores)),
        Explain::Only(units) => Some(Cow::Owned(scores.only(units)?)),
    };
    let explanations = match explained {
        Some(explained) => {
            let bar = progress.step("explaining");
            let scope = Scope::new(job.period.clone(), job.as_of);
            let e = scheme.explain_tickets(&ev, job.tickets, &scope, &explained, threads())?;
            bar.finish_and_clear();
            e
        }
        None => Vec::new(),
    };

    // Received in the period and known at `as_of`: the core keeps a ticket received exactly at
    // `as_of` (`received_at <= as_of`), and its dispatch counts.
    let received = |p: &Period| {
        job.tickets
            .iter()
            .filter(|t| p.contains(t.received_at) && t.received_at <= job.as_of)
            .count() as u64
    };
    let summary = summarize(&current, received(&job.period));
    let idle_units = job
        .units
        .iter()
        .filter(|u| {
            metrics.units.get(&u.id).is_none_or(|c| {
                Counter::ALL
                    .iter()
                    .all(|k| c.lead.get(*k) == 0 && c.assisting.get(*k) == 0)
            })
        })
        .map(|u| u.id.clone())
        .collect();
    let trend = weeks
        .iter()
        .zip(&week_parts)
        .map(|(w, p)| TrendPoint {
            label: w.label.clone(),
            start: w.start,
            summary: summarize(p, received(w)),
        })
        .collect();

    Ok(Report {
        title: job.title,
        scheme: scheme_info(scheme),
        policy: job.policy.0,
        closed: job.as_of >= job.period.end,
        predicted_from: job
            .calendar
            .uses_prediction(job.period.start, job.period.end.max(job.as_of))
            .then(|| job.calendar.predicted_from())
            .flatten()
            .map(|d| d.to_string()),
        period: job.period,
        as_of: job.as_of,
        scores,
        warning_start,
        warnings,
        sanctions,
        explanations,
        idle_units,
        summary,
        trend,
        problems: job.problems,
    })
}

/// The threads the CLI works on: the machine's cores, at most 4.
pub(crate) fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// `f` over consecutive chunks of `tickets` on the machine's cores ([`threads`]), the
/// results in chunk order. Partial states merge exactly in any order (SPEC §5), and per-ticket
/// lists concatenated in chunk order are the lists of the whole.
fn par<T: Send>(
    tickets: &[Ticket],
    f: impl Fn(&[Ticket]) -> hotline_score::Result<T> + Sync,
) -> hotline_score::Result<Vec<T>> {
    let threads = threads();
    if threads < 2 || tickets.len() < 20_000 {
        return Ok(vec![f(tickets)?]);
    }
    let size = tickets.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = tickets
            .chunks(size)
            .map(|chunk| s.spawn(|| f(chunk)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// [`partial`] over the machine's cores, shards merged.
fn par_partial(
    tickets: &[Ticket],
    ev: &Evaluator,
    scope: &Scope,
) -> hotline_score::Result<Partial> {
    let mut shards = par(tickets, |c| partial(c, ev, scope))?.into_iter();
    let mut out = shards.next().unwrap_or_default();
    for p in shards {
        out.merge(p)?;
    }
    Ok(out)
}

/// Scores the `history` periods before the current one, each at its end or at `as_of` when
/// that is earlier (standings as known at `as_of`: an `--as-of` before the period starts must
/// not see later events), and runs the ladder over them and the current scores. `None` when the
/// scheme has no ladder.
fn sanctions(
    job: &Job<'_>,
    ev: &Evaluator,
    scores: &Scores,
    progress: Progress,
) -> CliResult<Option<SanctionsView>> {
    let scheme = job.scheme;
    let mut history: Vec<Scores> = Vec::with_capacity(job.history + 1);
    let mut p = job.period.clone();
    let bar = progress.step("scoring earlier periods");
    let mut empty = Vec::new();
    for _ in 0..job.history {
        p = previous_period(scheme, &p)?;
        let as_of = p.end.min(job.as_of);
        let part = par_partial(job.tickets, ev, &Scope::new(p.clone(), as_of))?;
        if part.units.is_empty() {
            empty.push(p.label.clone());
        }
        let metrics = job.metrics(part, &p);
        history.push(scheme.score_parallel(job.units, &metrics, &p, as_of, threads())?);
    }
    bar.finish_and_clear();
    let scored: Vec<&str> = (history.iter().map(|s| s.period.as_str()))
        .chain([job.period.label.as_str()])
        .collect();
    let unused = job.external.unused_periods(&scored);
    if !unused.is_empty() {
        eprintln!(
            "warning: the external metrics or adjustments of period(s) {} are not used: no \
             period scored has that label (this run scores {}; more with --history)",
            unused.join(", "),
            scored.join(", ")
        );
    }
    if !empty.is_empty() {
        // Scored by the no-data rules, such a period breaks every streak without a word (a
        // warnings audit): said, as an empty current period is.
        empty.reverse();
        eprintln!(
            "warning: no ticket counts in earlier period(s) {} of the sanctions ladder: every unit \
             is scored there by its no-data rules, which breaks streaks; give the data of those \
             periods, or fewer --history periods",
            empty.join(", ")
        );
    }
    history.reverse();
    history.push(scores.clone());
    let mut ladder = match scheme.sanctions(&history) {
        Ok(l) => l,
        Err(Error::SchemeLacks { .. }) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let current = ladder.pop().map(|p| p.units).unwrap_or_default();
    let previous_level = ladder
        .last()
        .map(|p| p.units.iter().map(|s| (s.unit.clone(), s.level)).collect())
        .unwrap_or_default();
    Ok(Some(SanctionsView {
        periods: history.iter().map(|s| s.period.clone()).collect(),
        projected: job.as_of < job.period.end,
        current,
        previous_level,
    }))
}

/// Weeks of 7 days from the period's start, up to `as_of` (the last one cut at the period's
/// end), labelled by their first day.
fn weeks(period: &Period, as_of: Instant) -> CliResult<Vec<Period>> {
    let mut out = Vec::new();
    let mut start = period.start;
    let stop = period.end.min(as_of);
    while start < stop {
        let end =
            Instant::from_millis(start.millis().saturating_add(7 * MS_PER_DAY)).min(period.end);
        let (date, _) = start.to_local(CHINA_OFFSET)?;
        let label = format!("{:02}-{:02}", u8::from(date.month()), date.day());
        out.push(Period::new(start, end, label)?);
        start = end;
    }
    Ok(out)
}

/// City figures from a partial state (lead role of every unit).
fn summarize(part: &Partial, tickets: u64) -> CitySummary {
    let sum = |c: Counter| -> i64 {
        part.units
            .values()
            .fold(0i64, |acc, u| acc.saturating_add(u.lead.get(c)))
    };
    let satisfied = sum(Counter::VerySatisfied)
        .saturating_add(sum(Counter::Satisfied))
        .saturating_add(sum(Counter::BasicallySatisfied));
    let due = sum(Counter::Due);
    let due_closed = sum(Counter::DueClosed);
    let callbacks = sum(Counter::Callbacks);
    CitySummary {
        tickets,
        dispatched: sum(Counter::Dispatched),
        due,
        due_closed,
        closed_on_time: sum(Counter::ClosedOnTime),
        callbacks,
        satisfied,
        closed_rate: percent(due_closed, due),
        satisfied_rate: percent(satisfied, callbacks),
    }
}

/// `num / den` in percent, rounded half away from zero to 2 places; `None` when `den` is 0.
pub fn percent(num: i64, den: i64) -> Option<Decimal> {
    percent_unrounded(num, den)
        .map(|x| x.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
}

/// `num / den` in percent, to the decimal type's precision (what a display rounds once:
/// 181 / 201 is 90.0498…%, shown 90.0%, where the 2-place 90.05 showed 90.1%).
pub fn percent_unrounded(num: i64, den: i64) -> Option<Decimal> {
    if den == 0 {
        return None;
    }
    Decimal::from(num)
        .checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|x| x.checked_div(Decimal::from(den)))
}

fn scheme_info(scheme: &Scheme) -> SchemeInfo {
    let indicators: Vec<IndicatorInfo> = scheme
        .indicators()
        .iter()
        .map(|i| IndicatorInfo {
            id: i.id.to_string(),
            name: i.name.to_string(),
            kind: i.kind,
            percent: i.is_percent(),
            red_lines: scheme
                .groups()
                .iter()
                .filter_map(|g| Some((g.id.clone(), i.red_line_for(&g.id)?)))
                .collect(),
        })
        .collect();
    SchemeInfo {
        name: scheme.name().to_owned(),
        hash: scheme.hash().to_owned(),
        groups: scheme
            .groups()
            .iter()
            .map(|g| GroupInfo {
                id: g.id.clone(),
                name: g.name.clone(),
                full_marks: g.full_marks,
            })
            .collect(),
        grades: scheme
            .grades()
            .iter()
            .map(|g| (g.name.clone(), g.min))
            .collect(),
        key_indicators: key_indicators(&indicators),
        indicators,
    }
}

/// The three rates shown in tables: 签收率, 按时办结率 and 满意率 by their usual ids when the
/// scheme has them, completed with its first percentage indicators.
fn key_indicators(indicators: &[IndicatorInfo]) -> Vec<String> {
    const PREFERRED: [&[&str]; 3] = [
        &["signed", "signed_on_time", "response"],
        &["closed_on_time", "resolution", "closed"],
        &["satisfaction"],
    ];
    let mut out: Vec<String> = PREFERRED
        .iter()
        .filter_map(|ids| {
            ids.iter()
                .find(|id| indicators.iter().any(|i| i.id == **id))
                .map(|id| (*id).to_owned())
        })
        .collect();
    for i in indicators.iter().filter(|i| i.percent) {
        if out.len() >= 3 {
            break;
        }
        if !out.contains(&i.id) {
            out.push(i.id.clone());
        }
    }
    out
}
