//! Shared helpers of the board tests: a small synthetic city, the board's configuration, and the
//! batch oracle (everything computed from scratch with the metrics and scheme modules).

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use hotline_score::board::{Board, BoardBuilder, DeadlineStatus, Ingest, Input, TicketHeader};
use hotline_score::clocks::Evaluator;
use hotline_score::metrics::{
    DueAnchor, MetricsTable, Scope, contributions, open_assignments, partial,
};
use hotline_score::scheme::{Explanation, Scheme, Scores, UnitWarning, WarningData};
use hotline_score::synthetic::{CityConfig, Rng, SyntheticCity};
use hotline_score::ticket::{EventBody, Ticket};
use hotline_score::{Calendar, Instant, Period, Policy, Unit};
use time::{Date, Month};

pub const DAY: i64 = 86_400_000;

/// The sanmenxia preset made monthly with a 10-day warning window: 32 indicators over most
/// counters (durations included), warnings and a sanctions ladder.
pub fn scheme() -> Scheme {
    let text = hotline_score::scheme::PRESETS
        .iter()
        .find(|(n, _)| *n == "sanmenxia")
        .unwrap()
        .1
        .replace("period = \"quarter\"", "period = \"month\"")
        .replace("lead_days = 20", "lead_days = 10");
    Scheme::from_toml(&text).unwrap()
}

/// A few days of a small city around a month end (tickets cross the period boundary).
pub fn city(seed: u64, days: u32, per_day: u32, units: usize) -> SyntheticCity {
    SyntheticCity::generate(&CityConfig {
        seed,
        start: Date::from_calendar_date(2026, Month::January, 26).unwrap(),
        days,
        units,
        tickets_per_day: per_day,
        quality_spread: 0.8,
    })
    .unwrap()
}

pub fn builder(units: &[Unit]) -> BoardBuilder {
    Board::builder()
        .calendar(Calendar::prc().unwrap())
        .policy(Policy::henan().unwrap())
        .scheme(scheme())
        .units(units.to_vec())
}

/// Every input of `tickets`: each ticket's header, then its events, ticket after ticket.
pub fn streams(tickets: &[Ticket]) -> Vec<Vec<Input>> {
    tickets
        .iter()
        .map(|t| {
            let mut v = vec![Input::Ticket(TicketHeader::of(t))];
            v.extend(t.events.iter().map(|e| Input::Event {
                ticket_id: t.id.clone(),
                event: e.clone(),
            }));
            v
        })
        .collect()
}

/// Merges per-ticket streams at random (each stream's order kept); with `dup_percent`, re-sends
/// an input already sent; holds back side events (`urged`, `supervised`) with `late_percent` and
/// sends them at the end (only those whose instant no other event of the ticket shares: a late
/// event goes after the events of its instant already held, so the log is then the original).
/// Returns the inputs and whether each is a duplicate.
pub fn interleave(
    mut streams: Vec<Vec<Input>>,
    seed: u64,
    dup_percent: u64,
    late_percent: u64,
) -> Vec<(Input, bool)> {
    let mut rng = Rng::new(seed);
    let instant = |i: &Input| match i {
        Input::Event { event, .. } => Some(event.at),
        Input::Ticket(_) => None,
    };
    let mut shared = std::collections::HashSet::new();
    for s in &mut streams {
        for (a, b) in s.iter().zip(s.iter().skip(1)) {
            if instant(a).is_some() && instant(a) == instant(b) {
                shared.insert(instant(a));
            }
        }
        s.reverse();
    }
    let mut out: Vec<(Input, bool)> = Vec::new();
    let mut late = Vec::new();
    while !streams.is_empty() {
        let i = rng.index(streams.len());
        let Some(input) = streams[i].pop() else {
            streams.swap_remove(i);
            continue;
        };
        let side = matches!(
            &input,
            Input::Event { event, .. }
                if matches!(event.body, EventBody::Urged { .. } | EventBody::Supervised { .. })
        );
        if side && !shared.contains(&instant(&input)) && rng.below(100) < late_percent {
            late.push(input);
            continue;
        }
        if !out.is_empty() && rng.below(100) < dup_percent {
            let j = rng.index(out.len());
            let again = out[j].0.clone();
            out.push((again, true));
        }
        out.push((input, false));
    }
    while !late.is_empty() {
        let i = rng.index(late.len());
        out.push((late.swap_remove(i), false));
    }
    out
}

/// A board fed every ticket in order (one input at a time); panics on any rejection.
pub fn fed(units: &[Unit], tickets: &[Ticket]) -> Board {
    let mut board = builder(units).build().unwrap();
    for s in streams(tickets) {
        for o in board.ingest_batch(s) {
            assert_eq!(o, Ingest::Accepted);
        }
    }
    board
}

