//! Runs the language-neutral calendar vectors in `tests/vectors/calendar/cases.json`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::path::Path;

use hotline_score::calendar::{CalendarData, DayCount, WeeklyTemplate};
use hotline_score::{Calendar, Error, Instant};
use serde::Deserialize;
use serde_json::Value;
use time::Date;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    #[serde(default)]
    prc: bool,
    template: Option<WeeklyTemplate>,
    #[serde(default)]
    dated_templates: Vec<Dated>,
    #[serde(default)]
    data: Vec<Value>,
    #[serde(default)]
    data_files: Vec<String>,
    as_known_on: Option<String>,
    #[serde(default)]
    ignore_adjusted_workdays: bool,
    coverage: Option<(String, String)>,
    predict_through: Option<String>,
    #[serde(default)]
    whole_day: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Dated {
    from: String,
    template: WeeklyTemplate,
}

fn date(s: &str) -> Date {
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).unwrap()
}

fn build(spec: &Spec) -> Calendar {
    let mut b = Calendar::builder();
    if let Some(t) = &spec.template {
        b = b.template(t.clone());
    }
    for d in &spec.dated_templates {
        b = b.template_from(date(&d.from), d.template.clone());
    }
    if spec.prc {
        b = b.prc_data();
    }
    for d in &spec.data {
        b = b.data(CalendarData::from_json(&d.to_string()).unwrap());
    }
    for f in &spec.data_files {
        b = b.data(CalendarData::from_path(&Path::new(ROOT).join(f)).unwrap());
    }
    if let Some(d) = &spec.as_known_on {
        b = b.as_known_on(date(d));
    }
    if let Some((from, through)) = &spec.coverage {
        b = b.coverage(date(from), date(through));
    }
    if let Some(d) = &spec.predict_through {
        b = b.predict_through(date(d));
    }
    let cal = b
        .ignore_adjusted_workdays(spec.ignore_adjusted_workdays)
        .build()
        .unwrap();
    if spec.whole_day { cal.whole_day() } else { cal }
}

/// The result of one op: a JSON value to compare with `expect`, or an error.
fn run(cal: &Calendar, case: &Value) -> Result<Value, Error> {
    let s = |k: &str| case[k].as_str().unwrap_or_else(|| panic!("missing {k}"));
    let inst = |k: &str| Instant::parse(s(k));
    let i = |k: &str| case[k].as_i64().unwrap_or_else(|| panic!("missing {k}"));
    let fmt = |t: Instant| Value::from(t.format(cal.offset()));
    let op = s("op");
    Ok(match op {
        "add_working" => fmt(cal.add_working(inst("t")?, i("ms"))?),
        "sub_working" => fmt(cal.sub_working(inst("t")?, i("ms"))?),
        "working_between" => Value::from(cal.working_between(inst("a")?, inst("b")?)?),
        "next_working_instant" => fmt(cal.next_working_instant(inst("t")?)?),
        "day_kind" => serde_json::to_value(cal.day_kind(date(s("date")))?).unwrap(),
        "is_workday" => Value::from(cal.is_workday(date(s("date")))?),
        "add_working_days" => {
            Value::from(cal.add_working_days(date(s("date")), i("n"))?.to_string())
        }
        "working_days_between" => {
            Value::from(cal.working_days_between(date(s("a")), date(s("b")))?)
        }
        "working_days_deadline" => {
            let mut opts = serde_json::Map::new();
            for k in ["count_start_day", "deadline_at"] {
                if let Some(v) = case.get(k) {
                    opts.insert(k.to_owned(), v.clone());
                }
            }
            let opts: DayCount = serde_json::from_value(Value::Object(opts)).unwrap();
            let n = u32::try_from(i("n")).unwrap();
            fmt(cal.working_days_deadline(inst("start")?, n, opts)?)
        }
        "uses_prediction" => Value::from(cal.uses_prediction(inst("a")?, inst("b")?)),
        other => panic!("unknown op {other}"),
    })
}

#[test]
fn calendar_vectors() {
    let path = Path::new(ROOT).join("tests/vectors/calendar/cases.json");
    let file: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let specs: BTreeMap<String, Spec> = serde_json::from_value(file["calendars"].clone()).unwrap();
    let cals: BTreeMap<&String, Calendar> = specs.iter().map(|(k, s)| (k, build(s))).collect();
    let cases = file["cases"].as_array().unwrap();
    let mut failures = Vec::new();
    for case in cases {
        let id = case["case"].as_str().unwrap();
        let cal = &cals[&case["calendar"].as_str().unwrap().to_owned()];
        let got = run(cal, case);
        let ok = match (&got, case.get("expect"), case.get("error")) {
            (Ok(v), Some(want), None) => {
                // Instants compare as instants (any offset), everything else as JSON.
                match (
                    v.as_str().map(Instant::parse),
                    want.as_str().map(Instant::parse),
                ) {
                    (Some(Ok(a)), Some(Ok(b))) => a == b,
                    _ => v == want,
                }
            }
            (Err(e), None, Some(want)) => {
                let code_ok = want["code"] == e.code();
                let date_ok = match (want.get("date"), e) {
                    (None, _) => true,
                    (Some(d), Error::OutOfCoverage { date }) => d == &date.to_string(),
                    (Some(_), _) => false,
                };
                code_ok && date_ok
            }
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "case {id}: got {got:?}, want {}",
                case.get("expect").or(case.get("error")).unwrap()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(cases.len() >= 40);
    // Every golden case 1–22 is present.
    for n in 1..=22 {
        assert!(
            cases.iter().any(|c| {
                let id = c["case"].as_str().unwrap();
                id.trim_end_matches(|ch: char| ch.is_ascii_lowercase()) == n.to_string()
            }),
            "golden case {n} missing"
        );
    }
}
