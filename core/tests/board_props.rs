//! The real-time board against batch evaluation: fed the events of a random synthetic city in any
//! valid interleaving (per-ticket order kept, tickets merged at random, random duplicates, random
//! batch sizes, some side events delivered late), it answers exactly what batch scoring answers
//! at the same `as_of` — metrics, scores, explanations, deadline statuses and warnings — in the
//! periods the tickets span, before, at and after their events.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod board_support;

use board_support::{DAY, assert_same, builder, city, interleave, streams};
use hotline_score::Instant;
use hotline_score::board::{Board, Ingest};
use hotline_score::synthetic::Rng;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn any_interleaving_gives_the_batch_answers(
        seed in 1u64..1_000_000,
        order in any::<u64>(),
        dup in 0u64..30,
        late in 0u64..60,
        batch_max in 1usize..12,
    ) {
        let city = city(seed, 7, 14, 7);
        let inputs = interleave(streams(&city.tickets), order, dup, late);
        let mut board = builder(&city.units).build().unwrap();
        let mut rng = Rng::new(order ^ 0x5eed);
        let mut k = 0;
        while k < inputs.len() {
            let n = 1 + rng.index(batch_max);
            let chunk: Vec<_> = inputs.iter().skip(k).take(n).collect();
            let outcomes = board.ingest_batch(chunk.iter().map(|(i, _)| i.clone()));
            for ((input, dup), o) in chunk.iter().zip(outcomes) {
                let want = if *dup { Ingest::Duplicate } else { Ingest::Accepted };
                prop_assert_eq!(o, want, "{:?}", input);
            }
            k += n;
        }
        // The board holds exactly the city's logs.
        for t in &city.tickets {
            prop_assert_eq!(board.ticket(&t.id), Some(t));
        }
        let scheme = board.scheme().clone();
        let end = city.as_of.millis();
        let mut at = vec![
            end,                                  // right after the last event
            end + 2 * DAY + 3_600_000,            // deadlines lapse with no new event
            end - 3 * DAY + 37 * 60_000,          // time travel: later events ignored
            Instant::parse("2026-01-31T23:59:59.999+08:00").unwrap().millis(), // month end
        ];
        at.push(end - DAY / 2 + rng.below(DAY as u64) as i64);
        for a in at {
            let as_of = Instant::from_millis(a);
            let period = scheme.period_at(as_of).unwrap();
            assert_same(&board, &city.tickets, &period, as_of);
            // The previous month, seen after its end.
            let prev = scheme.period_at(Instant::from_millis(period.start.millis() - 1)).unwrap();
            assert_same(&board, &city.tickets, &prev, as_of);
        }
    }
}

/// Feeds a small city's inputs to a board in random batches; after each, the board's scores
/// at `as_of(board, rng, end of the city)` (when given) equal scoring its metrics afresh, and its
/// standings (asked for first) carry the same totals.
fn live_equals_fresh(
    seed: u64,
    order: u64,
    batch_max: usize,
    mut as_of: impl FnMut(&Board, &mut Rng, Instant) -> Option<Instant>,
) -> Result<(), TestCaseError> {
    let city = city(seed, 5, 14, 7);
    let inputs = interleave(streams(&city.tickets), order, 0, 0);
    let mut board = builder(&city.units).build().unwrap();
    let scheme = board.scheme().clone();
    let mut rng = Rng::new(order ^ 0xfeed);
    let mut k = 0;
    while k < inputs.len() {
        let n = 1 + rng.index(batch_max);
        board.ingest_batch(inputs.iter().skip(k).take(n).map(|(i, _)| i.clone()));
        k += n;
        let Some(as_of) = as_of(&board, &mut rng, city.as_of) else {
            continue;
        };
        let period = scheme.period_at(as_of).unwrap();
        // Standings first, at times also at an earlier instant: they leave the components
        // whose points did not move to be rebuilt when the scorecards are read.
        if rng.below(2) == 0 {
            let earlier = Instant::from_millis(as_of.millis() - rng.below(3_600_000) as i64);
            board.standings_in(&period, earlier).unwrap();
        }
        let standings = board.standings_in(&period, as_of).unwrap();
        let live = board.scores_in(&period, as_of).unwrap();
        let fresh = scheme
            .score(
                &city.units,
                &board.metrics(&period, as_of).unwrap(),
                &period,
                as_of,
            )
            .unwrap();
        prop_assert_eq!(&live, &fresh, "at {}", as_of);
        let totals: Vec<_> = standings
            .groups
            .iter()
            .flat_map(|g| g.units.iter().map(|u| u.total))
            .collect();
        prop_assert_eq!(
            totals,
            fresh.units.iter().map(|c| c.total).collect::<Vec<_>>()
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// Standings queried after every batch (each group's cached scoring updated for the members
    /// whose counters moved) equal scoring the board's metrics afresh, every time.
    #[test]
    fn incremental_standings_equal_fresh_scoring(
        seed in 1u64..1_000_000,
        order in any::<u64>(),
        batch_max in 1usize..40,
    ) {
        live_equals_fresh(seed, order, batch_max, |_, _, end| Some(end))?;
    }

    /// The same with `as_of` moving with the events — mostly just after the latest one, at times
    /// days ahead (deadlines lapse, overdue time grows) or back before it (tickets with later
    /// events evaluated at query time): the counters kept from one query to the next are exact.
    #[test]
    fn standings_at_a_moving_as_of_equal_fresh_scoring(
        seed in 1u64..1_000_000,
        order in any::<u64>(),
        batch_max in 1usize..40,
    ) {
        live_equals_fresh(seed, order, batch_max, |board, rng, _| {
            let latest = board.latest_event()?.millis();
            let ahead = match rng.below(8) {
                0 => -(rng.below(DAY as u64) as i64),
                1 => rng.below(3 * DAY as u64) as i64,
                _ => 1 + rng.below(3_600_000) as i64,
            };
            Some(Instant::from_millis(latest + ahead))
        })?;
    }
}
