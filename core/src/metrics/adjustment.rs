//! Manual adjustments (人工加减分, SPEC §5): an amount added to one unit's external metric, with
//! the reason and the approver that a published score must be traceable to.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{Error, Result};
use crate::scheme::num::Num;
use crate::unit::UnitId;

/// One manual adjustment: `amount` added to the external metric `metric` (`ext.<metric>` in
/// formulas) of `unit` for the period, with why and who approved it. Given in a
/// [`MetricsTable`](super::MetricsTable)'s `adjustments`; scoring adds each to the metric's
/// value (a metric without a value starts from 0) and lists it on the unit's scorecard and in
/// its explanation.
///
/// ```
/// use hotline_score::metrics::{Adjustment, MetricsTable};
/// use hotline_score::scheme::Scheme;
/// use hotline_score::{Instant, Unit};
///
/// let scheme = Scheme::preset("sanmenxia")?;
/// let units = vec![Unit {
///     id: "hubin".into(),
///     group: "counties".into(),
///     name: "湖滨区".into(),
/// }];
/// let mut metrics = MetricsTable::default();
/// metrics.adjustments.push(Adjustment {
///     unit: "hubin".into(),
///     metric: "manual_bonus".into(),
///     amount: "1.5".parse().unwrap(),
///     reason: "防汛期间连续值守 (flood-season duty)".into(),
///     approver: "市热线办 王主任".into(),
/// });
/// let as_of = Instant::parse("2026-03-31T12:00:00+08:00")?;
/// let scores = scheme.score(&units, &metrics, &scheme.period_at(as_of)?, as_of)?;
/// let card = &scores.units[0];
/// assert_eq!(card.external["manual_bonus"].to_string(), "1.5");
/// assert_eq!(card.adjustments[0].approver, "市热线办 王主任");
/// # Ok::<(), hotline_score::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Adjustment {
    /// The unit.
    pub unit: UnitId,
    /// The external metric it adds to, as the scheme's `external` list names it (no `ext.`).
    pub metric: String,
    /// The amount added (negative to take away), exact: a number or a decimal string.
    #[serde(deserialize_with = "read_amount")]
    pub amount: Decimal,
    /// Why: the case or the rule applied. Required.
    pub reason: String,
    /// Who approved it. Required.
    pub approver: String,
}

fn read_amount<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Decimal, D::Error> {
    Num::deserialize(d).map(Num::get)
}

/// Reads a list of adjustments, an element's error naming it (`adjustments[2]: missing field
/// `approver``). Usable as a serde `deserialize_with` function.
pub(crate) fn read_list<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Vec<Adjustment>, D::Error> {
    use serde::de::{Error as _, SeqAccess, Visitor};
    struct List;
    impl<'de> Visitor<'de> for List {
        type Value = Vec<Adjustment>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a list of adjustments: [{unit, metric, amount, reason, approver}]")
        }
        fn visit_seq<A: SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            loop {
                let i = out.len();
                match seq.next_element::<Adjustment>() {
                    Ok(Some(a)) => out.push(a),
                    Ok(None) => return Ok(out),
                    Err(e) => return Err(A::Error::custom(format!("adjustments[{i}]: {e}"))),
                }
            }
        }
    }
    d.deserialize_seq(List)
}

/// `external` with each adjustment's amount added to its unit's metric: what formulas read as
/// `ext.<metric>`. An adjustment without a reason or an approver, or a sum past the decimal
/// range, is [`Error::InvalidAdjustment`] naming it (`adjustments[2].approver`).
pub(crate) fn fold(
    external: &BTreeMap<UnitId, BTreeMap<String, Decimal>>,
    adjustments: &[Adjustment],
) -> Result<BTreeMap<UnitId, BTreeMap<String, Decimal>>> {
    let mut out = external.clone();
    for (index, a) in adjustments.iter().enumerate() {
        let bad = |field: &str, reason: &str| Error::InvalidAdjustment {
            field: format!("adjustments[{index}].{field}"),
            reason: reason.to_owned(),
        };
        for (field, text) in [
            ("unit", a.unit.as_str()),
            ("metric", &a.metric),
            ("reason", &a.reason),
            ("approver", &a.approver),
        ] {
            if text.trim().is_empty() {
                return Err(bad(
                    field,
                    "empty: every adjustment names its unit and metric, why it was made and \
                     who approved it",
                ));
            }
        }
        let value = out
            .entry(a.unit.clone())
            .or_default()
            .entry(a.metric.clone())
            .or_insert(Decimal::ZERO);
        *value = value
            .checked_add(a.amount)
            .ok_or_else(|| bad("amount", "the metric's sum is past the decimal range"))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adjustment(unit: &str, metric: &str, amount: &str) -> Adjustment {
        Adjustment {
            unit: unit.into(),
            metric: metric.into(),
            amount: amount.parse().unwrap(),
            reason: "r".into(),
            approver: "a".into(),
        }
    }

    /// Amounts add to the given value, or to 0; each names what is missing.
    #[test]
    fn adjustments_add_up_and_need_a_reason_and_an_approver() {
        let mut external = BTreeMap::new();
        external.insert(
            UnitId::from("u1"),
            BTreeMap::from([("bonus".to_owned(), Decimal::from(2))]),
        );
        let list = [
            adjustment("u1", "bonus", "1.5"),
            adjustment("u1", "bonus", "-0.5"),
            adjustment("u2", "deduction", "3"),
        ];
        let folded = fold(&external, &list).unwrap();
        assert_eq!(folded[&UnitId::from("u1")]["bonus"], Decimal::from(3));
        assert_eq!(folded[&UnitId::from("u2")]["deduction"], Decimal::from(3));
        let mut unexplained = list.to_vec();
        unexplained[1].approver = "  ".into();
        let e = fold(&external, &unexplained).unwrap_err();
        assert_eq!(e.code(), "invalid_adjustment");
        assert_eq!(
            e.context().field.as_deref(),
            Some("adjustments[1].approver")
        );
        let mut huge = list.to_vec();
        huge[0].amount = Decimal::MAX;
        let e = fold(&external, &huge).unwrap_err();
        assert_eq!(e.context().field.as_deref(), Some("adjustments[0].amount"));
    }

    /// The JSON form: amounts exact (numbers or decimal strings), unknown keys refused.
    #[test]
    fn adjustments_read_from_json_exactly() {
        let a: Adjustment = serde_json::from_str(
            r#"{"unit":"u1","metric":"bonus","amount":0.1,"reason":"r","approver":"a"}"#,
        )
        .unwrap();
        assert_eq!(a.amount, Decimal::new(1, 1));
        let e = serde_json::from_str::<Adjustment>(
            r#"{"unit":"u1","metric":"bonus","amount":"1","reason":"r","approver":"a","by":"x"}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("unknown field `by`"), "{e}");
        // In a metrics table, an element's error names it.
        let table = r#"{"units":{},"adjustments":[
            {"unit":"u1","metric":"bonus","amount":"1","reason":"r","approver":"a"},
            {"unit":"u1","metric":"bonus","amount":"1","reason":"r"}]}"#;
        let e = serde_json::from_str::<super::super::MetricsTable>(table).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("adjustments[1]: missing field `approver`"),
            "{e}"
        );
    }
}
