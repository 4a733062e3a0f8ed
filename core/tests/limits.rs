//! Resource limits (`docs/limits.md`): hostile sizes give typed errors quickly, never a crash, a
//! hang or unbounded memory. Inputs are built so that each test stays fast in a debug build.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use hotline_score::board::{Board, BoardBuilder};
use hotline_score::calendar::CalendarData;
use hotline_score::clocks::Evaluator;
use hotline_score::metrics::MetricsTable;
use hotline_score::scheme::{MAX_PROBLEMS, MAX_SCHEME_BYTES, Scheme};
use hotline_score::ticket::{
    Event, EventBody, Kind, MAX_EVENTS_PER_TICKET, Mode, Ticket, Urgency, load_json, load_tickets,
};
use hotline_score::{Calendar, Error, Instant, Policy, Role, Unit, UnitId};

const SCHEME_HEAD: &str = "schema_version = 1\nname = \"limits\"\nperiod = \"quarter\"\n\
    [[groups]]\nid = \"g\"\nfull_marks = 100\n";
const INDICATOR: &str = "[[indicators]]\nid = \"on_time\"\nname = \"按时办结率\"\n\
    value = { ratio = { num = \"closed_on_time\", den = \"due\" } }\npoints = 100\n\
    rule = { linear_below_target = { target = 100, slope = 1 } }\n";

fn at(ms: i64) -> Instant {
    Instant::from_millis(1_772_413_200_000 + ms) // 2026-03-02T09:00:00+08:00
}

fn scheme() -> Scheme {
    Scheme::from_toml(&format!("{SCHEME_HEAD}{INDICATOR}")).unwrap()
}

fn units(n: usize, group: impl Fn(usize) -> String) -> Vec<Unit> {
    (0..n)
        .map(|i| Unit {
            id: UnitId(format!("u{i}")),
            group: group(i),
            name: format!("unit {i}"),
        })
        .collect()
}

fn board(units: Vec<Unit>) -> BoardBuilder {
    Board::builder()
        .calendar(Calendar::prc().unwrap())
        .policy(Policy::henan().unwrap())
        .scheme(scheme())
        .units(units)
}

// --- nesting ------------------------------------------------------------------------------

#[test]
fn deeply_nested_input_is_a_typed_error_in_every_reader() {
    let n = 100_000;
    let arrays = "[".repeat(n);
    let json_deep = format!("{{\"a\":{arrays}");
    let notices_deep = format!("{{\"notices\":{arrays}");
    let rules_deep = format!("{{\"rules\":{arrays}");
    let snapshot_deep = format!(
        "{{\"format\":\"hotline-score-board\",\"version\":1,\"checksum\":\"0\",\"state\":{{\"meta\":{arrays}{}}}}}",
        "]".repeat(n)
    );
    let toml_deep = format!("a = {}", "[".repeat(10_000));
    let toml_tables = format!("a = {}", "{b=".repeat(10_000));
    let codes = [
        (
            "tickets json",
            load_json(&arrays, None, Mode::Lenient).map(|_| ()),
        ),
        ("scheme json", Scheme::from_json(&json_deep).map(|_| ())),
        ("scheme toml", Scheme::from_toml(&toml_deep).map(|_| ())),
        (
            "scheme toml tables",
            Scheme::from_toml(&toml_tables).map(|_| ()),
        ),
        (
            "calendar json",
            CalendarData::from_json(&notices_deep).map(|_| ()),
        ),
        (
            "calendar toml",
            CalendarData::from_toml(&toml_deep).map(|_| ()),
        ),
        (
            "policy json",
            Policy::from_json_str(&rules_deep).map(|_| ()),
        ),
        (
            "policy toml",
            Policy::from_toml_str(&toml_tables).map(|_| ()),
        ),
        (
            "board json snapshot",
            board(units(1, |_| "g".into()))
                .restore_json(&snapshot_deep)
                .map(|_| ()),
        ),
    ];
    let want = [
        "invalid_ticket_json",
        "scheme_invalid",
        "scheme_invalid",
        "scheme_invalid",
        "invalid_calendar_data",
        "invalid_calendar_data",
        "invalid_policy",
        "invalid_policy",
        "board_snapshot_corrupt",
    ];
    for ((what, got), want) in codes.into_iter().zip(want) {
        let e = got.unwrap_err();
        assert_eq!(e.code(), want, "{what}: {e}");
        let text = e.to_string();
        // Typed readers refuse the first value of the wrong type instead of descending.
        if text.contains("invalid type") {
            continue;
        }
        assert!(
            ["recursion", "too deep", "depth"]
                .iter()
                .any(|w| text.contains(w)),
            "{what}: {text}"
        );
    }
    // The scheme's own JSON reader says why, with a position.
    let Error::SchemeInvalid { problems } = Scheme::from_json(&json_deep).unwrap_err() else {
        panic!("not scheme_invalid");
    };
    assert_eq!(problems[0].code, "syntax");
    assert!(problems[0].message.contains("nesting too deep"));
    assert_eq!(problems[0].line, 1);
}

