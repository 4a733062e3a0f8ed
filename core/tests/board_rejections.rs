//! Every rejection of the board is typed and leaves no trace; duplicates are acknowledged; late
//! events are re-evaluated or refused by the SPEC's rules; damaged snapshots are refused.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod board_support;

use board_support::{answers, assert_same, builder, scheme};
use hotline_score::board::{Board, Ingest, Input, SNAPSHOT_VERSION, TicketHeader};
use hotline_score::calendar::{DayHours, WeeklyTemplate};
use hotline_score::ticket::{Event, EventBody, Kind, Satisfaction, Ticket};
use hotline_score::{Error, Instant, Period, Role, Unit};

fn units() -> Vec<Unit> {
    [
        ("hubin", "counties"),
        ("shanzhou", "counties"),
        ("education", "departments"),
        ("water", "utilities"),
    ]
    .into_iter()
    .map(|(id, group)| Unit {
        id: id.into(),
        group: group.into(),
        name: String::new(),
    })
    .collect()
}

fn at(s: &str) -> Instant {
    Instant::parse(s).unwrap()
}

fn ev(when: &str, id: &str, body: EventBody) -> Event {
    Event {
        at: at(when),
        event_id: Some(id.to_owned()),
        body,
    }
}

fn dispatched(unit: &str) -> EventBody {
    EventBody::Dispatched {
        unit: unit.into(),
        role: Role::Lead,
    }
}

/// Two tickets: T1 handled and closed, T2 dispatched to hubin and signed.
fn tickets() -> Vec<Ticket> {
    let t1 = Ticket {
        id: "T1".into(),
        kind: Kind::Help,
        urgency: Default::default(),
        channel: "phone".into(),
        received_at: at("2026-03-02T09:00:00+08:00"),
        attributes: Default::default(),
        events: vec![
            ev("2026-03-02T09:30:00+08:00", "T1-0", dispatched("hubin")),
            ev(
                "2026-03-02T10:00:00+08:00",
                "T1-1",
                EventBody::Signed {
                    unit: "hubin".into(),
                },
            ),
            ev(
                "2026-03-04T15:00:00+08:00",
                "T1-2",
                EventBody::Replied {
                    unit: "hubin".into(),
                },
            ),
            ev("2026-03-05T09:00:00+08:00", "T1-3", EventBody::Closed),
            ev(
                "2026-03-06T10:00:00+08:00",
                "T1-4",
                EventBody::CalledBack {
                    satisfaction: Satisfaction::Unsatisfied,
                    resolved: Some(false),
                },
            ),
        ],
    };
    let t2 = Ticket {
        id: "T2".into(),
        kind: Kind::Help,
        urgency: Default::default(),
        channel: "web".into(),
        received_at: at("2026-03-03T08:00:00+08:00"),
        attributes: Default::default(),
        events: vec![
            ev("2026-03-03T09:00:00+08:00", "T2-0", dispatched("hubin")),
            ev(
                "2026-03-03T11:00:00+08:00",
                "T2-1",
                EventBody::Signed {
                    unit: "hubin".into(),
                },
            ),
        ],
    };
    vec![t1, t2]
}

fn board() -> Board {
    let mut b = builder(&units()).build().unwrap();
    for t in tickets() {
        for o in b.ingest_ticket(t) {
            assert_eq!(o, Ingest::Accepted);
        }
    }
    b
}

const QUERY: &str = "2026-03-20T12:00:00+08:00";

fn period() -> Period {
    scheme().period_at(at(QUERY)).unwrap()
}

/// Ingests `event` into `ticket`, expects a rejection with `code`, and checks nothing changed.
fn refused(board: &mut Board, ticket: &str, event: Event, code: &str) -> Error {
    let before = board.snapshot().unwrap();
    let held: Vec<Ticket> = board.tickets().cloned().collect();
    let metrics = board.metrics(&period(), at(QUERY)).unwrap();
    let statuses = board.deadline_statuses("hubin", at(QUERY)).unwrap();
    let Ingest::Rejected(e) = board.ingest(ticket, event) else {
        panic!("expected a rejection with code {code}");
    };
    assert_eq!(e.code(), code, "{e}");
    assert_eq!(board.snapshot().unwrap(), before, "the log is unchanged");
    assert_eq!(board.metrics(&period(), at(QUERY)).unwrap(), metrics);
    assert_eq!(
        board.deadline_statuses("hubin", at(QUERY)).unwrap(),
        statuses
    );
    assert_same(board, &held, &period(), at(QUERY));
    e
}

#[test]
fn unknown_ticket_for_a_non_creating_event() {
    let mut b = board();
    let e = refused(
        &mut b,
        "T9",
        ev("2026-03-04T09:00:00+08:00", "T9-0", dispatched("hubin")),
        "board_unknown_ticket",
    );
    assert!(matches!(e, Error::BoardUnknownTicket { ticket_id } if ticket_id == "T9"));
    // Registering the header creates it; then the same event is accepted.
    let header = TicketHeader::new("T9", Kind::Consult, at("2026-03-04T08:00:00+08:00"));
    let out = b.ingest_batch([
        Input::Ticket(header.clone()),
        Input::Event {
            ticket_id: "T9".into(),
            event: ev("2026-03-04T09:00:00+08:00", "T9-0", dispatched("hubin")),
        },
        Input::Ticket(header.clone()),
    ]);
    assert_eq!(out, [Ingest::Accepted, Ingest::Accepted, Ingest::Duplicate]);
    let mut other = header;
    other.kind = Kind::Complaint;
    match b.register(other) {
        Ingest::Rejected(Error::BoardTicketConflict { ticket_id, field }) => {
            assert_eq!((ticket_id.as_str(), field.as_str()), ("T9", "kind"));
        }
        o => panic!("{o:?}"),
    }
}