/// `tickets` with only the events at or before `as_of`.
pub fn upto(tickets: &[Ticket], as_of: Instant) -> Vec<Ticket> {
    tickets
        .iter()
        .map(|t| Ticket {
            events: t.events.iter().filter(|e| e.at <= as_of).cloned().collect(),
            ..t.clone()
        })
        .collect()
}

/// What a board must answer at `as_of`, computed by batch evaluation.
#[derive(Debug, PartialEq)]
pub struct Answers {
    pub metrics: MetricsTable,
    pub scores: Scores,
    pub explanations: Vec<Explanation>,
    pub statuses: Vec<Vec<DeadlineStatus>>,
    pub warnings: Vec<UnitWarning>,
}

/// Batch answers for `period` at `as_of` over `tickets`.
pub fn batch(
    tickets: &[Ticket],
    ev: &Evaluator,
    scheme: &Scheme,
    due_anchor: DueAnchor,
    period: &Period,
    as_of: Instant,
) -> Answers {
    let tickets = upto(tickets, as_of);
    let units = ev.units();
    let scope = Scope {
        period: period.clone(),
        as_of,
        due_anchor,
    };
    let metrics = partial(&tickets, ev, &scope)
        .unwrap()
        .finalize(units, Default::default());
    let scores = scheme.score(units, &metrics, period, as_of).unwrap();
    let explanations = units
        .iter()
        .map(|u| {
            let c = contributions(&tickets, ev, &scope, &u.id).unwrap();
            scheme
                .explain(&scores, &c)
                .unwrap()
                .into_iter()
                .find(|e| e.unit == u.id)
                .unwrap()
        })
        .collect();
    let statuses = units
        .iter()
        .map(|u| {
            let mut out = Vec::new();
            for t in &tickets {
                for a in ev.evaluate(t, as_of).unwrap() {
                    if a.unit != u.id {
                        continue;
                    }
                    out.extend(DeadlineStatus::of_assignment(&t.id, &a));
                }
            }
            DeadlineStatus::sort(&mut out);
            out
        })
        .collect();
    let in_window = scheme
        .warning_start(period)
        .is_some_and(|s| as_of >= s && as_of < period.end);
    let warnings = if in_window {
        let at_end = partial(
            &tickets,
            ev,
            &Scope {
                as_of: period.end,
                ..scope.clone()
            },
        )
        .unwrap()
        .finalize(units, Default::default());
        let open = open_assignments(&tickets, ev, as_of).unwrap();
        let open_at_end = open_assignments(&tickets, ev, period.end).unwrap();
        let data = WarningData {
            metrics: &metrics,
            open: &open,
            at_end: &at_end,
            open_at_end: &open_at_end,
        };
        scheme.period_warnings(units, period, as_of, &data).unwrap()
    } else {
        Vec::new()
    };
    Answers {
        metrics,
        scores,
        explanations,
        statuses,
        warnings,
    }
}

/// The board's answers for `period` at `as_of`.
pub fn answers(board: &Board, period: &Period, as_of: Instant) -> Answers {
    let units = board.units();
    let explanations = units
        .iter()
        .map(|u| {
            board
                .scorecard_in(period, u.id.as_str(), as_of)
                .unwrap()
                .explanation
        })
        .collect();
    Answers {
        metrics: board.metrics(period, as_of).unwrap(),
        scores: board.scores_in(period, as_of).unwrap(),
        explanations,
        statuses: units
            .iter()
            .map(|u| board.deadline_statuses(u.id.as_str(), as_of).unwrap())
            .collect(),
        warnings: board.warnings_in(period, as_of).unwrap(),
    }
}

/// Asserts the board's answers equal the batch answers, field by field (clear failure messages).
pub fn assert_same(board: &Board, tickets: &[Ticket], period: &Period, as_of: Instant) {
    let want = batch(
        tickets,
        board.evaluator(),
        board.scheme(),
        board.due_anchor(),
        period,
        as_of,
    );
    let got = answers(board, period, as_of);
    for (unit, row) in &want.metrics.units {
        assert_eq!(
            got.metrics.units.get(unit),
            Some(row),
            "metrics of {unit} in {} at {as_of}",
            period.label
        );
    }
    assert_eq!(got.metrics, want.metrics, "metrics at {as_of}");
    assert_eq!(got.scores, want.scores, "scores at {as_of}");
    assert_eq!(
        got.explanations, want.explanations,
        "explanations at {as_of}"
    );
    assert_eq!(got.statuses, want.statuses, "statuses at {as_of}");
    assert_eq!(got.warnings, want.warnings, "warnings at {as_of}");
}
