//! External metrics and manual adjustments (人工加减分, SPEC §5) in scores and explanations:
//! an adjustment scores as its sum given as the metric's value, and is listed with its reason
//! and approver on the scorecard and in the explanation of the components reading its metric;
//! a formula mixing external metrics with counters is explained with the tickets that cost it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;

use hotline_score::clocks::Evaluator;
use hotline_score::metrics::{Adjustment, MetricsTable, Scope, all_contributions, partial};
use hotline_score::scheme::{Explanation, Scheme, Scores};
use hotline_score::synthetic::{CityConfig, SyntheticCity};
use hotline_score::ticket::{Mode, load_tickets};
use hotline_score::{Calendar, Policy, UnitId};
use rust_decimal::Decimal;

const SCHEME: &str = r#"
schema_version = 1
name = "external metrics test"
period = "quarter"
external = ["bonus", "deduction"]

[[groups]]
id = "counties"
full_marks = 100
[[groups]]
id = "departments"
full_marks = 100
[[groups]]
id = "utilities"
full_marks = 100

[[indicators]]
id = "closed_on_time"
name = "按时办结率"
value = { ratio = { num = "closed_on_time", den = "due" } }
points = 60
rule = { linear_below_target = { target = 100, slope = 1 } }

[[indicators]]
id = "mixed"
name = "按时办结率（公式，读外部指标）"
value = { formula = "closed_on_time * 100 / due + 0 * ext.bonus" }
points = 40
when_no_data = "full"
rule = { proportional = { of = 100 } }

[[indicators]]
id = "bonus"
name = "人工加分"
kind = "bonus"
value = { count = "ext.bonus" }
points = 5
rule = { per_item = { each = 1 } }

[[indicators]]
id = "deduction"
name = "人工扣分"
kind = "deduction"
value = { count = "ext.deduction" }
points = 5
rule = { per_item = { each = 1 } }

[warnings]
lead_days = 20
bottom = 3
"#;

fn adjustment(unit: &UnitId, metric: &str, amount: &str, reason: &str) -> Adjustment {
    Adjustment {
        unit: unit.clone(),
        metric: metric.into(),
        amount: amount.parse().unwrap(),
        reason: reason.into(),
        approver: "市热线办".into(),
    }
}

fn component<'a>(e: &'a Explanation, id: &str) -> &'a hotline_score::scheme::ComponentExplanation {
    e.components.iter().find(|c| c.indicator == id).unwrap()
}