#[test]
fn event_for_a_unit_never_dispatched() {
    let mut b = board();
    let e = refused(
        &mut b,
        "T2",
        ev(
            "2026-03-04T09:00:00+08:00",
            "T2-x",
            EventBody::Replied {
                unit: "shanzhou".into(),
            },
        ),
        "event_before_dispatch",
    );
    match e {
        Error::InvalidTicket {
            ticket_id,
            event_index,
            field,
            ..
        } => {
            assert_eq!(ticket_id, "T2");
            assert_eq!(event_index, Some(2));
            assert_eq!(field, "unit");
        }
        e => panic!("{e:?}"),
    }
    // A unit outside the units table.
    refused(
        &mut b,
        "T2",
        ev("2026-03-04T09:00:00+08:00", "T2-y", dispatched("nowhere")),
        "unknown_unit",
    );
}

#[test]
fn duplicate_event_id_same_content_is_acknowledged_different_content_is_a_conflict() {
    let mut b = board();
    let t1 = tickets().remove(0);
    let before = b.snapshot().unwrap();
    for e in &t1.events {
        assert_eq!(b.ingest("T1", e.clone()), Ingest::Duplicate);
    }
    assert_eq!(b.snapshot().unwrap(), before, "duplicates change nothing");
    assert_same(&b, &tickets(), &period(), at(QUERY));
    // Same id, other content.
    let mut changed = t1.events[3].clone();
    changed.at = at("2026-03-05T10:00:00+08:00");
    let e = refused(&mut b, "T1", changed, "board_event_conflict");
    assert!(matches!(
        e,
        Error::BoardEventConflict { ref ticket_id, ref event_id, event_index: 3 }
            if ticket_id == "T1" && event_id == "T1-3"
    ));
    // Without an event id, an identical event is a duplicate.
    let urged = Event::new(
        at("2026-03-03T15:00:00+08:00"),
        EventBody::Urged {
            unit: "hubin".into(),
        },
    );
    assert_eq!(b.ingest("T2", urged.clone()), Ingest::Accepted);
    assert_eq!(b.ingest("T2", urged), Ingest::Duplicate);
}

/// A batch that sends an event twice before its ticket's dispatch: the retry at the batch's end
/// takes the event once, and the second copy is a `Duplicate` (both were `Accepted`).
#[test]
fn a_repeated_event_retried_at_a_batchs_end_is_a_duplicate() {
    let mut b = builder(&units()).build().unwrap();
    let mut t2 = tickets().remove(1);
    let signed = t2.events.pop().unwrap();
    let dispatch = t2.events.pop().unwrap();
    assert_eq!(b.ingest_ticket(t2), vec![Ingest::Accepted]);
    let item = |e: &Event| Input::Event {
        ticket_id: "T2".into(),
        event: e.clone(),
    };
    let outcomes = b.ingest_batch([item(&signed), item(&signed), item(&dispatch)]);
    assert_eq!(
        outcomes,
        [Ingest::Accepted, Ingest::Duplicate, Ingest::Accepted]
    );
    assert_same(&b, &tickets()[1..], &period(), at(QUERY));
}

/// A ticket re-exported with another header (reclassified 求助 → 投诉): the header is a
/// conflict, and its events are refused with it — they went into the held 求助 ticket and were
/// scored under its limits. Nothing changes.
#[test]
fn events_after_a_refused_header_are_refused_with_it() {
    let mut b = builder(&units()).build().unwrap();
    let mut t2 = tickets().remove(1);
    let signed = t2.events.pop().unwrap();
    assert!(
        b.ingest_ticket(t2.clone())
            .iter()
            .all(|o| *o == Ingest::Accepted)
    );
    let before = b.snapshot().unwrap();
    let mut reclassified = t2;
    reclassified.kind = Kind::Complaint;
    reclassified.events.push(signed.clone());
    let outcomes = b.ingest_ticket(reclassified);
    assert_eq!(outcomes.len(), 3);
    for o in &outcomes {
        let Ingest::Rejected(Error::BoardTicketConflict { ticket_id, field }) = o else {
            panic!("{outcomes:?}")
        };
        assert_eq!((ticket_id.as_str(), field.as_str()), ("T2", "kind"));
    }
    assert_eq!(b.snapshot().unwrap(), before, "nothing changed");
    // An event refused before the header (a sign-for ahead of its dispatch), waiting for the
    // batch's retry, is refused with it too; the dispatch before the header went in.
    let mut fresh = builder(&units()).build().unwrap();
    let mut header = tickets().remove(1);
    let dispatch = header.events.remove(0);
    header.events.clear();
    assert_eq!(fresh.ingest_ticket(header.clone()), vec![Ingest::Accepted]);
    let item = |e: &Event| Input::Event {
        ticket_id: "T2".into(),
        event: e.clone(),
    };
    let mut changed = TicketHeader::of(&header);
    changed.kind = Kind::Complaint;
    let outcomes = fresh.ingest_batch([item(&signed), item(&dispatch), Input::Ticket(changed)]);
    assert!(
        matches!(
            outcomes[0],
            Ingest::Rejected(Error::BoardTicketConflict { .. })
        ),
        "{outcomes:?}"
    );
    assert_eq!(outcomes[1], Ingest::Accepted);
    assert_eq!(fresh.tickets().next().unwrap().events, vec![dispatch]);
    // The same event under the held header goes in.
    assert_eq!(b.ingest("T2", signed), Ingest::Accepted);
}

