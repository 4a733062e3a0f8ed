//! Batch scoring (SPEC §12): evaluating every assignment's clocks and aggregating the per-unit
//! counters of ~1,000,000 synthetic tickets (300 units, one quarter, policy `henan`) on one
//! core.
//!
//! `cargo bench -p hotline-score-benches --bench metrics`. The city is generated once, outside
//! the timing loop, streamed into a compact `TicketBatch`; the evaluator (calendar, policy,
//! units) is built once too. A second case runs the `&[Ticket]` path on the first 100,000
//! tickets (each ticket converted on the fly).
//!
//! Each case is measured twice: in wall time (criterion's default) and in **on-CPU time of the
//! benchmark thread** (`/proc/thread-self/schedstat`, Linux), which is what "on one core" means
//! when the machine is shared and the thread waits for a core part of the time.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// criterion_group! generates undocumented public functions.
#![allow(missing_docs)]

use std::hint::black_box;
use std::sync::OnceLock;
use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hotline_score::clocks::{Evaluator, TicketBatch};
use hotline_score::instant::CHINA_OFFSET;
use hotline_score::metrics::{Scope, partial, partial_batch};
use hotline_score::synthetic::CityGenerator;
use hotline_score::ticket::Ticket;
use hotline_score::{Calendar, Period, Policy};
use hotline_score_benches::{city_batch, events_per_ticket, million_ticket_config};

struct Inputs {
    batch: TicketBatch,
    tickets: Vec<Ticket>,
    ev: Evaluator,
    scope: Scope,
}

fn inputs() -> &'static Inputs {
    static INPUTS: OnceLock<Inputs> = OnceLock::new();
    INPUTS.get_or_init(|| {
        let config = million_ticket_config();
        let (units, batch, as_of) = city_batch(&config).expect("synthetic city");
        eprintln!(
            "{} tickets, {:.2} events/ticket, {} units",
            batch.len(),
            events_per_ticket(&batch),
            units.len()
        );
        let tickets = CityGenerator::new(&config)
            .expect("generator")
            .range(0, 100_000)
            .collect();
        let ev = Evaluator::new(
            &Calendar::prc().expect("calendar"),
            Policy::henan().expect("policy"),
            &units,
        );
        let scope = Scope::new(
            Period::quarter(2026, 1, CHINA_OFFSET).expect("period"),
            as_of,
        );
        Inputs {
            batch,
            tickets,
            ev,
            scope,
        }
    })
}

fn cases<M: Measurement>(c: &mut Criterion<M>, group_name: &str) {
    let inp = inputs();
    let mut group = c.benchmark_group(group_name);
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(inp.batch.len() as u64));
    group.bench_function("partial_batch_1m_tickets_300_units", |b| {
        b.iter(|| partial_batch(black_box(&inp.batch), &inp.ev, &inp.scope).expect("partial"));
    });
    group.throughput(Throughput::Elements(inp.tickets.len() as u64));
    group.bench_function("partial_tickets_100k_tickets_300_units", |b| {
        b.iter(|| partial(black_box(&inp.tickets), &inp.ev, &inp.scope).expect("partial"));
    });
    group.finish();
}

fn wall(c: &mut Criterion) {
    cases(c, "metrics");
}

fn on_cpu(c: &mut Criterion<ThreadCpu>) {
    cases(c, "metrics_on_cpu");
}

/// On-CPU nanoseconds of the calling thread.
struct ThreadCpu;

fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

impl Measurement for ThreadCpu {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_cpu_ns()
    }

    fn end(&self, i: u64) -> u64 {
        thread_cpu_ns().saturating_sub(i)
    }

    fn add(&self, v1: &u64, v2: &u64) -> u64 {
        v1 + v2
    }

    fn zero(&self) -> u64 {
        0
    }

    #[allow(clippy::cast_precision_loss)]
    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuFormatter
    }
}

struct CpuFormatter;

impl ValueFormatter for CpuFormatter {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (div, unit) = if typical < 1e3 {
            (1.0, "ns cpu")
        } else if typical < 1e6 {
            (1e3, "µs cpu")
        } else if typical < 1e9 {
            (1e6, "ms cpu")
        } else {
            (1e9, "s cpu")
        };
        for v in values {
            *v /= div;
        }
        unit
    }

    #[allow(clippy::cast_precision_loss)]
    fn scale_throughputs(&self, _typical: f64, t: &Throughput, values: &mut [f64]) -> &'static str {
        let n = match t {
            Throughput::Elements(n) | Throughput::Bytes(n) | Throughput::BytesDecimal(n) => *n,
            _ => 1,
        } as f64;
        for v in values {
            *v = n * 1e9 / *v / 1e6;
        }
        "M/s on-CPU"
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

criterion_group!(wall_time, wall);
criterion_group! {
    name = cpu_time;
    config = Criterion::default().with_measurement(ThreadCpu);
    targets = on_cpu
}
criterion_main!(wall_time, cpu_time);
