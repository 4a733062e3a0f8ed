//! Runs the language-neutral scheme vectors in `tests/vectors/scheme/` (format: its README).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

mod golden;

use hotline_score::metrics::{Contribution, MetricsTable};
use hotline_score::scheme::{Scheme, Scores};
use hotline_score::{Error, Instant, Period, Unit};
use serde::Deserialize;
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/scheme");

#[derive(Deserialize)]
struct File {
    #[allow(dead_code)]
    description: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[serde(default)]
    note: Option<String>,
    scheme: Option<Value>,
    scheme_toml: Option<String>,
    scheme_json_text: Option<String>,
    as_of: Option<String>,
    period: Option<PeriodSpec>,
    #[serde(default)]
    units: Vec<Unit>,
    metrics: Option<MetricsTable>,
    #[serde(default)]
    expected: Vec<Value>,
    expected_order: Option<Vec<String>>,
    #[serde(default)]
    periods: Vec<PeriodCase>,
    expected_sanctions: Option<Vec<Vec<Value>>>,
    expected_problems: Option<Vec<Value>>,
    contributions: Option<Vec<Contribution>>,
    expected_explanations: Option<Vec<Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodSpec {
    start: String,
    end: String,
    label: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodCase {
    period: PeriodSpec,
    as_of: String,
    metrics: MetricsTable,
}

fn period(spec: &PeriodSpec) -> Period {
    Period::new(
        Instant::parse(&spec.start).unwrap(),
        Instant::parse(&spec.end).unwrap(),
        spec.label.clone(),
    )
    .unwrap()
}

fn load(case: &Case) -> Result<Scheme, Error> {
    if let Some(text) = &case.scheme_toml {
        return Scheme::from_toml(text);
    }
    if let Some(text) = &case.scheme_json_text {
        return Scheme::from_json(text);
    }
    match case.scheme.as_ref().expect("a scheme") {
        Value::String(name) => Scheme::preset(name),
        inline => Scheme::from_json(&serde_json::to_string_pretty(inline).unwrap()),
    }
}

/// Every key of `expected` equals the same key of `actual`.
fn check_fields(ctx: &str, expected: &Value, actual: &Value) {
    for (k, want) in expected.as_object().unwrap() {
        if k == "unit" || k == "components" {
            continue;
        }
        let got = actual
            .get(k)
            .unwrap_or_else(|| panic!("{ctx}: no field {k}"));
        assert_eq!(got, want, "{ctx}: field {k}");
    }
}

fn check_scores(ctx: &str, case: &Case, scores: &Scores) {
    let json = serde_json::to_value(scores).unwrap();
    let cards = json["units"].as_array().unwrap();
    if let Some(order) = &case.expected_order {
        let got: Vec<&str> = cards.iter().map(|c| c["unit"].as_str().unwrap()).collect();
        assert_eq!(&got, order, "{ctx}: order");
    }
    for want in &case.expected {
        let unit = want["unit"].as_str().unwrap();
        let card = cards
            .iter()
            .find(|c| c["unit"] == unit)
            .unwrap_or_else(|| panic!("{ctx}: no scorecard for {unit}"));
        let ctx = format!("{ctx} / {unit}");
        check_fields(&ctx, want, card);
        assert_eq!(card["scheme_hash"], json["scheme_hash"]);
        if let Some(components) = want.get("components") {
            for (id, want_c) in components.as_object().unwrap() {
                let comp = card["components"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|c| c["indicator"] == id.as_str())
                    .unwrap_or_else(|| panic!("{ctx}: no component {id}"));
                check_fields(&format!("{ctx} / {id}"), want_c, comp);
            }
        }
    }
}

fn run_case(file: &str, case: &Case, out: &mut golden::Outputs) {
    let ctx = format!("{file}: {}", case.name);
    if let Some(problems) = &case.expected_problems {
        let err = load(case).expect_err(&ctx);
        assert_eq!(err.code(), "scheme_invalid", "{ctx}");
        let Error::SchemeInvalid { problems: got } = err else {
            unreachable!()
        };
        let got: Vec<Value> = got
            .iter()
            .map(|p| serde_json::to_value(p).unwrap())
            .collect();
        assert_eq!(got.len(), problems.len(), "{ctx}: {got:#?}");
        for (want, got) in problems.iter().zip(&got) {
            check_fields(&ctx, want, got);
            if want.get("suggestion").is_none() {
                assert!(
                    got.get("suggestion").is_none(),
                    "{ctx}: unexpected suggestion in {got}"
                );
            }
        }
        return;
    }
    let scheme = load(case).unwrap_or_else(|e| panic!("{ctx}: {e}"));
    if let Some(expected) = &case.expected_sanctions {
        let history: Vec<Scores> = case
            .periods
            .iter()
            .map(|p| {
                let as_of = Instant::parse(&p.as_of).unwrap();
                scheme
                    .score(&case.units, &p.metrics, &period(&p.period), as_of)
                    .unwrap()
            })
            .collect();
        let sanctions = scheme.sanctions(&history).unwrap();
        out.add(&ctx, serde_json::to_string(&sanctions).unwrap());
        let outcome = serde_json::to_value(&sanctions).unwrap();
        for (i, want_period) in expected.iter().enumerate() {
            let got_units = outcome[i]["units"].as_array().unwrap();
            assert_eq!(got_units.len(), want_period.len(), "{ctx}: period {i}");
            for want in want_period {
                let got = got_units
                    .iter()
                    .find(|u| u["unit"] == want["unit"])
                    .unwrap();
                check_fields(&format!("{ctx}: period {i} / {}", want["unit"]), want, got);
            }
        }
        return;
    }
    let as_of = Instant::parse(case.as_of.as_deref().unwrap()).unwrap();
    let p = case
        .period
        .as_ref()
        .map_or_else(|| scheme.period_at(as_of).unwrap(), period);
    let mut metrics = case.metrics.clone().unwrap_or_default();
    for c in case.contributions.iter().flatten() {
        metrics
            .units
            .entry(c.unit.clone())
            .or_default()
            .role_mut(c.role)
            .add(c.counter, c.amount);
    }
    let scores = scheme
        .score(&case.units, &metrics, &p, as_of)
        .unwrap_or_else(|e| panic!("{ctx}: {e}"));
    check_scores(&ctx, case, &scores);
    out.add(&ctx, serde_json::to_string(&scores).unwrap());
    if let Some(expected) = &case.expected_explanations {
        let contributions = case.contributions.as_deref().unwrap_or_default();
        let explanations = scheme.explain(&scores, contributions).unwrap();
        out.add(
            format!("{ctx} / explanations"),
            serde_json::to_string(&explanations).unwrap(),
        );
        let explained = serde_json::to_value(&explanations).unwrap();
        for want in expected {
            let got = explained
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["unit"] == want["unit"])
                .unwrap();
            for (id, tickets) in want["components"].as_object().unwrap() {
                let comp = got["components"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|c| c["indicator"] == id.as_str())
                    .unwrap();
                assert_eq!(&comp["tickets"], tickets, "{ctx}: {} / {id}", want["unit"]);
            }
            if let Some(counters) = want.get("ticket_counters") {
                let unit = &want["unit"];
                assert_eq!(
                    &got["ticket_counters"], counters,
                    "{ctx}: {unit} / ticket_counters"
                );
            }
        }
    }
}

#[test]
fn scheme_vectors() {
    let mut files: Vec<_> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut count = 0;
    let mut out = golden::Outputs::new(
        "scheme",
        "Rust's JSON of every scheme vector's result (tests/vectors/scheme/): the scores, the \
         explanations when the case has some, the sanctions ladder's outcome for history cases; \
         key: `<file>: <case name>`",
    );
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let file: File = serde_json::from_str(&std::fs::read_to_string(path).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        for case in &file.cases {
            let _ = &case.note;
            run_case(&name, case, &mut out);
            count += 1;
        }
    }
    out.check();
    assert!(count >= 20, "only {count} cases ran");
    assert!(Path::new(DIR).join("README.md").exists());
}
