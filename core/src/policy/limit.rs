//! One stage limit (`{ amount, clock }`) and the five limits of an assignment.
//!
//! How an amount and a time basis combine (see `docs/semantics.md`):
//!
//! | amount | `natural` | `office` | `workdays` |
//! |---|---|---|---|
//! | `30m`, `24h` | wall time | office working time | whole-working-day time (00:00–24:00) |
//! | `2wh` | error | office working time | error |
//! | `3wd` | error | N working days, due at the end of office hours (or midnight) | same due instant |
//!
//! When `clock` is omitted it follows the amount: `m`/`h` → `natural`, `wh` and `wd` → `office`.
//! The basis also measures pauses (time a paused clock gets back) and `h`/`wh` extensions.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

use crate::amount::Amount;
use crate::calendar::DeadlineAt;

/// The stage clocks of an assignment (SPEC §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Clock {
    /// 签收: from dispatch to `signed` (or `returned`).
    Sign,
    /// 先行联系: from sign-for to `contacted`.
    Contact,
    /// 反馈: from dispatch (or sign-for) to the first `replied`.
    Reply,
    /// 办结: from dispatch to the ticket's `closed` (or the unit's final passed reply).
    Complete,
    /// 退单时限: from dispatch to `returned`; a return after the window is late.
    ReturnWindow,
}

impl Clock {
    /// Every clock, in output order.
    pub const ALL: [Clock; 5] = [
        Clock::Sign,
        Clock::Contact,
        Clock::Reply,
        Clock::Complete,
        Clock::ReturnWindow,
    ];

    /// The snake_case name used in files and output.
    pub const fn name(self) -> &'static str {
        match self {
            Clock::Sign => "sign",
            Clock::Contact => "contact",
            Clock::Reply => "reply",
            Clock::Complete => "complete",
            Clock::ReturnWindow => "return_window",
        }
    }

    /// Position in [`Clock::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }
}

/// What a limit's time is measured on (the `clock` key of a limit in a policy file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeBasis {
    /// Wall time: every millisecond counts.
    Natural,
    /// The calendar's office hours.
    Office,
    /// Whole working days, 00:00–24:00 (非工作日顺延).
    Workdays,
}

crate::ticket::names!(TimeBasis {
    Natural = "natural",
    Office = "office",
    Workdays = "workdays",
});

/// Which event starts a clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartAt {
    /// The assignment's `dispatched` event.
    Dispatched,
    /// The unit's `signed` event (the clock does not run before the unit signs).
    Signed,
}

impl Clock {
    /// Where this clock starts unless its limit says otherwise: `contact` at sign-for, every
    /// other clock at dispatch.
    pub const fn default_start(self) -> StartAt {
        match self {
            Clock::Contact => StartAt::Signed,
            _ => StartAt::Dispatched,
        }
    }
}

/// One stage limit: how much time, on which basis, from which event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limit {
    /// The amount (`30m`, `24h`, `2wh`, `3wd`).
    pub amount: Amount,
    /// The time basis the amount is measured on.
    pub clock: TimeBasis,
    /// Start event; `None` means the clock's default ([`Clock::default_start`]).
    pub from: Option<StartAt>,
    /// Day-count override for `wd` amounts (含本数); `None` uses the policy's setting.
    pub count_start_day: Option<bool>,
    /// Deadline-time override for `wd` amounts; `None` uses the policy's setting.
    pub deadline_at: Option<DeadlineAt>,
}

impl Limit {
    /// A limit of `amount` on its default basis.
    pub fn new(amount: Amount) -> Self {
        Limit {
            amount,
            clock: default_basis(amount),
            from: None,
            count_start_day: None,
            deadline_at: None,
        }
    }

    /// Checks that the amount and the basis combine (table in the module docs).
    pub fn check(&self) -> Result<(), String> {
        match (self.amount, self.clock) {
            (Amount::WorkingHours { .. }, TimeBasis::Natural | TimeBasis::Workdays) => Err(
                "a `wh` amount is office working time: use clock = \"office\" (or write `h`)"
                    .into(),
            ),
            (Amount::WorkingDays(_), TimeBasis::Natural) => Err(
                "a `wd` amount needs a working clock: use clock = \"office\" or \"workdays\""
                    .into(),
            ),
            (Amount::Time { .. } | Amount::WorkingHours { .. }, _)
                if self.count_start_day.is_some() || self.deadline_at.is_some() =>
            {
                Err("count_start_day and deadline_at apply to `wd` amounts only".into())
            }
            _ => Ok(()),
        }
    }
}

/// The basis a limit uses when its `clock` key is omitted.
pub fn default_basis(amount: Amount) -> TimeBasis {
    match amount {
        Amount::Time { .. } => TimeBasis::Natural,
        Amount::WorkingHours { .. } | Amount::WorkingDays(_) => TimeBasis::Office,
    }
}