/// An export written to the second: `closed` and the `replied` before it share an instant, and
/// the feed delivers `closed` first. The reply goes before the close (after it, it broke
/// `event_after_close` and could never go in); the board then equals batch scoring of the
/// export. An event that breaks the rules in either place is still refused, with the error of
/// arrival order.
#[test]
fn a_late_event_sharing_an_instant_goes_before_when_after_breaks_a_rule() {
    let mut b = builder(&units()).build().unwrap();
    let mut t2 = tickets().remove(1);
    let second = "2026-03-04T10:00:00+08:00";
    let replied = ev(
        second,
        "T2-2",
        EventBody::Replied {
            unit: "hubin".into(),
        },
    );
    let closed = ev(second, "T2-3", EventBody::Closed);
    assert!(
        b.ingest_ticket(t2.clone())
            .iter()
            .all(|o| *o == Ingest::Accepted)
    );
    assert_eq!(b.ingest("T2", closed.clone()), Ingest::Accepted);
    assert_eq!(b.ingest("T2", replied.clone()), Ingest::Accepted);
    t2.events.extend([replied, closed]);
    let mut all = tickets();
    all[1] = t2.clone();
    assert_same(&b, &all[1..], &period(), at(QUERY));
    assert_eq!(b.tickets().next().unwrap().events, t2.events);
    // A sign-for by a unit never dispatched breaks a rule wherever it goes.
    let stray = ev(
        second,
        "T2-4",
        EventBody::Signed {
            unit: "shanzhou".into(),
        },
    );
    let before = b.snapshot().unwrap();
    let Ingest::Rejected(e) = b.ingest("T2", stray) else {
        panic!("a sign-for by a unit never dispatched went in");
    };
    // The error of arrival order: after the two events of its instant, index 4, a sign-for after
    // `closed` (before them it would be index 2, a sign-for by a unit never dispatched).
    assert_eq!(e.code(), "event_after_close", "{e}");
    assert_eq!(e.context().event_index, Some(4), "{e}");
    assert_eq!(b.snapshot().unwrap(), before);
}

#[test]
fn late_events_are_re_evaluated_or_refused_by_the_rules() {
    let mut b = board();
    let mut want = tickets();
    // A late contact (older than the ticket's last event) is inserted in order.
    let contact = ev(
        "2026-03-02T11:00:00+08:00",
        "T1-c",
        EventBody::Contacted {
            unit: "hubin".into(),
        },
    );
    assert_eq!(b.ingest("T1", contact.clone()), Ingest::Accepted);
    want[0].events.insert(2, contact);
    assert_eq!(b.ticket("T1"), Some(&want[0]));
    assert_same(&b, &want, &period(), at(QUERY));
    // A late urge dated after the close breaks "no events after closed": refused.
    refused(
        &mut b,
        "T1",
        ev(
            "2026-03-05T12:00:00+08:00",
            "T1-u",
            EventBody::Urged {
                unit: "hubin".into(),
            },
        ),
        "event_after_close",
    );
    // A late sign-for of T2 before its first sign: already signed.
    refused(
        &mut b,
        "T2",
        ev(
            "2026-03-03T10:00:00+08:00",
            "T2-s",
            EventBody::Signed {
                unit: "hubin".into(),
            },
        ),
        "already_signed",
    );
}

#[test]
fn events_in_a_closed_period_are_refused() {
    let mut b = board();
    let march = period();
    let closed = b
        .close_period(&march, at("2026-04-01T00:00:00+08:00"))
        .unwrap();
    assert_eq!(closed.scores.period, march.label);
    assert!(closed.sanctions.is_some());
    let e = b.ingest(
        "T2",
        ev(
            "2026-03-30T09:00:00+08:00",
            "T2-r",
            EventBody::Replied {
                unit: "hubin".into(),
            },
        ),
    );
    assert!(
        matches!(e, Ingest::Rejected(Error::BoardPeriodClosed { .. })),
        "{e:?}"
    );
    // Closing again, or a period before it, is refused.
    let e = b
        .close_period(&march, at("2026-04-02T00:00:00+08:00"))
        .unwrap_err();
    assert_eq!(e.code(), "board_close_refused");
    // An event of April for a March ticket still counts (where the anchors put it).
    let reply = ev(
        "2026-04-01T09:00:00+08:00",
        "T2-r",
        EventBody::Replied {
            unit: "hubin".into(),
        },
    );
    assert_eq!(b.ingest("T2", reply.clone()), Ingest::Accepted);
    let mut want = tickets();
    want[1].events.push(reply);
    let april = scheme().period_at(at("2026-04-10T00:00:00+08:00")).unwrap();
    assert_same(&b, &want, &april, at("2026-04-10T00:00:00+08:00"));
    assert_same(&b, &want, &march, at("2026-04-10T00:00:00+08:00"));
    assert_eq!(b.history().len(), 1, "the frozen history does not move");
    assert_eq!(b.history()[0], closed.scores);
}

