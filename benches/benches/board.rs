//! The real-time board (SPEC §12: ingest one event ≤ 2 µs median; standings for 300 units ≤
//! 100 µs) on a board holding a synthetic quarter: 300 units, 2026-Q1, ~900 tickets a day,
//! policy `henan`, scheme `sanmenxia` (32 indicators, quarterly).
//!
//! `cargo bench -p hotline-score-benches --bench board`. Setup (untimed): the city is generated,
//! every ticket header registered, and every event before the last five days ingested; the
//! events of the last five days (in time order) are the ones the ingest case feeds, one at a
//! time. When they run out the board is reset to a clone of the prepared one, outside the timing.
//! State sizes (snapshot bytes and estimated heap bytes, per ticket and per open ticket), every
//! held event's ingest time, and the standings after each held event by time of day (office
//! hours or not) are printed on stderr.
//!
//! The allocator is mimalloc, as in everything that embeds the board (CLI, Python and Node
//! bindings), and as in the scheme bench; with the system allocator the standings after an event
//! took ~20 % longer and ingest ~10 % (BENCHMARKS.md, "Board").
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
// `iter_custom` times the ingest loop itself (resets happen outside the timing): a bench, not the
// core, may read the clock.
#![allow(clippy::disallowed_methods)]
// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant as Clock};

use criterion::{Criterion, criterion_group, criterion_main};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use hotline_score::board::{Board, Ingest, TicketHeader};
use hotline_score::scheme::Scheme;
use hotline_score::synthetic::{CityConfig, SyntheticCity};
use hotline_score::ticket::Event;
use hotline_score::{Calendar, Instant, Policy, Unit};

const DAY: i64 = 86_400_000;

struct Setup {
    units: Vec<Unit>,
    board: Board,
    /// `(ticket id, event)` of the last five days, in time order.
    held: Vec<(String, Event)>,
    as_of: Instant,
}

fn builder(units: &[Unit]) -> hotline_score::board::BoardBuilder {
    Board::builder()
        .calendar(Calendar::prc().unwrap())
        .policy(Policy::henan().unwrap())
        .scheme(Scheme::preset("sanmenxia").unwrap())
        .units(units.to_vec())
}

fn setup() -> Setup {
    let city = SyntheticCity::generate(&CityConfig {
        units: 300,
        ..CityConfig::default()
    })
    .unwrap();
    let cutoff = Instant::from_millis(city.as_of.millis() - 5 * DAY);
    let mut board = builder(&city.units).build().unwrap();
    let mut held = Vec::new();
    for t in &city.tickets {
        assert_eq!(board.register(TicketHeader::of(t)), Ingest::Accepted);
    }
    let mut early: Vec<(Instant, &str, &Event)> = Vec::new();
    for t in &city.tickets {
        for e in &t.events {
            if e.at < cutoff {
                early.push((e.at, &t.id, e));
            } else {
                held.push((e.at, t.id.clone(), e.clone()));
            }
        }
    }
    early.sort_by_key(|x| x.0);
    for (_, id, e) in early {
        assert_eq!(board.ingest(id, e.clone()), Ingest::Accepted);
    }
    held.sort_by_key(|x| x.0);
    let stats = board.stats();
    let bytes = board.snapshot().unwrap().len();
    let json = board.snapshot_json().unwrap().len();
    eprintln!(
        "board: {} tickets ({} open), {} events, {} lapse entries, {} running clocks, {} volatile",
        stats.tickets,
        stats.open_tickets,
        stats.events,
        stats.lapse_entries,
        stats.running_clocks,
        stats.volatile_tickets
    );
    eprintln!(
        "snapshot: {bytes} bytes ({:.0} per ticket, {:.0} per open ticket); JSON {json} bytes",
        bytes as f64 / stats.tickets as f64,
        bytes as f64 / stats.open_tickets as f64,
    );
    eprintln!(
        "heap (estimate): {} bytes ({:.0} per ticket, {:.0} per open ticket)",
        stats.heap_bytes,
        stats.heap_bytes as f64 / stats.tickets as f64,
        stats.heap_bytes as f64 / stats.open_tickets as f64,
    );
    Setup {
        units: city.units,
        board,
        held: held.into_iter().map(|(_, id, e)| (id, e)).collect(),
        as_of: cutoff,
    }
}

/// Per-event ingest times on a fresh clone, each event timed on its own (the timer's own cost,
/// the median of timing nothing, subtracted): the per-event median is robust to the other jobs
/// sharing the machine, which inflate criterion's per-sample means.
fn per_event(s: &Setup) {
    let overhead = {
        let mut v: Vec<u128> = (0..10_000)
            .map(|_| {
                let t = Clock::now();
                black_box(());
                t.elapsed().as_nanos()
            })
            .collect();
        v.sort_unstable();
        v[v.len() / 2]
    };
    let mut all = Vec::new();
    for _ in 0..3 {
        let mut live = s.board.clone();
        for (id, e) in s.held.clone() {
            let t = Clock::now();
            let o = live.ingest(&id, e);
            let ns = t.elapsed().as_nanos();
            assert_eq!(black_box(o), Ingest::Accepted);
            all.push(ns.saturating_sub(overhead));
        }
    }
    all.sort_unstable();
    let q = |p: usize| all[(all.len() - 1) * p / 100];
    eprintln!(
        "ingest per event ({} events, timer overhead {overhead} ns subtracted): median {} ns, p10 {} ns, p90 {} ns, p99 {} ns",
        all.len(),
        q(50),
        q(10),
        q(90),
        q(99)
    );
}

