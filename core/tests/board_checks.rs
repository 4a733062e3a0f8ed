//! The board's check of each event (SPEC §3.2) against [`Ticket::validate`] of the whole log:
//! random events — valid and invalid, appended or late, with repeated ids, unknown and empty
//! units, malformed amounts — are accepted by a board exactly when the log with the event
//! inserted in time order is valid, and refused with the error `Ticket::validate` gives. The
//! board appends by resuming the rules' state after the last event, re-checks the whole log for
//! late events, and rebuilds the states on restore: boards restored from snapshots in the middle
//! go on answering the same.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use hotline_score::board::{Board, BoardBuilder, Ingest, TicketHeader};
use hotline_score::scheme::Scheme;
use hotline_score::ticket::{Event, EventBody, Kind, KnownUnits, Satisfaction, Ticket};
use hotline_score::{Amount, Calendar, Error, Instant, Policy, Role, Unit, UnitId};
use proptest::prelude::*;

/// 2026-03-02T09:00:00+08:00.
const BASE: i64 = 1_772_413_200_000;
const MINUTE: i64 = 60_000;
/// More units than a ticket's linear search handles (16), so the rules' unit map is used too.
const UNITS: usize = 20;

fn units() -> Vec<Unit> {
    (0..UNITS)
        .map(|i| Unit {
            id: format!("u{i}").into(),
            group: "units".into(),
            name: String::new(),
        })
        .collect()
}

fn builder() -> BoardBuilder {
    Board::builder()
        .calendar(Calendar::prc().unwrap())
        .policy(Policy::henan().unwrap())
        .scheme(Scheme::preset("three-rates").unwrap())
        .units(units())
}

fn unit() -> impl Strategy<Value = UnitId> {
    prop_oneof![
        8 => (0..3usize).prop_map(|i| UnitId(format!("u{i}"))),
        4 => (0..UNITS).prop_map(|i| UnitId(format!("u{i}"))),
        1 => Just(UnitId("nowhere".into())),
        1 => Just(UnitId(String::new())),
    ]
}

fn amount(i: usize) -> Amount {
    match i {
        0 => Amount::WorkingDays(3),
        1 => Amount::Time { ms: 3_600_000 },
        2 => Amount::WorkingHours { ms: 7_200_000 },
        // No text form: malformed.
        _ => Amount::Time { ms: 90_001 },
    }
}

fn body() -> impl Strategy<Value = EventBody> {
    let ty = prop_oneof![4 => Just(0usize), 6 => 0..18usize];
    (ty, unit(), any::<bool>(), 0..6usize, 0..4usize, 0..3usize).prop_map(
        |(ty, unit, flag, n, amount_i, reason_i)| {
            let reason = ["x", "", "不属于本单位"][reason_i].to_owned();
            match ty {
                0 => EventBody::Dispatched {
                    unit,
                    role: if flag { Role::Lead } else { Role::Assisting },
                },
                1 => EventBody::Signed { unit },
                2 => EventBody::Returned { unit, reason },
                3 => EventBody::ReturnDecided {
                    unit,
                    accepted: flag,
                },
                4 => EventBody::Contacted { unit },
                5 => EventBody::ExtensionRequested {
                    unit,
                    amount: amount(amount_i),
                },
                6 => EventBody::ExtensionDecided {
                    unit,
                    approved: flag,
                    amount: (n % 2 == 0).then(|| amount(amount_i)),
                },
                7 => EventBody::Paused { unit, reason },
                8 => EventBody::Resumed {
                    unit,
                    reason: (n % 2 == 0).then_some(reason),
                },
                9 => EventBody::Replied { unit },
                10 => EventBody::Reviewed {
                    passed: flag,
                    unit: (n % 2 == 0).then_some(unit),
                },
                11 => EventBody::Reopened {
                    unit: (n % 2 == 0).then_some(unit),
                },
                12 => EventBody::CalledBack {
                    satisfaction: Satisfaction::ALL[n],
                    resolved: flag.then_some(n % 2 == 0),
                },
                13 => EventBody::Closed,
                14 => EventBody::Urged { unit },
                15 => EventBody::Supervised { unit },
                16 => EventBody::FlaggedDifficult,
                _ => EventBody::WrittenOff,
            }
        },
    )
}

