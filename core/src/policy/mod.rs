//! Time-limit policies (时限, SPEC §4): which limits apply to which ticket and unit.
//!
//! A policy is data — a TOML or JSON file — with an ordered list of rules. Each rule has a `when`
//! predicate ([`When`]) and sets limits for some of the five clocks ([`Clock`]). **For each clock,
//! the first rule that matches and sets that clock wins**; a rule may set a clock to `"none"` to
//! stop the search (no limit). So a rule for urgent tickets can add a reply limit without
//! repeating every completion limit.
//!
//! ```
//! use hotline_score::policy::{Clock, Policy};
//! let p = Policy::from_toml_str(r#"
//!     name = "demo"
//!     [[rules]]
//!     when = { kind = "consult" }
//!     limits.complete = "3wd"
//!     [[rules]]
//!     limits = { sign = { amount = "24h", clock = "workdays" }, complete = "5wd" }
//! "#)?;
//! assert_eq!(p.rules.len(), 2);
//! assert_eq!(p.rules[1].limits.get(Clock::Complete).unwrap().limit().unwrap().amount.to_string(), "5wd");
//! # Ok::<(), hotline_score::Error>(())
//! ```

mod builtin;
mod limit;
mod load;
pub use load::MAX_POLICY_BYTES;
mod options;
mod when;

use serde::{Deserialize, Deserializer, Serialize};

pub use crate::calendar::DeadlineAt;
pub use builtin::BUILTIN;
pub use limit::{Clock, Limit, Limits, Setting, StartAt, TimeBasis, default_basis};
pub(crate) use load::at_pos;
pub use options::{CompleteOn, ExtensionPolicy, Redispatch, StatusPolicy, Threshold, same_kind};
pub use when::{Subject, When};

/// The policy file schema version this build reads.
pub const POLICY_SCHEMA_VERSION: u32 = 1;

/// A time-limit policy: options plus ordered rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// File format version; must be [`POLICY_SCHEMA_VERSION`].
    #[serde(
        default = "schema_version",
        deserialize_with = "checked_schema_version"
    )]
    pub schema_version: u32,
    /// Short identifier, e.g. `henan`.
    pub name: String,
    /// Human title.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// Where the limits come from (regulation, notice).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// Count the start day as day 1 of an N-working-days limit (含本数); default `false`.
    #[serde(default)]
    pub count_start_day: bool,
    /// Where N-working-days limits end on their last day.
    #[serde(default)]
    pub deadline_at: DeadlineAt,
    /// Completion clock of a new assignment after an accepted return.
    #[serde(default)]
    pub redispatch: Redispatch,
    /// What stops the completion clock.
    #[serde(default)]
    pub complete_on: CompleteOn,
    /// Extension (延期) limits.
    #[serde(default, deserialize_with = "checked_extension")]
    pub extension: ExtensionPolicy,
    /// Deadline-status thresholds.
    #[serde(default)]
    pub status: StatusPolicy,
    /// Ordered rules: a policy read from a file has at least one (without rules no ticket has a
    /// deadline, which is never what a policy file means).
    #[serde(default)]
    pub rules: Vec<Rule>,
}

/// One rule: a predicate and the limits it sets.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Label shown in explanations.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Which tickets and units the rule applies to (absent: all).
    #[serde(default)]
    pub when: When,
    /// The limits the rule sets (clocks it does not mention fall through to later rules).
    #[serde(default)]
    pub limits: RuleLimits,
}

/// The clocks a rule sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleLimits {
    /// 签收 (always from the dispatch: `from = "signed"` is refused).
    #[serde(
        default,
        deserialize_with = "sign_setting",
        skip_serializing_if = "Option::is_none"
    )]
    pub sign: Option<Setting>,
    /// 先行联系.
    #[serde(
        default,
        deserialize_with = "present_setting",
        skip_serializing_if = "Option::is_none"
    )]
    pub contact: Option<Setting>,
    /// 反馈.
    #[serde(
        default,
        deserialize_with = "present_setting",
        skip_serializing_if = "Option::is_none"
    )]
    pub reply: Option<Setting>,
    /// 办结.
    #[serde(
        default,
        deserialize_with = "present_setting",
        skip_serializing_if = "Option::is_none"
    )]
    pub complete: Option<Setting>,
    /// 退单 window.
    #[serde(
        default,
        deserialize_with = "present_setting",
        skip_serializing_if = "Option::is_none"
    )]
    pub return_window: Option<Setting>,
}

