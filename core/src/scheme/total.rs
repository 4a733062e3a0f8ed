//! Totals and grades: total = base − deductions + bonuses (the sum of the rounded components),
//! then the optional cap and floor (in percent of the group's full marks); the grade is the first
//! (best) grade whose minimum — in percent of full marks — the total reaches.

use rust_decimal::Decimal;

use super::card::fixed;
use super::model::Grade;

/// The capped total of rounded component points.
pub fn total(
    points: impl IntoIterator<Item = Decimal> + Clone,
    full_marks: Decimal,
    cap: Option<Decimal>,
    floor: Option<Decimal>,
    dp: u32,
) -> Decimal {
    let sum = same_scale_sum(points.clone(), dp).unwrap_or_else(|| {
        points
            .into_iter()
            .fold(Decimal::ZERO, |acc, p| acc.saturating_add(p))
    });
    let bound = |pct: Decimal| {
        full_marks
            .checked_mul(pct)
            .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED))
            .map(|x| fixed(x, dp))
    };
    let mut t = sum;
    if let Some(c) = cap.and_then(bound) {
        t = t.min(c);
    }
    if let Some(f) = floor.and_then(bound) {
        t = t.max(f);
    }
    fixed(t, dp)
}

/// The sum of points that all have `dp` places, on their mantissas — what adding the decimals
/// gives while every partial sum stays in the decimal range (`None` otherwise).
fn same_scale_sum(points: impl IntoIterator<Item = Decimal>, dp: u32) -> Option<Decimal> {
    let mut sum: i128 = 0;
    for p in points {
        if p.scale() != dp {
            return None;
        }
        sum = sum.checked_add(p.mantissa())?;
        if sum.unsigned_abs() >= 1 << 96 {
            return None;
        }
    }
    Decimal::try_from_i128_with_scale(sum, dp).ok()
}

/// The grade of `total` out of `full_marks`: the first grade with `total ≥ min% · full_marks`,
/// else the last grade.
pub fn grade(total: Decimal, full_marks: Decimal, grades: &[Grade]) -> String {
    grades
        .iter()
        .find(|g| {
            let line = full_marks
                .checked_mul(g.min)
                .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED));
            line.is_some_and(|l| total >= l)
        })
        .or(grades.last())
        .map(|g| g.name.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::file::default_grades;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn totals_and_grades() {
        let pts = [d("60.00"), d("30.50"), d("-2.25"), d("3.00")];
        assert_eq!(total(pts, d("100"), None, None, 2).to_string(), "91.25");
        assert_eq!(
            total(pts, d("90"), Some(d("100")), None, 2).to_string(),
            "90.00"
        );
        assert_eq!(
            total([d("-5")], d("100"), None, Some(d("0")), 2).to_string(),
            "0.00"
        );
        let grades: Vec<Grade> = default_grades()
            .into_iter()
            .map(|g| Grade {
                name: g.name,
                min: g.min.0,
            })
            .collect();
        assert_eq!(grade(d("90.00"), d("100"), &grades), "优秀");
        assert_eq!(grade(d("89.99"), d("100"), &grades), "良好");
        assert_eq!(grade(d("59.99"), d("100"), &grades), "不合格");
        // 150-mark groups: the lines scale (优秀 ≥ 135, 良好 ≥ 120, 合格 ≥ 90).
        assert_eq!(grade(d("135.00"), d("150"), &grades), "优秀");
        assert_eq!(grade(d("134.99"), d("150"), &grades), "良好");
        assert_eq!(grade(d("89.99"), d("150"), &grades), "不合格");
    }
}
