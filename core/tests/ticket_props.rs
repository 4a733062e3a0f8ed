//! Property tests: loading never panics, reports every skipped ticket exactly once, strict and
//! lenient agree, and valid logs stay valid when cut.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use hotline_score::clocks::TicketBatch;
use hotline_score::synthetic::{CityConfig, CityGenerator};
use hotline_score::ticket::{
    Assembler, EventRow, InstantCell, Mode, Ticket, TicketRow, TicketRowRef, load_json, load_rows,
};
use proptest::prelude::*;

const TYPES: &[&str] = &[
    "dispatched",
    "signed",
    "returned",
    "return_decided",
    "contacted",
    "extension_requested",
    "extension_decided",
    "paused",
    "resumed",
    "replied",
    "reviewed",
    "reopened",
    "called_back",
    "closed",
    "urged",
    "supervised",
    "flagged_difficult",
    "written_off",
    "escalated",
    "",
];

fn cell(values: &'static [&'static str]) -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        3 => Just(None),
        2 => proptest::sample::select(values).prop_map(|s| Some(s.to_owned())),
    ]
}

fn event_row() -> impl Strategy<Value = EventRow> {
    (
        0..4usize,
        0..200i64,
        proptest::sample::select(TYPES),
        cell(&["u1", "u2", "u3"]),
        cell(&["lead", "assisting", "boss"]),
        cell(&["不属于本单位", "x"]),
        cell(&["true", "false", "0", "yes"]),
        cell(&["5wd", "2h", "5 days"]),
        cell(&["satisfied", "unsatisfied", "unreachable", "happy"]),
        cell(&["e1", "e2"]),
    )
        .prop_map(
            |(ticket, minute, ty, unit, role, reason, flag, amount, satisfaction, event_id)| {
                EventRow {
                    ticket_id: format!("T{ticket}"),
                    at: if minute == 199 {
                        "2026-03-02 09:00".to_owned()
                    } else {
                        (1_772_413_200_000 + minute * 60_000).to_string()
                    },
                    event_type: ty.to_owned(),
                    unit,
                    role,
                    reason,
                    accepted: flag.clone(),
                    approved: flag.clone(),
                    amount,
                    passed: flag.clone(),
                    satisfaction,
                    resolved: flag,
                    event_id,
                }
            },
        )
}

/// Tickets `V0`… with valid logs (a prefix of dispatched, signed, replied, closed at u1): the
/// random rows above are mostly refused, so without these the comparisons of kept tickets
/// would see hardly any ticket with events (a test audit: 3 draws in 2,000).
fn valid_logs() -> impl Strategy<Value = (Vec<TicketRow>, Vec<EventRow>)> {
    proptest::collection::vec(0..=4usize, 0..3).prop_map(|lengths| {
        let mut tickets = Vec::new();
        let mut events = Vec::new();
        for (i, k) in lengths.into_iter().enumerate() {
            let id = format!("V{i}");
            tickets.push(TicketRow {
                ticket_id: id.clone(),
                kind: "help".to_owned(),
                received_at: "2026-03-02T09:00:00+08:00".to_owned(),
                ..TicketRow::default()
            });
            let steps = [
                ("dispatched", Some("u1")),
                ("signed", Some("u1")),
                ("replied", Some("u1")),
                ("closed", None),
            ];
            for (m, (ty, unit)) in (1i64..).zip(steps.into_iter().take(k)) {
                events.push(EventRow {
                    ticket_id: id.clone(),
                    at: (1_772_413_200_000 + m * 60_000).to_string(),
                    event_type: ty.to_owned(),
                    unit: unit.map(str::to_owned),
                    ..EventRow::default()
                });
            }
        }
        (tickets, events)
    })
}

