//! Peak memory of batch scoring (SPEC §12, ≤ 1 GB): streams the ~1,000,000-ticket synthetic
//! city into a compact `TicketBatch`, evaluates and aggregates it once, prints the time the
//! evaluation took. Run it under `/usr/bin/time -v`:
//!
//! `cargo build --release -p hotline-score-benches --example metrics_memory`
//! `/usr/bin/time -v target/release/examples/metrics_memory`
//!
//! With the argument `tickets` it instead holds all tickets as `Vec<Ticket>` and runs
//! `partial(&[Ticket])` (the per-ticket conversion path), for comparison.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]
// A measurement harness, not the core: it may read the clock.
#![allow(clippy::disallowed_methods)]

use hotline_score::clocks::Evaluator;
use hotline_score::instant::CHINA_OFFSET;
use hotline_score::metrics::{Scope, partial, partial_batch};
use hotline_score::synthetic::SyntheticCity;
use hotline_score::{Calendar, Period, Policy};
use hotline_score_benches::{city_batch, events_per_ticket, million_ticket_config};

fn main() {
    if std::env::args().nth(1).as_deref() == Some("tickets") {
        return tickets_path();
    }
    let (units, batch, as_of) = city_batch(&million_ticket_config()).expect("synthetic city");
    let ev = Evaluator::new(
        &Calendar::prc().expect("calendar"),
        Policy::henan().expect("policy"),
        &units,
    );
    let scope = Scope::new(
        Period::quarter(2026, 1, CHINA_OFFSET).expect("period"),
        as_of,
    );
    let cpu0 = thread_cpu_ns();
    let clock = std::time::Instant::now();
    let p = partial_batch(&batch, &ev, &scope).expect("partial");
    let secs = clock.elapsed().as_secs_f64();
    let n = batch.len();
    println!(
        "{n} tickets ({:.2} events/ticket), {} units with counters: {}",
        events_per_ticket(&batch),
        p.units.len(),
        rates(n, secs, cpu0)
    );
}

fn tickets_path() {
    let city = SyntheticCity::generate(&million_ticket_config()).expect("synthetic city");
    let ev = Evaluator::new(
        &Calendar::prc().expect("calendar"),
        Policy::henan().expect("policy"),
        &city.units,
    );
    let scope = Scope::new(
        Period::quarter(2026, 1, CHINA_OFFSET).expect("period"),
        city.as_of,
    );
    let cpu0 = thread_cpu_ns();
    let clock = std::time::Instant::now();
    let p = partial(&city.tickets, &ev, &scope).expect("partial");
    let secs = clock.elapsed().as_secs_f64();
    let n = city.tickets.len();
    println!(
        "Vec<Ticket> path: {n} tickets, {} units with counters: {}",
        p.units.len(),
        rates(n, secs, cpu0)
    );
}

/// On-CPU time of this thread in ns (Linux `/proc/thread-self/schedstat`), to tell the cost of
/// the work from waiting for a core on a shared machine; `None` elsewhere.
fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

#[allow(clippy::cast_precision_loss)]
fn rates(n: usize, wall: f64, cpu0: Option<u64>) -> String {
    let n = n as f64;
    let cpu = match (cpu0, thread_cpu_ns()) {
        (Some(a), Some(b)) if b > a => {
            let secs = (b - a) as f64 / 1e9;
            format!(", on-CPU {secs:.3} s = {:.0} tickets/s", n / secs)
        }
        _ => String::new(),
    };
    format!("wall {wall:.3} s = {:.0} tickets/s{cpu}", n / wall)
}