// --- scheme files -------------------------------------------------------------------------

#[test]
fn a_100_mb_formula_is_refused_before_parsing() {
    let formula = "1+".repeat(50_000_000);
    let text = format!("{SCHEME_HEAD}[[indicators]]\nvalue = {{ formula = \"{formula}1\" }}\n");
    assert!(text.len() > 100_000_000);
    let Error::SchemeInvalid { problems } = Scheme::from_toml(&text).unwrap_err() else {
        panic!("not scheme_invalid");
    };
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].code, "file_too_large");
    assert_eq!((problems[0].line, problems[0].column), (1, 1));
    assert!(problems[0].message.contains("1048576"));
    // The same in JSON, and in a policy and a calendar data file.
    let json = format!("{{\"name\": \"{formula}\"}}");
    assert!(matches!(
        Scheme::from_json(&json).unwrap_err(),
        Error::SchemeInvalid { problems } if problems[0].code == "file_too_large"
    ));
    assert_eq!(
        Policy::from_toml_str(&json).unwrap_err().code(),
        "invalid_policy"
    );
    assert_eq!(
        CalendarData::from_json(&json).unwrap_err().code(),
        "invalid_calendar_data"
    );
}

#[test]
fn a_formula_under_the_file_limit_still_meets_the_4_kib_formula_limit() {
    let formula = "1+".repeat(100_000);
    let text = format!(
        "{SCHEME_HEAD}[[indicators]]\nid = \"f\"\nname = \"f\"\nvalue = {{ formula = \"{formula}1\" }}\n\
         points = 100\nrule = {{ linear_below_target = {{ target = 100, slope = 1 }} }}\n"
    );
    assert!(text.len() < MAX_SCHEME_BYTES);
    let Error::SchemeInvalid { problems } = Scheme::from_toml(&text).unwrap_err() else {
        panic!("not scheme_invalid");
    };
    assert!(problems.iter().any(|p| p.code == "formula_too_long"));
}

#[test]
fn a_scheme_with_eighty_thousand_unknown_keys_reports_the_first_hundred() {
    let mut toml = format!("{SCHEME_HEAD}{INDICATOR}");
    let mut json = String::from("{\"schema_version\": 1");
    for i in 0..80_000 {
        toml.push_str(&format!("x{i} = 1\n"));
        json.push_str(&format!(",\"x{i}\":1"));
    }
    json.push('}');
    for (what, result) in [
        ("toml", Scheme::from_toml(&toml)),
        ("json", Scheme::from_json(&json)),
    ] {
        assert!(toml.len() < MAX_SCHEME_BYTES && json.len() < MAX_SCHEME_BYTES);
        let Error::SchemeInvalid { problems } = result.unwrap_err() else {
            panic!("{what}: not scheme_invalid");
        };
        assert_eq!(problems.len(), MAX_PROBLEMS, "{what}");
        assert!(problems.iter().all(|p| p.code == "unknown_key"), "{what}");
    }
    // Duplicate keys in a huge JSON object are found without comparing every pair.
    let dup = json.replacen("\"x79999\"", "\"x0\"", 1);
    let Error::SchemeInvalid { problems } = Scheme::from_json(&dup).unwrap_err() else {
        panic!("not scheme_invalid");
    };
    assert!(problems[0].message.contains("duplicate key \"x0\""));
}

// --- events per ticket --------------------------------------------------------------------

/// A valid ticket of `n` events: a dispatch, then reminders to the same unit.
fn long_ticket(n: usize) -> Ticket {
    let unit = UnitId("u0".into());
    let mut events = Vec::with_capacity(n);
    events.push(Event::new(
        at(60_000),
        EventBody::Dispatched {
            unit: unit.clone(),
            role: Role::Lead,
        },
    ));
    // Urges a millisecond apart (one repeated exactly would be `repeated_event`).
    events.extend((1..n).map(|i| {
        let ms = 120_000 + i64::try_from(i).unwrap();
        Event::new(at(ms), EventBody::Urged { unit: unit.clone() })
    }));
    help_ticket("T-long", events)
}

