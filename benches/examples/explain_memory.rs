//! Explaining every unit of the ~1,000,000-ticket synthetic quarter: time of
//! `Scheme::explain_tickets` (the `sanmenxia` preset, all units), the explanations' JSON size,
//! and the process's peak memory (`VmHWM`) before and after explaining.
//!
//! `cargo build --release -p hotline-score-benches --example explain_memory`
//! `target/release/examples/explain_memory`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]
// A measurement harness, not the core: it may read the clock.
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeMap;

use hotline_score::clocks::Evaluator;
use hotline_score::instant::CHINA_OFFSET;
use hotline_score::metrics::{Scope, partial_batch};
use hotline_score::scheme::Scheme;
use hotline_score::{Calendar, Period, Policy};
use hotline_score_benches::{city_batch, million_ticket_config};

fn main() {
    let (units, batch, as_of) = city_batch(&million_ticket_config()).expect("synthetic city");
    let ev = Evaluator::new(
        &Calendar::prc().expect("calendar"),
        Policy::henan().expect("policy"),
        &units,
    );
    let period = Period::quarter(2026, 1, CHINA_OFFSET).expect("period");
    let scope = Scope::new(period.clone(), as_of);
    let scheme = Scheme::preset("sanmenxia").expect("preset");
    let metrics = partial_batch(&batch, &ev, &scope)
        .expect("partial")
        .finalize(&units, BTreeMap::new());
    let scores = scheme
        .score(&units, &metrics, &period, as_of)
        .expect("scores");
    let before = peak_kib();
    let clock = std::time::Instant::now();
    let explained = scheme
        .explain_tickets(&ev, &batch, &scope, &scores, 2)
        .expect("explain");
    let secs = clock.elapsed().as_secs_f64();
    let after = peak_kib();
    let listed: usize = explained
        .iter()
        .flat_map(|e| &e.components)
        .map(|c| c.tickets.len())
        .sum();
    let clock = std::time::Instant::now();
    let json = serde_json::to_string(&explained).expect("json");
    let json_secs = clock.elapsed().as_secs_f64();
    println!(
        "{} tickets, {} units explained in {secs:.2} s ({listed} ticket ids listed); JSON {:.1} MB in {json_secs:.2} s; peak memory {} MiB before explaining, {} MiB after, {} MiB at the end",
        batch.len(),
        explained.len(),
        json.len() as f64 / 1e6,
        before / 1024,
        after / 1024,
        peak_kib() / 1024
    );
}

/// The process's peak resident memory in KiB (Linux `VmHWM`); 0 elsewhere.
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
