//! Policy-wide options: extensions (延期), re-dispatch, what completes an assignment, and the
//! deadline-status threshold.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::limit::Clock;
use crate::amount::Amount;

/// What the completion clock does when a ticket is dispatched again after an accepted return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Redispatch {
    /// The new assignment gets a fresh completion clock from its own dispatch (default).
    #[default]
    Restart,
    /// The new assignment's completion clock runs from the ticket's first dispatch in the same
    /// role.
    Continue,
}

/// What stops the completion clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompleteOn {
    /// The ticket's `closed` event (default).
    #[default]
    Closed,
    /// The unit's last reply that a `reviewed { passed = true }` accepted.
    PassedReply,
}

/// Limits on extensions (延期). A request the policy does not allow is kept as a recorded
/// refusal on the assignment; it never fails the evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtensionPolicy {
    /// At most this many extensions are applied per assignment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_count: Option<u32>,
    /// Largest single extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_each: Option<Amount>,
    /// Largest sum of applied extensions per assignment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_total: Option<Amount>,
    /// An extension requested after the clock's (current) due instant is refused.
    #[serde(default)]
    pub must_request_before_due: bool,
    /// The clocks an approved extension moves (default: `complete` only).
    #[serde(default = "default_applies_to")]
    pub applies_to: Vec<Clock>,
}

fn default_applies_to() -> Vec<Clock> {
    vec![Clock::Complete]
}

impl Default for ExtensionPolicy {
    fn default() -> Self {
        ExtensionPolicy {
            max_count: None,
            max_each: None,
            max_total: None,
            must_request_before_due: false,
            applies_to: default_applies_to(),
        }
    }
}

impl ExtensionPolicy {
    /// Whether extensions move `clock`.
    pub fn applies_to(&self, clock: Clock) -> bool {
        self.applies_to.contains(&clock)
    }

    /// Checks the policy for contradictions.
    pub fn check(&self) -> Result<(), String> {
        if let (Some(each), Some(total)) = (self.max_each, self.max_total)
            && !same_kind(each, total)
        {
            return Err(format!(
                "max_each ({each}) and max_total ({total}) must use the same unit"
            ));
        }
        if self.applies_to.contains(&Clock::Sign) || self.applies_to.contains(&Clock::ReturnWindow)
        {
            return Err("extensions can move the contact, reply and complete clocks only".into());
        }
        Ok(())
    }
}

/// Whether two amounts are in the same unit (and so can be compared and summed).
pub fn same_kind(a: Amount, b: Amount) -> bool {
    matches!(
        (a, b),
        (Amount::Time { .. }, Amount::Time { .. })
            | (Amount::WorkingHours { .. }, Amount::WorkingHours { .. })
            | (Amount::WorkingDays(_), Amount::WorkingDays(_))
    )
}

/// When a running clock turns `yellow`: remaining time ≤ a share of the limit, or ≤ an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Threshold {
    /// `"20%"`: remaining time ≤ this percentage (0–100) of the limit, measured on the limit's
    /// basis from the clock's start to its original due instant.
    Percent(u8),
    /// `"4wh"`, `"2h"`: remaining time ≤ this amount (`h`/`m` on the limit's basis, `wh` on
    /// office hours). Working days are not accepted.
    Remaining(Amount),
}

impl Default for Threshold {
    fn default() -> Self {
        Threshold::Percent(20)
    }
}

impl FromStr for Threshold {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        if let Some(p) = s.strip_suffix('%') {
            let n: u8 = p
                .trim()
                .parse()
                .map_err(|_| format!("invalid percentage {s:?}: write a whole number 0–100"))?;
            if n > 100 {
                return Err(format!("invalid percentage {s:?}: at most 100%"));
            }
            return Ok(Threshold::Percent(n));
        }
        match s.parse::<Amount>().map_err(|e| e.to_string())? {
            Amount::WorkingDays(_) => Err(format!(
                "threshold {s:?}: write working time (e.g. \"4wh\") or a percentage, not days"
            )),
            a => Ok(Threshold::Remaining(a)),
        }
    }
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Threshold::Percent(p) => write!(f, "{p}%"),
            Threshold::Remaining(a) => write!(f, "{a}"),
        }
    }
}

impl Serialize for Threshold {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Threshold {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Deadline-status settings (SPEC §3.3): `normal`, `yellow` (remaining ≤ threshold), `red`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusPolicy {
    /// The yellow threshold (default `20%`).
    #[serde(default)]
    pub yellow: Threshold,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds() {
        assert_eq!("20%".parse(), Ok(Threshold::Percent(20)));
        assert_eq!(
            "4wh".parse(),
            Ok(Threshold::Remaining(Amount::WorkingHours {
                ms: 4 * 3_600_000
            }))
        );
        for bad in ["101%", "x%", "2wd", "soon"] {
            assert!(bad.parse::<Threshold>().is_err(), "{bad}");
        }
        assert_eq!(Threshold::Percent(5).to_string(), "5%");
    }

    #[test]
    fn extension_checks() {
        let mut e = ExtensionPolicy {
            max_each: Some(Amount::WorkingDays(3)),
            max_total: Some(Amount::Time { ms: 1 }),
            ..ExtensionPolicy::default()
        };
        assert!(e.check().is_err());
        e.max_total = Some(Amount::WorkingDays(9));
        assert!(e.check().is_ok());
        e.applies_to.push(Clock::Sign);
        assert!(e.check().is_err());
        assert!(ExtensionPolicy::default().applies_to(Clock::Complete));
    }
}
