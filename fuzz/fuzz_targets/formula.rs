//! The formula language. The first byte picks the expected type; the rest is the source.
//! Compiling never panics and reports at least one problem when it fails, each at a position
//! inside the source; a formula that compiles compiles again to the same program, and
//! evaluating it on assorted slot values (zeros, extremes, no data, wrong types) never panics
//! and gives a value of its type or no data.
#![no_main]

use hotline_score::formula::{Formula, MapResolver, Value, ValueType, codes};
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

/// The names of the formula test vectors (`tests/vectors/formula/`), so that the seeds compile.
const NAMES: [(&str, ValueType); 19] = [
    ("closed_on_time", ValueType::Number),
    ("due", ValueType::Number),
    ("returned", ValueType::Number),
    ("x", ValueType::Number),
    ("a", ValueType::Number),
    ("b", ValueType::Number),
    ("c", ValueType::Number),
    ("f", ValueType::Bool),
    ("g", ValueType::Bool),
    ("n", ValueType::Bool),
    ("grade_fail", ValueType::Bool),
    ("rank_from_bottom", ValueType::Number),
    ("group_size", ValueType::Number),
    ("streak", ValueType::Number),
    ("total", ValueType::Number),
    ("lead.signed", ValueType::Number),
    ("assisting.signed", ValueType::Number),
    ("ext.实例拨测", ValueType::Number),
    ("ext.mystery_calls", ValueType::Number),
];

/// Slot values: every number slot `x` and every bool slot `flag`; with `swap`, the types are
/// swapped (wrong-typed slots must read as no data).
fn slots(x: &Value, flag: bool, swap: bool) -> Vec<Value> {
    NAMES
        .iter()
        .map(|(_, ty)| match (ty, swap) {
            (ValueType::Number, false) | (ValueType::Bool, true) => x.clone(),
            _ => Value::Bool(flag),
        })
        .collect()
}

fn slot_sets() -> Vec<Vec<Value>> {
    let n = Value::Number;
    let mut out = Vec::new();
    for x in [
        n(Decimal::ZERO),
        n(Decimal::ONE),
        n(Decimal::new(-35, 1)),
        n(Decimal::new(89825, 5)),
        n(Decimal::MAX),
        n(Decimal::MIN),
        n(Decimal::new(1, 28)),
        Value::NoData,
    ] {
        out.push(slots(&x, true, false));
        out.push(slots(&x, false, false));
    }
    out.push(slots(&n(Decimal::TEN), true, true));
    out.push(Vec::new());
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let Ok(src) = std::str::from_utf8(rest) else {
        return;
    };
    let expected = if first & 1 == 0 {
        ValueType::Number
    } else {
        ValueType::Bool
    };
    let r = MapResolver::new(NAMES);
    match Formula::compile(src, &r, expected) {
        Err(problems) => {
            assert!(!problems.is_empty(), "a failed compile reports no problem");
            let lines = src.split('\n').count().max(1);
            for p in &problems {
                assert!(codes::ALL.contains(&p.code), "unknown code {}", p.code);
                assert!(p.line >= 1 && p.column >= 1, "{p:?}");
                assert!(p.line as usize <= lines, "line past the end: {p:?}");
            }
        }
        Ok(f) => {
            assert_eq!(f.result_type(), expected);
            assert_eq!(Formula::compile(src, &r, expected).ok().as_ref(), Some(&f));
            for slots in slot_sets() {
                let v = f.eval(&slots);
                let ok = match (&v, expected) {
                    (Value::NoData, _) => true,
                    (Value::Number(_), ValueType::Number) => true,
                    (Value::Bool(_), ValueType::Bool) => true,
                    _ => false,
                };
                assert!(ok, "{src:?} gave {v:?}, expected {expected:?}");
            }
        }
    }
});
