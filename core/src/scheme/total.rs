//! Totals and grades: total = base − deductions + bonuses (the sum of the rounded components),
//! then the optional cap and floor (in percent of the group's full marks); the grade is the first
//! (best) grade whose minimum — in percent of full marks — the total reaches.

use rust_decimal::Decimal;

use super::card::fixed;
use super::model::Grade;

/// A group's total and grade rules, with its cap, floor and grade lines computed once.
#[derive(Debug, Clone)]
pub(crate) struct Totals<'a> {
    dp: u32,
    /// The cap and floor in points, rounded.
    cap: Option<Decimal>,
    floor: Option<Decimal>,
    /// Each grade with its line in points (`None` if it does not compute).
    lines: Vec<(Option<Decimal>, &'a Grade)>,
}

impl<'a> Totals<'a> {
    /// The rules for a group worth `full_marks`: `cap` and `floor` in percent of it, grades by
    /// their minimum percent, totals with `dp` places.
    pub(crate) fn new(
        full_marks: Decimal,
        cap: Option<Decimal>,
        floor: Option<Decimal>,
        grades: &'a [Grade],
        dp: u32,
    ) -> Self {
        let percent = |pct: Decimal| {
            full_marks
                .checked_mul(pct)
                .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED))
        };
        Totals {
            dp,
            cap: cap.and_then(percent).map(|x| fixed(x, dp)),
            floor: floor.and_then(percent).map(|x| fixed(x, dp)),
            lines: grades.iter().map(|g| (percent(g.min), g)).collect(),
        }
    }

    /// The capped total of rounded component points.
    pub(crate) fn total(&self, points: impl IntoIterator<Item = Decimal> + Clone) -> Decimal {
        let mut t = same_scale_sum(points.clone(), self.dp).unwrap_or_else(|| {
            points
                .into_iter()
                .fold(Decimal::ZERO, |acc, p| acc.saturating_add(p))
        });
        if let Some(c) = self.cap {
            t = t.min(c);
        }
        if let Some(f) = self.floor {
            t = t.max(f);
        }
        fixed(t, self.dp)
    }

    /// The grade of `total`: the first grade whose line it reaches, else the last grade.
    pub(crate) fn grade(&self, total: Decimal) -> String {
        self.lines
            .iter()
            .find(|(line, _)| line.is_some_and(|l| total >= l))
            .or(self.lines.last())
            .map(|(_, g)| g.name.clone())
            .unwrap_or_default()
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::file::default_grades;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn totals_and_grades() {
        let total = |pts: &[Decimal], full: &str, cap: Option<Decimal>, floor: Option<Decimal>| {
            Totals::new(d(full), cap, floor, &[], 2).total(pts.iter().copied())
        };
        let pts = [d("60.00"), d("30.50"), d("-2.25"), d("3.00")];
        assert_eq!(total(&pts, "100", None, None).to_string(), "91.25");
        assert_eq!(total(&pts, "90", Some(d("100")), None).to_string(), "90.00");
        assert_eq!(
            total(&[d("-5")], "100", None, Some(d("0"))).to_string(),
            "0.00"
        );
        // Points of other scales are added as decimals.
        assert_eq!(
            total(&[d("1.5"), d("2.25")], "100", None, None).to_string(),
            "3.75"
        );
        let grades: Vec<Grade> = default_grades()
            .into_iter()
            .map(|g| Grade {
                name: g.name,
                min: g.min.0,
            })
            .collect();
        let grade = |t: Decimal, full: Decimal, grades: &[Grade]| {
            Totals::new(full, None, None, grades, 2).grade(t)
        };
        assert_eq!(grade(d("90.00"), d("100"), &grades), "优秀");
        assert_eq!(grade(d("89.99"), d("100"), &grades), "良好");
        assert_eq!(grade(d("59.99"), d("100"), &grades), "不合格");
        // 150-mark groups: the lines scale (优秀 ≥ 135, 良好 ≥ 120, 合格 ≥ 90).
        assert_eq!(grade(d("135.00"), d("150"), &grades), "优秀");
        assert_eq!(grade(d("134.99"), d("150"), &grades), "良好");
        assert_eq!(grade(d("89.99"), d("150"), &grades), "不合格");
    }
}