fn snapshot_error(bytes: &[u8]) -> Error {
    builder(&units()).restore(bytes).unwrap_err()
}

/// Restores with a prepared builder (building the scheme once keeps the byte loop fast).
fn snapshot_error_with(b: &hotline_score::board::BoardBuilder, bytes: &[u8]) -> Error {
    b.clone().restore(bytes).unwrap_err()
}

#[test]
fn corrupted_snapshot_bytes_are_refused() {
    let b = board();
    let good = b.snapshot().unwrap();
    assert!(builder(&units()).restore(&good).is_ok());
    // Every single-byte change anywhere is caught (magic, version, length, payload, checksum).
    let prepared = builder(&units());
    for i in 0..good.len() {
        let mut bad = good.clone();
        bad[i] ^= 0x41;
        let e = snapshot_error_with(&prepared, &bad);
        assert!(
            matches!(
                e.code(),
                "board_snapshot_corrupt" | "board_snapshot_version"
            ),
            "byte {i}: {e}"
        );
    }
    // Truncations, trailing garbage, an absurd length field, empty input.
    for n in [0, 1, 8, 19, 20, good.len() / 2, good.len() - 1] {
        assert_eq!(snapshot_error(&good[..n]).code(), "board_snapshot_corrupt");
    }
    let mut longer = good.clone();
    longer.push(0);
    assert_eq!(snapshot_error(&longer).code(), "board_snapshot_corrupt");
    let mut absurd = good.clone();
    absurd[12..20].copy_from_slice(&u64::MAX.to_le_bytes());
    assert_eq!(snapshot_error(&absurd).code(), "board_snapshot_corrupt");
    // JSON: damaged text, a changed value (checksum), not a snapshot.
    let json = b.snapshot_json().unwrap();
    let restore = |s: &str| builder(&units()).restore_json(s).unwrap_err().code();
    assert_eq!(restore(&json[..json.len() - 2]), "board_snapshot_corrupt");
    assert_eq!(
        restore(&json.replacen("hubin", "water", 1)),
        "board_snapshot_corrupt"
    );
    assert_eq!(
        restore("{\"format\":\"x\",\"version\":1}"),
        "board_snapshot_corrupt"
    );
    assert_eq!(restore("[]"), "board_snapshot_corrupt");
}

#[test]
fn another_format_version_is_refused() {
    let b = board();
    let mut bytes = b.snapshot().unwrap();
    assert_eq!(&bytes[8..12], &SNAPSHOT_VERSION.to_le_bytes());
    bytes[8..12].copy_from_slice(&(SNAPSHOT_VERSION + 1).to_le_bytes());
    match snapshot_error(&bytes) {
        Error::BoardSnapshotVersion { found, supported } => {
            assert_eq!((found, supported), (SNAPSHOT_VERSION + 1, SNAPSHOT_VERSION));
        }
        e => panic!("{e:?}"),
    }
    let json = b.snapshot_json().unwrap().replacen(
        &format!("\"version\":{SNAPSHOT_VERSION}"),
        "\"version\":99",
        1,
    );
    let e = builder(&units()).restore_json(&json).unwrap_err();
    assert!(
        matches!(e, Error::BoardSnapshotVersion { found: 99, .. }),
        "{e:?}"
    );
}

#[test]
fn a_snapshot_is_restored_only_into_the_same_configuration() {
    let b = board();
    let bytes = b.snapshot().unwrap();
    let other_scheme = builder(&units())
        .scheme(hotline_score::scheme::Scheme::preset("sanmenxia").unwrap())
        .restore(&bytes)
        .unwrap_err();
    assert!(
        matches!(other_scheme, Error::BoardSnapshotMismatch { ref field } if field == "scheme"),
        "{other_scheme:?}"
    );
    let mut fewer = units();
    fewer.pop();
    let e = builder(&fewer).restore(&bytes).unwrap_err();
    assert!(matches!(e, Error::BoardSnapshotMismatch { ref field } if field == "units"));
    let e = builder(&units())
        .policy(hotline_score::Policy::builtin("guangdong").unwrap())
        .restore(&bytes)
        .unwrap_err();
    assert!(
        matches!(e, Error::BoardSnapshotMismatch { ref field } if field == "policy"),
        "{e:?}"
    );
}

