//! Tickets (SPEC §3): synthetic generation, validation, and loading from JSON (on one thread
//! and on every core) and from flat tables (as owned tickets, and as the compact batch the
//! bindings load big tables into, from borrowed cells), each on 10,000 tickets of the default
//! synthetic city (≈ 7 events each).
//!
//! `cargo bench -p hotline-score-benches --bench tickets`

// Bench setup fails loudly on a broken fixture.
#![allow(clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use hotline_score::synthetic::{CityConfig, CityGenerator};
use hotline_score::ticket::{
    Assembler, EventRow, InstantCell, Mode, TicketRow, TicketRowRef, load_json, load_json_parallel,
    load_rows, load_tickets,
};

const N: u64 = 10_000;

fn tickets(c: &mut Criterion) {
    let generator = CityGenerator::new(&CityConfig::default()).expect("default city");
    let units = generator.units().to_vec();
    let sample: Vec<_> = generator.range(0, N).collect();
    let json = serde_json::to_string(&sample).expect("tickets serialize");
    let mut ticket_rows: Vec<TicketRow> = Vec::new();
    let mut event_rows: Vec<EventRow> = Vec::new();
    for t in &sample {
        let (tr, ers) = t.to_rows();
        ticket_rows.push(tr);
        event_rows.extend(ers);
    }

    let mut group = c.benchmark_group("tickets");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Elements(N));
    group.bench_function("generate_10k", |b| {
        b.iter(|| generator.range(0, N).map(|t| t.events.len()).sum::<usize>())
    });
    group.bench_function("validate_10k", |b| {
        b.iter_batched(
            || sample.clone(),
            |t| load_tickets(t, Some(&units), Mode::Strict).map(|l| l.tickets.len()),
            BatchSize::LargeInput,
        )
    });
    group.bench_function("load_json_10k", |b| {
        b.iter(|| load_json(black_box(&json), Some(&units), Mode::Strict).map(|l| l.tickets.len()))
    });
    // Every core of the machine, as the bindings and the CLI read JSON.
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    group.bench_function("load_json_parallel_10k", |b| {
        b.iter(|| {
            load_json_parallel(black_box(&json), Some(&units), Mode::Strict, threads)
                .map(|l| l.tickets.len())
        })
    });
    group.bench_function("load_rows_10k", |b| {
        b.iter_batched(
            || (ticket_rows.clone(), event_rows.clone()),
            |(t, e)| load_rows(t, e, Some(&units), Mode::Strict).map(|l| l.tickets.len()),
            BatchSize::LargeInput,
        )
    });
    // One thread, cells borrowed (the rows exist before, as columns in memory do).
    let attributes: Vec<Vec<(&str, &str)>> = ticket_rows
        .iter()
        .map(|t| {
            t.attributes
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect()
        })
        .collect();
    group.bench_function("load_rows_batch_10k", |b| {
        b.iter(|| {
            let mut asm = Assembler::new(Some(&units), Mode::Strict).expect("units");
            asm.reserve(ticket_rows.len(), event_rows.len());
            for (t, attributes) in ticket_rows.iter().zip(&attributes) {
                asm.add_ticket_ref(&TicketRowRef {
                    ticket_id: &t.ticket_id,
                    kind: &t.kind,
                    urgency: t.urgency.as_deref(),
                    channel: t.channel.as_deref(),
                    received_at: InstantCell::Text(&t.received_at),
                    attributes,
                });
            }
            for e in &event_rows {
                asm.add_event_ref(&e.borrowed());
            }
            asm.finish_batch().map(|l| l.batch.len())
        })
    });
    group.finish();
}

criterion_group!(benches, tickets);
criterion_main!(benches);
