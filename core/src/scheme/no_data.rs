//! `when_no_data`: what an indicator scores when its value has no data (a zero denominator, a
//! missing external metric, an overflow).

use rust_decimal::Decimal;

use super::file::{IndicatorKind, NoDataSpec};
use super::ratio::Ratio;

/// The outcome of no-data handling for one unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NoDataOutcome {
    /// Exact points (a magnitude) to use.
    Points(Ratio),
    /// Left out; the unit's other base indicators are rescaled.
    Excluded,
}

/// Resolves no data for an indicator of `kind` worth `m`, given the exact points of the group's
/// units that have data.
pub(crate) fn resolve(
    spec: NoDataSpec,
    kind: IndicatorKind,
    m: Decimal,
    with_data: &[Ratio],
) -> NoDataOutcome {
    let full = match kind {
        IndicatorKind::Deduction => Ratio::ZERO,
        IndicatorKind::Base | IndicatorKind::Bonus => Ratio::from_decimal(m),
    };
    match spec {
        NoDataSpec::Full => NoDataOutcome::Points(full),
        NoDataSpec::Zero => NoDataOutcome::Points(Ratio::ZERO),
        NoDataSpec::Exclude => NoDataOutcome::Excluded,
        NoDataSpec::GroupMean => NoDataOutcome::Points(mean(with_data).unwrap_or(full)),
    }
}

/// The mean of `points`: exact, or (when the exact sum does not fit) of their decimal values.
fn mean(points: &[Ratio]) -> Option<Ratio> {
    let count = i128::try_from(points.len()).ok()?;
    let exact = points
        .iter()
        .try_fold(Ratio::ZERO, |acc, p| acc.checked_add(*p))
        .and_then(|sum| sum.checked_div(Ratio::new(count, 1)?));
    exact.or_else(|| {
        let sum = points
            .iter()
            .try_fold(Decimal::ZERO, |acc, p| acc.checked_add(p.to_decimal()?))?;
        sum.checked_div(Decimal::from(count))
            .map(Ratio::from_decimal)
    })
}

/// The factor that rescales a unit's remaining base indicators when some are excluded:
/// `full / (full − excluded)`, exactly; 0 when everything is excluded (the unit then scores 0
/// base points).
pub(crate) fn rescale_factor(full_marks: Decimal, excluded: Decimal) -> Ratio {
    if excluded <= Decimal::ZERO {
        return Ratio::ONE;
    }
    let rest = full_marks.checked_sub(excluded).unwrap_or(Decimal::ZERO);
    if rest <= Decimal::ZERO {
        return Ratio::ZERO;
    }
    Ratio::from_decimal(full_marks)
        .checked_div(Ratio::from_decimal(rest))
        .unwrap_or(Ratio::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn r(s: &str) -> Ratio {
        Ratio::from_decimal(d(s))
    }

    #[test]
    fn outcomes() {
        let base = IndicatorKind::Base;
        assert_eq!(
            resolve(NoDataSpec::Full, base, d("25"), &[]),
            NoDataOutcome::Points(r("25"))
        );
        assert_eq!(
            resolve(NoDataSpec::Full, IndicatorKind::Deduction, d("5"), &[]),
            NoDataOutcome::Points(r("0"))
        );
        assert_eq!(
            resolve(NoDataSpec::Zero, base, d("25"), &[]),
            NoDataOutcome::Points(r("0"))
        );
        assert_eq!(
            resolve(NoDataSpec::Exclude, base, d("25"), &[]),
            NoDataOutcome::Excluded
        );
        assert_eq!(
            resolve(NoDataSpec::GroupMean, base, d("25"), &[r("20"), r("15")]),
            NoDataOutcome::Points(r("17.5"))
        );
        assert_eq!(
            resolve(NoDataSpec::GroupMean, base, d("25"), &[]),
            NoDataOutcome::Points(r("25"))
        );
        assert_eq!(rescale_factor(d("100"), d("20")), r("1.25"));
        assert_eq!(rescale_factor(d("100"), d("0")), r("1"));
        assert_eq!(rescale_factor(d("100"), d("100")), r("0"));
    }
}