/// A policy whose words changed (name, title, source: a typo mended) decides the same limits:
/// the snapshot restores, and the board answers as before. A snapshot written before the
/// policy's limits were fingerprinted apart (no `policy_rules`) still needs the same words.
#[test]
fn a_snapshot_restores_into_a_policy_with_new_words_only() {
    let b = board();
    let mut retitled = hotline_score::Policy::builtin("henan").unwrap();
    retitled.name = "henan-2024".into();
    retitled.title = "河南省12345热线工单办理时限（修订标题）".into();
    retitled.source = "a corrected citation".into();
    let restored = builder(&units())
        .policy(retitled.clone())
        .restore(&b.snapshot().unwrap())
        .unwrap();
    assert_eq!(
        answers(&b, &period(), at(QUERY)),
        answers(&restored, &period(), at(QUERY))
    );
    let mut stricter = retitled.clone();
    stricter.count_start_day = !stricter.count_start_day;
    let e = builder(&units())
        .policy(stricter)
        .restore(&b.snapshot().unwrap())
        .unwrap_err();
    assert!(
        matches!(e, Error::BoardSnapshotMismatch { ref field } if field == "policy"),
        "{e:?}"
    );
    let json = b.snapshot_json().unwrap();
    let start = json.find("\"policy_rules\":").unwrap();
    let end = start + json[start..].find(',').unwrap() + 1;
    let without = json.replacen(&json[start..end], "", 1);
    let checksum = |json: &str| format!("{:016x}", fnv1a(json_state(json).as_bytes()));
    let old = without.replacen(&checksum(&json), &checksum(&without), 1);
    assert!(builder(&units()).restore_json(&old).is_ok());
    let e = builder(&units())
        .policy(retitled)
        .restore_json(&old)
        .unwrap_err();
    assert!(
        matches!(e, Error::BoardSnapshotMismatch { ref field } if field == "policy"),
        "{e:?}"
    );
}

/// Manual adjustments on the board: scores, explanations and metrics as batch scoring of the
/// board's metrics (with their adjustments) gives; each listed with its reason and approver; a
/// refused one leaves nothing behind.
#[test]
fn adjustments_on_the_board_score_as_in_batch() {
    use hotline_score::metrics::Adjustment;
    let mut b = board();
    let p = period();
    let unit = units()[0].id.clone();
    let adjustment = |metric: &str, reason: &str| Adjustment {
        unit: unit.clone(),
        metric: metric.into(),
        amount: "2".parse().unwrap(),
        reason: reason.into(),
        approver: "热线办".into(),
    };
    let before = b.snapshot().unwrap();
    for (bad, code) in [
        (adjustment("manual_bonus", " "), "invalid_adjustment"),
        (adjustment("bribes", "r"), "unknown_external_metric"),
        (
            Adjustment {
                unit: "atlantis".into(),
                ..adjustment("manual_bonus", "r")
            },
            "board_unknown_unit",
        ),
    ] {
        assert_eq!(b.add_adjustment(&p, bad).unwrap_err().code(), code);
    }
    assert_eq!(
        b.snapshot().unwrap(),
        before,
        "a refused adjustment leaves no trace"
    );
    b.add_adjustment(&p, adjustment("manual_bonus", "防汛值守"))
        .unwrap();
    b.add_adjustment(&p, adjustment("manual_deduction", "虚假办结"))
        .unwrap();
    let metrics = b.metrics(&p, at(QUERY)).unwrap();
    assert_eq!(metrics.adjustments.len(), 2);
    let batch = scheme().score(b.units(), &metrics, &p, at(QUERY)).unwrap();
    let scores = b.scores_in(&p, at(QUERY)).unwrap();
    assert_eq!(scores, batch);
    let card = scores.units.iter().find(|c| c.unit == unit).unwrap();
    assert_eq!(card.adjustments.len(), 2);
    assert_eq!(card.external["manual_bonus"], "2".parse().unwrap());
    let report = b.scorecard_in(&p, unit.as_str(), at(QUERY)).unwrap();
    let bonus = report
        .explanation
        .components
        .iter()
        .find(|c| c.indicator == "manual_bonus")
        .unwrap();
    assert_eq!(bonus.adjustments[0].reason, "防汛值守");
    let restored = builder(&units()).restore(&b.snapshot().unwrap()).unwrap();
    assert_eq!(restored.scores_in(&p, at(QUERY)).unwrap(), scores);
}

/// A board on the built-in calendar (data through 2026), its snapshot, and one builder per
/// calendar it is restored into.
fn calendar_builder(data: Option<&str>, predict: bool) -> hotline_score::board::BoardBuilder {
    let mut c = hotline_score::Calendar::builder()
        .prc_data()
        .predict(predict);
    if let Some(text) = data {
        c = c.data(hotline_score::calendar::CalendarData::from_toml(text).unwrap());
    }
    builder(&units()).calendar(c.build().unwrap())
}

const NEXT_YEAR: &str = include_str!("../../examples/calendar-2027-example.toml");

/// A ticket dispatched on 2026-12-30: its deadlines fall in 2027.
fn december_ticket() -> Ticket {
    Ticket {
        id: "T-DEC".into(),
        kind: Kind::Help,
        urgency: Default::default(),
        channel: "phone".into(),
        received_at: at("2026-12-30T10:00:00+08:00"),
        attributes: Default::default(),
        events: vec![ev("2026-12-30T10:05:00+08:00", "D-1", dispatched("hubin"))],
    }
}

