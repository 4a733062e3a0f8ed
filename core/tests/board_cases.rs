//! Hand-made edge cases of the real-time board, each checked against batch evaluation: paused
//! clocks (with and without working time left before the deadline), a query at the instant of an
//! event, the `due_or_closed` anchor, and a synthetic month fed in time order.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod board_support;

use board_support::{assert_same, builder, city, fed, streams};
use hotline_score::board::{Board, Ingest};
use hotline_score::clocks::Status;
use hotline_score::metrics::{Counter, DueAnchor};
use hotline_score::ticket::{Event, EventBody, Kind, Ticket};
use hotline_score::{Instant, Period, Policy, Role, Unit};

fn at(s: &str) -> Instant {
    Instant::parse(s).unwrap()
}

fn units() -> Vec<Unit> {
    vec![
        Unit {
            id: "hubin".into(),
            group: "counties".into(),
            name: String::new(),
        },
        Unit {
            id: "water".into(),
            group: "utilities".into(),
            name: String::new(),
        },
    ]
}

/// Dispatched Mon 2026-03-02 09:30 to `unit`, signed at 10:00, paused at `paused`.
fn paused_ticket(id: &str, unit: &str, paused: &str) -> Ticket {
    let e = |when: &str, body| Event::new(at(when), body);
    Ticket {
        id: id.into(),
        kind: Kind::Consult,
        urgency: Default::default(),
        channel: String::new(),
        received_at: at("2026-03-02T09:00:00+08:00"),
        attributes: Default::default(),
        events: vec![
            e(
                "2026-03-02T09:30:00+08:00",
                EventBody::Dispatched {
                    unit: unit.into(),
                    role: Role::Lead,
                },
            ),
            e(
                "2026-03-02T10:00:00+08:00",
                EventBody::Signed { unit: unit.into() },
            ),
            e(
                paused,
                EventBody::Paused {
                    unit: unit.into(),
                    reason: "waiting for the citizen".into(),
                },
            ),
        ],
    }
}

/// Completion in 3 working days, due at midnight (the end of the 3rd working day).
fn midnight_policy() -> Policy {
    Policy::from_toml_str(
        r#"
        name = "midnight"
        deadline_at = "midnight"
        [[rules]]
        limits = { sign = "24h", complete = "3wd" }
        "#,
    )
    .unwrap()
}

#[test]
fn paused_clocks_with_and_without_working_time_left() {
    // hubin: paused Thu 20:00, after office hours, before the midnight deadline: no working time
    // left, so whether it is overdue flips with `as_of` (evaluated at query time).
    // water: paused Thu 15:00 with office time left: pending while paused (decomposed).
    let tickets = vec![
        paused_ticket("A", "hubin", "2026-03-05T20:00:00+08:00"),
        paused_ticket("B", "water", "2026-03-05T15:00:00+08:00"),
    ];
    let mut board = builder(&units()).policy(midnight_policy()).build().unwrap();
    for t in tickets.clone() {
        assert!(
            board
                .ingest_ticket(t)
                .iter()
                .all(|o| *o == Ingest::Accepted)
        );
    }
    assert_eq!(board.stats().volatile_tickets, 1);
    for when in [
        "2026-03-05T15:00:00+08:00", // at B's pause
        "2026-03-05T20:00:00+08:00", // at A's pause
        "2026-03-05T21:00:00+08:00",
        "2026-03-06T02:00:00+08:00", // A: overdue (no working time since its pause)
        "2026-03-06T10:00:00+08:00", // A: pending again (its due instant runs ahead)
        "2026-03-07T12:00:00+08:00",
        "2026-03-31T23:00:00+08:00",
    ] {
        let as_of = at(when);
        let period = board.period_at(as_of).unwrap();
        assert_same(&board, &tickets, &period, as_of);
    }
    // The flip itself, as batch evaluation has it.
    let complete_red = |when: &str| {
        board
            .deadline_statuses("hubin", at(when))
            .unwrap()
            .iter()
            .any(|s| s.clock == hotline_score::policy::Clock::Complete && s.status == Status::Red)
    };
    assert!(complete_red("2026-03-06T02:00:00+08:00"));
    assert!(!complete_red("2026-03-06T10:00:00+08:00"));
    let overdue = |when: &str| {
        let as_of = at(when);
        let m = board
            .metrics(&board.period_at(as_of).unwrap(), as_of)
            .unwrap();
        m.units["hubin"].lead.get(Counter::OverdueOpen)
    };
    assert_eq!(overdue("2026-03-06T02:00:00+08:00"), 1);
    assert_eq!(overdue("2026-03-06T10:00:00+08:00"), 0);
    // Resuming makes A decomposable again.
    let resumed = Event::new(
        at("2026-03-09T09:00:00+08:00"),
        EventBody::Resumed {
            unit: "hubin".into(),
            reason: None,
        },
    );
    assert_eq!(board.ingest("A", resumed.clone()), Ingest::Accepted);
    assert_eq!(board.stats().volatile_tickets, 0);
    let mut tickets = tickets;
    tickets[0].events.push(resumed);
    for when in ["2026-03-09T09:00:00+08:00", "2026-03-20T09:00:00+08:00"] {
        let as_of = at(when);
        assert_same(&board, &tickets, &board.period_at(as_of).unwrap(), as_of);
    }
}

