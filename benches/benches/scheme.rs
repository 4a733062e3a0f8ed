//! Scoring 300 units from a metrics table (SPEC §12 target: ≤ 1 ms), with the `sanmenxia` preset
//! (32 indicators: rates, means, workload curve, shrinkage, deductions, checklist) and the
//! `lianyungang-2022` (12 indicators) and `three-rates` (3 indicators) presets.
//!
//! Each preset is scored on one thread ([`Scheme::score`]) and on two
//! ([`Scheme::score_parallel`], groups dealt to the threads).
//!
//! The allocator is mimalloc, as in everything shipped (CLI, Python and Node bindings): with the
//! system allocator, whether glibc gives the freed scorecards back to the kernel after each
//! iteration (and takes page faults to get them again) depends on the sizes of earlier frees,
//! which turned unrelated changes into 50–80 % slowdowns (BENCHMARKS.md, "Schemes").
//!
//! The sanctions ladder is run over four quarters of 20,000 units (`sanmenxia`, three groups):
//! placing each unit from the bottom of its group must not compare it with every other unit.
//!
//! Run: `cargo bench -p hotline-score-benches --bench scheme`

#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use hotline_score::metrics::{Counter, MetricsTable, UnitCounters};
use hotline_score::scheme::Scheme;
use hotline_score::{Instant, Unit};
use rust_decimal::Decimal;

/// A deterministic pseudo-random table: `n` units spread over `groups`, plausible counters.
fn table(n: usize, groups: &[&str], external: &[&str]) -> (Vec<Unit>, MetricsTable) {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |m: i64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        i64::try_from(state % u64::try_from(m.max(1)).unwrap()).unwrap()
    };
    let mut units = Vec::new();
    let mut metrics = MetricsTable::default();
    for i in 0..n {
        let id = format!("unit-{i:03}");
        let group = groups[i % groups.len()];
        units.push(Unit {
            id: id.as_str().into(),
            group: group.to_owned(),
            name: id.clone(),
        });
        let mut c = UnitCounters::default();
        let d = 20 + next(2000);
        let frac = |x: i64, pct: i64| x * pct / 100;
        let row = &mut c.lead;
        row.add(Counter::Dispatched, d);
        row.add(Counter::SignedOnTime, frac(d, 80 + next(20)));
        row.add(Counter::Signed, frac(d, 95 + next(5)));
        row.add(Counter::SignWorkingMs, d * (600_000 + next(7_200_000)));
        row.add(Counter::ContactedOnTime, frac(d, 85 + next(15)));
        row.add(Counter::Replied, frac(d, 90 + next(10)));
        row.add(Counter::RepliedOnTime, frac(d, 80 + next(20)));
        row.add(Counter::Urgent, next(20));
        row.add(Counter::UrgentRepliedOnTime, next(10));
        row.add(Counter::Returned, next(30));
        row.add(Counter::ReturnsAccepted, next(20));
        row.add(Counter::ReturnsLate, next(5));
        row.add(Counter::ReturnsRejected, next(5));
        row.add(Counter::ExtensionsRequested, next(40));
        row.add(Counter::ExtensionsApproved, next(30));
        row.add(Counter::Urged, next(50));
        row.add(Counter::Supervised, next(10));
        row.add(Counter::Repeat, next(60));
        let due = frac(d, 90);
        row.add(Counter::Due, due);
        let on_time = frac(due, 70 + next(30));
        row.add(Counter::ClosedOnTime, on_time);
        row.add(Counter::ClosedLate, frac(due - on_time, 80));
        row.add(Counter::DueClosed, on_time + frac(due - on_time, 80));
        row.add(
            Counter::OverdueOpen,
            due - on_time - frac(due - on_time, 80),
        );
        row.add(Counter::ClosedFirstTime, frac(on_time, 95));
        row.add(
            Counter::OverdueWorkingMs,
            (due - on_time) * 3_600_000 * next(30),
        );
        row.add(Counter::Closed, frac(d, 92));
        row.add(Counter::Reopened, next(30));
        row.add(Counter::ReviewPassed, frac(d, 90));
        row.add(Counter::ReviewFailed, next(40));
        row.add(Counter::CompleteWorkingMs, d * 28_800_000 * (1 + next(6)));
        let cb = frac(d, 60);
        row.add(Counter::Callbacks, cb);
        row.add(Counter::Satisfied, frac(cb, 75 + next(20)));
        row.add(Counter::BasicallySatisfied, frac(cb, 3));
        row.add(Counter::Unsatisfied, frac(cb, 2));
        row.add(Counter::Resolved, frac(cb, 85 + next(10)));
        row.add(Counter::Unresolved, frac(cb, 5));
        row.add(Counter::InitialSatisfied, frac(cb, 80));
        metrics.units.insert(id.as_str().into(), c);
        let ext: BTreeMap<String, Decimal> = external
            .iter()
            .map(|e| ((*e).to_owned(), Decimal::from(next(5))))
            .collect();
        if !ext.is_empty() {
            metrics.external.insert(id.as_str().into(), ext);
        }
    }
    (units, metrics)
}