#[test]
fn a_snapshot_restores_into_a_calendar_extended_with_later_data() {
    // December: next year's notice is loaded, or predict mode switched on, and the running
    // board's snapshot must still restore (every date it covered keeps its working time).
    let b = board();
    let (bytes, json) = (b.snapshot().unwrap(), b.snapshot_json().unwrap());
    let p = period();
    for (extended, predicting) in [
        (calendar_builder(Some(NEXT_YEAR), false), false),
        (calendar_builder(None, true), true),
    ] {
        for restored in [
            extended.clone().restore(&bytes).unwrap(),
            extended.restore_json(&json).unwrap(),
        ] {
            assert_eq!(
                answers(&b, &p, at(QUERY)),
                answers(&restored, &p, at(QUERY))
            );
            // The restored board records its own coverage from now on: longer with the notice;
            // predicted dates are not recorded.
            let again = restored.snapshot_json().unwrap();
            assert!(
                again.contains("\"calendar_dates\":[\"2017-01-01\","),
                "{again}"
            );
            assert_eq!(again.contains("\"2026-12-31\"]"), predicting, "{again}");
        }
    }
    // A December ticket whose deadline is in 2027 is refused by the old calendar and taken by
    // the extended one.
    let december = december_ticket();
    let mut old = builder(&units()).restore(&bytes).unwrap();
    let refused: Vec<_> = old.ingest_ticket(december.clone());
    assert!(
        refused
            .iter()
            .any(|o| matches!(o, Ingest::Rejected(e) if e.beyond_coverage().is_some())),
        "{refused:?}"
    );
    let mut new = calendar_builder(Some(NEXT_YEAR), false)
        .restore(&bytes)
        .unwrap();
    assert!(
        new.ingest_ticket(december)
            .iter()
            .all(|o| *o == Ingest::Accepted)
    );
}

/// Predicted dates are guesses, not configuration: a board that ran in predict mode restores
/// into the calendar with next year's notice, which may differ from the prediction (a board
/// and partial-state audit: it was refused for any difference, with no ticket in 2027). Its
/// tickets are evaluated afresh under the notice; one that needs a date no longer covered is
/// refused with the coverage error.
#[test]
fn a_predicting_boards_snapshot_restores_into_the_published_notice() {
    let mut predicting = calendar_builder(None, true)
        .restore(&board().snapshot().unwrap())
        .unwrap();
    let december = december_ticket();
    assert!(
        predicting
            .ingest_ticket(december)
            .iter()
            .all(|o| *o == Ingest::Accepted)
    );
    let bytes = predicting.snapshot().unwrap();
    // The notice's New Year holiday is not the weekly template's prediction.
    let notice = calendar_builder(Some(NEXT_YEAR), false);
    let restored = notice.clone().restore(&bytes).unwrap();
    let mut fresh = notice.build().unwrap();
    assert!(fresh.ingest_tickets(restored.tickets()).rejected.is_empty());
    let p = period();
    assert_eq!(
        answers(&restored, &p, at(QUERY)),
        answers(&fresh, &p, at(QUERY))
    );
    // Without 2027 at all, the December ticket's deadline cannot be computed.
    let e = builder(&units()).restore(&bytes).unwrap_err();
    assert!(e.beyond_coverage().is_some(), "{e:?}");
}

#[test]
fn a_snapshot_refuses_a_calendar_that_changes_or_drops_a_covered_date() {
    let b = board();
    let bytes = b.snapshot().unwrap();
    let mismatch = |builder: hotline_score::board::BoardBuilder, bytes: &[u8]| {
        let e = builder.restore(bytes).unwrap_err();
        assert!(
            matches!(e, Error::BoardSnapshotMismatch { ref field } if field == "calendar"),
            "{e:?}"
        );
    };
    // A covered date's working time changed (a local extra day off in 2026).
    let changed = "[[days]]\ndates = [\"2026-06-01\"]\nrule = \"off\"\n";
    mismatch(calendar_builder(Some(changed), false), &bytes);
    // Other office hours with the same working time in every 3-hour slice of the day
    // (13:30–17:30 against 12:00–13:30 and 15:00–17:30: 1.5 h in 12–15, 2.5 h in 15–18), which
    // the fingerprint's slices alone let through (a board audit): a 2 h limit from 12:00 is
    // due 15:30 under one and 16:00 under the other.
    let hours = DayHours::parse(&["09:00-12:00", "12:00-13:30", "15:00-17:30"]).unwrap();
    let other = hotline_score::Calendar::builder()
        .prc_data()
        .template(WeeklyTemplate::weekdays(hours))
        .build()
        .unwrap();
    mismatch(builder(&units()).calendar(other), &bytes);
}

#[test]
fn a_snapshot_restores_into_a_units_table_with_new_names_order_or_units() {
    // A unit renamed, the table reordered, a new unit: the restored board answers as a board
    // built with the new table from the same tickets would (the new unit has no data).
    let bytes = board().snapshot().unwrap();
    let mut changed = units();
    changed.reverse();
    changed[0].name = "湖滨区人民政府".into();
    changed.push(Unit {
        id: "gas".into(),
        group: "utilities".into(),
        name: "燃气公司".into(),
    });
    let restored = builder(&changed).restore(&bytes).unwrap();
    let mut fresh = builder(&changed).build().unwrap();
    for t in tickets() {
        assert!(
            fresh
                .ingest_ticket(t)
                .iter()
                .all(|o| *o == Ingest::Accepted)
        );
    }
    let p = period();
    assert_eq!(
        answers(&restored, &p, at(QUERY)),
        answers(&fresh, &p, at(QUERY))
    );
    assert_eq!(restored.units(), changed.as_slice());
    // The new unit has no part in a period closed before it came; the ladder and the next
    // close run over the frozen history as they do in batch.
    let mut closed = board();
    closed.close_period(&p, p.end).unwrap();
    let mut restored = builder(&changed)
        .restore(&closed.snapshot().unwrap())
        .unwrap();
    assert_eq!(restored.sanctions().unwrap(), closed.sanctions().unwrap());
    let next = scheme().period_at(p.end).unwrap();
    let after = restored.close_period(&next, next.end).unwrap();
    assert!(
        after.scores.units.iter().any(|u| u.unit.as_str() == "gas"),
        "{after:?}"
    );
    // A unit dropped, or moved to another group, changes what was scored: a mismatch.
    let mut moved = units();
    moved[0].group = "departments".into();
    for table in [units()[1..].to_vec(), moved] {
        let e = builder(&table).restore(&bytes).unwrap_err();
        assert!(
            matches!(e, Error::BoardSnapshotMismatch { ref field } if field == "units"),
            "{e:?}"
        );
    }
}

