//! Runs the bad-input catalog `tests/vectors/errors/*.json` (one entry per file; format and
//! operations in its README): every entry must fail with exactly the expected code and the full
//! context (`Error::context`). The Python and Node suites run the same files.
//!
//! Also the coverage-of-codes test: every code the core defines (`hotline_score::error::codes`)
//! is exercised by at least one entry.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeSet;

use hotline_score::board::{Board, BoardBuilder, Ingest, TicketHeader};
use hotline_score::calendar::{CalendarData, WeeklyTemplate};
use hotline_score::clocks::Evaluator;
use hotline_score::metrics::{MetricsTable, Partial, Scope, contributions, partial};
use hotline_score::scheme::{Scheme, Scores};
use hotline_score::synthetic::{CityConfig, CityGenerator};
use hotline_score::ticket::{EventRow, Mode, Ticket, TicketRow, load_json, load_rows};
use hotline_score::unit::UnitId;
use hotline_score::{Amount, Calendar, Error, Instant, Period, Policy, Result, Unit};
use serde_json::{Value, json};
use time::Date;
use time::macros::format_description;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/errors/");

/// Every entry: (file stem, parsed JSON), in file-name order.
fn entries() -> Vec<(String, Value)> {
    let mut names: Vec<String> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let text = std::fs::read_to_string(format!("{DIR}{n}")).unwrap();
            let v: Value = serde_json::from_str(&text).unwrap();
            (n.trim_end_matches(".json").to_owned(), expand(v))
        })
        .collect()
}

/// Expands every array element `{"$repeat": n, "item": x}` into `n` copies of `x`, and
/// `{"$repeat": n, "items": [x, y]}` into `n` copies of `x, y` (big inputs stay small on disk;
/// see the catalog README).
fn expand(v: Value) -> Value {
    match v {
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .flat_map(|item| match item.get("$repeat").and_then(Value::as_u64) {
                    Some(n) => {
                        let one = match item.get("items") {
                            Some(Value::Array(seq)) => seq.clone(),
                            _ => vec![item["item"].clone()],
                        };
                        let one: Vec<Value> = one.into_iter().map(expand).collect();
                        one.iter()
                            .cycle()
                            .take(one.len() * n as usize)
                            .cloned()
                            .collect()
                    }
                    None => vec![expand(item)],
                })
                .collect(),
        ),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, expand(v))).collect()),
        other => other,
    }
}

fn text(v: &Value) -> &str {
    v.as_str()
        .unwrap_or_else(|| panic!("expected a string, got {v}"))
}

/// An instant argument: RFC 3339 text or epoch milliseconds.
fn instant(v: &Value) -> Result<Instant> {
    match v {
        Value::Number(n) => Ok(Instant::from_millis(n.as_i64().unwrap())),
        other => Instant::parse(text(other)),
    }
}

fn date(v: &Value) -> Date {
    Date::parse(text(v), format_description!("[year]-[month]-[day]")).unwrap()
}

fn units(v: &Value) -> Vec<Unit> {
    serde_json::from_value(v.clone()).unwrap()
}

fn period(v: &Value) -> Result<Period> {
    Period::new(
        instant(&v["start"])?,
        instant(&v["end"])?,
        text(&v["label"]),
    )
}

/// A calendar spec (README: `prc`, `template`, `coverage`, `data_toml`, `data_json`); absent:
/// the built-in PRC calendar.
fn calendar(spec: Option<&Value>) -> Result<Calendar> {
    let Some(spec) = spec else {
        return Calendar::prc();
    };
    let mut b = Calendar::builder();
    if spec["prc"].as_bool().unwrap_or(false) {
        b = b.prc_data();
    }
    if let Some(t) = spec.get("template") {
        b = b.template(WeeklyTemplate::from_value(t)?);
    }
    if let Some(c) = spec.get("coverage") {
        b = b.coverage(date(&c[0]), date(&c[1]));
    }
    if let Some(t) = spec.get("data_toml") {
        b = b.data(CalendarData::from_toml(text(t))?);
    }
    if let Some(t) = spec.get("data_json") {
        b = b.data(CalendarData::from_json(text(t))?);
    }
    b.build()
}