/// A `help` ticket received at `at(0)` with `events`.
fn help_ticket(id: &str, events: Vec<Event>) -> Ticket {
    Ticket {
        id: id.into(),
        kind: Kind::Help,
        urgency: Urgency::Normal,
        channel: String::new(),
        received_at: at(0),
        attributes: Default::default(),
        events,
    }
}

fn assert_too_many(e: &Error) {
    assert_eq!(e.code(), "too_many_events");
    let ctx = e.context();
    assert_eq!(ctx.ticket_id.as_deref(), Some("T-long"));
    assert_eq!(ctx.event_index, Some(MAX_EVENTS_PER_TICKET));
    assert_eq!(ctx.field.as_deref(), Some("events"));
}

#[test]
fn a_million_events_on_one_ticket_is_too_many_events_naming_the_ticket() {
    assert!(long_ticket(MAX_EVENTS_PER_TICKET).validate(None).is_ok());
    let huge = long_ticket(1_000_000);
    assert_too_many(&huge.validate(None).unwrap_err());
    let units = units(1, |_| "g".into());
    // Lenient loading skips it and reports it; strict loading refuses it.
    let loaded = load_tickets(vec![huge.clone()], Some(&units), Mode::Lenient).unwrap();
    assert!(loaded.tickets.is_empty());
    assert_eq!(loaded.diagnostics[0].code, "too_many_events");
    assert_eq!(loaded.diagnostics[0].ticket_id, "T-long");
    let strict = load_tickets(vec![huge.clone()], Some(&units), Mode::Strict).unwrap_err();
    assert_too_many(&strict);
    // Evaluation refuses it too, even unvalidated.
    let ev = Evaluator::new(&Calendar::prc().unwrap(), Policy::henan().unwrap(), &units);
    assert_too_many(&ev.evaluate(&huge, at(86_400_000)).unwrap_err());
}