/// FNV-1a 64 (the snapshot's JSON checksum), written out here as an independent oracle.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The `state` member's text of a JSON snapshot.
fn json_state(json: &str) -> String {
    let start = json.find("\"state\":").unwrap() + "\"state\":".len();
    json[start..json.len() - 1].to_owned()
}

#[test]
fn a_snapshot_written_before_2026_12_01_restores_into_the_same_calendar_and_units_only() {
    // Snapshots written before 2026-12-01 carry no `calendar_dates` and no `unit_groups`: their
    // calendar hash covers the calendar's own coverage and their units hash the whole table, so
    // only the same calendar and units table fit.
    let b = board();
    let json = b.snapshot_json().unwrap();
    let dates = "\"calendar_dates\":[\"2017-01-01\",\"2026-12-31\"],";
    let groups = "\"unit_groups\":[[\"education\",\"departments\"],[\"hubin\",\"counties\"],\
                  [\"shanzhou\",\"counties\"],[\"water\",\"utilities\"]],";
    let checksum = |json: &str| format!("{:016x}", fnv1a(json_state(json).as_bytes()));
    let mut without = json.clone();
    for field in [dates, groups] {
        assert!(json.contains(field), "{field} in {json}");
        without = without.replacen(field, "", 1);
    }
    let old = without.replacen(&checksum(&json), &checksum(&without), 1);
    let restored = builder(&units()).restore_json(&old).unwrap();
    assert_eq!(
        answers(&b, &period(), at(QUERY)),
        answers(&restored, &period(), at(QUERY))
    );
    let e = calendar_builder(Some(NEXT_YEAR), false)
        .restore_json(&old)
        .unwrap_err();
    assert!(
        matches!(e, Error::BoardSnapshotMismatch { ref field } if field == "calendar"),
        "{e:?}"
    );
    let mut renamed = units();
    renamed[0].name = "湖滨区".into();
    let e = builder(&renamed).restore_json(&old).unwrap_err();
    assert!(
        matches!(e, Error::BoardSnapshotMismatch { ref field } if field == "units"),
        "{e:?}"
    );
}

#[test]
fn a_board_needs_every_part() {
    let e = Board::builder().build().unwrap_err();
    assert!(matches!(e, Error::BoardConfig { ref field, .. } if field == "calendar"));
    let bad = vec![Unit {
        id: "x".into(),
        group: "nowhere".into(),
        name: String::new(),
    }];
    assert_eq!(
        builder(&bad).build().unwrap_err().code(),
        "unit_group_unknown"
    );
    let b = board();
    assert_eq!(
        b.deadline_statuses("nobody", at(QUERY)).unwrap_err().code(),
        "board_unknown_unit"
    );
}

/// A late return and its rejected decision, arriving after T2's held sign-for: each alone breaks
/// the log (a return pending at the sign-for; a decision without a return), so the board could
/// never hold the valid log (a board audit). Together they go in, alone or in a batch, and the
/// board answers as batch evaluation of the whole log.
#[test]
fn events_valid_only_together_go_in_together() {
    let returned = ev(
        "2026-03-03T09:20:00+08:00",
        "T2-r",
        EventBody::Returned {
            unit: "hubin".into(),
            reason: "not ours".into(),
        },
    );
    let decided = ev(
        "2026-03-03T09:30:00+08:00",
        "T2-d",
        EventBody::ReturnDecided {
            unit: "hubin".into(),
            accepted: false,
        },
    );
    let mut whole = tickets();
    whole[1].events.insert(1, returned.clone());
    whole[1].events.insert(2, decided.clone());
    let p = period();
    // Each alone is refused, in either order, and leaves no trace.
    let mut b = board();
    refused(&mut b, "T2", returned.clone(), "sign_after_return");
    refused(&mut b, "T2", decided.clone(), "no_pending_return");
    // Together: accepted, and again: a duplicate.
    let pair = vec![decided.clone(), returned.clone()];
    assert_eq!(b.ingest_together("T2", pair.clone()), Ingest::Accepted);
    assert_same(&b, &whole, &p, at(QUERY));
    assert_eq!(b.ingest_together("T2", pair), Ingest::Duplicate);
    // In a batch: refused one by one, then tried again together at its end.
    let mut b = board();
    let items = [returned.clone(), decided.clone()].map(|event| Input::Event {
        ticket_id: "T2".into(),
        event,
    });
    assert_eq!(b.ingest_batch(items), [Ingest::Accepted, Ingest::Accepted]);
    assert_same(&b, &whole, &p, at(QUERY));
    // A group with an event that is wrong anyway is refused whole; nothing is kept.
    let mut b = board();
    let before = b.snapshot().unwrap();
    let stray = ev(
        "2026-03-03T09:40:00+08:00",
        "T2-x",
        EventBody::Signed {
            unit: "water".into(),
        },
    );
    let Ingest::Rejected(_) = b.ingest_together("T2", vec![returned.clone(), decided, stray])
    else {
        panic!("a group with a sign-for of a unit without the ticket was taken");
    };
    assert_eq!(b.snapshot().unwrap(), before);
    // Two new events with one id are checked against each other as against held ones.
    let mut twin = returned.clone();
    twin.at = at("2026-03-03T09:25:00+08:00");
    let Ingest::Rejected(e) = b.ingest_together("T2", vec![returned, twin]) else {
        panic!("two events with one id were taken");
    };
    assert_eq!(e.code(), "duplicate_event_id");
    assert_eq!(b.snapshot().unwrap(), before);
}

