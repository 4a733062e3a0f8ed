//! Batch scoring (SPEC §12): evaluating every assignment's clocks and aggregating the per-unit
//! counters of ~1,000,000 synthetic tickets (300 units, one quarter, policy `henan`) on one
//! core.
//!
//! `cargo bench -p hotline-score-benches --bench metrics`. The city is generated once, outside
//! the timing loop, streamed into a compact `TicketBatch`; the evaluator (calendar, policy,
//! units) is built once too. A second case runs the `&[Ticket]` path on the first 100,000
//! tickets (each ticket converted on the fly).
#![allow(clippy::unwrap_used, clippy::expect_used)]
// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hotline_score::clocks::Evaluator;
use hotline_score::instant::CHINA_OFFSET;
use hotline_score::metrics::{Scope, partial, partial_batch};
use hotline_score::synthetic::CityGenerator;
use hotline_score::{Calendar, Period, Policy};
use hotline_score_benches::{city_batch, events_per_ticket, million_ticket_config};

fn metrics(c: &mut Criterion) {
    let config = million_ticket_config();
    let (units, batch, as_of) = city_batch(&config).expect("synthetic city");
    eprintln!(
        "{} tickets, {:.2} events/ticket, {} units",
        batch.len(),
        events_per_ticket(&batch),
        units.len()
    );
    let ev = Evaluator::new(
        &Calendar::prc().expect("calendar"),
        Policy::henan().expect("policy"),
        &units,
    );
    let scope = Scope::new(
        Period::quarter(2026, 1, CHINA_OFFSET).expect("period"),
        as_of,
    );
    let mut group = c.benchmark_group("metrics");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(batch.len() as u64));
    group.bench_function("partial_batch_1m_tickets_300_units", |b| {
        b.iter(|| partial_batch(black_box(&batch), &ev, &scope).expect("partial"));
    });
    drop(batch);
    let tickets: Vec<_> = CityGenerator::new(&config)
        .expect("generator")
        .range(0, 100_000)
        .collect();
    group.throughput(Throughput::Elements(tickets.len() as u64));
    group.bench_function("partial_tickets_100k_tickets_300_units", |b| {
        b.iter(|| partial(black_box(&tickets), &ev, &scope).expect("partial"));
    });
    group.finish();
}

criterion_group!(benches, metrics);
criterion_main!(benches);
