//! Assessment periods: half-open ranges of instants `[start, end)`.

use serde::{Deserialize, Serialize};
use time::{Date, Month, UtcOffset};

use crate::error::{Error, Result};
use crate::instant::Instant;

/// An assessment period `[start, end)`, e.g. a quarter in `+08:00`. Read from JSON (or any
/// serde form) it is checked as [`Period::new`] checks it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "PeriodFields")]
pub struct Period {
    /// First instant of the period.
    pub start: Instant,
    /// First instant after the period.
    pub end: Instant,
    /// Human label, e.g. `2026-Q1`, `2026-03`, `2026`.
    pub label: String,
}

/// A period's fields as read, before [`Period::new`] checks them.
#[derive(Deserialize)]
struct PeriodFields {
    start: Instant,
    end: Instant,
    label: String,
}

impl TryFrom<PeriodFields> for Period {
    type Error = Error;

    fn try_from(f: PeriodFields) -> Result<Self> {
        Period::new(f.start, f.end, f.label)
    }
}

impl Period {
    /// A period over explicit instants; `end` must be after `start`.
    pub fn new(start: Instant, end: Instant, label: impl Into<String>) -> Result<Self> {
        let label = label.into();
        if end <= start {
            return Err(Error::InvalidPeriod {
                label,
                reason: "end is not after start".into(),
            });
        }
        Ok(Period { start, end, label })
    }

    /// The calendar month `year-month` in `offset`.
    pub fn month(year: i32, month: Month, offset: UtcOffset) -> Result<Self> {
        let label = format!("{year}-{:02}", u8::from(month));
        let start = first_of(year, month, &label)?;
        let (ny, nm) = if month == Month::December {
            (year + 1, Month::January)
        } else {
            (year, month.next())
        };
        let end = first_of(ny, nm, &label)?;
        Self::new(
            Instant::from_local(start, 0, offset),
            Instant::from_local(end, 0, offset),
            label,
        )
    }

    /// Quarter `quarter` (1–4) of `year` in `offset`.
    pub fn quarter(year: i32, quarter: u8, offset: UtcOffset) -> Result<Self> {
        let label = format!("{year}-Q{quarter}");
        if !(1..=4).contains(&quarter) {
            return Err(Error::InvalidPeriod {
                label,
                reason: "quarter must be 1..=4".into(),
            });
        }
        let first = Month::try_from(3 * quarter - 2).map_err(|e| Error::InvalidPeriod {
            label: label.clone(),
            reason: e.to_string(),
        })?;
        let start = first_of(year, first, &label)?;
        let end = if quarter == 4 {
            first_of(year + 1, Month::January, &label)?
        } else {
            first_of(year, first.nth_next(3), &label)?
        };
        Self::new(
            Instant::from_local(start, 0, offset),
            Instant::from_local(end, 0, offset),
            label,
        )
    }

    /// The calendar year `year` in `offset`.
    pub fn year(year: i32, offset: UtcOffset) -> Result<Self> {
        let label = year.to_string();
        Self::new(
            Instant::from_local(first_of(year, Month::January, &label)?, 0, offset),
            Instant::from_local(first_of(year + 1, Month::January, &label)?, 0, offset),
            label,
        )
    }

    /// Whether `t` lies in `[start, end)`.
    pub fn contains(&self, t: Instant) -> bool {
        self.start <= t && t < self.end
    }
}

/// Checks that `next` is the period straight after `previous` when both labels have a form
/// [`Period::year`], [`Period::month`] or [`Period::quarter`] writes (`2026`, `2026-03`,
/// `2026-Q1`): a history of closed periods with one missing would count the periods around the
/// gap as consecutive. Other labels are the caller's to order.
pub(crate) fn check_follows(previous: &str, next: &str) -> Result<()> {
    let (Some((kind, a)), Some((next_kind, b))) = (label_position(previous), label_position(next))
    else {
        return Ok(());
    };
    let reason = if kind != next_kind {
        format!("it follows {previous}, a {kind}; a history is one scheme's periods, of one kind")
    } else if b <= a {
        format!("it follows {previous}; give closed periods oldest first")
    } else if b > a.saturating_add(1) {
        format!(
            "it follows {previous}, and the {kind}s between are missing; a gap would count as \
             consecutive in every streak, so give every closed period, oldest first"
        )
    } else {
        return Ok(());
    };
    Err(Error::InvalidPeriod {
        label: next.to_owned(),
        reason,
    })
}