/// A limit slot in a rule: a limit, or `"none"` (the clock has no limit; later rules are not
/// consulted for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Setting {
    /// The clock runs with this limit.
    Limit(Limit),
    /// The clock has no limit for matching tickets.
    Off,
}

impl Setting {
    /// The limit, if any.
    pub fn limit(self) -> Option<Limit> {
        match self {
            Setting::Limit(l) => Some(l),
            Setting::Off => None,
        }
    }
}

/// Table form of a limit: `{ amount = "3wd", clock = "office", from = "signed" }`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitTable {
    amount: Amount,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    clock: Option<TimeBasis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    from: Option<StartAt>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    count_start_day: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    deadline_at: Option<DeadlineAt>,
}

impl LimitTable {
    fn into_limit(self) -> Result<Limit, String> {
        let limit = Limit {
            amount: self.amount,
            clock: self.clock.unwrap_or_else(|| default_basis(self.amount)),
            from: self.from,
            count_start_day: self.count_start_day,
            deadline_at: self.deadline_at,
        };
        limit.check()?;
        Ok(limit)
    }
}

struct SettingVisitor;

impl<'de> de::Visitor<'de> for SettingVisitor {
    type Value = Setting;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an amount such as \"3wd\", \"none\", or a table { amount, clock, from }")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Setting, E> {
        if v == "none" {
            return Ok(Setting::Off);
        }
        let amount: Amount = v.parse().map_err(E::custom)?;
        Ok(Setting::Limit(Limit::new(amount)))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Setting, A::Error> {
        let table = LimitTable::deserialize(de::value::MapAccessDeserializer::new(map))?;
        table
            .into_limit()
            .map(Setting::Limit)
            .map_err(de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Setting {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SettingVisitor)
    }
}

impl Serialize for Setting {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Setting::Limit(l) => l.serialize(s),
            Setting::Off => s.serialize_str("none"),
        }
    }
}

impl<'de> Deserialize<'de> for Limit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match d.deserialize_any(SettingVisitor)? {
            Setting::Limit(l) => Ok(l),
            Setting::Off => Err(de::Error::custom("expected a limit, found \"none\"")),
        }
    }
}

impl Serialize for Limit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        LimitTable {
            amount: self.amount,
            clock: Some(self.clock),
            from: self.from,
            count_start_day: self.count_start_day,
            deadline_at: self.deadline_at,
        }
        .serialize(s)
    }
}

/// The limits that apply to one assignment; `None` means the clock has no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Limits {
    /// 签收 limit.
    pub sign: Option<Limit>,
    /// 先行联系 limit.
    pub contact: Option<Limit>,
    /// 反馈 limit.
    pub reply: Option<Limit>,
    /// 办结 limit.
    pub complete: Option<Limit>,
    /// 退单 window.
    pub return_window: Option<Limit>,
}

impl Limits {
    /// The limit of `clock`.
    pub fn get(&self, clock: Clock) -> Option<&Limit> {
        match clock {
            Clock::Sign => self.sign.as_ref(),
            Clock::Contact => self.contact.as_ref(),
            Clock::Reply => self.reply.as_ref(),
            Clock::Complete => self.complete.as_ref(),
            Clock::ReturnWindow => self.return_window.as_ref(),
        }
    }

    /// Mutable slot of `clock`.
    pub fn slot_mut(&mut self, clock: Clock) -> &mut Option<Limit> {
        match clock {
            Clock::Sign => &mut self.sign,
            Clock::Contact => &mut self.contact,
            Clock::Reply => &mut self.reply,
            Clock::Complete => &mut self.complete,
            Clock::ReturnWindow => &mut self.return_window,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amount_and_basis_combine() {
        let l: Limit = serde_json::from_str("\"3wd\"").unwrap();
        assert_eq!(l.clock, TimeBasis::Office);
        let l: Limit = serde_json::from_str("\"24h\"").unwrap();
        assert_eq!(l.clock, TimeBasis::Natural);
        let l: Limit =
            serde_json::from_str(r#"{"amount":"24h","clock":"workdays","from":"signed"}"#).unwrap();
        assert_eq!(l.clock, TimeBasis::Workdays);
        assert_eq!(l.from, Some(StartAt::Signed));
        for bad in [
            r#"{"amount":"2wh","clock":"natural"}"#,
            r#"{"amount":"2wh","clock":"workdays"}"#,
            r#"{"amount":"3wd","clock":"natural"}"#,
            r#"{"amount":"2h","deadline_at":"midnight"}"#,
            r#"{"amount":"2h","bogus":1}"#,
        ] {
            assert!(serde_json::from_str::<Limit>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn round_trips_through_json() {
        let l: Limit =
            serde_json::from_str(r#"{"amount":"5wd","clock":"workdays","count_start_day":true}"#)
                .unwrap();
        let back: Limit = serde_json::from_str(&serde_json::to_string(&l).unwrap()).unwrap();
        assert_eq!(back, l);
    }
}
