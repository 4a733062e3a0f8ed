//! Property tests: loading and scoring never panic, whatever the input; every problem has a
//! position inside the file; scoring invariants hold on random metrics.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use hotline_score::metrics::{Counter, MetricsTable, UnitCounters};
use hotline_score::scheme::{PRESETS, Scheme};
use hotline_score::{Error, Instant, Unit};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn check_problems(text: &str, result: Result<Scheme, Error>) {
    if let Err(Error::SchemeInvalid { problems }) = result {
        assert!(!problems.is_empty());
        let lines = u32::try_from(text.lines().count()).unwrap() + 1;
        for p in problems {
            assert!(p.line >= 1 && p.line <= lines, "{p:?}");
            assert!(p.column >= 1, "{p:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A preset with a slice replaced by arbitrary text loads or reports positioned problems.
    #[test]
    fn mutated_presets_never_panic(
        which in 0..PRESETS.len(),
        at in 0.0f64..1.0,
        len in 0usize..40,
        junk in "[ -~\n\u{4e00}-\u{4e10}]{0,20}",
    ) {
        let text = PRESETS[which].1;
        let mut start = ((text.len() as f64) * at) as usize;
        while !text.is_char_boundary(start) { start -= 1; }
        let mut end = (start + len).min(text.len());
        while !text.is_char_boundary(end) { end -= 1; }
        let mutated = format!("{}{}{}", &text[..start], junk, &text[end..]);
        check_problems(&mutated, Scheme::from_toml(&mutated));
    }

    /// Arbitrary JSON-ish text never panics the JSON loader.
    #[test]
    fn arbitrary_json_never_panics(text in "[\\[\\]{}\":,0-9a-z. \n\\\\-]{0,80}") {
        check_problems(&text, Scheme::from_json(&text));
    }

    /// Random (even extreme) counters: scoring succeeds, totals are rounded to 2 places and lie
    /// within [0, full marks + bonuses], ranks are consistent with totals.
    #[test]
    fn scoring_random_metrics(
        rows in proptest::collection::vec(proptest::collection::vec(prop_oneof![0i64..50, 0i64..5000, Just(i64::MAX), Just(i64::MIN)], Counter::COUNT), 1..8),
        preset in prop_oneof![Just("three-rates"), Just("lianyungang-2022"), Just("sanmenxia")],
    ) {
        let scheme = Scheme::preset(preset).unwrap();
        let group = scheme.groups()[0].id.clone();
        let mut metrics = MetricsTable::default();
        let mut units = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let id = format!("u{i}");
            let mut c = UnitCounters::default();
            for (counter, v) in Counter::ALL.iter().zip(row) {
                c.lead.add(*counter, *v);
            }
            metrics.units.insert(id.as_str().into(), c);
            units.push(Unit { id: id.as_str().into(), group: group.clone(), name: String::new() });
        }
        let as_of = Instant::parse("2026-03-31T12:00:00+08:00").unwrap();
        let period = scheme.period_at(as_of).unwrap();
        let scores = scheme.score(&units, &metrics, &period, as_of).unwrap();
        prop_assert_eq!(scores.units.len(), units.len());
        let bonus_cap: Decimal = scheme
            .indicators()
            .iter()
            .filter(|i| i.kind == hotline_score::scheme::file::IndicatorKind::Bonus)
            .map(|i| i.points)
            .sum();
        for card in &scores.units {
            prop_assert_eq!(card.total.scale(), 2);
            prop_assert!(card.total <= card.full_marks + bonus_cap);
            prop_assert!(card.total >= Decimal::ZERO - Decimal::from(100));
            let better = scores.units.iter().filter(|c| c.total > card.total).count();
            prop_assert_eq!(card.rank as usize, better + 1);
            let sum: Decimal = card.components.iter().map(|c| c.points).sum();
            if preset != "sanmenxia" {
                // No cap or floor: the total is exactly the sum of the rounded components.
                prop_assert_eq!(sum, card.total);
            }
        }
    }

    /// Every unit's place from the bottom of its group, computed for all at once, is 1 + the
    /// units of its group with a strictly lower total, and none for units ranked first.
    #[test]
    fn places_from_the_bottom(
        rows in proptest::collection::vec((0i64..6, 0usize..3), 1..40),
    ) {
        let scheme = Scheme::preset("sanmenxia").unwrap();
        let groups: Vec<String> = scheme.groups().iter().map(|g| g.id.clone()).collect();
        let mut metrics = MetricsTable::default();
        let mut units = Vec::new();
        for (i, (on_time, group)) in rows.iter().enumerate() {
            let id = format!("u{i}");
            let mut c = UnitCounters::default();
            // Few distinct values: many ties.
            c.lead.add(Counter::Due, 5);
            c.lead.add(Counter::ClosedOnTime, (*on_time).min(5));
            metrics.units.insert(id.as_str().into(), c);
            units.push(Unit { id: id.as_str().into(), group: groups[group % groups.len()].clone(), name: String::new() });
        }
        let as_of = Instant::parse("2026-03-31T12:00:00+08:00").unwrap();
        let period = scheme.period_at(as_of).unwrap();
        let scores = scheme.score(&units, &metrics, &period, as_of).unwrap();
        let all = scores.ranks_from_bottom();
        prop_assert_eq!(all.len(), scores.units.len());
        for (card, place) in scores.units.iter().zip(all) {
            let lower = scores.units.iter().filter(|c| c.group == card.group && c.total < card.total).count();
            let expected = (card.rank > 1).then(|| u32::try_from(lower).unwrap() + 1);
            prop_assert_eq!(place, expected);
            prop_assert_eq!(scores.rank_from_bottom(card), expected);
        }
    }
}
