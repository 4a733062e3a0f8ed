//! Runs the shared formula vectors in `tests/vectors/formula/` (SPEC §6.1).

// Test code: failing loudly on malformed vectors is the point.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use hotline_score::formula::{Formula, MapResolver, Value, ValueType};
use rust_decimal::Decimal;
use serde_json::Value as Json;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/formula/");

fn load(name: &str) -> Json {
    let text = std::fs::read_to_string(format!("{DIR}{name}")).expect("vector file");
    serde_json::from_str(&text).expect("valid JSON")
}

fn value_type(s: &str) -> ValueType {
    match s {
        "number" => ValueType::Number,
        "bool" => ValueType::Bool,
        other => panic!("unknown type {other:?}"),
    }
}

/// The formula of a case: `formula`, or the concatenation of `formula_parts` ([text, times]).
fn formula(case: &Json) -> String {
    if let Some(s) = case["formula"].as_str() {
        return s.to_string();
    }
    let parts = case["formula_parts"]
        .as_array()
        .expect("formula or formula_parts");
    parts
        .iter()
        .map(|p| {
            p[0].as_str()
                .unwrap()
                .repeat(p[1].as_u64().unwrap() as usize)
        })
        .collect()
}

fn decimal(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap_or_else(|e| panic!("bad decimal {s:?}: {e}"))
}

fn json_value(v: &Json) -> Value {
    match v {
        Json::Null => Value::NoData,
        Json::Bool(b) => Value::Bool(*b),
        Json::String(s) => Value::Number(decimal(s)),
        other => panic!("unexpected value {other}"),
    }
}

#[test]
fn eval_vectors() {
    let doc = load("eval.json");
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 50);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let src = formula(case);
        let slots = case["slots"].as_object().unwrap();
        let types = case.get("types").and_then(Json::as_object);
        let mut vocabulary = Vec::new();
        let mut values = Vec::new();
        for (slot_name, v) in slots {
            let declared = match types.and_then(|t| t.get(slot_name)) {
                Some(t) => value_type(t.as_str().unwrap()),
                None if v.is_boolean() => ValueType::Bool,
                None => ValueType::Number,
            };
            vocabulary.push((slot_name.clone(), declared));
            values.push(json_value(v));
        }
        let resolver = MapResolver::new(vocabulary);
        let result = value_type(case["result"].as_str().unwrap());
        let f = Formula::compile(&src, &resolver, result)
            .unwrap_or_else(|p| panic!("{name}: {src:?} does not compile: {p:?}"));
        let got = f.eval(&values);
        let want = json_value(&case["expected"]);
        assert_eq!(got, want, "{name}: {src:?}");
        assert!(f.slots_used().len() <= slots.len(), "{name}");
    }
}

#[test]
fn error_vectors() {
    let doc = load("errors.json");
    let names = doc["names"].as_object().unwrap();
    let resolver = MapResolver::new(
        names
            .iter()
            .map(|(n, t)| (n.clone(), value_type(t.as_str().unwrap()))),
    );
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 30);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let src = formula(case);
        let result = value_type(case["result"].as_str().unwrap());
        let problems = match Formula::compile(&src, &resolver, result) {
            Ok(_) => panic!("{name}: {src:?} compiled"),
            Err(p) => p,
        };
        let got: Vec<_> = problems
            .iter()
            .map(|p| (p.code, p.line, p.column, p.suggestion.clone()))
            .collect();
        let want: Vec<_> = case["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["code"].as_str().unwrap(),
                    p["line"].as_u64().unwrap() as u32,
                    p["column"].as_u64().unwrap() as u32,
                    p.get("suggestion").map(|s| s.as_str().unwrap().to_string()),
                )
            })
            .collect();
        assert_eq!(got, want, "{name}: {src:?}\n{problems:#?}");
        for p in &problems {
            assert!(!p.message.is_empty());
        }
    }
}