#[test]
fn adjustments_score_as_their_sums_and_are_explained() {
    let city = SyntheticCity::generate(&CityConfig {
        days: 30,
        tickets_per_day: 80,
        ..CityConfig::default()
    })
    .unwrap();
    let units = city.units.clone();
    let scheme = Scheme::from_toml(SCHEME).unwrap();
    let ev = Evaluator::new(&Calendar::prc().unwrap(), Policy::henan().unwrap(), &units);
    let as_of = city.as_of;
    let period = scheme.period_at(as_of).unwrap();
    let scope = Scope::new(period.clone(), as_of);
    let counters = partial(&city.tickets, &ev, &scope).unwrap();
    let score = |m: &MetricsTable| -> Scores { scheme.score(&units, m, &period, as_of).unwrap() };
    // The unit the test adjusts: one that lost points on completion on time.
    let plain = score(&counters.clone().finalize(&units, BTreeMap::new()));
    let late = plain
        .units
        .iter()
        .find(|c| c.component("closed_on_time").unwrap().points_lost > Decimal::ZERO)
        .unwrap()
        .unit
        .clone();
    let other = units.iter().find(|u| u.id != late).unwrap().id.clone();
    let given = BTreeMap::from([(
        late.clone(),
        BTreeMap::from([("bonus".to_owned(), Decimal::ONE)]),
    )]);
    let mut adjusted = counters.clone().finalize(&units, given);
    adjusted.adjustments = vec![
        adjustment(&late, "bonus", "1.5", "防汛期间连续值守"),
        adjustment(&late, "deduction", "2", "推诿扯皮被媒体曝光"),
        adjustment(&other, "deduction", "1", "虚假办结"),
    ];
    // The same sums given as the metrics' values.
    let summed = BTreeMap::from([
        (
            late.clone(),
            BTreeMap::from([
                ("bonus".to_owned(), "2.5".parse().unwrap()),
                ("deduction".to_owned(), Decimal::TWO),
            ]),
        ),
        (
            other.clone(),
            BTreeMap::from([("deduction".to_owned(), Decimal::ONE)]),
        ),
    ]);
    let with_adjustments = score(&adjusted);
    let with_sums = score(&counters.finalize(&units, summed.clone()));
    for (a, s) in with_adjustments.units.iter().zip(&with_sums.units) {
        assert_eq!(
            (&a.unit, a.total, a.rank, &a.components, &a.external),
            (&s.unit, s.total, s.rank, &s.components, &s.external)
        );
        assert!(s.adjustments.is_empty());
        let mine: Vec<Adjustment> = (adjusted.adjustments.iter())
            .filter(|x| x.unit == a.unit)
            .cloned()
            .collect();
        assert_eq!(a.adjustments, mine);
        assert_eq!(a.external, summed.get(&a.unit).cloned().unwrap_or_default());
    }
    let card = with_adjustments
        .units
        .iter()
        .find(|c| c.unit == late)
        .unwrap();
    let before = plain.units.iter().find(|c| c.unit == late).unwrap();
    // 2.5 bonus points, 2 deducted; the formula now has a value (it was no data: full marks).
    assert_eq!(
        card.component("bonus").unwrap().points,
        "2.50".parse().unwrap()
    );
    assert_eq!(
        card.component("deduction").unwrap().points,
        "-2.00".parse().unwrap()
    );
    assert!(card.component("mixed").unwrap().points < before.component("mixed").unwrap().points);
    let json = serde_json::to_string(&with_adjustments).unwrap();
    assert!(
        json.contains(r#""reason":"推诿扯皮被媒体曝光","approver":"市热线办""#),
        "{json}"
    );
    let back: Scores = serde_json::from_str(&json).unwrap();
    assert_eq!(back, with_adjustments);

    let contributions = all_contributions(&city.tickets, &ev, &scope).unwrap();
    let explained = scheme.explain(&with_adjustments, &contributions).unwrap();
    let e = explained.iter().find(|e| e.unit == late).unwrap();
    let bonus = component(e, "bonus");
    assert_eq!(
        bonus.external,
        BTreeMap::from([("bonus".to_owned(), "2.5".parse().unwrap())])
    );
    assert_eq!(bonus.adjustments, adjusted.adjustments[..1]);
    assert_eq!(
        component(e, "deduction").adjustments,
        adjusted.adjustments[1..2]
    );
    assert!(component(e, "closed_on_time").external.is_empty());
    assert!(component(e, "closed_on_time").adjustments.is_empty());
    // The formula reading `ext.bonus` is explained as it was scored: the tickets that cost it
    // are those that cost completion on time (with no value for `ext.bonus` it listed none).
    let mixed = component(e, "mixed");
    assert!(mixed.points_lost > Decimal::ZERO);
    assert!(!mixed.tickets.is_empty());
    assert_eq!(mixed.tickets, component(e, "closed_on_time").tickets);
    assert_eq!(mixed.external["bonus"], "2.5".parse().unwrap());
}

#[test]
fn an_adjustment_needs_a_reason_an_approver_a_known_unit_and_a_declared_metric() {
    let scheme = Scheme::from_toml(SCHEME).unwrap();
    let units = vec![hotline_score::Unit {
        id: "u1".into(),
        group: "counties".into(),
        name: String::new(),
    }];
    let as_of = hotline_score::Instant::parse("2026-03-31T12:00:00+08:00").unwrap();
    let period = scheme.period_at(as_of).unwrap();
    let u1 = UnitId::from("u1");
    let refused = |a: Adjustment| {
        let metrics = MetricsTable {
            adjustments: vec![adjustment(&u1, "bonus", "1", "r"), a],
            ..MetricsTable::default()
        };
        scheme.score(&units, &metrics, &period, as_of).unwrap_err()
    };
    let mut unexplained = adjustment(&u1, "deduction", "1", "");
    let e = refused(unexplained.clone());
    assert_eq!(
        (e.code(), e.context().field.as_deref()),
        ("invalid_adjustment", Some("adjustments[1].reason"))
    );
    unexplained.reason = "r".into();
    unexplained.approver = " ".into();
    let e = refused(unexplained);
    assert_eq!(
        e.context().field.as_deref(),
        Some("adjustments[1].approver")
    );
    let e = refused(adjustment(&UnitId::from("u9"), "bonus", "1", "r"));
    assert_eq!(e.code(), "metrics_for_unknown_unit");
    let e = refused(adjustment(&u1, "praise", "1", "r"));
    assert_eq!(
        (e.code(), e.context().field.as_deref()),
        ("unknown_external_metric", Some("praise"))
    );
}

/// Warnings project the period's end with the adjustments too: a formula reading `ext.bonus`
/// has a value at the end only with them, so the points a rescuable ticket recovers are those
/// of the sum given as the metric's value.
#[test]
fn warnings_project_with_the_adjustments() {
    let city = SyntheticCity::generate(&CityConfig {
        days: 85,
        tickets_per_day: 40,
        ..CityConfig::default()
    })
    .unwrap();
    let units = city.units.clone();
    let as_of = city.as_of;
    let tickets = load_tickets(city.tickets, Some(&units), Mode::Strict)
        .unwrap()
        .tickets;
    let scheme = Scheme::from_toml(SCHEME).unwrap();
    let ev = Evaluator::new(&Calendar::prc().unwrap(), Policy::henan().unwrap(), &units);
    let period = scheme.period_at(as_of).unwrap();
    let counters = partial(&tickets, &ev, &Scope::new(period.clone(), as_of)).unwrap();
    let warnings = |m: &MetricsTable| {
        let w = scheme
            .period_warnings_from_tickets(&ev, &tickets, m, &period, as_of)
            .unwrap();
        serde_json::to_string(&w).unwrap()
    };
    let plain = counters.clone().finalize(&units, BTreeMap::new());
    let first = scheme
        .period_warnings_from_tickets(&ev, &tickets, &plain, &period, as_of)
        .unwrap();
    let warned = first
        .iter()
        .find(|w| !w.rescuable.is_empty())
        .unwrap()
        .unit
        .clone();
    let mut adjusted = plain.clone();
    adjusted.adjustments = vec![adjustment(&warned, "bonus", "1", "表彰")];
    let summed = counters.finalize(
        &units,
        BTreeMap::from([(
            warned.clone(),
            BTreeMap::from([("bonus".to_owned(), Decimal::ONE)]),
        )]),
    );
    assert_eq!(warnings(&adjusted), warnings(&summed));
    assert_ne!(warnings(&adjusted), warnings(&plain));
}