fn policy(spec: Option<&Value>) -> Result<Policy> {
    match spec {
        None => Policy::henan(),
        Some(name) => Policy::builtin(text(name)),
    }
}

fn scheme(spec: &Value) -> Result<Scheme> {
    Scheme::preset(text(spec))
}

fn tickets(v: &Value) -> Result<Vec<Ticket>> {
    Ok(load_json(&v.to_string(), None, Mode::Strict)?.tickets)
}

/// `Scheme::score` of a metrics table (the `score_metrics` operation).
fn score_metrics(input: &Value) -> Result<Scores> {
    let scheme = scheme(&input["scheme"])?;
    let as_of = instant(&input["as_of"])?;
    let period = match input.get("period") {
        Some(p) => period(p)?,
        None => scheme.period_at(as_of)?,
    };
    let metrics: MetricsTable = serde_json::from_value(input["metrics"].clone()).unwrap();
    scheme.score(&units(&input["units"]), &metrics, &period, as_of)
}

fn board_builder(input: &Value) -> Result<BoardBuilder> {
    Ok(Board::builder()
        .calendar(calendar(input.get("calendar"))?)
        .policy(policy(input.get("policy"))?)
        .scheme(scheme(&input["scheme"])?)
        .units(units(&input["units"])))
}

fn ingested(r: Ingest) -> Result<()> {
    match r {
        Ingest::Rejected(e) => Err(e),
        Ingest::Accepted | Ingest::Duplicate => Ok(()),
    }
}

/// A board built from `input` with its `steps` run in order (the first failure is returned).
fn board(input: &Value) -> Result<Board> {
    let mut board = board_builder(input)?.build()?;
    for step in input["steps"].as_array().unwrap() {
        let (op, arg) = step.as_object().unwrap().iter().next().unwrap();
        match op.as_str() {
            "register" => {
                let header: TicketHeader = serde_json::from_value(arg.clone()).unwrap();
                ingested(board.register(header))?;
            }
            "ingest" => {
                let event = serde_json::from_value(arg["event"].clone()).unwrap();
                ingested(board.ingest(text(&arg["ticket_id"]), event))?;
            }
            "close_period" => {
                board.close_period(&period(&arg["period"])?, instant(&arg["as_of"])?)?;
            }
            "scorecard" => {
                board.scorecard(text(&arg["unit"]), instant(&arg["as_of"])?)?;
            }
            "deadline_statuses" => {
                board.deadline_statuses(text(&arg["unit"]), instant(&arg["as_of"])?)?;
            }
            other => panic!("unknown board step {other}"),
        }
    }
    Ok(board)
}

/// The `config_file` operation: `bytes_base64` written to a file named `name` (no file when
/// absent) in a fresh directory, then read as a `kind` file.
fn config_file(input: &Value) -> Result<()> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "hs-catalog-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(text(&input["name"]));
    if let Some(b) = input.get("bytes_base64") {
        std::fs::write(&path, base64(text(b))).unwrap();
    }
    let out = match text(&input["kind"]) {
        "scheme" => Scheme::from_path(&path).map(drop),
        "policy" => Policy::from_path(&path).map(drop),
        "calendar_data" => CalendarData::from_path(&path).map(drop),
        other => panic!("unknown config file kind {other}"),
    };
    std::fs::remove_dir_all(&dir).unwrap();
    out
}

fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {c}"),
        }
    };
    let mut out = Vec::new();
    for chunk in text.trim_end_matches('=').as_bytes().chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, c)| acc | (value(*c) << (18 - 6 * i)));
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

