//! Durations as written in policy files and events: `30m`, `2h`, `24h`, `3wd`, `2wh` (SPEC §4).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};
use crate::instant::{MS_PER_HOUR, MS_PER_MINUTE};

/// An amount of time as written in files: minutes or hours (`m`, `h`: measured on the clock the
/// limit names), working hours (`wh`: always office hours) or working days (`wd`).
///
/// Amounts are non-negative whole numbers: write `90m`, not `1.5h`.
///
/// ```
/// use hotline_score::Amount;
/// assert_eq!("3wd".parse::<Amount>()?, Amount::WorkingDays(3));
/// assert_eq!("2h".parse::<Amount>()?, Amount::Time { ms: 7_200_000 });
/// assert_eq!(Amount::WorkingHours { ms: 7_200_000 }.to_string(), "2wh");
/// assert_eq!("5 days".parse::<Amount>().unwrap_err().code(), "invalid_amount");
/// # Ok::<(), hotline_score::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Amount {
    /// `Nm` / `Nh`: time on the limit's own clock (wall time, office hours or whole working days).
    Time {
        /// Milliseconds.
        ms: i64,
    },
    /// `Nwh`: working hours on the calendar's office hours.
    WorkingHours {
        /// Milliseconds of working time.
        ms: i64,
    },
    /// `Nwd`: N working days (day-count conventions of SPEC §2.3).
    WorkingDays(u32),
}

impl FromStr for Amount {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        let invalid = |reason: &str| Error::InvalidAmount {
            value: text.to_owned(),
            reason: reason.to_owned(),
        };
        let s = text.trim();
        let split = s
            .find(|c: char| !c.is_ascii_digit())
            .ok_or_else(|| invalid("missing unit: write e.g. 30m, 2h, 2wh or 3wd"))?;
        let (digits, unit) = s.split_at(split);
        if digits.is_empty() {
            return Err(invalid("expected a whole number before the unit"));
        }
        let n: i64 = digits.parse().map_err(|_| invalid("number too large"))?;
        let ms_of = |per: i64| {
            n.checked_mul(per)
                .ok_or_else(|| invalid("number too large"))
        };
        match unit {
            "m" => Ok(Amount::Time {
                ms: ms_of(MS_PER_MINUTE)?,
            }),
            "h" => Ok(Amount::Time {
                ms: ms_of(MS_PER_HOUR)?,
            }),
            "wh" => Ok(Amount::WorkingHours {
                ms: ms_of(MS_PER_HOUR)?,
            }),
            "wd" => u32::try_from(n)
                .map(Amount::WorkingDays)
                .map_err(|_| invalid("number too large")),
            _ => Err(invalid(unit_hint(unit))),
        }
    }
}

/// What is wrong with the text after an amount's number, when it is not a unit.
fn unit_hint(unit: &str) -> &'static str {
    let known = ["m", "h", "wh", "wd"];
    if unit.starts_with(['.', ',']) {
        "amounts are whole numbers: write 90m, not 1.5h (or 12wh, not 1.5wd)"
    } else if unit.starts_with(char::is_whitespace) {
        "no space between the number and the unit: write 24h, 3wd"
    } else if known.contains(&unit.to_ascii_lowercase().as_str()) {
        "units are lower case: m, h, wh, wd"
    } else {
        "unknown unit: expected one of m (minutes), h (hours), wh (office working hours), wd \
         (working days): 24小时 is 24h, 3个工作日 is 3wd"
    }
}

impl Amount {
    /// Checks that the amount has a text form that reads back to it, as every amount read from
    /// text has: not negative, minutes and hours (`m`, `h`) in whole minutes, working hours
    /// (`wh`) in whole hours. Amounts built in code, or decoded from damaged snapshot bytes,
    /// may not; [`Error::InvalidAmount`] then says why.
    ///
    /// ```
    /// use hotline_score::Amount;
    /// assert!(Amount::Time { ms: 90 * 60_000 }.check().is_ok());
    /// assert_eq!(Amount::Time { ms: 90_001 }.check().unwrap_err().code(), "invalid_amount");
    /// assert!(Amount::WorkingHours { ms: 90 * 60_000 }.check().is_err()); // 1.5wh has no text form
    /// ```
    pub fn check(&self) -> Result<()> {
        let (ms, step) = match *self {
            Amount::Time { ms } => (ms, MS_PER_MINUTE),
            Amount::WorkingHours { ms } => (ms, MS_PER_HOUR),
            Amount::WorkingDays(_) => return Ok(()),
        };
        let reason = if ms < 0 {
            "negative amount"
        } else if ms % step != 0 && step == MS_PER_MINUTE {
            "not a whole number of minutes"
        } else if ms % step != 0 {
            "working hours must be whole hours"
        } else {
            return Ok(());
        };
        Err(Error::InvalidAmount {
            value: format!("{self:?}"),
            reason: reason.to_owned(),
        })
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hm = |f: &mut fmt::Formatter<'_>, ms: i64, suffix: &str| {
            if ms % MS_PER_HOUR == 0 {
                write!(f, "{}{}h", ms / MS_PER_HOUR, suffix)
            } else {
                // Sub-minute amounts cannot be written; they only arise from code (see `check`).
                write!(f, "{}{}m", ms / MS_PER_MINUTE, suffix)
            }
        };
        match *self {
            Amount::Time { ms } => hm(f, ms, ""),
            Amount::WorkingHours { ms } if ms % MS_PER_HOUR == 0 => {
                write!(f, "{}wh", ms / MS_PER_HOUR)
            }
            Amount::WorkingHours { ms } => hm(f, ms, "w"),
            Amount::WorkingDays(n) => write!(f, "{n}wd"),
        }
    }
}