/// Standings right after each held event, every one timed on its own and split by the event's
/// time of day: in office hours (9–12 h and 13–18 h, Monday to Friday, UTC+8; holidays not
/// excluded) working time moves between two queries, so every unit with an overdue running
/// clock is measured and scored again; at night and on weekends it does not.
fn standings_by_hour(s: &Setup) {
    const HOUR: i64 = 3_600_000;
    let mut live = s.board.clone();
    live.standings(s.as_of).unwrap();
    let (mut office, mut other) = (Vec::new(), Vec::new());
    for (id, e) in &s.held {
        live.ingest(id, e.clone());
        let at = Instant::from_millis(e.at.millis() + 1);
        let t = Clock::now();
        black_box(live.standings(at).unwrap());
        let ns = t.elapsed().as_nanos();
        let local = e.at.millis() + 8 * HOUR;
        let hour = local.rem_euclid(DAY) / HOUR;
        // 1970-01-01 was a Thursday: day 0 is weekday 3 (Monday = 0).
        let weekday = (local.div_euclid(DAY) + 3).rem_euclid(7);
        if weekday < 5 && ((9..12).contains(&hour) || (13..18).contains(&hour)) {
            office.push(ns);
        } else {
            other.push(ns);
        }
    }
    for (name, v) in [
        ("office hours", &mut office),
        ("nights and weekends", &mut other),
    ] {
        v.sort_unstable();
        let mean = v.iter().sum::<u128>() / v.len().max(1) as u128;
        eprintln!(
            "standings after one event, {name}: {} queries, mean {:.1} µs, median {:.1} µs",
            v.len(),
            mean as f64 / 1e3,
            v.get(v.len() / 2).copied().unwrap_or(0) as f64 / 1e3
        );
    }
}

fn board(c: &mut Criterion) {
    let s = setup();
    per_event(&s);
    standings_by_hour(&s);
    let mut group = c.benchmark_group("board");

    // Ingest one event: a fresh board clone (and a fresh copy of the held-back events, so the
    // timing does not include building the inputs) whenever the events run out.
    let mut live = s.board.clone();
    let mut queue = s.held.clone().into_iter();
    group.bench_function("ingest_one_event", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut left = iters;
            while left > 0 {
                if queue.len() == 0 {
                    live = s.board.clone();
                    queue = s.held.clone().into_iter();
                }
                let n = left.min(queue.len() as u64);
                let start = Clock::now();
                for (id, e) in queue.by_ref().take(n as usize) {
                    black_box(live.ingest(&id, e));
                }
                total += start.elapsed();
                left -= n;
            }
            total
        });
    });

    // Standings at rest (each group's scorecards reused: counters unchanged since last time).
    let board = s.board.clone();
    let as_of = s.as_of;
    board.standings(as_of).unwrap();
    group.bench_function("standings_300_units_unchanged", |b| {
        b.iter(|| black_box(board.standings(black_box(as_of)).unwrap()));
    });

    // The board's own part: every unit's counters at as_of (finished facts + lapses).
    let period = board.period_at(as_of).unwrap();
    group.bench_function("metrics_300_units", |b| {
        b.iter(|| black_box(board.metrics(&period, black_box(as_of)).unwrap()));
    });

    // Standings right after one event: the touched unit's group is re-scored by the scheme.
    let mut live = s.board.clone();
    let mut next = 0usize;
    live.standings(as_of).unwrap();
    group.sample_size(20);
    group.bench_function("standings_300_units_after_one_event", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                if next == s.held.len() {
                    live = s.board.clone();
                    next = 0;
                }
                let (id, e) = &s.held[next];
                live.ingest(id, e.clone());
                let at = Instant::from_millis(e.at.millis() + 1);
                next += 1;
                let start = Clock::now();
                black_box(live.standings(at).unwrap());
                total += start.elapsed();
            }
            total
        });
    });

    // Deadline statuses of the unit with the most running clocks.
    let unit = s
        .units
        .iter()
        .max_by_key(|u| board.deadline_statuses(u.id.as_str(), as_of).unwrap().len())
        .unwrap()
        .id
        .clone();
    group.sample_size(100);
    group.bench_function("deadline_statuses_busiest_unit", |b| {
        b.iter(|| black_box(board.deadline_statuses(unit.as_str(), as_of).unwrap()));
    });

    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("snapshot_bytes_quarter", |b| {
        b.iter(|| black_box(board.snapshot().unwrap()));
    });
    let bytes = board.snapshot().unwrap();
    group.bench_function("restore_bytes_quarter", |b| {
        b.iter(|| black_box(builder(&s.units).restore(&bytes).unwrap()));
    });
    group.finish();
}

criterion_group!(benches, board);
criterion_main!(benches);