fn ticket_rows() -> impl Strategy<Value = Vec<TicketRow>> {
    proptest::collection::vec((0..3usize, proptest::bool::weighted(0.9)), 0..4).prop_map(|v| {
        v.into_iter()
            .map(|(id, good_kind)| TicketRow {
                ticket_id: format!("T{id}"),
                kind: if good_kind { "help" } else { "咨询类" }.to_owned(),
                received_at: "2026-03-02T09:00:00+08:00".to_owned(),
                ..TicketRow::default()
            })
            .collect()
    })
}

/// A tickets-table row of every kind of cell, with its attribute cells in column order (names
/// may repeat: the last one wins).
type RowCells = (TicketRow, Vec<(&'static str, &'static str)>);

fn ticket_row_cells() -> impl Strategy<Value = RowCells> {
    (
        0..4usize,
        proptest::sample::select(&["help", "咨询类", "", " complaint "][..]),
        cell(&["urgent", "normal", "", "asap"]),
        cell(&["phone", "", "微信"]),
        proptest::sample::select(
            &[
                "1772413200000",
                "2026-03-02T09:00:00+08:00",
                "",
                "yesterday",
                "-5",
            ][..],
        ),
        proptest::collection::vec(
            (
                proptest::sample::select(&["repeat", "district", "topic"][..]),
                proptest::sample::select(&["yes", "否", "", "湖滨区"][..]),
            ),
            0..4,
        ),
    )
        .prop_map(|(id, kind, urgency, channel, received_at, attributes)| {
            let row = TicketRow {
                ticket_id: if id == 3 {
                    String::new()
                } else {
                    format!("T{id}")
                },
                kind: kind.to_owned(),
                urgency,
                channel,
                received_at: received_at.to_owned(),
                attributes: attributes
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
            };
            (row, attributes)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Rows with borrowed cells (`TicketRowRef`, `EventRowRef`, whole-number instants as epoch
    /// milliseconds) load exactly as the owned rows: the same tickets, the same diagnostics, the
    /// same first error, owned or compact.
    #[test]
    fn borrowed_rows_read_as_owned(
        mut tickets in proptest::collection::vec(ticket_row_cells(), 0..5),
        mut events in proptest::collection::vec(event_row(), 0..20),
        (valid, logs) in valid_logs(),
    ) {
        tickets.extend(valid.into_iter().map(|t| (t, Vec::new())));
        events.extend(logs);
        events.sort_by(|a, b| a.ticket_id.cmp(&b.ticket_id).then(a.at.cmp(&b.at)));
        fn instant(text: &str) -> InstantCell<'_> {
            match text.parse::<i64>() {
                Ok(ms) => InstantCell::Millis(ms),
                Err(_) => InstantCell::Text(text),
            }
        }
        for mode in [Mode::Lenient, Mode::Strict] {
            let owned = || {
                let mut a = Assembler::new(None, mode).unwrap();
                for (row, _) in &tickets {
                    a.add_ticket(row.clone());
                }
                for e in &events {
                    a.add_event(e);
                }
                a
            };
            let borrowed = || {
                let mut a = Assembler::new(None, mode).unwrap();
                for (row, attributes) in &tickets {
                    a.add_ticket_ref(&TicketRowRef {
                        ticket_id: &row.ticket_id,
                        kind: &row.kind,
                        urgency: row.urgency.as_deref(),
                        channel: row.channel.as_deref(),
                        received_at: instant(&row.received_at),
                        attributes,
                    });
                }
                for e in &events {
                    a.add_event_ref(&hotline_score::ticket::EventRowRef { at: instant(&e.at), ..e.borrowed() });
                }
                a
            };
            let outcome = |r: hotline_score::Result<hotline_score::ticket::Loaded>| {
                r.map(|l| (l.tickets, l.diagnostics)).map_err(|e| e.to_string())
            };
            prop_assert_eq!(outcome(borrowed().finish()), outcome(owned().finish()));
            let batch = |r: hotline_score::Result<hotline_score::ticket::LoadedBatch>| {
                r.map(|l| (l.batch.tickets().collect::<Vec<_>>(), l.diagnostics))
                    .map_err(|e| e.to_string())
            };
            prop_assert_eq!(batch(borrowed().finish_batch()), batch(owned().finish_batch()));
        }
    }

    /// Every tickets-table row is either kept or reported once; orphans are reported per id;
    /// strict fails exactly with the first lenient diagnostic.
    #[test]
    fn rows_every_skip_is_reported(
        mut tickets in ticket_rows(),
        mut events in proptest::collection::vec(event_row(), 0..30),
        (valid, logs) in valid_logs(),
    ) {
        tickets.extend(valid);
        events.extend(logs);
        // Keep each ticket's rows in time order, as the table contract says.
        events.sort_by(|a, b| a.ticket_id.cmp(&b.ticket_id).then(a.at.cmp(&b.at)));
        let lenient = load_rows(tickets.clone(), events.clone(), None, Mode::Lenient).unwrap();
        let orphan_ids: std::collections::BTreeSet<&str> = events
            .iter()
            .map(|e| e.ticket_id.as_str())
            .filter(|id| !tickets.iter().any(|t| t.ticket_id == *id))
            .collect();
        let orphans = lenient.diagnostics.iter().filter(|d| d.code == "unknown_ticket").count();
        prop_assert_eq!(orphans, orphan_ids.len());
        prop_assert_eq!(
            lenient.tickets.len() + lenient.diagnostics.len() - orphans,
            tickets.len()
        );
        let strict = load_rows(tickets, events, None, Mode::Strict);
        match (strict, lenient.diagnostics.first()) {
            (Ok(l), None) => prop_assert_eq!(l.tickets, lenient.tickets),
            (Err(e), Some(d)) => {
                prop_assert_eq!(e.code(), d.code.as_str());
                prop_assert_eq!(e.to_string(), d.message.clone());
            }
            (s, d) => prop_assert!(false, "strict {:?} vs lenient {:?}", s.map(|l| l.tickets.len()), d),
        }
    }

    /// Assembling into a compact batch keeps exactly what owned assembly keeps (read back in
    /// full) and reports the same diagnostics, whatever the interleaving of tickets' rows
    /// (interleaved by time, grouped by id, grouped in tickets-table order: the staged events
    /// taken as the batch's in place).
    #[test]
    fn batch_assembly_equals_owned(
        mut tickets in ticket_rows(),
        mut events in proptest::collection::vec(event_row(), 0..30),
        (valid, logs) in valid_logs(),
        order in 0..3u8,
    ) {
        tickets.extend(valid);
        events.extend(logs);
        let table_position = |id: &str| tickets.iter().position(|t| t.ticket_id == id);
        match order {
            0 => events.sort_by(|a, b| a.at.cmp(&b.at)),
            1 => events.sort_by(|a, b| a.ticket_id.cmp(&b.ticket_id).then(a.at.cmp(&b.at))),
            _ => events.sort_by(|a, b| {
                table_position(&a.ticket_id)
                    .cmp(&table_position(&b.ticket_id))
                    .then(a.at.cmp(&b.at))
            }),
        }
        for mode in [Mode::Lenient, Mode::Strict] {
            let assemble = || {
                let mut a = Assembler::new(None, mode).unwrap();
                for t in &tickets {
                    a.add_ticket(t.clone());
                }
                for e in &events {
                    a.add_event(e);
                }
                a
            };
            match (assemble().finish(), assemble().finish_batch()) {
                (Ok(owned), Ok(compact)) => {
                    let read_back: Vec<Ticket> = compact.batch.tickets().collect();
                    prop_assert_eq!(read_back, owned.tickets);
                    prop_assert_eq!(compact.diagnostics, owned.diagnostics);
                }
                (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                (a, b) => prop_assert!(false, "owned {:?} vs batch {:?}", a.is_ok(), b.is_ok()),
            }
        }
    }

    /// A batch's borrowed table rows are its tickets' rows (`Ticket::to_rows`, instants as epoch
    /// milliseconds), and read back as the same tickets; its JSON is theirs.
    #[test]
    fn batch_rows_are_the_tickets_rows(
        mut tickets in proptest::collection::vec(ticket_row_cells(), 0..5),
        mut events in proptest::collection::vec(event_row(), 0..30),
        (valid, logs) in valid_logs(),
    ) {
        tickets.extend(valid.into_iter().map(|t| (t, Vec::new())));
        events.extend(logs);
        events.sort_by(|a, b| a.at.cmp(&b.at));
        let mut a = Assembler::new(None, Mode::Lenient).unwrap();
        for (row, _) in &tickets {
            a.add_ticket(row.clone());
        }
        for e in &events {
            a.add_event(e);
        }
        let batch = a.finish_batch().unwrap().batch;
        assert_exports_are_the_tickets(&batch);
    }

    /// JSON tickets of every shape: never panics; every array element is kept or reported once.
    #[test]
    fn json_every_element_accounted_for(
        tickets in proptest::collection::vec(
            (
                0..4u8,
                proptest::sample::select(&["help", "x"][..]),
                proptest::bool::ANY,
                proptest::sample::select(&["", "colour", "events"][..]),
                proptest::collection::vec(
                    (0..9u8, proptest::sample::select(TYPES), proptest::bool::ANY, proptest::bool::ANY),
                    0..6,
                ),
            ),
            0..6,
        ),
        not_an_object in proptest::bool::weighted(0.1),
    ) {
        let mut array: Vec<serde_json::Value> = tickets
            .into_iter()
            .map(|(id, kind, ms, extra, events)| {
                let events: Vec<serde_json::Value> = events
                    .into_iter()
                    .map(|(minute, ty, unit, bad)| {
                        let mut e = serde_json::json!({"at": 1_772_413_200_000i64 + i64::from(minute) * 60_000, "type": ty});
                        if unit {
                            e["unit"] = "u1".into();
                        }
                        if bad {
                            e["passed"] = serde_json::json!([1]);
                        }
                        e
                    })
                    .collect();
                let mut t = serde_json::json!({
                    "id": format!("T{id}"),
                    "kind": kind,
                    "received_at": if ms { serde_json::json!(1_772_413_200_000i64) } else { "2026-03-02T09:00:00+08:00".into() },
                    "events": events,
                });
                if !extra.is_empty() {
                    t[extra] = serde_json::json!(7);
                }
                t
            })
            .collect();
        if not_an_object {
            array.push(serde_json::json!(42));
        }
        let text = serde_json::Value::Array(array.clone()).to_string();
        let loaded = load_json(&text, None, Mode::Lenient).unwrap();
        prop_assert_eq!(loaded.tickets.len() + loaded.diagnostics.len(), array.len());
        let strict = load_json(&text, None, Mode::Strict);
        prop_assert_eq!(strict.is_err(), !loaded.diagnostics.is_empty());
    }
}

/// What `batch_rows_are_the_tickets_rows` checks, for any batch, and that the batch's JSON
/// (whole, and any range) is the owned tickets' text.
fn assert_exports_are_the_tickets(batch: &TicketBatch) {
    let tickets: Vec<Ticket> = batch.tickets().collect();
    let n = tickets.len();
    for range in [0..n, n / 3..n - n / 3, n..n] {
        assert_eq!(
            serde_json::to_string(&batch.json(range.clone())).unwrap(),
            serde_json::to_string(&tickets[range]).unwrap()
        );
    }
    assert_eq!(serde_json::to_string(&batch.json(n..n + 5)).unwrap(), "[]");
    let millis = |c: InstantCell<'_>| match c {
        InstantCell::At(t) => t.millis().to_string(),
        other => panic!("an instant not typed: {other:?}"),
    };
    let owned = |c: Option<&str>| c.map(str::to_owned);
    let mut ticket_rows = Vec::new();
    batch.for_each_ticket_row(|r| {
        ticket_rows.push(TicketRow {
            ticket_id: r.ticket_id.to_owned(),
            kind: r.kind.to_owned(),
            urgency: owned(r.urgency),
            channel: owned(r.channel),
            received_at: millis(r.received_at),
            attributes: r
                .attributes
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        });
    });
    let mut event_rows = Vec::new();
    batch.for_each_event_row(|ticket, r| {
        event_rows.push((
            ticket,
            EventRow {
                ticket_id: r.ticket_id.to_owned(),
                at: millis(r.at),
                event_type: r.event_type.to_owned(),
                unit: owned(r.unit),
                role: owned(r.role),
                reason: owned(r.reason),
                accepted: owned(r.accepted),
                approved: owned(r.approved),
                amount: owned(r.amount),
                passed: owned(r.passed),
                satisfaction: owned(r.satisfaction),
                resolved: owned(r.resolved),
                event_id: owned(r.event_id),
            },
        ));
    });
    let mut want_tickets = Vec::new();
    let mut want_events = Vec::new();
    for (i, t) in tickets.iter().enumerate() {
        let (mut row, rows) = t.to_rows();
        row.received_at = t.received_at.millis().to_string();
        want_tickets.push(row);
        for (mut row, e) in rows.into_iter().zip(&t.events) {
            row.at = e.at.millis().to_string();
            want_events.push((i, row));
        }
    }
    assert_eq!(ticket_rows, want_tickets);
    assert_eq!(event_rows, want_events);
    // Read back through the table reader: the same tickets.
    let mut a = Assembler::new(None, Mode::Strict).unwrap();
    batch.for_each_ticket_row(|r| a.add_ticket_ref(r));
    batch.for_each_event_row(|_, r| a.add_event_ref(r));
    let back: Vec<Ticket> = a.finish_batch().unwrap().batch.tickets().collect();
    assert_eq!(back, tickets);
}

/// The synthetic city's tickets (every event type with fields) as borrowed rows and JSON.
#[test]
fn synthetic_batch_rows_are_the_tickets_rows() {
    // Past the New Year holiday (2026-01-01..03), when units work little.
    let g = CityGenerator::new(&CityConfig {
        days: 8,
        tickets_per_day: 300,
        ..CityConfig::default()
    })
    .unwrap();
    let tickets: Vec<Ticket> = g.tickets().collect();
    let batch = TicketBatch::from_tickets(&tickets);
    let mut types = std::collections::BTreeSet::new();
    batch.for_each_event_row(|_, r| {
        types.insert(r.event_type.to_owned());
    });
    // Every type with fields besides the unit is among them.
    for t in [
        "dispatched",
        "returned",
        "return_decided",
        "extension_requested",
        "extension_decided",
        "paused",
        "resumed",
        "reviewed",
        "called_back",
    ] {
        assert!(types.contains(t), "{t} missing from {types:?}");
    }
    assert_eq!(batch.attribute_names(), ["district", "repeat"]);
    assert_exports_are_the_tickets(&batch);
}

#[test]
fn valid_logs_stay_valid_when_cut() {
    let g = CityGenerator::new(&CityConfig {
        days: 1,
        tickets_per_day: 150,
        ..CityConfig::default()
    })
    .unwrap();
    for ticket in g.tickets() {
        for cut in 0..=ticket.events.len() {
            let mut t: Ticket = ticket.clone();
            t.events.truncate(cut);
            t.validate(None)
                .unwrap_or_else(|e| panic!("{} cut at {cut}: {e}", t.id));
        }
        // JSON round trip.
        let json = serde_json::to_string(&ticket).unwrap();
        let back: Ticket = serde_json::from_str(&json).unwrap();
        assert_eq!(back, ticket);
    }
}