/// Only amounts [`Amount::check`] accepts are written: any other would be written as another
/// amount (`90.5 s` as `1m`), or as text that does not read back.
impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.check().map_err(serde::ser::Error::custom)?;
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_without_a_text_form_are_not_written() {
        for bad in [
            Amount::Time { ms: 90_500 },
            Amount::Time { ms: -60_000 },
            Amount::WorkingHours { ms: 90 * 60_000 },
        ] {
            let e = serde_json::to_string(&bad).unwrap_err();
            assert!(e.to_string().contains("invalid amount"), "{e}");
        }
        let ok = Amount::WorkingHours {
            ms: 2 * MS_PER_HOUR,
        };
        assert_eq!(serde_json::to_string(&ok).unwrap(), "\"2wh\"");
    }

    #[test]
    fn parses_every_unit() {
        assert_eq!(
            "30m".parse::<Amount>().unwrap(),
            Amount::Time {
                ms: 30 * MS_PER_MINUTE
            }
        );
        assert_eq!(
            "24h".parse::<Amount>().unwrap(),
            Amount::Time {
                ms: 24 * MS_PER_HOUR
            }
        );
        assert_eq!(
            "2wh".parse::<Amount>().unwrap(),
            Amount::WorkingHours {
                ms: 2 * MS_PER_HOUR
            }
        );
        assert_eq!("10wd".parse::<Amount>().unwrap(), Amount::WorkingDays(10));
        assert_eq!("0m".parse::<Amount>().unwrap(), Amount::Time { ms: 0 });
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "wd",
            "5",
            "5d",
            "-3wd",
            "1.5h",
            "99999999999999999999h",
            "5000000000wd",
        ] {
            let e = bad.parse::<Amount>().unwrap_err();
            assert_eq!(e.code(), "invalid_amount", "{bad}");
        }
        // The reason says what to change.
        for (bad, says) in [
            ("1.5h", "whole numbers"),
            ("1,5wd", "whole numbers"),
            ("24 h", "no space"),
            ("3WD", "lower case"),
            ("3个工作日", "3个工作日 is 3wd"),
            ("5d", "expected one of"),
        ] {
            let e = bad.parse::<Amount>().unwrap_err();
            assert!(e.to_string().contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn display_round_trips() {
        for s in ["30m", "2h", "90m", "2wh", "3wd"] {
            assert_eq!(s.parse::<Amount>().unwrap().to_string(), s);
        }
        let json = serde_json::to_string(&Amount::WorkingDays(5)).unwrap();
        assert_eq!(json, "\"5wd\"");
        assert!(serde_json::from_str::<Amount>("\"5x\"").is_err());
    }

    #[test]
    fn check_accepts_exactly_the_amounts_whose_text_reads_back() {
        let writable = [
            Amount::Time { ms: 0 },
            Amount::Time {
                ms: 90 * MS_PER_MINUTE,
            },
            Amount::Time {
                ms: 24 * MS_PER_HOUR,
            },
            Amount::WorkingHours {
                ms: 2 * MS_PER_HOUR,
            },
            Amount::WorkingDays(0),
            Amount::WorkingDays(u32::MAX),
        ];
        for a in writable {
            assert!(a.check().is_ok(), "{a:?}");
            assert_eq!(a.to_string().parse::<Amount>().unwrap(), a);
        }
        // Seen while fixing a board_snapshot fuzz crash: snapshot bytes holding
        // `Time { ms: 90_001 }` restored, but the JSON form says `1m` and would not read back.
        let unwritable = [
            Amount::Time { ms: 90_001 },
            Amount::Time { ms: -MS_PER_MINUTE },
            Amount::WorkingHours {
                ms: 90 * MS_PER_MINUTE,
            },
            Amount::WorkingHours { ms: -MS_PER_HOUR },
        ];
        for a in unwritable {
            assert_eq!(a.check().unwrap_err().code(), "invalid_amount", "{a:?}");
            assert_ne!(a.to_string().parse::<Amount>().ok(), Some(a));
        }
    }
}
