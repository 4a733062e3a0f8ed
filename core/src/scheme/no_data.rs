//! `when_no_data`: what an indicator scores when its value has no data (a zero denominator, a
//! missing external metric, an overflow).

use rust_decimal::Decimal;

use super::file::{IndicatorKind, NoDataSpec};

/// The outcome of no-data handling for one unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoDataOutcome {
    /// Exact points (a magnitude) to use.
    Points(Decimal),
    /// Left out; the unit's other base indicators are rescaled.
    Excluded,
}

/// Resolves no data for an indicator of `kind` worth `m`, given the exact points of the group's
/// units that have data.
pub fn resolve(
    spec: NoDataSpec,
    kind: IndicatorKind,
    m: Decimal,
    with_data: &[Decimal],
) -> NoDataOutcome {
    let full = match kind {
        IndicatorKind::Deduction => Decimal::ZERO,
        IndicatorKind::Base | IndicatorKind::Bonus => m,
    };
    match spec {
        NoDataSpec::Full => NoDataOutcome::Points(full),
        NoDataSpec::Zero => NoDataOutcome::Points(Decimal::ZERO),
        NoDataSpec::Exclude => NoDataOutcome::Excluded,
        NoDataSpec::GroupMean => {
            let sum = with_data
                .iter()
                .try_fold(Decimal::ZERO, |acc, p| acc.checked_add(*p));
            let mean = sum.and_then(|s| s.checked_div(Decimal::from(with_data.len())));
            NoDataOutcome::Points(mean.unwrap_or(full))
        }
    }
}

/// The factor that rescales a unit's remaining base indicators when some are excluded:
/// `full / (full − excluded)`; 0 when everything is excluded (the unit then scores 0 base points).
pub fn rescale_factor(full_marks: Decimal, excluded: Decimal) -> Decimal {
    if excluded <= Decimal::ZERO {
        return Decimal::ONE;
    }
    let rest = full_marks.checked_sub(excluded).unwrap_or(Decimal::ZERO);
    if rest <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    full_marks.checked_div(rest).unwrap_or(Decimal::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn outcomes() {
        let base = IndicatorKind::Base;
        assert_eq!(
            resolve(NoDataSpec::Full, base, d("25"), &[]),
            NoDataOutcome::Points(d("25"))
        );
        assert_eq!(
            resolve(NoDataSpec::Full, IndicatorKind::Deduction, d("5"), &[]),
            NoDataOutcome::Points(d("0"))
        );
        assert_eq!(
            resolve(NoDataSpec::Zero, base, d("25"), &[]),
            NoDataOutcome::Points(d("0"))
        );
        assert_eq!(
            resolve(NoDataSpec::Exclude, base, d("25"), &[]),
            NoDataOutcome::Excluded
        );
        assert_eq!(
            resolve(NoDataSpec::GroupMean, base, d("25"), &[d("20"), d("15")]),
            NoDataOutcome::Points(d("17.5"))
        );
        assert_eq!(
            resolve(NoDataSpec::GroupMean, base, d("25"), &[]),
            NoDataOutcome::Points(d("25"))
        );
        assert_eq!(rescale_factor(d("100"), d("20")), d("1.25"));
        assert_eq!(rescale_factor(d("100"), d("0")), d("1"));
        assert_eq!(rescale_factor(d("100"), d("100")), d("0"));
    }
}
