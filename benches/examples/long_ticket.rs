//! One ticket at the per-ticket event limit (`docs/limits.md`): the upstream-loop export bug the
//! limit is there for, a ticket dispatched, returned and the return accepted over and over (three
//! events a round, each round to the next unit, with an extension requested and granted), plus
//! a variant in which every round is an extension request and decision of one assignment.
//! Times `Evaluator::evaluate` of the whole ticket and the real-time board fed the same events
//! one at a time (`Board::ingest`), which re-evaluates the ticket on each.
//!
//! `cargo build --release -p hotline-score-benches --example long_ticket`
//! `target/release/examples/long_ticket`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]
// A measurement harness, not the core: it may read the clock.
#![allow(clippy::disallowed_methods)]

use hotline_score::board::{Board, Ingest, TicketHeader};
use hotline_score::clocks::Evaluator;
use hotline_score::scheme::Scheme;
use hotline_score::ticket::{Event, EventBody, Kind, MAX_EVENTS_PER_TICKET, Ticket};
use hotline_score::{Amount, Calendar, Instant, Policy, Role, Unit, UnitId};

fn at(minutes: usize) -> Instant {
    // 2026-01-05T09:00:00+08:00, a minute per event.
    Instant::from_millis(1_767_574_800_000 + 60_000 * minutes as i64)
}

fn unit(k: usize) -> UnitId {
    UnitId(format!("u{k}"))
}

/// Round `k` of the returned-and-redispatched loop: to unit `k % units`.
fn loop_round(k: usize, units: usize) -> [EventBody; 3] {
    let u = unit(k % units);
    [
        EventBody::Dispatched {
            unit: u.clone(),
            role: Role::Lead,
        },
        EventBody::Returned {
            unit: u.clone(),
            reason: "不属于本单位职责".into(),
        },
        EventBody::ReturnDecided {
            unit: u,
            accepted: true,
        },
    ]
}

/// Round `k` of the extensions variant: one assignment asking for a minute more, again and again.
fn extension_round(_k: usize) -> [EventBody; 2] {
    [
        EventBody::ExtensionRequested {
            unit: unit(0),
            amount: Amount::Time { ms: 60_000 },
        },
        EventBody::ExtensionDecided {
            unit: unit(0),
            approved: true,
            amount: None,
        },
    ]
}

fn measure(name: &str, bodies: Vec<EventBody>, units: &[Unit]) {
    let events: Vec<Event> = bodies
        .into_iter()
        .enumerate()
        .map(|(i, body)| Event::new(at(i + 1), body))
        .collect();
    let ticket = Ticket {
        id: "LOOP".into(),
        kind: Kind::Help,
        urgency: Default::default(),
        channel: String::new(),
        received_at: at(0),
        attributes: Default::default(),
        events,
    };
    ticket.validate(None).expect("valid ticket");
    let calendar = Calendar::prc().expect("calendar");
    let ev = Evaluator::new(&calendar, Policy::henan().expect("policy"), units);
    let as_of = at(ticket.events.len() + 1);
    let clock = std::time::Instant::now();
    let assignments = ev.evaluate(&ticket, as_of).expect("evaluate");
    let evaluate = clock.elapsed().as_secs_f64();
    let mut board = Board::builder()
        .calendar(calendar)
        .policy(Policy::henan().expect("policy"))
        .scheme(Scheme::preset("three-rates").expect("preset"))
        .units(units.to_vec())
        .build()
        .expect("board");
    let header = TicketHeader::new("LOOP", Kind::Help, ticket.received_at);
    assert!(matches!(board.register(header), Ingest::Accepted));
    let clock = std::time::Instant::now();
    let mut slowest = 0.0f64;
    for e in &ticket.events {
        let one = std::time::Instant::now();
        let outcome = board.ingest("LOOP", e.clone());
        slowest = slowest.max(one.elapsed().as_secs_f64());
        assert!(matches!(outcome, Ingest::Accepted), "{outcome:?}");
    }
    let ingest = clock.elapsed().as_secs_f64();
    println!(
        "{name}: {} events, {} assignments; evaluate {:.1} ms; board fed one event at a time {:.2} s (slowest event {:.1} ms)",
        ticket.events.len(),
        assignments.len(),
        evaluate * 1e3,
        ingest,
        slowest * 1e3,
    );
}

fn main() {
    let n_units = 60;
    let units: Vec<Unit> = (0..n_units)
        .map(|k| Unit {
            id: unit(k),
            group: "units".into(),
            name: format!("unit {k}"),
        })
        .collect();
    let rounds = (MAX_EVENTS_PER_TICKET - 1) / 3;
    let bodies = (0..rounds).flat_map(|k| loop_round(k, n_units)).collect();
    measure("returned and re-dispatched", bodies, &units);
    let rounds = (MAX_EVENTS_PER_TICKET - 1) / 2;
    let first = [EventBody::Dispatched {
        unit: unit(0),
        role: Role::Lead,
    }];
    let bodies = first
        .into_iter()
        .chain((0..rounds).flat_map(extension_round))
        .collect();
    measure("extension after extension", bodies, &units);
}