/// A limit that is given: a JSON `null` is refused, not read as "not set" — the next rule's
/// limit then applied, when `"none"` (no limit) was most likely meant (a policy audit).
fn present_setting<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Setting>, D::Error> {
    Setting::deserialize(d).map(Some)
}

/// A sign-for limit: it starts at the dispatch, so `from = "signed"` (its own end) is refused
/// rather than ignored.
fn sign_setting<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Setting>, D::Error> {
    let setting = Setting::deserialize(d)?;
    if setting
        .limit()
        .is_some_and(|l| l.from == Some(StartAt::Signed))
    {
        return Err(serde::de::Error::custom(
            "the sign-for clock runs from the dispatch to the sign-for: `from = \"signed\"` \
             would start it at its own end; leave `from` out",
        ));
    }
    Ok(Some(setting))
}

impl RuleLimits {
    /// The setting of `clock`, if the rule mentions it.
    pub fn get(&self, clock: Clock) -> Option<Setting> {
        match clock {
            Clock::Sign => self.sign,
            Clock::Contact => self.contact,
            Clock::Reply => self.reply,
            Clock::Complete => self.complete,
            Clock::ReturnWindow => self.return_window,
        }
    }
}

impl Policy {
    /// Every rule setting of a clock that can never apply, in rule then clock order:
    /// `(rule, clock, earlier)`, where rule `earlier` is the first to match every ticket and unit
    /// rule `rule` matches and to set `clock` (for each clock the first matching rule that sets
    /// it wins).
    pub(crate) fn shadowed(&self) -> Vec<(usize, Clock, usize)> {
        self.rules
            .iter()
            .enumerate()
            .flat_map(|(j, rule)| {
                Clock::ALL.iter().filter_map(move |&clock| {
                    rule.limits.get(clock)?;
                    let earlier =
                        self.rules.get(..j)?.iter().position(|r| {
                            r.limits.get(clock).is_some() && r.when.covers(&rule.when)
                        })?;
                    Some((j, clock, earlier))
                })
            })
            .collect()
    }

    /// The limits for `ticket` assigned to a unit of group `unit_group`.
    pub fn limits_for(&self, ticket: &crate::ticket::Ticket, unit_group: &str) -> Limits {
        self.limits_for_subject(&Subject {
            kind: ticket.kind,
            urgency: ticket.urgency,
            channel: &ticket.channel,
            group: unit_group,
            attributes: &ticket.attributes,
        })
    }

    /// The limits for one ticket seen from one assigned unit: per clock, the first matching rule
    /// that sets it.
    pub fn limits_for_subject(&self, subject: &Subject<'_>) -> Limits {
        let mut out = Limits::default();
        let mut decided = [false; 5];
        for rule in &self.rules {
            if !rule.when.matches(subject) {
                continue;
            }
            for (clock, done) in Clock::ALL.iter().zip(decided.iter_mut()) {
                if *done {
                    continue;
                }
                if let Some(setting) = rule.limits.get(*clock) {
                    *out.slot_mut(*clock) = setting.limit();
                    *done = true;
                }
            }
            if decided.iter().all(|d| *d) {
                break;
            }
        }
        out
    }

    /// Whether every rule looks only at kind, urgency and unit group, so limits can be tabulated
    /// per (kind, urgency, group).
    pub fn is_simple(&self) -> bool {
        self.rules.iter().all(|r| r.when.is_simple())
    }

    /// `count_start_day` of `limit`, falling back to the policy's.
    pub fn count_start_day(&self, limit: &Limit) -> bool {
        limit.count_start_day.unwrap_or(self.count_start_day)
    }

    /// `deadline_at` of `limit`, falling back to the policy's.
    pub fn deadline_at(&self, limit: &Limit) -> DeadlineAt {
        limit.deadline_at.unwrap_or(self.deadline_at)
    }
}

fn schema_version() -> u32 {
    POLICY_SCHEMA_VERSION
}

fn checked_schema_version<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let v = u32::deserialize(d)?;
    if v != POLICY_SCHEMA_VERSION {
        return Err(serde::de::Error::custom(format!(
            "unsupported schema_version {v}: this build reads version {POLICY_SCHEMA_VERSION}"
        )));
    }
    Ok(v)
}

fn checked_extension<'de, D: Deserializer<'de>>(d: D) -> Result<ExtensionPolicy, D::Error> {
    let e = ExtensionPolicy::deserialize(d)?;
    e.check().map_err(serde::de::Error::custom)?;
    Ok(e)
}