#[test]
fn due_or_closed_anchor() {
    let city = city(42, 8, 12, 6);
    let mut board = builder(&city.units)
        .due_anchor(DueAnchor::DueOrClosed)
        .build()
        .unwrap();
    for s in streams(&city.tickets) {
        assert!(board.ingest_batch(s).iter().all(|o| *o == Ingest::Accepted));
    }
    for ms in [0, 86_400_000, 7 * 86_400_000] {
        let as_of = Instant::from_millis(city.as_of.millis() + ms);
        for p in [
            board.period_at(as_of).unwrap(),
            board
                .period_at(Instant::from_millis(city.as_of.millis() - 6 * 86_400_000))
                .unwrap(),
        ] {
            assert_same(&board, &city.tickets, &p, as_of);
        }
    }
}

#[test]
fn a_month_fed_in_time_order() {
    // All events of a month, in the order they happened (how a live feed delivers them).
    let city = city(7, 12, 10, 8);
    let mut events: Vec<(Instant, usize, usize)> = city
        .tickets
        .iter()
        .enumerate()
        .flat_map(|(i, t)| t.events.iter().enumerate().map(move |(j, e)| (e.at, i, j)))
        .collect();
    events.sort();
    let mut board: Board = fed(&city.units, &[]);
    for t in &city.tickets {
        let header = hotline_score::board::TicketHeader::of(t);
        assert_eq!(board.register(header), Ingest::Accepted);
    }
    for (_, i, j) in events {
        let t = &city.tickets[i];
        assert_eq!(board.ingest(&t.id, t.events[j].clone()), Ingest::Accepted);
    }
    let stats = board.stats();
    assert_eq!(stats.tickets, city.tickets.len());
    assert!(stats.lapse_entries > 0 && stats.running_clocks > 0);
    for ms in [-5 * 86_400_000, 0, 3 * 86_400_000] {
        let as_of = Instant::from_millis(city.as_of.millis() + ms);
        assert_same(
            &board,
            &city.tickets,
            &board.period_at(as_of).unwrap(),
            as_of,
        );
    }
}

#[test]
fn periods_other_than_the_schemes_equal_batch_scoring() {
    // The board keeps counters for the scheme's quarters only; a week, a month or a range across
    // the quarter's start is evaluated like batch scoring, never read as empty counters.
    let city = city(5, 12, 10, 8);
    let board = fed(&city.units, &city.tickets);
    let period = |start: &str, end: &str, label: &str| {
        Period::new(at(start), at(end), label.to_owned()).unwrap()
    };
    let others = [
        period(
            "2026-01-26T00:00:00+08:00",
            "2026-02-02T00:00:00+08:00",
            "a week",
        ),
        period(
            "2026-02-01T00:00:00+08:00",
            "2026-03-01T00:00:00+08:00",
            "February",
        ),
        period(
            "2026-01-29T12:00:00+08:00",
            "2026-02-05T12:00:00+08:00",
            "from noon to noon",
        ),
    ];
    for p in &others {
        for ms in [-4 * 86_400_000, 0, 2 * 86_400_000] {
            let as_of = Instant::from_millis(city.as_of.millis() + ms);
            assert_same(&board, &city.tickets, p, as_of);
        }
        let m = board.metrics(p, city.as_of).unwrap();
        assert!(
            m.units
                .values()
                .any(|r| r.lead.get(Counter::Dispatched) > 0),
            "{}: no dispatch counted",
            p.label
        );
    }
}

#[test]
fn an_explicit_range_period() {
    // The sanmenxia preset over one explicit week: anchors outside it count nowhere.
    let text = hotline_score::scheme::PRESETS
        .iter()
        .find(|(n, _)| *n == "sanmenxia")
        .unwrap()
        .1
        .replace(
            "period = \"quarter\"",
            "period = { range = { start = \"2026-01-28T00:00:00+08:00\", end = \"2026-02-04T00:00:00+08:00\", label = \"week\" } }",
        );
    let scheme = hotline_score::scheme::Scheme::from_toml(&text).unwrap();
    let city = city(11, 8, 12, 6);
    let mut board = builder(&city.units).scheme(scheme).build().unwrap();
    for s in streams(&city.tickets) {
        assert!(board.ingest_batch(s).iter().all(|o| *o == Ingest::Accepted));
    }
    for ms in [-3 * 86_400_000, 0, 5 * 86_400_000] {
        let as_of = Instant::from_millis(city.as_of.millis() + ms);
        let period = board.period_at(as_of).unwrap();
        assert_eq!(period.label, "week");
        assert_same(&board, &city.tickets, &period, as_of);
    }
}

#[test]
fn inputs_have_a_json_form_and_the_board_crosses_threads() {
    let json = r#"[
        {"input": "ticket", "id": "T1", "kind": "help", "received_at": "2026-03-02T09:00:00+08:00"},
        {"input": "event", "ticket_id": "T1", "event": {"at": "2026-03-02T09:30:00+08:00", "type": "dispatched", "unit": "hubin", "event_id": "e1"}}
    ]"#;
    let inputs: Vec<hotline_score::board::Input> = serde_json::from_str(json).unwrap();
    let back = serde_json::to_string(&inputs).unwrap();
    assert_eq!(
        serde_json::from_str::<Vec<hotline_score::board::Input>>(&back).unwrap(),
        inputs
    );
    let mut board = builder(&units()).build().unwrap();
    assert_eq!(
        board.ingest_batch(inputs),
        [Ingest::Accepted, Ingest::Accepted]
    );
    fn send_sync<T: Send + Sync>(_: &T) {}
    send_sync(&board);
    let as_of = at("2026-03-03T09:00:00+08:00");
    let from_thread = std::thread::scope(|s| s.spawn(|| board.standings(as_of).unwrap()).join());
    assert_eq!(from_thread.unwrap(), board.standings(as_of).unwrap());
}
