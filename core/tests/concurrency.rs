//! One compiled calendar, policy, scheme, evaluator and board shared by many threads: every
//! thread gets exactly the single-threaded answer.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use hotline_score::board::{Board, Standings};
use hotline_score::calendar::CalendarData;
use hotline_score::clocks::{Evaluator, TicketBatch};
use hotline_score::metrics::{Scope, partial};
use hotline_score::scheme::{Scheme, Scores};
use hotline_score::synthetic::{CityConfig, SyntheticCity};
use hotline_score::ticket::{Ticket, load_tickets};
use hotline_score::{Calendar, Instant, Policy, Unit};

const THREADS: usize = 8;

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn compiled_inputs_are_send_and_sync() {
    assert_send_sync::<Calendar>();
    assert_send_sync::<CalendarData>();
    assert_send_sync::<Policy>();
    assert_send_sync::<Scheme>();
    assert_send_sync::<Evaluator>();
    assert_send_sync::<TicketBatch>();
    assert_send_sync::<Board>();
    assert_send_sync::<Scores>();
    assert_send_sync::<hotline_score::Error>();
}

/// Small synthetic cities, one per seed (each thread scores all of them, in its own order).
fn cities() -> Vec<SyntheticCity> {
    (1..=4)
        .map(|seed| {
            SyntheticCity::generate(&CityConfig {
                seed,
                days: 12,
                tickets_per_day: 60,
                units: 24,
                ..CityConfig::default()
            })
            .unwrap()
        })
        .collect()
}

/// Scores `tickets` with the shared scheme and evaluator (evaluation, aggregation, scoring).
fn score(
    scheme: &Scheme,
    ev: &Evaluator,
    units: &[Unit],
    tickets: &[Ticket],
    as_of: Instant,
) -> Scores {
    let period = scheme.period_at(as_of).unwrap();
    let table = partial(tickets, ev, &Scope::new(period.clone(), as_of))
        .unwrap()
        .finalize(units, Default::default());
    scheme.score(units, &table, &period, as_of).unwrap()
}

/// Working-time arithmetic on the shared calendar over many instants.
fn deadlines(cal: &Calendar, tickets: &[Ticket]) -> Vec<Instant> {
    tickets
        .iter()
        .map(|t| cal.add_working(t.received_at, 3 * 3_600_000).unwrap())
        .collect()
}

#[test]
fn threads_sharing_one_calendar_policy_and_scheme_get_the_sequential_answers() {
    let cal = Calendar::prc().unwrap();
    let policy = Policy::henan().unwrap();
    let scheme = Scheme::preset("sanmenxia").unwrap();
    let cities = cities();
    // One evaluator per units table, built once and shared.
    let evs: Vec<Evaluator> = cities
        .iter()
        .map(|c| Evaluator::new(&cal, policy.clone(), &c.units))
        .collect();
    let expected: Vec<(Scores, Vec<Instant>)> = cities
        .iter()
        .zip(&evs)
        .map(|(c, ev)| {
            (
                score(&scheme, ev, &c.units, &c.tickets, c.as_of),
                deadlines(&cal, &c.tickets),
            )
        })
        .collect();
    let answers: Vec<Vec<(usize, Scores, Vec<Instant>)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (cal, scheme, cities, evs) = (&cal, &scheme, &cities, &evs);
                s.spawn(move || {
                    // Each thread starts with another city, so different work overlaps.
                    (0..cities.len())
                        .map(|k| (k + t) % cities.len())
                        .map(|i| {
                            let c = &cities[i];
                            let scores = score(scheme, &evs[i], &c.units, &c.tickets, c.as_of);
                            (i, scores, deadlines(cal, &c.tickets))
                        })
                        .collect()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(answers.len(), THREADS);
    for per_thread in answers {
        assert_eq!(per_thread.len(), cities.len());
        for (i, scores, due) in per_thread {
            assert_eq!(scores, expected[i].0, "city {i}");
            assert_eq!(due, expected[i].1, "city {i}");
        }
    }
}

#[test]
fn threads_querying_one_board_get_the_sequential_answers() {
    let city = &cities()[0];
    let units = city.units.clone();
    let tickets = load_tickets(
        city.tickets.clone(),
        Some(&units),
        hotline_score::ticket::Mode::Strict,
    )
    .unwrap()
    .tickets;
    let build = || {
        let mut board = Board::builder()
            .calendar(Calendar::prc().unwrap())
            .policy(Policy::henan().unwrap())
            .scheme(Scheme::preset("sanmenxia").unwrap())
            .units(units.clone())
            .build()
            .unwrap();
        for t in &tickets {
            board.ingest_ticket(t.clone());
        }
        board
    };
    let day = 86_400_000;
    let instants: Vec<Instant> = (0..6)
        .map(|k| Instant::from_millis(city.as_of.millis() - k * day))
        .collect();
    // Sequential answers from a board of its own (so the shared board's caches start cold).
    let reference = build();
    let expected: Vec<Standings> = instants
        .iter()
        .map(|a| reference.standings(*a).unwrap())
        .collect();
    let board = build();
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let (board, instants, expected) = (&board, &instants, &expected);
            s.spawn(move || {
                for k in 0..instants.len() {
                    let i = (k + t) % instants.len();
                    assert_eq!(
                        board.standings(instants[i]).unwrap(),
                        expected[i],
                        "as_of #{i}"
                    );
                }
            });
        }
    });
}