/// A standard label's kind and position in its sequence (consecutive periods differ by one).
fn label_position(label: &str) -> Option<(&'static str, i64)> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let number = |s: &str| digits(s).then(|| s.parse::<i64>().ok()).flatten();
    let (year, rest) = label.split_once('-').unwrap_or((label, ""));
    let year = number(year).filter(|_| year.len() == 4)?;
    if rest.is_empty() {
        return Some(("year", year));
    }
    if let Some(q) = rest.strip_prefix('Q') {
        let q = number(q).filter(|q| (1..=4).contains(q))?;
        return Some(("quarter", year * 4 + q - 1));
    }
    let m = number(rest).filter(|m| rest.len() == 2 && (1..=12).contains(m))?;
    Some(("month", year * 12 + m - 1))
}

/// The first day of `year-month`, an error naming the period being built (`label`: `9999-Q4`
/// ends on a date after year 9999, which is no reason to name `10000-01`).
fn first_of(year: i32, month: Month, label: &str) -> Result<Date> {
    Date::from_calendar_date(year, month, 1).map_err(|_| Error::InvalidPeriod {
        label: label.to_owned(),
        reason: format!(
            "{year}-{:02}-01 is out of the supported dates (through year 9999)",
            u8::from(month)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instant::CHINA_OFFSET;

    /// A period that ends after year 9999 is named as given, not by the month after it.
    #[test]
    fn a_period_past_the_last_date_is_named_as_given() {
        for (e, label) in [
            (Period::quarter(9999, 4, CHINA_OFFSET), "9999-Q4"),
            (Period::year(9999, CHINA_OFFSET), "9999"),
            (
                Period::month(9999, Month::December, CHINA_OFFSET),
                "9999-12",
            ),
        ] {
            let e = e.unwrap_err();
            assert!(
                matches!(&e, Error::InvalidPeriod { label: l, .. } if l == label),
                "{e}"
            );
            assert!(e.to_string().contains("10000-01-01"), "{e}");
        }
    }

    #[test]
    fn read_periods_are_checked() {
        let json = r#"{"start": "2026-04-01T00:00:00+08:00", "end": "2026-01-01T00:00:00+08:00", "label": "q"}"#;
        let e = serde_json::from_str::<Period>(json).unwrap_err();
        assert!(e.to_string().contains("end is not after start"), "{e}");
        let q1 = Period::quarter(2026, 1, CHINA_OFFSET).unwrap();
        let back: Period = serde_json::from_str(&serde_json::to_string(&q1).unwrap()).unwrap();
        assert_eq!(back, q1);
    }

    #[test]
    fn quarters_and_months() {
        let q = Period::quarter(2026, 1, CHINA_OFFSET).unwrap();
        assert_eq!(
            q.start,
            Instant::parse("2026-01-01T00:00:00+08:00").unwrap()
        );
        assert_eq!(q.end, Instant::parse("2026-04-01T00:00:00+08:00").unwrap());
        assert_eq!(q.label, "2026-Q1");
        let q4 = Period::quarter(2026, 4, CHINA_OFFSET).unwrap();
        assert_eq!(q4.end, Instant::parse("2027-01-01T00:00:00+08:00").unwrap());
        let m = Period::month(2026, Month::December, CHINA_OFFSET).unwrap();
        assert_eq!(m.end, q4.end);
        assert!(m.contains(Instant::parse("2026-12-31T23:59:59.999+08:00").unwrap()));
        assert!(!m.contains(m.end));
        assert_eq!(
            Period::quarter(2026, 5, CHINA_OFFSET).unwrap_err().code(),
            "invalid_period"
        );
        assert_eq!(Period::year(2026, CHINA_OFFSET).unwrap().end, q4.end);
    }

    #[test]
    fn standard_labels_must_follow_each_other() {
        for (previous, next) in [
            ("2026-Q4", "2027-Q1"),
            ("2026-12", "2027-01"),
            ("2025", "2026"),
            ("h1", "h2"),
            ("2026-Q1", "first half"),
        ] {
            assert!(check_follows(previous, next).is_ok(), "{previous} {next}");
        }
        for (previous, next, says) in [
            ("2026-Q1", "2026-Q3", "quarters between are missing"),
            ("2026-11", "2027-01", "months between are missing"),
            ("2026-Q2", "2026-Q1", "oldest first"),
            ("2026-03", "2026-Q2", "of one kind"),
        ] {
            let e = check_follows(previous, next).unwrap_err();
            assert_eq!(e.code(), "invalid_period");
            assert!(e.to_string().contains(says), "{e}");
            assert!(e.to_string().contains(next), "{e}");
        }
        for label in ["2026-Q5", "2026-13", "2026-3", "26-Q1", "2026-Q1x", "+202"] {
            assert_eq!(label_position(label), None, "{label}");
        }
    }
}
