//! Formula language (SPEC §6.1): compiling and evaluating a typical rate formula.
//!
//! `cargo bench -p hotline-score-benches --bench formula`

// Bench setup fails loudly on a broken fixture.
#![allow(clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use hotline_score::formula::{Formula, MapResolver, Resolver, Value, ValueType};
use hotline_score::metrics::Counter;
use rust_decimal::Decimal;
use std::hint::black_box;

/// The vocabulary of an indicator value: every counter bare and per role, plus a few external
/// metrics (≈ 150 names).
fn vocabulary() -> MapResolver {
    let mut names = Vec::new();
    for c in Counter::ALL {
        names.push(c.name().to_string());
        names.push(format!("lead.{}", c.name()));
        names.push(format!("assisting.{}", c.name()));
    }
    for ext in ["mystery_calls", "knowledge_updates", "manual_points"] {
        names.push(format!("ext.{ext}"));
    }
    MapResolver::numbers(names)
}

/// `linear_below_target` on 按时办结率 with a zero-denominator guard.
const SCORE: &str = "clamp(25 - 1 * (100 - coalesce(closed_on_time / due, 100%) * 100), 0, 25)";
const RATE: &str = "closed_on_time / due";

fn bench(c: &mut Criterion) {
    let names = vocabulary();
    let mut slots = vec![Value::Number(Decimal::ZERO); names.names().len()];
    for (name, value) in [("closed_on_time", 3593), ("due", 4000)] {
        let (slot, _) = names.resolve(name).expect("name");
        slots[slot] = Value::Number(Decimal::from(value));
    }
    let score = Formula::compile(SCORE, &names, ValueType::Number).expect("compiles");
    let rate = Formula::compile(RATE, &names, ValueType::Number).expect("compiles");
    assert_eq!(score.eval(&slots), Value::Number(Decimal::new(14825, 3)));

    c.bench_function("formula/compile_score", |b| {
        b.iter(|| Formula::compile(black_box(SCORE), &names, ValueType::Number))
    });
    c.bench_function("formula/eval_score", |b| {
        b.iter(|| score.eval(black_box(&slots)))
    });
    c.bench_function("formula/eval_rate", |b| {
        b.iter(|| rate.eval(black_box(&slots)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