/// `ingest_ticket` (and `ingest_tickets`) go as a batch: a whole ticket sent again with a late
/// return and its decision, onto a board holding its dispatch and sign-for, goes in whole.
#[test]
fn a_whole_ticket_again_takes_its_late_pair() {
    let mut whole = tickets().remove(1);
    let late = [
        (
            "2026-03-03T09:20:00+08:00",
            "T2-r",
            EventBody::Returned {
                unit: "hubin".into(),
                reason: "not ours".into(),
            },
        ),
        (
            "2026-03-03T09:30:00+08:00",
            "T2-d",
            EventBody::ReturnDecided {
                unit: "hubin".into(),
                accepted: false,
            },
        ),
    ];
    for (i, (when, id, body)) in late.into_iter().enumerate() {
        whole.events.insert(i + 1, ev(when, id, body));
    }
    let mut b = board();
    let items = b.ingest_ticket(whole.clone());
    let accepted = items.iter().filter(|i| **i == Ingest::Accepted).count();
    assert_eq!(accepted, 2, "{items:?}");
    assert_eq!(items.len(), whole.events.len() + 1);
    let p = period();
    let mut all = tickets();
    all[1] = whole.clone();
    assert_same(&b, &all, &p, at(QUERY));
    // Every ticket again: all held now.
    let again = b.ingest_tickets(&all);
    assert_eq!(again.accepted, 0);
    assert!(again.rejected.is_empty(), "{:?}", again.rejected);
    let items: usize = all.iter().map(|t| t.events.len() + 1).sum();
    assert_eq!(again.duplicate, items);
}

/// A batch that brings a ticket's sign-for before its dispatch (an out-of-order feed) takes
/// both: the sign-for is tried again once the rest of the batch is in.
#[test]
fn a_batch_takes_a_tickets_events_out_of_order() {
    let mut b = builder(&units()).build().unwrap();
    let t2 = tickets().remove(1);
    let mut items = vec![Input::Ticket(TicketHeader::of(&t2))];
    items.extend(t2.events.iter().rev().map(|event| Input::Event {
        ticket_id: "T2".into(),
        event: event.clone(),
    }));
    assert_eq!(
        b.ingest_batch(items),
        [Ingest::Accepted, Ingest::Accepted, Ingest::Accepted]
    );
    assert_same(&b, &[t2], &period(), at(QUERY));
}

/// A batch that brings a ticket's events before its header (a feed merging two queues) takes
/// them once the header is in; an event of a ticket the batch never registers keeps its
/// `board_unknown_ticket`.
#[test]
fn a_batch_takes_events_before_their_tickets_header() {
    let mut b = builder(&units()).build().unwrap();
    let t2 = tickets().remove(1);
    let mut items: Vec<Input> = t2
        .events
        .iter()
        .map(|event| Input::Event {
            ticket_id: "T2".into(),
            event: event.clone(),
        })
        .collect();
    items.push(Input::Ticket(TicketHeader::of(&t2)));
    items.push(Input::Event {
        ticket_id: "NOBODY".into(),
        event: t2.events[0].clone(),
    });
    let out = b.ingest_batch(items);
    assert_eq!(
        out[..3],
        [Ingest::Accepted, Ingest::Accepted, Ingest::Accepted]
    );
    let Ingest::Rejected(e) = &out[3] else {
        panic!("{out:?}");
    };
    assert_eq!(e.code(), "board_unknown_ticket");
    assert_same(&b, std::slice::from_ref(&t2), &period(), at(QUERY));
    // One bad event among them (a reply of a unit without the ticket; a review): the valid
    // ones still go in, and the bad one is refused for its own fault.
    let mut b = builder(&units()).build().unwrap();
    let stray = ev(
        "2026-03-03T09:40:00+08:00",
        "T2-x",
        EventBody::Replied {
            unit: "water".into(),
        },
    );
    let mut items: Vec<Input> = t2
        .events
        .iter()
        .chain([&stray])
        .map(|event| Input::Event {
            ticket_id: "T2".into(),
            event: event.clone(),
        })
        .collect();
    items.push(Input::Ticket(TicketHeader::of(&t2)));
    let out = b.ingest_batch(items);
    assert_eq!(out[..2], [Ingest::Accepted, Ingest::Accepted], "{out:?}");
    let Ingest::Rejected(e) = &out[2] else {
        panic!("{out:?}");
    };
    assert_ne!(e.code(), "board_unknown_ticket", "{e:?}");
    assert_same(&b, &[t2], &period(), at(QUERY));
}