#[test]
fn too_many_events_from_json_is_reported_at_the_ticket() {
    // Urges and supervisions in turn (one event repeated exactly would be `repeated_event`).
    let pair = [
        r#"{"at":"2026-03-02T09:02:00+08:00","type":"urged","unit":"u0"}"#,
        r#"{"at":"2026-03-02T09:02:00+08:00","type":"supervised","unit":"u0"}"#,
    ];
    let events: Vec<&str> =
        std::iter::once(r#"{"at":"2026-03-02T09:01:00+08:00","type":"dispatched","unit":"u0"}"#)
            .chain(pair.iter().copied().cycle().take(MAX_EVENTS_PER_TICKET + 5))
            .collect();
    let text = format!(
        r#"[{{"id":"T-long","kind":"help","received_at":"2026-03-02T09:00:00+08:00","events":[{}]}}]"#,
        events.join(",")
    );
    let loaded = load_json(&text, None, Mode::Lenient).unwrap();
    assert!(loaded.tickets.is_empty());
    assert_eq!(loaded.diagnostics[0].code, "too_many_events");
    assert_eq!(loaded.diagnostics[0].row, Some(0));
    assert_too_many(&load_json(&text, None, Mode::Strict).unwrap_err());
}

// --- units ----------------------------------------------------------------------------------

#[test]
fn a_hundred_thousand_units_score_in_linear_time() {
    let n = 100_000;
    let table = units(n, |_| "g".into());
    let scheme = scheme();
    let period = scheme.period_at(at(0)).unwrap();
    // No unit has data: every card takes the group's no-data outcome (once per indicator).
    let scores = scheme
        .score(&table, &MetricsTable::default(), &period, at(0))
        .unwrap();
    assert_eq!(scores.units.len(), n);
    assert!(scores.units.iter().all(|c| c.rank == 1));
    // Each unit in its own group: the evaluator's group index stays linear.
    let distinct = units(n, |i| format!("g{i}"));
    let ev = Evaluator::new(
        &Calendar::prc().unwrap(),
        Policy::henan().unwrap(),
        &distinct,
    );
    let t = help_ticket(
        "T1",
        vec![Event::new(
            at(60_000),
            EventBody::Dispatched {
                unit: UnitId(format!("u{}", n - 1)),
                role: Role::Lead,
            },
        )],
    );
    let assignments = ev.evaluate(&t, at(3_600_000)).unwrap();
    assert_eq!(assignments.len(), 1);
    // A board of that many units answers standings.
    let board = board(table).build().unwrap();
    let standings = board.standings(at(0)).unwrap();
    assert_eq!(standings.groups[0].units.len(), n);
}

// --- calendar span --------------------------------------------------------------------------

#[test]
fn a_calendar_data_file_spanning_500_years_names_the_line_past_200() {
    let toml: String = (1800..2300)
        .map(|y| format!("[[notices]]\nyear = {y}\n"))
        .collect();
    let err = CalendarData::from_toml(&toml).unwrap_err();
    assert_eq!(err.code(), "invalid_calendar_data");
    // The 201st notice (year 2000) has its year on line 402, column 8.
    let ctx = err.context();
    assert_eq!((ctx.line, ctx.column), (Some(402), Some(8)));
    assert!(err.to_string().contains("1800 to 2299"), "{err}");
    let json = format!(
        "{{\"notices\": [\n{}\n]}}",
        (1800..2300)
            .map(|y| format!("{{\"year\": {y}}}"))
            .collect::<Vec<_>>()
            .join(",\n")
    );
    let ctx = CalendarData::from_json(&json).unwrap_err().context();
    assert_eq!((ctx.line, ctx.column), (Some(202), Some(10)));
    // Coverage set in code is bounded by the builder (no file to point at).
    let from = time::Date::from_calendar_date(1800, time::Month::January, 1).unwrap();
    let through = time::Date::from_calendar_date(2299, time::Month::December, 31).unwrap();
    let err = Calendar::builder()
        .coverage(from, through)
        .build()
        .unwrap_err();
    assert_eq!(err.code(), "invalid_calendar");
    // So is data built in code: refused before any of its dates is resolved.
    let mut data = CalendarData::from_toml("[[notices]]\nyear = 2026\n").unwrap();
    let mut far = data.notices[0].clone();
    far.year = 2400;
    data.notices.push(far);
    let err = Calendar::builder().data(data).build().unwrap_err();
    assert_eq!(err.code(), "invalid_calendar");
    assert!(err.to_string().contains("2026 to 2400"), "{err}");
}

// --- board snapshots ------------------------------------------------------------------------

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A snapshot with `payload` and a correct header and checksum (so only the payload is judged).
fn sealed(payload: &[u8]) -> Vec<u8> {
    let mut out = b"HSBOARD\0".to_vec();
    out.extend_from_slice(&1u32.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(payload);
    let sum = fnv1a(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

fn corrupt_at(e: Error) -> (u64, String) {
    match e {
        Error::BoardSnapshotCorrupt { offset, reason } => (offset, reason),
        other => panic!("expected board_snapshot_corrupt, got {other}"),
    }
}

#[test]
fn snapshot_lengths_are_checked_against_the_bytes_left_before_allocating() {
    let units = units(1, |_| "g".into());
    let real = board(units.clone()).build().unwrap().snapshot().unwrap();
    // The real payload: the meta block (length-prefixed JSON), 0 strings, 0 tickets.
    let payload = &real[20..real.len() - 8];
    let meta_len = usize::from(payload[0] & 0x7f) | (usize::from(payload[1] & 0x7f) << 7);
    assert!(
        payload[0] & 0x80 != 0 && payload[1] & 0x80 == 0,
        "2-byte meta length"
    );
    let meta = &payload[..2 + meta_len];
    assert_eq!(&payload[2 + meta_len..], &[0, 0]);
    assert!(board(units.clone()).restore(&sealed(payload)).is_ok());

    // A header claiming an enormous payload.
    let mut huge = real.clone();
    huge[12..20].copy_from_slice(&u64::MAX.to_le_bytes());
    let (offset, reason) = corrupt_at(board(units.clone()).restore(&huge).unwrap_err());
    assert_eq!(offset, 12);
    assert!(reason.contains("does not match"), "{reason}");

    let cases: [(&str, Vec<u8>); 5] = [
        ("meta length", {
            let mut p = Vec::new();
            varint(&mut p, u64::MAX >> 1);
            p
        }),
        ("string count", {
            let mut p = meta.to_vec();
            varint(&mut p, 1 << 40);
            p
        }),
        ("string length", {
            let mut p = meta.to_vec();
            p.push(1);
            varint(&mut p, u64::MAX >> 1);
            p
        }),
        ("ticket count", {
            let mut p = meta.to_vec();
            p.push(0);
            varint(&mut p, 1 << 50);
            p.extend_from_slice(&[0; 64]);
            p
        }),
        ("event count", {
            // One string "u", one ticket "T" with 2^40 events claimed and 60 bytes left.
            let mut p = meta.to_vec();
            p.extend_from_slice(&[1, 1, b'u', 1, 1, b'T', 1, 0, 0, 0, 0]);
            varint(&mut p, 1 << 40);
            p.extend_from_slice(&[0; 60]);
            p
        }),
    ];
    for (what, payload) in cases {
        let (offset, reason) =
            corrupt_at(board(units.clone()).restore(&sealed(&payload)).unwrap_err());
        assert!(offset >= 20, "{what}: {offset}");
        assert!(
            reason.contains("exceeds") || reason.contains("past the end"),
            "{what}: {reason}"
        );
    }
    // Too many events for one ticket, honestly encoded (3 bytes each): refused, not evaluated.
    let mut p = meta.to_vec();
    p.extend_from_slice(&[1, 2, b'u', b'0', 1, 6, b'T', b'-', b'l', b'o', b'n', b'g']);
    p.extend_from_slice(&[1, 0, 0, 0, 0]); // kind help, urgency, channel ref 0, received_at 0, no attributes
    let n = MAX_EVENTS_PER_TICKET + 1;
    varint(&mut p, n as u64);
    p.extend_from_slice(&[0, 0, 0, 0, 0]); // Δat 0, no id, dispatched, unit ref 0, lead
    for _ in 1..n {
        p.extend_from_slice(&[0, 0, 14, 0]); // Δat 0, no id, urged, unit ref 0
    }
    let (_, reason) = corrupt_at(board(units).restore(&sealed(&p)).unwrap_err());
    assert!(reason.contains("more than 10000 events"), "{reason}");
}

#[test]
fn many_units_on_one_ticket_route_every_event_to_its_assignment() {
    use hotline_score::clocks::{AssignmentEnd, EndReason};
    // 40 units (past the threshold where unit keys and latest assignments go through maps):
    // each is dispatched; even units return, the return is accepted, and they are dispatched
    // again; the first 3 odd units are dispatched again while open (superseding).
    let n = 40;
    let unit = |k: usize| UnitId(format!("u{k}"));
    let minute = 60_000;
    let mut events = Vec::new();
    for k in 0..n {
        events.push(Event::new(
            at(minute * (k as i64 + 1)),
            EventBody::Dispatched {
                unit: unit(k),
                role: Role::Assisting,
            },
        ));
    }
    let returned_at = |k: usize| at(minute * (100 + k as i64));
    for k in (0..n).step_by(2) {
        events.push(Event::new(
            returned_at(k),
            EventBody::Returned {
                unit: unit(k),
                reason: "not ours".into(),
            },
        ));
        events.push(Event::new(
            at(minute * (100 + k as i64) + 1),
            EventBody::ReturnDecided {
                unit: unit(k),
                accepted: true,
            },
        ));
    }
    let again = |k: usize| at(minute * (200 + k as i64));
    for k in (0..n).step_by(2).chain([1, 3, 5]) {
        events.push(Event::new(
            again(k),
            EventBody::Dispatched {
                unit: unit(k),
                role: Role::Assisting,
            },
        ));
    }
    let ticket = help_ticket("T-many", events);
    let table = units(n, |_| "g".into());
    let ev = Evaluator::new(&Calendar::prc().unwrap(), Policy::henan().unwrap(), &table);
    let assignments = ev.evaluate(&ticket, at(minute * 1000)).unwrap();
    assert_eq!(assignments.len(), n + n / 2 + 3);
    for (k, a) in assignments.iter().take(n).enumerate() {
        assert_eq!(a.unit, unit(k));
        let want = match k {
            _ if k % 2 == 0 => Some(AssignmentEnd {
                at: returned_at(k),
                reason: EndReason::Returned,
            }),
            1 | 3 | 5 => Some(AssignmentEnd {
                at: again(k),
                reason: EndReason::Superseded,
            }),
            _ => None,
        };
        assert_eq!(a.ended, want, "unit {k}");
    }
    assert!(assignments.iter().skip(n).all(|a| a.ended.is_none()));
    // At the per-ticket limit, 5,000 units on one ticket still evaluate (each lookup is a map
    // lookup, not a scan).
    let mut events = Vec::new();
    for k in 0..MAX_EVENTS_PER_TICKET / 2 {
        let t = at(minute + 2 * k as i64);
        events.push(Event::new(
            t,
            EventBody::Dispatched {
                unit: unit(k),
                role: Role::Assisting,
            },
        ));
        events.push(Event::new(t, EventBody::Signed { unit: unit(k) }));
    }
    let wide = Ticket { events, ..ticket };
    wide.validate(None).unwrap();
    let table = units(MAX_EVENTS_PER_TICKET / 2, |_| "g".into());
    let ev = Evaluator::new(&Calendar::prc().unwrap(), Policy::henan().unwrap(), &table);
    let assignments = ev.evaluate(&wide, at(minute * 100_000)).unwrap();
    assert_eq!(assignments.len(), MAX_EVENTS_PER_TICKET / 2);
}
