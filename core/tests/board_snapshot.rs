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

        let bonus = hotline_score::metrics::Adjustment {
            unit: unit.as_str().into(),
            metric: "manual_bonus".into(),
            amount: Decimal::new(15, 1),
            reason: "防汛值守".into(),
            approver: "热线办".into(),
        };

        let mut never = builder(&units).build().unwrap();
        never.set_external(&jan, &unit, "mystery_calls", ext).unwrap();
        never.add_adjustment(&jan, bonus.clone()).unwrap();
        feed(&mut never, &inputs);

        let mut before = builder(&units).build().unwrap();
        before.set_external(&jan, &unit, "mystery_calls", ext).unwrap();
        before.add_adjustment(&jan, bonus).unwrap();
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

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn corrupt(e: hotline_score::Error) -> (u64, String) {
    match e {
        hotline_score::Error::BoardSnapshotCorrupt { offset, reason } => (offset, reason),
        other => panic!("expected board_snapshot_corrupt, got {other}"),
    }
}

/// A snapshot edited with its checksum recomputed (the checksum detects damage, not tampering):
/// a ticket that no longer replays is named by its index and id, in binary snapshots at the byte
/// where it starts (a calendar that does not cover a ticket's deadline keeps its own error:
/// `board_rejections.rs`, a predicting board's snapshot).
#[test]
fn tampered_tickets_are_named_by_index_and_place() {
    let city = city(7, 2, 4, 3);
    let board = board_support::fed(&city.units, &city.tickets);
    let units = board.units().to_vec();
    let (first, second) = (&city.tickets[0].id, &city.tickets[1].id);
    assert_eq!(
        first.len(),
        second.len(),
        "ids of one width: {first} {second}"
    );

    // JSON: the second ticket takes the first one's id.
    let json = board.snapshot_json().unwrap();
    let state_at = json.find("\"state\":").unwrap() + "\"state\":".len();
    let body = &json[state_at..json.len() - 1];
    let second_at = body.find(&format!("\"{second}\"")).unwrap();
    let body = format!(
        "{}{}",
        &body[..second_at],
        body[second_at..].replacen(second.as_str(), first, 1)
    );
    let old_sum = json.find("\"checksum\":\"").unwrap() + "\"checksum\":\"".len();
    let tampered = format!(
        "{}{:016x}{}{body}}}",
        &json[..old_sum],
        fnv1a(body.as_bytes()),
        &json[old_sum + 16..state_at]
    );
    let (offset, reason) = corrupt(builder(&units).restore_json(&tampered).unwrap_err());
    assert_eq!(offset, 0, "{reason}");
    assert_eq!(reason, format!("ticket 1 ({first:?}) appears twice"));

    // Binary: the same edit, at the byte where the second ticket starts.
    let mut bytes = board.snapshot().unwrap();
    let end = bytes.len() - 8;
    let find = |bytes: &[u8], id: &str| {
        bytes
            .windows(id.len())
            .position(|w| w == id.as_bytes())
            .unwrap()
    };
    let first_at = find(&bytes, first);
    let second_at = find(&bytes, second);
    assert!(second_at > first_at);
    bytes.splice(second_at..second_at + second.len(), first.bytes());
    let sum = fnv1a(&bytes[..end]);
    bytes[end..].copy_from_slice(&sum.to_le_bytes());
    let (offset, reason) = corrupt(builder(&units).restore(&bytes).unwrap_err());
    assert!(
        (first_at as u64) < offset && offset < second_at as u64,
        "{offset} not between {first_at} and {second_at}: {reason}"
    );
    assert_eq!(reason, format!("ticket 1 ({first:?}) appears twice"));
}