/// One input: which ticket, whether it repeats an event, when (mostly after the ticket's last event, sometimes anywhere,
/// before its registration included), the event's id and body, and whether the board is
/// snapshotted and restored before it.
#[derive(Debug, Clone)]
struct Step {
    ticket: usize,
    /// Sends again the held event at this position (modulo), if any.
    again: Option<usize>,
    late: bool,
    minutes: i64,
    id: Option<String>,
    body: EventBody,
    restore: bool,
}

fn step() -> impl Strategy<Value = Step> {
    let id = prop_oneof![
        3 => Just(None),
        3 => (0..8u8).prop_map(|i| Some(format!("e{i}"))),
        1 => Just(Some(String::new())),
    ];
    (
        0..2usize,
        prop::bool::weighted(0.2),
        0..40i64,
        id,
        body(),
        prop::bool::weighted(0.05),
        prop::option::weighted(0.1, 0..16usize),
    )
        .prop_map(|(ticket, late, minutes, id, body, restore, again)| Step {
            ticket,
            again,
            late,
            minutes,
            id,
            body,
            restore,
        })
}

/// What the board must answer for `event` given the log it holds: a duplicate or a conflict
/// of an event id it holds, else what `Ticket::validate` says of the log with the event inserted
/// after the events of the same instant — or, when that breaks a rule between events and the
/// event shares its instant with a held one, before them if the log is valid so (the error
/// stays the first placement's).
fn expected(held: &Ticket, event: &Event, known: &KnownUnits) -> (Ingest, Option<Ticket>) {
    if let Some(id) = &event.event_id
        && let Some(i) = held
            .events
            .iter()
            .position(|e| e.event_id.as_ref() == Some(id))
    {
        return if held.events[i] == *event {
            (Ingest::Duplicate, None)
        } else {
            let e = Error::BoardEventConflict {
                ticket_id: held.id.clone(),
                event_id: id.clone(),
                event_index: i,
            };
            (Ingest::Rejected(e), None)
        };
    }
    if event.event_id.is_none() && held.events.contains(event) {
        return (Ingest::Duplicate, None);
    }
    let placed = |before: bool| {
        let mut next = held.clone();
        let pos = next
            .events
            .partition_point(|e| e.at < event.at || (!before && e.at == event.at));
        next.events.insert(pos, event.clone());
        next.validate(Some(known)).map(|()| next)
    };
    match placed(false) {
        Ok(next) => (Ingest::Accepted, Some(next)),
        Err(e @ Error::InvalidTicket { .. }) if held.events.iter().any(|h| h.at == event.at) => {
            match placed(true) {
                Ok(next) => (Ingest::Accepted, Some(next)),
                Err(_) => (Ingest::Rejected(e), None),
            }
        }
        Err(e) => (Ingest::Rejected(e), None),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn events_are_checked_like_the_whole_log(steps in prop::collection::vec(step(), 1..64)) {
        let known = KnownUnits::new(&units());
        let mut board = builder().build().unwrap();
        let mut held: Vec<Ticket> = (0..2)
            .map(|i| Ticket {
                id: format!("T{i}"),
                kind: Kind::Complaint,
                urgency: Default::default(),
                channel: "phone".into(),
                // Registered 10 minutes after BASE: earlier events are refused.
                received_at: Instant::from_millis(BASE + 10 * MINUTE),
                attributes: Default::default(),
                events: Vec::new(),
            })
            .collect();
        for t in &held {
            prop_assert_eq!(board.register(TicketHeader::of(t)), Ingest::Accepted);
        }
        for s in steps {
            if s.restore {
                board = builder().restore(&board.snapshot().unwrap()).unwrap();
            }
            let t = &held[s.ticket];
            let last = t.events.last().map_or(BASE + 10 * MINUTE, |e| e.at.millis());
            let at = if s.late { BASE + 3 * s.minutes * MINUTE } else { last + s.minutes * MINUTE / 8 };
            let event = match s.again.filter(|_| !t.events.is_empty()) {
                Some(k) => t.events[k % t.events.len()].clone(),
                None => Event { at: Instant::from_millis(at), event_id: s.id, body: s.body },
            };
            let (want, next) = expected(t, &event, &known);
            let got = board.ingest(&t.id, event.clone());
            prop_assert_eq!(&got, &want, "{:?}", event);
            if let Some(next) = next {
                held[s.ticket] = next;
            }
            prop_assert_eq!(board.ticket(&held[s.ticket].id), Some(&held[s.ticket]));
        }
    }
}
