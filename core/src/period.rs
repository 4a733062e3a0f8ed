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
        let start = first_of(year, month)?;
        let (ny, nm) = if month == Month::December {
            (year + 1, Month::January)
        } else {
            (year, month.next())
        };
        let end = first_of(ny, nm)?;
        Self::new(
            Instant::from_local(start, 0, offset),
            Instant::from_local(end, 0, offset),
            format!("{year}-{:02}", u8::from(month)),
        )
    }

    /// Quarter `quarter` (1–4) of `year` in `offset`.
    pub fn quarter(year: i32, quarter: u8, offset: UtcOffset) -> Result<Self> {
        if !(1..=4).contains(&quarter) {
            return Err(Error::InvalidPeriod {
                label: format!("{year}-Q{quarter}"),
                reason: "quarter must be 1..=4".into(),
            });
        }
        let first = Month::try_from(3 * quarter - 2).map_err(|e| Error::InvalidPeriod {
            label: format!("{year}-Q{quarter}"),
            reason: e.to_string(),
        })?;
        let start = first_of(year, first)?;
        let end = if quarter == 4 {
            first_of(year + 1, Month::January)?
        } else {
            first_of(year, first.nth_next(3))?
        };
        Self::new(
            Instant::from_local(start, 0, offset),
            Instant::from_local(end, 0, offset),
            format!("{year}-Q{quarter}"),
        )
    }

    /// The calendar year `year` in `offset`.
    pub fn year(year: i32, offset: UtcOffset) -> Result<Self> {
        Self::new(
            Instant::from_local(first_of(year, Month::January)?, 0, offset),
            Instant::from_local(first_of(year + 1, Month::January)?, 0, offset),
            format!("{year}"),
        )
    }

    /// Whether `t` lies in `[start, end)`.
    pub fn contains(&self, t: Instant) -> bool {
        self.start <= t && t < self.end
    }
}

fn first_of(year: i32, month: Month) -> Result<Date> {
    Date::from_calendar_date(year, month, 1).map_err(|e| Error::InvalidPeriod {
        label: format!("{year}-{:02}", u8::from(month)),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instant::CHINA_OFFSET;

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
}
