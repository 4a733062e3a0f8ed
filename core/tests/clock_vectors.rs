//! Runs the clock and metrics conformance vectors of `tests/vectors/clocks/` (README there):
//! per assignment, the clocks' due / finish / outcome (and status fields where given); per unit
//! and role, every counter (unlisted counters must be zero). Every expected value was computed
//! by hand from the rules in `docs/semantics.md`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;

mod golden;

use hotline_score::clocks::{Assignment, ClockState, Evaluator};
use hotline_score::metrics::{Counter, DueAnchor, Scope, partial};
use hotline_score::policy::Clock;
use hotline_score::ticket::Ticket;
use hotline_score::{Calendar, Instant, Period, Policy, Unit, UnitId};
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/clocks");

fn policy(v: &Value) -> Policy {
    match v {
        Value::String(name) => Policy::builtin(name).unwrap(),
        other => Policy::from_json_str(&other.to_string()).unwrap(),
    }
}

fn instant(v: &Value) -> Option<Instant> {
    v.as_str().map(|s| Instant::parse(s).unwrap())
}

fn check_clock(case: &str, who: &str, clock: &str, got: &ClockState, want: &Value) {
    let got_json = serde_json::to_value(got).unwrap();
    for (field, expected) in want.as_object().unwrap() {
        let actual = &got_json[field.as_str()];
        let same = match field.as_str() {
            "due" | "finished" | "start" | "warning_at" => instant(actual) == instant(expected),
            _ => actual == expected,
        };
        assert!(
            same,
            "{case}: {who} clock {clock} field {field}: expected {expected}, got {actual}"
        );
    }
}

fn check_assignment(case: &str, got: &Assignment, want: &Value) {
    let who = format!("{} ({:?})", got.unit, got.role);
    assert_eq!(got.unit.as_str(), want["unit"].as_str().unwrap(), "{case}");
    assert_eq!(
        serde_json::to_value(got.role).unwrap(),
        want["role"],
        "{case}: {who} role"
    );
    if let Some(ended) = want.get("ended") {
        let actual = serde_json::to_value(got.ended).unwrap();
        if ended.is_null() {
            assert!(actual.is_null(), "{case}: {who} ended: got {actual}");
        } else {
            assert_eq!(
                instant(&actual["at"]),
                instant(&ended["at"]),
                "{case}: {who} ended at"
            );
            assert_eq!(
                actual["reason"], ended["reason"],
                "{case}: {who} end reason"
            );
        }
    }
    for (name, want_clock) in want["clocks"].as_object().unwrap() {
        let clock = Clock::ALL
            .into_iter()
            .find(|c| c.name() == name)
            .unwrap_or_else(|| panic!("{case}: unknown clock {name}"));
        check_clock(case, &who, name, got.clocks.get(clock), want_clock);
    }
    if let Some(records) = want.get("extensions") {
        let records = records.as_array().unwrap();
        assert_eq!(
            got.extensions.len(),
            records.len(),
            "{case}: {who} extensions"
        );
        for (i, (g, w)) in got.extensions.iter().zip(records).enumerate() {
            let g = serde_json::to_value(g).unwrap();
            for (field, expected) in w.as_object().unwrap() {
                let actual = &g[field.as_str()];
                let same = match field.as_str() {
                    "requested_at" | "decided_at" => instant(actual) == instant(expected),
                    _ => actual == expected,
                };
                assert!(
                    same,
                    "{case}: {who} extension {i} {field}: expected {expected}, got {actual}"
                );
            }
        }
    }
}

fn run_case(file: &str, case: &Value, out: &mut golden::Outputs) {
    let name = case["name"].as_str().unwrap();
    let key = format!("{file}: {name}");
    let ticket: Ticket = serde_json::from_value(case["ticket"].clone()).unwrap();
    ticket
        .validate(None)
        .unwrap_or_else(|e| panic!("{name}: invalid ticket: {e}"));
    let as_of = instant(&case["as_of"]).unwrap();
    let mut units: Vec<Unit> = Vec::new();
    for e in &ticket.events {
        if let Some(u) = e.body.unit()
            && !units.iter().any(|x| &x.id == u)
        {
            units.push(Unit {
                id: u.clone(),
                group: "g".into(),
                name: String::new(),
            });
        }
    }
    let ev = Evaluator::new(&Calendar::prc().unwrap(), policy(&case["policy"]), &units);
    let expected = &case["expected"];

    let got = ev.evaluate(&ticket, as_of).unwrap();
    out.add(&key, serde_json::to_string(&got).unwrap());
    let want = expected["assignments"].as_array().unwrap();
    assert_eq!(got.len(), want.len(), "{name}: number of assignments");
    for (g, w) in got.iter().zip(want) {
        check_assignment(name, g, w);
    }

    let Some(want_counters) = expected.get("counters") else {
        return;
    };
    let period: Period = serde_json::from_value(case["period"].clone()).unwrap();
    let mut scope = Scope::new(period, as_of);
    if let Some(anchor) = case.get("due_anchor") {
        scope.due_anchor = serde_json::from_value::<DueAnchor>(anchor.clone()).unwrap();
    }
    let p = partial(std::slice::from_ref(&ticket), &ev, &scope).unwrap();
    out.add(
        format!("{key} / partial"),
        serde_json::to_string(&p).unwrap(),
    );
    let want_counters: BTreeMap<String, BTreeMap<String, BTreeMap<String, i64>>> =
        serde_json::from_value(want_counters.clone()).unwrap();
    for unit in p.units.keys() {
        assert!(
            want_counters.contains_key(unit.as_str()),
            "{name}: unexpected counters for unit {unit}: {:?}",
            p.units[unit]
        );
    }
    for (unit, roles) in &want_counters {
        let row = p
            .units
            .get(&UnitId::from(unit.as_str()))
            .copied()
            .unwrap_or_default();
        for role in roles.keys() {
            assert!(role == "lead" || role == "assisting", "{name}: role {role}");
        }
        for (role, counters) in [("lead", &row.lead), ("assisting", &row.assisting)] {
            let want = roles.get(role).cloned().unwrap_or_default();
            for name_ in want.keys() {
                assert!(
                    Counter::from_name(name_).is_some(),
                    "{name}: unknown counter {name_}"
                );
            }
            for c in Counter::ALL {
                let w = want.get(c.name()).copied().unwrap_or(0);
                assert_eq!(
                    counters.get(*c),
                    w,
                    "{name}: unit {unit} {role} counter {}",
                    c.name()
                );
            }
        }
    }
}

#[test]
fn clock_vectors() {
    let mut files: Vec<_> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "vector files missing in {DIR}");
    let mut cases = 0;
    let mut out = golden::Outputs::new(
        "clocks",
        "Rust's JSON of every clock vector's result (tests/vectors/clocks/): the evaluated \
         assignments (key `<file>: <case name>`) and, for cases with counters, the partial \
         state (key `<file>: <case name> / partial`)",
    );
    for path in files {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let doc: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for case in doc["cases"].as_array().unwrap() {
            run_case(&file, case, &mut out);
            cases += 1;
        }
    }
    out.check();
    assert!(cases >= 14, "only {cases} cases");
}