/// Runs one entry's operation (README of the catalog).
fn run(op: &str, input: &Value) -> Result<()> {
    match op {
        "parse_instant" => instant(&input["value"]).map(drop),
        "parse_amount" => text(&input["text"]).parse::<Amount>().map(drop),
        "calendar" => {
            let cal = calendar(Some(input))?;
            let Some(call) = input.get("call") else {
                return Ok(());
            };
            match text(&call["method"]) {
                "add_working_days" => cal
                    .add_working_days(date(&call["date"]), call["n"].as_i64().unwrap())
                    .map(drop),
                "add_working" => cal
                    .add_working(instant(&call["t"])?, call["ms"].as_i64().unwrap())
                    .map(drop),
                "working_between" => cal
                    .working_between(instant(&call["a"])?, instant(&call["b"])?)
                    .map(drop),
                other => panic!("unknown calendar method {other}"),
            }
        }
        "load_tickets_json" => {
            let text = match input.get("text") {
                Some(t) => text(t).to_owned(),
                None => input["tickets"].to_string(),
            };
            let units = input.get("units").map(units);
            load_json(&text, units.as_deref(), Mode::Strict).map(drop)
        }
        "load_rows" => {
            let t: Vec<TicketRow> = serde_json::from_value(input["tickets"].clone()).unwrap();
            let e: Vec<EventRow> = serde_json::from_value(input["events"].clone()).unwrap();
            let units = input.get("units").map(units);
            load_rows(t, e, units.as_deref(), Mode::Strict).map(drop)
        }
        "policy_from_toml" => Policy::from_toml_str(text(&input["text"])).map(drop),
        "policy_from_json" => Policy::from_json_str(text(&input["text"])).map(drop),
        "policy_builtin" => Policy::builtin(text(&input["name"])).map(drop),
        "scheme_from_toml" => Scheme::from_toml(text(&input["text"])).map(drop),
        "scheme_from_json" => Scheme::from_json(text(&input["text"])).map(drop),
        "scheme_preset" => Scheme::preset(text(&input["name"])).map(drop),
        "config_file" => config_file(input),
        "score_metrics" => score_metrics(input).map(drop),
        "sanctions" => {
            let history = input["history"]
                .as_array()
                .unwrap()
                .iter()
                .map(score_metrics)
                .collect::<Result<Vec<_>>>()?;
            scheme(&input["scheme"])?.sanctions(&history).map(drop)
        }
        "explain" => {
            let scores = score_metrics(input)?;
            let asked: Vec<UnitId> =
                serde_json::from_value(input["explain_units"].clone()).unwrap();
            scheme(&input["scheme"])?
                .explain(&scores.only(&asked)?, &[])
                .map(drop)
        }
        "score" => {
            let tickets = tickets(&input["tickets"])?;
            let scheme = scheme(&input["scheme"])?;
            let units = units(&input["units"]);
            let cal = calendar(input.get("calendar"))?;
            let ev = Evaluator::new(&cal, policy(input.get("policy"))?, &units);
            let as_of = instant(&input["as_of"])?;
            let period = match input.get("period") {
                Some(p) => period(p)?,
                None => scheme.period_at(as_of)?,
            };
            let table = partial(&tickets, &ev, &Scope::new(period.clone(), as_of))?
                .finalize(&units, Default::default());
            scheme.score(&units, &table, &period, as_of).map(drop)
        }
        "contributions" => {
            let units = units(&input["units"]);
            let ev = Evaluator::new(&calendar(None)?, policy(None)?, &units);
            let scope = Scope::new(period(&input["period"])?, instant(&input["as_of"])?);
            let unit = UnitId::from(text(&input["unit"]));
            contributions(&tickets(&input["tickets"])?, &ev, &scope, &unit).map(drop)
        }
        "partial_from_rows" => {
            let columns: Vec<String> = serde_json::from_value(input["columns"].clone()).unwrap();
            assert_eq!(columns.first().map(String::as_str), Some("unit"));
            let rows: Vec<(UnitId, Vec<i64>)> = input["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    let r = r.as_array().unwrap();
                    let values = r[1..].iter().map(|v| v.as_i64().unwrap()).collect();
                    (UnitId::from(text(&r[0])), values)
                })
                .collect();
            Partial::from_rows(&columns[1..], &rows).map(drop)
        }
        "synthetic_city" => {
            let mut c = CityConfig::default();
            if let Some(v) = input.get("seed") {
                c.seed = v.as_u64().unwrap();
            }
            if let Some(v) = input.get("start") {
                c.start = date(v);
            }
            if let Some(v) = input.get("days") {
                c.days = u32::try_from(v.as_u64().unwrap()).unwrap();
            }
            if let Some(v) = input.get("units") {
                c.units = usize::try_from(v.as_u64().unwrap()).unwrap();
            }
            if let Some(v) = input.get("tickets_per_day") {
                c.tickets_per_day = u32::try_from(v.as_u64().unwrap()).unwrap();
            }
            if let Some(v) = input.get("quality_spread") {
                c.quality_spread = v.as_f64().unwrap();
            }
            CityGenerator::new(&c).map(drop)
        }
        "board" => board(input).map(drop),
        "board_builder" => {
            // Rust only (README): a builder missing one of its parts.
            let mut b = Board::builder();
            for part in input["parts"].as_array().unwrap() {
                b = match text(part) {
                    "calendar" => b.calendar(calendar(None)?),
                    "policy" => b.policy(policy(None)?),
                    "scheme" => b.scheme(scheme(&input["scheme"])?),
                    "units" => b.units(units(&input["units"])),
                    other => panic!("unknown part {other}"),
                };
            }
            b.build().map(drop)
        }
        "board_restore" => {
            let bytes = match input.get("from") {
                Some(from) => board(from).expect("the `from` board").snapshot()?,
                None => base64(text(&input["snapshot_base64"])),
            };
            board_builder(input)?.restore(&bytes).map(drop)
        }
        other => panic!("unknown operation {other}"),
    }
}

