//! Ranking within a group on the rounded total: ties share a rank (1, 2, 2, 4) and are listed in
//! unit-id order.

use super::card::Scorecard;
use super::order::cmp;

/// Sorts one group's scorecards (total descending, then unit id) and sets `rank` and
/// `group_size`.
pub fn rank_group(cards: &mut [Scorecard]) {
    cards.sort_by(|a, b| cmp(b.total, a.total).then_with(|| a.unit.cmp(&b.unit)));
    let size = u32::try_from(cards.len()).unwrap_or(u32::MAX);
    let mut rank = 1u32;
    let mut prev: Option<rust_decimal::Decimal> = None;
    for (i, card) in cards.iter_mut().enumerate() {
        if prev != Some(card.total) {
            rank = u32::try_from(i).unwrap_or(u32::MAX).saturating_add(1);
            prev = Some(card.total);
        }
        card.rank = rank;
        card.group_size = size;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn card(unit: &str, total: &str) -> Scorecard {
        Scorecard {
            unit: unit.into(),
            name: String::new(),
            group: "g".into(),
            total: total.parse().unwrap(),
            full_marks: Decimal::ONE_HUNDRED,
            rank: 0,
            group_size: 0,
            grade: String::new(),
            components: Vec::new(),
            indicators: std::sync::Arc::from([]),
            scheme_hash: String::new(),
            external: Default::default(),
            adjustments: Vec::new(),
        }
    }

    #[test]
    fn ties_share_a_rank_in_unit_order() {
        let mut cards = vec![
            card("d", "80"),
            card("c", "90.5"),
            card("b", "90.50"),
            card("a", "99"),
        ];
        rank_group(&mut cards);
        let got: Vec<(&str, u32)> = cards.iter().map(|c| (c.unit.as_str(), c.rank)).collect();
        assert_eq!(got, [("a", 1), ("b", 2), ("c", 2), ("d", 4)]);
        assert!(cards.iter().all(|c| c.group_size == 4));
    }
}