/// The external metrics `scheme` declares.
fn external(scheme: &Scheme) -> Vec<&str> {
    scheme
        .resolver()
        .external()
        .iter()
        .map(String::as_str)
        .collect()
}

fn bench(c: &mut Criterion) {
    let as_of = Instant::parse("2026-03-31T12:00:00+08:00").unwrap();
    for (preset, groups) in [
        ("sanmenxia", &["counties", "departments", "utilities"][..]),
        (
            "lianyungang-2022",
            &["counties", "districts", "departments"][..],
        ),
        ("three-rates", &["units"][..]),
    ] {
        let scheme = Scheme::preset(preset).unwrap();
        let (units, metrics) = table(300, groups, &external(&scheme));
        let period = scheme.period_at(as_of).unwrap();
        let check = scheme.score(&units, &metrics, &period, as_of).unwrap();
        assert_eq!(check.units.len(), 300);
        c.bench_function(&format!("score 300 units ({preset})"), |b| {
            b.iter(|| {
                scheme
                    .score(black_box(&units), black_box(&metrics), &period, as_of)
                    .unwrap()
            });
        });
        let two = scheme
            .score_parallel(&units, &metrics, &period, as_of, 2)
            .unwrap();
        assert_eq!(two, check);
        c.bench_function(&format!("score 300 units ({preset}, 2 threads)"), |b| {
            b.iter(|| {
                scheme
                    .score_parallel(black_box(&units), black_box(&metrics), &period, as_of, 2)
                    .unwrap()
            });
        });
    }
    sanctions(c);
}

/// The sanctions ladder over four closed quarters of 20,000 units.
fn sanctions(c: &mut Criterion) {
    let scheme = Scheme::preset("sanmenxia").unwrap();
    let (units, metrics) = table(
        20_000,
        &["counties", "departments", "utilities"],
        &external(&scheme),
    );
    let history: Vec<_> = [
        "2025-06-30T12:00:00+08:00",
        "2025-09-30T12:00:00+08:00",
        "2025-12-31T12:00:00+08:00",
        "2026-03-31T12:00:00+08:00",
    ]
    .iter()
    .map(|at| {
        let as_of = Instant::parse(at).unwrap();
        let period = scheme.period_at(as_of).unwrap();
        scheme.score(&units, &metrics, &period, as_of).unwrap()
    })
    .collect();
    assert_eq!(scheme.sanctions(&history).unwrap().len(), 4);
    let mut group = c.benchmark_group("sanctions");
    group.sample_size(10);
    group.bench_function("4 quarters of 20,000 units (sanmenxia)", |b| {
        b.iter(|| scheme.sanctions(black_box(&history)).unwrap());
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
