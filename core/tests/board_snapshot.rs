//! Snapshot → restore → continue ingesting equals never having snapshotted: same answers at
//! every `as_of`, same snapshot bytes, same frozen history and sanctions; and a restored board
//! answers exactly as the board it was taken from.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod board_support;

use board_support::{DAY, answers, builder, city, interleave, streams};
use hotline_score::board::{Board, Ingest, Input};
use hotline_score::{Instant, Period};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn feed(board: &mut Board, inputs: &[(Input, bool)]) {
    for (input, dup) in inputs {
        let o = board.ingest_batch([input.clone()]).remove(0);
        assert_eq!(
            o,
            if *dup {
                Ingest::Duplicate
            } else {
                Ingest::Accepted
            }
        );
    }
}

fn restore(board: &Board, json: bool) -> Board {
    let units = board.units().to_vec();
    if json {
        builder(&units)
            .restore_json(&board.snapshot_json().unwrap())
            .unwrap()
    } else {
        builder(&units).restore(&board.snapshot().unwrap()).unwrap()
    }
}

fn same_answers(a: &Board, b: &Board, instants: &[i64]) {
    for ms in instants {
        let as_of = Instant::from_millis(*ms);
        let period = a.period_at(as_of).unwrap();
        assert_eq!(
            answers(a, &period, as_of),
            answers(b, &period, as_of),
            "at {as_of}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn snapshot_restore_continue_equals_never_snapshotted(
        seed in 1u64..1_000_000,
        order in any::<u64>(),
        split in 0usize..100,
        json in any::<bool>(),
    ) {
        let city = city(seed, 6, 12, 6);
        let inputs = interleave(streams(&city.tickets), order, 10, 20);
        let k = inputs.len() * split / 100;
        let units = city.units.clone();
        let jan = Period::month(2026, time::Month::January, hotline_score::instant::CHINA_OFFSET)
            .unwrap();
        let unit = units[0].id.as_str().to_owned();
        let ext = Decimal::new(35, 1);

        let mut never = builder(&units).build().unwrap();
        never.set_external(&jan, &unit, "mystery_calls", ext).unwrap();
        feed(&mut never, &inputs);

        let mut before = builder(&units).build().unwrap();
        before.set_external(&jan, &unit, "mystery_calls", ext).unwrap();
        feed(&mut before, &inputs[..k]);
        let mut restored = restore(&before, json);
        let end = city.as_of.millis();
        let probes = [end, end + 3 * DAY, end - 2 * DAY];
        same_answers(&before, &restored, &probes);
        prop_assert_eq!(restored.snapshot().unwrap(), before.snapshot().unwrap());
        feed(&mut restored, &inputs[k..]);

        prop_assert_eq!(restored.snapshot().unwrap(), never.snapshot().unwrap());
        prop_assert_eq!(restored.snapshot_json().unwrap(), never.snapshot_json().unwrap());
        same_answers(&never, &restored, &probes);

        // Closing January freezes the same history; a restore keeps it.
        let close = Instant::from_millis(end + DAY);
        let a = never.close_period(&jan, close).unwrap();
        let b = restored.close_period(&jan, close).unwrap();
        prop_assert_eq!(&a, &b);
        let again = restore(&restored, !json);
        prop_assert_eq!(again.history(), never.history());
        prop_assert_eq!(again.sanctions().unwrap(), never.sanctions().unwrap());
        prop_assert_eq!(again.closed_through(), never.closed_through());
        same_answers(&never, &again, &probes);
    }
}