/// The error as the catalog writes it: code and the full context.
fn error_json(e: &Error) -> Value {
    let c = e.context();
    json!({
        "code": e.code(),
        "ticket_id": c.ticket_id,
        "event_index": c.event_index,
        "field": c.field,
        "line": c.line,
        "column": c.column,
        "row": c.row,
        "date": c.date,
    })
}

#[test]
fn every_entry_fails_with_its_code_and_context() {
    let entries = entries();
    assert!(entries.len() >= 60, "only {} entries", entries.len());
    let mut failures = Vec::new();
    for (name, entry) in &entries {
        let op = text(&entry["operation"]);
        let got = match run(op, &entry["input"]) {
            Ok(()) => json!("no error"),
            Err(e) => {
                // The message is never empty.
                assert!(!e.to_string().is_empty(), "{name}");
                error_json(&e)
            }
        };
        if got != entry["error"] {
            failures.push(format!("{name}: got {got}, want {}", entry["error"]));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_code_the_core_defines_has_an_entry() {
    let used: BTreeSet<String> = entries()
        .iter()
        .map(|(_, e)| text(&e["error"]["code"]).to_owned())
        .collect();
    let missing: Vec<&str> = hotline_score::error::codes()
        .filter(|c| !used.contains(*c))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a catalog entry: {missing:?}"
    );
    // And no entry expects a code the core does not define.
    let known: BTreeSet<&str> = hotline_score::error::codes().collect();
    let unknown: Vec<&String> = used
        .iter()
        .filter(|c| !known.contains(c.as_str()))
        .collect();
    assert!(unknown.is_empty(), "unknown codes: {unknown:?}");
}

/// `docs/errors.md` has a row for every code the core defines.
#[test]
fn every_code_is_explained_in_the_docs() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/errors.md")).unwrap();
    let missing: Vec<&str> = hotline_score::error::codes()
        .filter(|c| !doc.contains(&format!("| `{c}` |")))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a row in docs/errors.md: {missing:?}"
    );
}

#[test]
fn entries_are_well_formed() {
    const CONTEXT: [&str; 7] = [
        "ticket_id",
        "event_index",
        "field",
        "line",
        "column",
        "row",
        "date",
    ];
    for (name, e) in entries() {
        let keys: BTreeSet<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
        assert!(
            keys.is_subset(&["description", "operation", "input", "error", "only"].into()),
            "{name}: {keys:?}"
        );
        assert!(!text(&e["description"]).is_empty(), "{name}");
        let err = e["error"].as_object().unwrap();
        assert_eq!(err.len(), 1 + CONTEXT.len(), "{name}: error keys");
        for k in CONTEXT {
            assert!(err.contains_key(k), "{name}: error.{k} missing");
        }
    }
}
